// The QA review queue: walk a batch of audit findings, most suspicious first, one key per decision.
// Plain JavaScript, no build step, nothing inline (the page runs under a strict CSP). Texts in Portuguese.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const KIND_TEXT = {
    unsupported: "marcado, sem apoio no texto",
    missing: "não marcado, mas o texto indica",
    flag_missed: "Ameaça Judicialização não marcada, mas o texto indica",
    flag_unsupported: "Ameaça Judicialização marcada, sem apoio no texto",
  };
  const DECISION_TEXT = { upheld: "procede (o colaborador errou)", rejected: "não procede (o colaborador acertou)", unsure: "dúvida" };
  const RULE_TEXTS = {
    status_required: "marque o Status retenção",
    outros_needs_justification: "\"Outros\" exige justificativa na Obs. Geral do formulário",
    desligamento_needs_reason: "com o status Desligamento, marque pelo menos uma caixa do Motivo desligamento",
    reason_not_on_form_version: "uma das caixas marcadas não existe nesta versão do formulário",
  };
  const boxes = Array.from(document.querySelectorAll("#correction input[type=checkbox]"));
  const flagBox = document.querySelector("#correction input[name=judicializacao]");
  const labels = {};
  boxes.forEach((box) => { labels[box.value] = document.querySelector(`label[for="${box.id}"]`).textContent; });

  let items = [];
  let index = 0;
  let current = null; // the finding shown, with its details
  let correctionMode = null; // "upheld" or "rejected" while the correction form is open

  // ---- messages and calls -----------------------------------------------------------------
  function showMessage(text, ok) {
    const box = $("message");
    box.textContent = text;
    box.classList.toggle("ok", Boolean(ok));
    box.hidden = false;
  }
  function errorText(status, body) {
    if (status === 401) return "Token inválido ou ausente. Informe um token de QA.";
    if (status === 403) return "Seu token não tem permissão: a revisão é para tokens de QA ou de administrador.";
    const problems = (body && body.problems) || [];
    const rules = problems.filter((p) => RULE_TEXTS[p.rule]);
    if (status === 422 && rules.length) return "A correção não atende às regras do formulário — " + rules.map((p) => RULE_TEXTS[p.rule]).join("; ") + ".";
    if (status === 422 && /status/.test(problems.map((p) => p.field).join(" "))) return "Informe o Status retenção do formulário.";
    if (status === 404) return "Lote ou achado não encontrado.";
    return `O serviço respondeu com erro (código ${status}). Tente de novo em instantes.`;
  }
  async function call(method, path, body) {
    let response;
    try {
      response = await fetch(path, {
        method,
        headers: { "Content-Type": "application/json", ...token.header() },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (problem) {
      showMessage("Não foi possível falar com o serviço motivo. Verifique a conexão e tente de novo.");
      return null;
    }
    const answer = await response.json().catch(() => null);
    if (!response.ok) {
      if (response.status === 401) token.refused();
      showMessage(errorText(response.status, answer));
      return null;
    }
    return answer;
  }

  // ---- token --------------------------------------------------------------------------------
  // Asked once: a reviewer's token stays in this browser.
  const token = motivoToken.panel({
    key: "motivo.qa-token",
    keep: "local",
    onSave: () => {
      $("message").hidden = true;
      loadBatches();
    },
  });

  // ---- batches and items --------------------------------------------------------------------
  async function loadBatches() {
    const answer = await call("GET", "/v1/reviews/batches");
    if (!answer) return;
    const select = $("batch");
    select.replaceChildren();
    answer.batches.forEach((b) => {
      const option = document.createElement("option");
      option.value = b.batch;
      option.textContent = `${b.batch} (${b.decided} de ${b.findings} decididos)`;
      select.appendChild(option);
    });
    if (!answer.batches.length) {
      $("finding-title").textContent = "Nenhum lote de revisão. Crie um com: motivo audit ARQUIVO --review NOME";
      return;
    }
    const wanted = new URLSearchParams(location.search).get("lote");
    if (wanted && answer.batches.some((b) => b.batch === wanted)) select.value = wanted;
    loadBatch(select.value);
  }
  $("batch").addEventListener("change", () => loadBatch($("batch").value));

  async function loadBatch(name) {
    const answer = await call("GET", `/v1/reviews?batch=${encodeURIComponent(name)}`);
    if (!answer) return;
    items = answer.items;
    const pending = items.findIndex((item) => !item.decision);
    await show(pending < 0 ? 0 : pending);
    loadStats();
  }

  async function loadStats() {
    const answer = await call("GET", `/v1/reviews/stats?batch=${encodeURIComponent($("batch").value)}`);
    if (!answer) return;
    const share = answer.upheld_share === null ? "—" : `${Math.round(answer.upheld_share * 100)}%`;
    $("batch-summary").textContent = `${answer.findings} achados · ${answer.decided} decididos · procedentes ${share}`;
    const option = $("batch").selectedOptions[0];
    if (option) option.textContent = `${answer.batch} (${answer.decided} de ${answer.findings} decididos)`;
    const body = document.querySelector("#stats-table tbody");
    body.replaceChildren();
    Object.entries(answer.by_agent).forEach(([agent, t]) => {
      const row = document.createElement("tr");
      const upheld = t.upheld_share === null ? "—" : `${Math.round(t.upheld_share * 100)}%`;
      [agent || "(sem colaborador)", t.findings, t.decided, upheld].forEach((value) => {
        const cell = document.createElement("td");
        cell.textContent = String(value);
        row.appendChild(cell);
      });
      body.appendChild(row);
    });
  }

  // ---- one finding --------------------------------------------------------------------------
  function pct(p) { return `${Math.round(p * 100)}%`; }
  function quotes(evidence) {
    return evidence.slice(0, 3).map((s) => `«${s.text}»`).join(", ") || "nenhuma palavra clara";
  }
  function boxesText(list) {
    return list.map((b) => `${labels[b.code] || b.code} (${pct(b.probability)}): ${quotes(b.evidence)}`).join("; ");
  }
  function sideLines(item) {
    const label = labels[item.code] || item.code;
    if (item.kind === "unsupported" || item.kind === "flag_unsupported") {
      return [
        `A favor da marcação de ${label} (${pct(item.probability)}): ${quotes(item.evidence)}`,
        "Por que o modelo discorda — o texto sustenta mais: " + (item.instead.length ? boxesText(item.instead) : "nenhum outro motivo"),
      ];
    }
    return [
      `O texto indica ${label} (${pct(item.probability)}): ${quotes(item.evidence)}`,
      "Marcado em vez disso: " + (item.instead.length ? boxesText(item.instead) : "nenhum motivo"),
    ];
  }
  function highlightSpans(item) {
    if ((item.kind === "unsupported" || item.kind === "flag_unsupported") && item.instead.length) {
      return item.instead.flatMap((b) => b.evidence);
    }
    return item.evidence;
  }
  function noteElement(title, text, spans) {
    const note = document.createElement("div");
    note.className = "note";
    const heading = document.createElement("b");
    heading.textContent = title;
    note.appendChild(heading);
    let last = 0;
    spans.slice().sort((a, b) => a.start - b.start).forEach((span) => {
      if (span.start < last) return;
      note.appendChild(document.createTextNode(text.slice(last, span.start)));
      const mark = document.createElement("mark");
      mark.textContent = text.slice(span.start, span.end);
      note.appendChild(mark);
      last = span.end;
    });
    note.appendChild(document.createTextNode(text.slice(last)));
    return note;
  }
  function renderNotes(item) {
    const spans = highlightSpans(item);
    const container = $("notes");
    container.replaceChildren();
    item.observations.forEach((text, i) => {
      if (text) container.appendChild(noteElement(`${i + 1}º contato — Obs.`, text, spans.filter((s) => s.field === "observations" && s.index === i)));
    });
    if (item.general_note) container.appendChild(noteElement("Obs. Geral", item.general_note, spans.filter((s) => s.field === "general_note")));
  }
  function tickedText(item) {
    const ticked = item.ticked_reasons.map((code) => labels[code] || code);
    if (item.ticked_flag) ticked.push(labels[flagBox.value]);
    return ticked.join(", ") || "nenhuma caixa";
  }

  async function show(i) {
    closeCorrection();
    if (!items.length) return;
    index = Math.max(0, Math.min(i, items.length - 1));
    const item = await call("GET", `/v1/reviews/${items[index].id}`);
    if (!item) return;
    current = item;
    $("position").textContent = `Achado ${index + 1} de ${items.length}`;
    $("finding-title").textContent = `${labels[item.code] || item.code} — ${KIND_TEXT[item.kind] || item.kind}`;
    $("finding-meta").textContent = `Formulário ${item.form_id}` + (item.agent ? ` · Colaborador ${item.agent}` : "") +
      ` · probabilidade ${pct(item.probability)} · suspeita ${item.score.toFixed(2)}`;
    const sides = $("sides");
    sides.replaceChildren();
    sideLines(item).forEach((line) => {
      const li = document.createElement("li");
      li.textContent = line;
      sides.appendChild(li);
    });
    renderNotes(item);
    $("ticked").textContent = tickedText(item);
    $("decision-state").textContent = item.decision ? DECISION_TEXT[item.decision] : "pendente";
  }

  // ---- decisions ----------------------------------------------------------------------------
  async function decide(decision, corrected) {
    if (!current) return;
    const body = corrected ? { decision, corrected } : { decision };
    const answer = await call("POST", `/v1/reviews/${current.id}/decision`, body);
    if (!answer) return;
    items[index].decision = decision;
    showMessage(`Decisão registrada no formulário ${current.form_id}: ${DECISION_TEXT[decision]}.`, true);
    loadStats();
    if (index < items.length - 1) await show(index + 1);
    else await show(index);
  }

  function openCorrection(mode) {
    if (!current) return;
    correctionMode = mode;
    const ticked = new Set(current.ticked_reasons);
    let flag = Boolean(current.ticked_flag);
    if (mode === "upheld") {
      if (current.kind === "unsupported") ticked.delete(current.code);
      if (current.kind === "missing") ticked.add(current.code);
      if (current.kind === "flag_missed") flag = true;
      if (current.kind === "flag_unsupported") flag = false;
    }
    boxes.forEach((box) => {
      box.checked = box === flagBox ? flag : ticked.has(box.value);
      box.disabled = mode === "rejected";
    });
    flagBox.disabled = mode === "rejected" && current.ticked_flag !== null;
    document.querySelectorAll("#correction input[name=status]").forEach((radio) => { radio.checked = radio.value === current.status; });
    $("correction-title").textContent = mode === "upheld"
      ? "Caixas corrigidas: como o formulário deveria estar"
      : "Não procede: informe o Status retenção (as caixas do colaborador ficam como estão)";
    $("correction").hidden = false;
    $("save-correction").focus();
  }
  function closeCorrection() {
    correctionMode = null;
    $("correction").hidden = true;
  }
  $("correction").addEventListener("submit", (event) => {
    event.preventDefault();
    const status = document.querySelector("#correction input[name=status]:checked");
    const corrected = {
      reasons: boxes.filter((b) => b !== flagBox && b.checked).map((b) => b.value),
      judicializacao: flagBox.checked,
      status: status ? status.value : null,
    };
    decide(correctionMode, corrected);
  });
  $("cancel-correction").addEventListener("click", closeCorrection);

  function reject() {
    if (current && current.status && current.ticked_flag !== null) decide("rejected");
    else openCorrection("rejected");
  }
  $("upheld").addEventListener("click", () => openCorrection("upheld"));
  $("rejected").addEventListener("click", reject);
  $("unsure").addEventListener("click", () => decide("unsure"));
  $("next").addEventListener("click", () => show(index + 1));
  $("previous").addEventListener("click", () => show(index - 1));

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "Escape") { closeCorrection(); return; }
    const target = event.target;
    if (token.isOpen() || correctionMode || target.matches("input, select, textarea")) return;
    const actions = {
      p: () => openCorrection("upheld"),
      n: reject,
      d: () => decide("unsure"),
      j: () => show(index + 1),
      ArrowRight: () => show(index + 1),
      k: () => show(index - 1),
      ArrowLeft: () => show(index - 1),
    };
    const action = actions[event.key.length === 1 ? event.key.toLowerCase() : event.key];
    if (action) { event.preventDefault(); action(); }
  });

  if (token.get()) loadBatches();
  else token.show();
})();

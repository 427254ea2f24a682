// The agents' page: suggestions while typing, evidence highlights, confirmation.
// Plain JavaScript, no build step. Texts shown to agents are in Portuguese.
"use strict";

(function () {
  const DRAFT_KEY = "motivo.draft";
  const DEBOUNCE_MS = 400;
  const OUTROS_RULE = 'OBRIGATÓRIO JUSTIFICATIVA CASO SELECIONE "OUTROS".';

  const $ = (id) => document.getElementById(id);
  const notes = Array.from(document.querySelectorAll("textarea.note"));
  const observationBoxes = notes.filter((n) => n.dataset.field === "observations");
  const generalBox = $("general-note");
  const reasonRows = Array.from(document.querySelectorAll(".reason"));
  const flagCode = document.querySelector(".flag-reason").dataset.code;

  let draftFormId = null; // the form id of this draft when the agent typed none: a second Confirmar replaces
  let lastSuggestion = null;
  let suggestionFor = null; // the request body the current suggestion answers
  let inFlight = null;
  let timer = null;

  // ---- messages -------------------------------------------------------------------------
  function showMessage(text, ok) {
    const box = $("message");
    box.textContent = text;
    box.classList.toggle("ok", Boolean(ok));
    box.hidden = false;
  }
  function clearMessage() {
    $("message").hidden = true;
  }
  // What Confirmar did is said next to the button (and read out by screen readers).
  function showResult(text, ok) {
    const box = $("confirm-result");
    box.textContent = text;
    box.classList.toggle("ok", Boolean(ok));
    box.hidden = false;
  }
  function clearResult() {
    $("confirm-result").hidden = true;
  }

  const FIELD_NAMES = { general_note: "Obs. Geral", form_id: "identificação do formulário", body: "formulário" };
  function fieldName(field) {
    const contact = /^observations\[(\d+)\]$/.exec(field);
    if (contact) return `${Number(contact[1]) + 1}º contato`;
    if (field === "observations") return "contatos";
    if (field.endsWith("reasons")) return "motivos";
    return FIELD_NAMES[field] || field;
  }
  function problemText(problem) {
    if (/no text/.test(problem)) return "escreva pelo menos uma observação";
    const tooLong = /at most (\d+) characters/.exec(problem);
    if (tooLong) return `texto longo demais (máximo de ${tooLong[1]} caracteres)`;
    return problem;
  }
  // The form's rules, checked by the service (422 with the rule's code).
  const RULE_TEXTS = {
    status_required: "marque o Status retenção (Retenção Efetiva, Desligamento ou Não se trata de Retenção)",
    outros_needs_justification: `${OUTROS_RULE} Escreva a justificativa na Obs. Geral`,
    desligamento_needs_reason: "com o status Desligamento, marque pelo menos uma caixa do Motivo desligamento (Ameaça Judicialização também conta)",
    reason_not_on_form_version: "uma das caixas marcadas não existe nesta versão do formulário",
  };
  function errorText(status, body) {
    if (status === 401) return "Token inválido ou ausente. Informe um token válido para continuar; o que você digitou continua no formulário.";
    if (status === 403 && body && body.owner) {
      return `Este formulário já foi confirmado por ${body.owner}: só ${body.owner} ou a revisão de qualidade (QA) podem alterá-lo. Confira o Nº do protocolo.`;
    }
    if (status === 403) return "Seu token não tem permissão para esta ação. Peça ao administrador um token de atendente.";
    const rules = ((body && body.problems) || []).filter((p) => RULE_TEXTS[p.rule]);
    if (status === 422 && rules.length) {
      return "O formulário não atende às regras — " + rules.map((p) => RULE_TEXTS[p.rule]).join("; ") + ".";
    }
    if (status === 413) return "O texto é grande demais para ser enviado de uma vez. Divida-o entre os contatos.";
    if (status === 422 && body && body.problems && body.problems.length) {
      const parts = body.problems.map((p) => `${fieldName(p.field)}: ${problemText(p.problem)}`);
      return "O serviço recusou os dados — " + parts.join("; ") + ".";
    }
    if (status === 503) return "O serviço está sem modelo carregado no momento. Tente de novo em instantes.";
    return `O serviço respondeu com erro (código ${status}). Tente de novo em instantes; nada do que você digitou foi perdido.`;
  }
  const NETWORK_ERROR = "Não foi possível falar com o serviço motivo. Verifique a conexão e tente de novo — o que você digitou continua no formulário.";

  // ---- token ----------------------------------------------------------------------------
  // The token lasts the browser session unless the agent asks to be remembered (agents' PCs
  // may be shared); drafts hold unmasked notes, so they never outlive the tab.
  const token = motivoToken.panel({
    key: "motivo.token",
    keep: "session",
    onSave: () => {
      clearMessage();
      scheduleSuggest(0);
    },
  });

  // ---- the case -------------------------------------------------------------------------
  function currentCase() {
    const texts = observationBoxes.map((box) => box.value);
    let last = texts.length - 1;
    while (last >= 0 && !texts[last].trim()) last -= 1;
    return { observations: texts.slice(0, last + 1), general_note: generalBox.value };
  }
  function hasText(c) {
    return c.observations.some((t) => t.trim()) || c.general_note.trim() !== "";
  }
  function saveDraft() {
    const draft = {
      form_id: $("form-id").value,
      draft_form_id: draftFormId,
      notes: notes.map((n) => n.value),
      ticked: reasonRows.filter((r) => r.querySelector("input").checked).map((r) => r.dataset.code),
      status: (document.querySelector('input[name="status"]:checked') || {}).value || null,
    };
    sessionStorage.setItem(DRAFT_KEY, JSON.stringify(draft));
  }
  function restoreDraft() {
    try {
      const draft = JSON.parse(sessionStorage.getItem(DRAFT_KEY) || "null");
      if (!draft) return;
      $("form-id").value = draft.form_id || "";
      draftFormId = draft.draft_form_id || null;
      (draft.notes || []).forEach((text, i) => { if (notes[i]) notes[i].value = text; });
      (draft.ticked || []).forEach((code) => { const box = $(`reason-${code}`); if (box) box.checked = true; });
      if (draft.status) { const radio = $(`status-${draft.status}`); if (radio) radio.checked = true; }
    } catch (error) {
      sessionStorage.removeItem(DRAFT_KEY);
    }
  }

  // ---- calling the service --------------------------------------------------------------
  async function call(path, body, signal) {
    const response = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...token.header() },
      body: JSON.stringify(body),
      signal,
    });
    let payload = null;
    try { payload = await response.json(); } catch (error) { payload = null; }
    return { status: response.status, body: payload };
  }

  function scheduleSuggest(delay) {
    clearTimeout(timer);
    timer = setTimeout(suggestNow, delay === undefined ? DEBOUNCE_MS : delay);
  }

  async function suggestNow() {
    const body = currentCase();
    if (!hasText(body)) {
      renderSuggestion(null);
      $("suggest-state").textContent = "Escreva as observações para ver as sugestões.";
      return null;
    }
    if (!token.get()) {
      token.show();
      showMessage("Informe o token de acesso para receber sugestões.");
      return null;
    }
    if (inFlight) inFlight.abort();
    inFlight = new AbortController();
    $("suggest-state").textContent = "Atualizando sugestões…";
    try {
      // One id per form being written: the live measures count drafts, not pauses in typing.
      if (!draftFormId) { draftFormId = newDraftId(); saveDraft(); }
      const { status, body: answer } = await call("/v1/suggest", { ...body, draft_id: draftFormId }, inFlight.signal);
      if (status === 200) {
        clearMessage();
        lastSuggestion = answer;
        suggestionFor = JSON.stringify(body);
        renderSuggestion(answer);
        return answer;
      }
      if (status === 401) token.refused();
      showMessage(errorText(status, answer));
      $("suggest-state").textContent = "Sem sugestões: veja a mensagem acima.";
    } catch (error) {
      if (error.name === "AbortError") return null;
      showMessage(NETWORK_ERROR);
      $("suggest-state").textContent = "Sem sugestões: o serviço não respondeu.";
    }
    return null;
  }

  // ---- showing suggestions --------------------------------------------------------------
  // A model's probability is never a certainty: show 1–99 %, never 0 % or 100 %.
  const percent = (p) => `${Math.min(99, Math.max(1, Math.round(p * 100)))}%`;

  function renderSuggestion(suggestion) {
    const byCode = {};
    if (suggestion) {
      suggestion.reasons.forEach((r) => { byCode[r.code] = r; });
      byCode[flagCode] = { code: flagCode, probability: suggestion.judicializacao.probability,
                           suggested: suggestion.judicializacao.flag, evidence: suggestion.judicializacao.evidence };
    }
    reasonRows.forEach((row) => {
      const item = byCode[row.dataset.code];
      const badge = row.querySelector(".badge");
      const show = Boolean(item && item.suggested);
      const possible = Boolean(item && !item.suggested && item.possible);
      row.classList.toggle("suggested", show);
      row.classList.toggle("possible", possible);
      badge.hidden = !(show || possible);
      badge.textContent = show ? percent(item.probability) : possible ? `possível ${percent(item.probability)}` : "";
      badge.setAttribute(
        "aria-label",
        show ? `sugerido, probabilidade ${percent(item.probability)}`
          : possible ? `possível, probabilidade ${percent(item.probability)}` : "",
      );
    });
    const abstain = $("abstain");
    const threat = $("threat");
    if (!suggestion) {
      abstain.hidden = true;
      threat.hidden = true;
      $("model-version").textContent = "";
      highlight(null);
      return;
    }
    const suggested = suggestion.reasons.filter((r) => r.suggested);
    const possible = suggestion.reasons.filter((r) => !r.suggested && r.possible);
    const named = (list) => list.map((r) => `${r.label} (${percent(r.probability)})`).join(", ");
    $("suggest-state").textContent = suggested.length
      ? `Sugestões: ${named(suggested)}.`
      : suggestion.no_reason ? "Nenhum motivo identificado no texto até agora." : "Nenhum motivo com confiança suficiente.";
    if (suggestion.abstain && possible.length) {
      // Only reasons the text gives some weight to: never a list of near-zero guesses.
      abstain.textContent = `O modelo ainda não tem confiança para sugerir. Possíveis: ${named(possible.slice(0, 3))}.`;
      abstain.hidden = false;
    } else {
      abstain.hidden = true;
    }
    if (suggestion.judicializacao.flag) {
      $("threat-probability").textContent = ` (${percent(suggestion.judicializacao.probability)})`;
      const quotes = suggestion.judicializacao.evidence.slice(0, 3).map((e) => `“${e.text}”`);
      $("threat-evidence").textContent = quotes.length ? `No texto: ${quotes.join(" · ")}` : "";
      threat.hidden = false;
    } else {
      threat.hidden = true;
    }
    $("model-version").textContent = `Modelo ${suggestion.model_version}`;
    highlight(activeCode);
  }

  // ---- evidence highlights --------------------------------------------------------------
  let activeCode = null;

  // The service counts offsets in Unicode code points; JavaScript strings index UTF-16 units.
  function utf16Offset(text, codePoints) {
    let units = 0;
    let seen = 0;
    for (const ch of text) {
      if (seen === codePoints) break;
      units += ch.length;
      seen += 1;
    }
    return units;
  }
  function escapeHtml(text) {
    return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  }
  function backdropFor(box) {
    return box.parentElement.querySelector(".highlights");
  }
  function paint(box, spans) {
    const text = box.value;
    let html = "";
    let last = 0;
    spans
      .map((s) => [utf16Offset(text, s.start), utf16Offset(text, s.end)])
      .sort((a, b) => a[0] - b[0])
      .forEach(([start, end]) => {
        if (start < last || end > text.length) return;
        html += escapeHtml(text.slice(last, start)) + "<mark>" + escapeHtml(text.slice(start, end)) + "</mark>";
        last = end;
      });
    // A trailing newline needs a character after it to take up a line in the mirror.
    backdropFor(box).innerHTML = html + escapeHtml(text.slice(last)) + "\n";
  }
  function evidenceOf(code) {
    if (!lastSuggestion || !code) return [];
    if (code === flagCode) return lastSuggestion.judicializacao.evidence;
    const reason = lastSuggestion.reasons.find((r) => r.code === code);
    return reason ? reason.evidence : [];
  }
  function highlight(code) {
    activeCode = code;
    reasonRows.forEach((row) => row.classList.toggle("active", row.dataset.code === code));
    // Highlights only make sense for the text the suggestion was computed from.
    const current = suggestionFor === JSON.stringify(currentCase());
    const spans = current ? evidenceOf(code) : [];
    notes.forEach((box) => {
      const mine = spans.filter((s) => s.field === box.dataset.field &&
        (s.field === "general_note" || String(s.index) === box.dataset.index));
      paint(box, mine);
    });
  }
  reasonRows.forEach((row) => {
    const code = row.dataset.code;
    row.addEventListener("mouseenter", () => highlight(code));
    row.addEventListener("mouseleave", () => highlight(null));
    const input = row.querySelector("input");
    input.addEventListener("focus", () => highlight(code));
    input.addEventListener("blur", () => highlight(null));
  });
  notes.forEach((box) => {
    box.addEventListener("scroll", () => { backdropFor(box).parentElement.scrollTop = box.scrollTop; });
    box.addEventListener("input", () => {
      paint(box, []);
      clearResult();
      saveDraft();
      scheduleSuggest();
    });
  });
  $("form-id").addEventListener("input", saveDraft);
  document.querySelectorAll('input[type="checkbox"], input[type="radio"]').forEach((input) => {
    input.addEventListener("change", saveDraft);
  });

  // ---- confirming -----------------------------------------------------------------------
  function ticked() {
    return reasonRows
      .filter((row) => row.dataset.code !== flagCode && row.querySelector("input").checked)
      .map((row) => row.dataset.code);
  }

  $("confirm").addEventListener("click", async () => {
    const body = currentCase();
    if (!hasText(body)) {
      showResult("Escreva pelo menos uma observação antes de confirmar.");
      observationBoxes[0].focus();
      return;
    }
    const reasons = ticked();
    if (reasons.includes("outros") && !body.general_note.trim()) {
      showResult(`${OUTROS_RULE} Escreva a justificativa na Obs. Geral.`);
      generalBox.focus();
      return;
    }
    if (!token.get()) {
      token.show();
      showResult("Informe o token de acesso para confirmar.");
      return;
    }
    let suggestion = suggestionFor === JSON.stringify(body) ? lastSuggestion : await suggestNow();
    if (!suggestion) {
      showResult("Não foi possível confirmar: veja a mensagem no topo da página.");
      return; // the message says why; the form is untouched
    }
    const statusInput = document.querySelector('input[name="status"]:checked');
    const request = {
      ...body,
      suggested: {
        model_version: suggestion.model_version,
        reasons: suggestion.reasons.filter((r) => r.suggested).map((r) => r.code),
        judicializacao: suggestion.judicializacao.flag,
      },
      confirmed: {
        reasons,
        judicializacao: $(`reason-${flagCode}`).checked,
        status: statusInput ? statusInput.value : null,
      },
    };
    // Without a typed id, the draft's own: a repeated Confirmar (lost answer, a fix) replaces, not duplicates.
    draftFormId = draftFormId || newDraftId();
    request.form_id = $("form-id").value.trim() || draftFormId;
    request.draft_id = draftFormId;
    saveDraft();
    $("confirm").disabled = true;
    try {
      const { status, body: answer } = await call("/v1/confirmations", request);
      if (status === 201) {
        const replaced = answer.replaced ? ` (substitui a confirmação nº ${answer.replaced} deste formulário)` : "";
        clearForm();
        clearMessage();
        showResult(`Confirmação registrada: nº ${answer.id}${replaced}. Formulário pronto para o próximo caso.`, true);
        return;
      }
      if (status === 401) token.refused();
      showResult(errorText(status, answer));
    } catch (error) {
      showResult(NETWORK_ERROR);
    } finally {
      $("confirm").disabled = false;
    }
  });

  function newDraftId() {
    const bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return "rascunho-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function clearForm() {
    $("form-id").value = "";
    draftFormId = null;
    notes.forEach((box) => { box.value = ""; paint(box, []); });
    document.querySelectorAll('input[type="checkbox"], input[type="radio"]').forEach((input) => { input.checked = false; });
    sessionStorage.removeItem(DRAFT_KEY);
    lastSuggestion = null;
    suggestionFor = null;
    renderSuggestion(null);
    $("suggest-state").textContent = "Escreva as observações para ver as sugestões.";
  }
  // Limpar asks first: a slip of the mouse must not throw away a half-written form.
  $("clear").addEventListener("click", () => $("clear-dialog").showModal());
  $("clear-dialog").addEventListener("close", () => {
    if ($("clear-dialog").returnValue !== "clear") return;
    clearForm();
    clearMessage();
    clearResult();
    observationBoxes[0].focus();
  });

  // ---- start ----------------------------------------------------------------------------
  localStorage.removeItem(DRAFT_KEY); // a draft an older page version left behind
  restoreDraft();
  notes.forEach((box) => paint(box, []));
  if (!token.get()) token.show();
  else if (hasText(currentCase())) scheduleSuggest(0);
})();

// The model keeper's console: reads /v1 JSON with the keeper's token, draws SVG, edits thresholds.
(() => {
  "use strict";
  const SVG = "http://www.w3.org/2000/svg";
  const $ = (id) => document.getElementById(id);
  // The same key as the agents' page: a token that page keeps works here too.
  const token = motivoToken.panel({ key: "motivo.token", keep: "session", onSave: () => load() });
  const pct = (x) => (x === null || x === undefined ? "—" : `${(100 * x).toFixed(1)} %`);
  const EVENTS = { trained: "Treino", promoted: "Promoção", rolled_back: "Reversão", thresholds: "Mudança de limiares",
                   shadow_started: "Desafiante em shadow", shadow_stopped: "Fim do shadow", retrain: "Retreino" };
  let labelsText = {};

  function showMessage(text) { $("message").textContent = text; $("message").hidden = !text; }

  async function call(method, path, body) {
    const options = { method, headers: token.header() };
    if (body !== undefined) { options.headers["Content-Type"] = "application/json"; options.body = JSON.stringify(body); }
    const response = await fetch(path, options);
    let payload = null;
    try { payload = await response.json(); } catch (error) { payload = null; }
    if (response.status === 401) { token.refused(); throw new Error("Token recusado: informe um token válido."); }
    if (response.status === 403) throw new Error("Este painel é para administradores e QA: o token não tem esse papel.");
    if (response.status >= 400) throw new Error((payload && payload.error) || `Erro ${response.status}`);
    return payload;
  }

  function element(tag, attributes, text) {
    const node = document.createElementNS(SVG, tag);
    Object.entries(attributes).forEach(([key, value]) => node.setAttribute(key, value));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // One SVG line per series over the days, 0-100 %.
  function lineChart(container, days, series) {
    const width = 640, height = 220, left = 40, bottom = 24, top = 8;
    const svg = element("svg", { viewBox: `0 0 ${width} ${height}`, class: "svg-chart" });
    const x = (i) => left + (i * (width - left - 8)) / Math.max(days.length - 1, 1);
    const y = (v) => top + (1 - v) * (height - top - bottom);
    [0, 0.5, 1].forEach((v) => {
      svg.append(element("line", { x1: left, x2: width - 8, y1: y(v), y2: y(v), class: "grid-line" }));
      svg.append(element("text", { x: 2, y: y(v) + 4, class: "axis" }, `${v * 100}%`));
    });
    svg.append(element("text", { x: x(0), y: height - 6, class: "axis" }, days[0]));
    svg.append(element("text", { x: x(days.length - 1), y: height - 6, class: "axis", "text-anchor": "end" }, days[days.length - 1]));
    series.forEach(({ values, cls }) => {
      const points = values.map((v, i) => (v === null ? null : `${x(i)},${y(v)}`)).filter(Boolean);
      if (points.length) svg.append(element("polyline", { points: points.join(" "), class: `series ${cls}` }));
      values.forEach((v, i) => {  // a dot per day: one day of data is a point, not a line
        if (v !== null) svg.append(element("circle", { cx: x(i), cy: y(v), r: 3, class: `dot ${cls}` }));
      });
    });
    container.replaceChildren(svg);
  }

  function byDay(report) {
    const days = {};
    report.rows.forEach((row) => {
      const d = (days[row.day] = days[row.day] || { confirmed: 0, top1: 0, top3: 0, drafts: 0, abstain: 0 });
      d.confirmed += row.confirmed; d.drafts += row.drafts;
      d.top1 += (row.top1_accepted || 0) * row.confirmed; d.top3 += (row.top3_accepted || 0) * row.confirmed;
      d.abstain += (row.abstain_rate || 0) * row.drafts;
    });
    return report.days.map((day) => days[day] || null);
  }

  function labelTotals(rows) {
    const totals = {};
    rows.forEach((row) => Object.entries(row.labels).forEach(([code, f]) => {
      const t = (totals[code] = totals[code] || { suggested: 0, confirmed: 0, accepted: 0 });
      t.suggested += f.suggested; t.confirmed += f.confirmed; t.accepted += f.accepted;
    }));
    return totals;
  }

  function drawMonitoring(report, serving) {
    const days = byDay(report);
    lineChart($("accept-chart"), report.days, [
      { cls: "top1", values: days.map((d) => (d && d.confirmed ? d.top1 / d.confirmed : null)) },
      { cls: "top3", values: days.map((d) => (d && d.confirmed ? d.top3 / d.confirmed : null)) },
      { cls: "abstain", values: days.map((d) => (d && d.drafts ? d.abstain / d.drafts : null)) },
    ]);
    const recent = new Set(report.days.slice(-7));
    const all = labelTotals(report.rows), week = labelTotals(report.rows.filter((r) => recent.has(r.day)));
    const body = $("labels").tBodies[0];
    body.replaceChildren();
    Object.entries(all).sort().forEach(([code, t]) => {
      const precision = t.suggested ? t.accepted / t.suggested : null;
      const w = week[code];
      const weekly = w && w.suggested ? w.accepted / w.suggested : null;
      const trend = precision === null || weekly === null ? "—" : weekly > precision + 0.02 ? "↑ melhora" : weekly < precision - 0.02 ? "↓ piora" : "→ estável";
      const row = body.insertRow();
      [labelsText[code] || code, t.suggested, t.confirmed, pct(precision), pct(t.confirmed ? t.accepted / t.confirmed : null), trend]
        .forEach((value) => { row.insertCell().textContent = value; });
    });
    const last = report.rows.filter((r) => recent.has(r.day));
    const drafts = last.reduce((s, r) => s + r.drafts, 0);
    const chars = last.reduce((s, r) => s + (r.mean_chars || 0) * r.drafts, 0);
    const estimated = last.filter((r) => r.estimated.precision !== null);
    const texts = (report.drift || {})[serving] || null;
    const limit = report.drift_auc_limit;
    const auc = report.drift_error ? "— (textos de treino indisponíveis)"
      : texts && texts.domain_auc !== null
        ? `${texts.domain_auc.toFixed(2)} ${texts.domain_auc > limit ? `(alerta: acima de ${limit})` : `(dentro do limite ${limit})`}`
        : "— (menos de 20 formulários confirmados)";
    const drift = $("drift");
    drift.replaceChildren();
    [["Rascunhos (7 dias)", drafts], ["Tamanho médio do texto (7 dias)", drafts ? `${(chars / drafts).toFixed(0)} caracteres` : "—"],
     ["Precisão estimada sem confirmação", estimated.length ? pct(estimated.reduce((s, r) => s + r.estimated.precision, 0) / estimated.length) : "—"],
     ["Confirmados lidos (30 dias, modelo em uso)", texts ? texts.live_texts : 0],
     ["Tamanho médio: confirmados × treino", texts && texts.mean_chars !== null ? `${texts.mean_chars.toFixed(0)} × ${texts.training_mean_chars.toFixed(0)} caracteres` : "—"],
     ["Palavras fora do vocabulário de treino", texts ? pct(texts.oov_share) : "—"],
     ["Deriva do texto (AUC do classificador de domínio)", auc]].forEach(([name, value]) => {
      const dt = document.createElement("dt"); dt.textContent = name;
      const dd = document.createElement("dd"); dd.textContent = value;
      drift.append(dt, dd);
    });
  }

  function drawAlerts(answer) {
    const list = $("alerts");
    list.replaceChildren();
    if (!answer.alerts_pt_br.length) {
      const item = document.createElement("li"); item.className = "level-ok"; item.textContent = "Nenhum alerta: tudo dentro dos limites.";
      list.append(item);
    }
    answer.alerts_pt_br.forEach((alert) => {
      const item = document.createElement("li"); item.className = "level-alert"; item.textContent = `Alerta: ${alert}`;
      list.append(item);
    });
  }

  function drawShadow(answer) {
    const box = $("shadow");
    box.replaceChildren();
    const p = document.createElement("p");
    if (!answer.shadow) {
      p.textContent = `Nenhum desafiante em shadow. Modelo em uso: ${answer.champion || "—"}.`;
      box.append(p); $("shadow-promote").hidden = true; return;
    }
    const c = answer.comparison, t = c.top1;
    const interval = t.difference_95 ? ` (IC 95 %: ${pct(t.difference_95[0])} a ${pct(t.difference_95[1])})` : "";
    p.textContent = `Desafiante ${answer.shadow} contra ${answer.champion} em ${c.forms} formulários confirmados: ` +
      `top-1 ${pct(t.shadow)} contra ${pct(t.champion)}; diferença ${pct(t.difference)}${interval}.`;
    box.append(p);
    $("shadow-promote").hidden = false;
  }

  const RULES = [["", "padrão do modelo"], ["sugerir", "sugerir"], ["desligado", "desligado"],
                 ["target_precision", "precisão-alvo"], ["threshold", "limiar fixo"]];
  const SOURCES = { confirmations: "confirmados", out_of_fold: "treino, fora da dobra" };

  function drawThresholds(answer) {
    const body = $("thresholds").tBodies[0];
    body.replaceChildren();
    const policy = answer.policy || { labels: {} };
    $("target-all").value = policy.all && policy.all.target_precision ? policy.all.target_precision : "";
    Object.keys(answer.thresholds).forEach((code) => {
      const name = labelsText[code] || code;
      const row = body.insertRow();
      const off = answer.switched_off.includes(code);
      row.insertCell().textContent = name;
      row.insertCell().textContent = off ? "desligado" : answer.thresholds[code].toFixed(2);
      row.insertCell().textContent = answer.model_thresholds[code].toFixed(2);
      const figures = off ? null : (answer.in_force || {})[code];
      const source = (answer.table_sources || {})[code];
      row.insertCell().textContent = figures
        ? `${pct(figures.precision)} · ${pct(figures.coverage)} (${SOURCES[source && source.source] || SOURCES.out_of_fold})`
        : "—";
      const select = document.createElement("select");
      select.id = `mode-${code}`; select.dataset.code = code;
      select.setAttribute("aria-label", `Regra de ${name}`);
      RULES.forEach(([value, text]) => {
        const option = document.createElement("option"); option.value = value; option.textContent = text; select.append(option);
      });
      const value = document.createElement("input");
      value.type = "number"; value.min = "0.01"; value.max = "0.99"; value.step = "0.01"; value.id = `value-${code}`;
      value.setAttribute("aria-label", `Valor da regra de ${name}`);
      const own = policy.labels[code] || {};
      select.value = own.mode || (own.target_precision ? "target_precision" : own.threshold ? "threshold" : "");
      value.value = own.target_precision || own.threshold || "";
      const toggle = () => { value.hidden = !["target_precision", "threshold"].includes(select.value); };
      select.addEventListener("change", toggle); toggle();
      const cell = row.insertCell(); cell.className = "rule"; cell.append(select, value);
    });
  }

  function policyFromForm() {
    const policy = { labels: {} };
    const target = parseFloat($("target-all").value);
    if (!Number.isNaN(target)) policy.all = { target_precision: target };
    document.querySelectorAll("#thresholds select").forEach((select) => {
      const code = select.dataset.code, rule = select.value;
      if (rule === "sugerir" || rule === "desligado") policy.labels[code] = { mode: rule };
      if (rule === "target_precision" || rule === "threshold") {
        const number = parseFloat($(`value-${code}`).value);
        if (Number.isNaN(number)) throw new Error(`informe o valor da regra de ${labelsText[code] || code}`);
        policy.labels[code] = { [rule]: number };
      }
    });
    return policy;
  }

  function drawTimeline(answer) {
    const list = $("timeline");
    list.replaceChildren();
    answer.events.forEach((event) => {
      const item = document.createElement("li");
      const who = event.by ? ` por ${event.by}` : "";
      item.textContent = `${event.at} — ${EVENTS[event.event] || event.event}${event.version ? ` ${event.version}` : ""}${who}` +
        (event.reason ? ` (${event.reason})` : "");
      list.append(item);
    });
  }

  async function load() {
    if (!token.get()) { token.show(); return; }
    try {
      const labels = await call("GET", "/v1/labels");
      labelsText = Object.fromEntries([...labels.reasons, labels.flag].map((l) => [l.code, l.label]));
      const shadow = await call("GET", "/v1/shadow");
      drawMonitoring(await call("GET", "/v1/monitoring?days=30"), shadow.champion);
      drawAlerts(await call("GET", "/v1/monitoring/alerts"));
      drawShadow(shadow);
      drawThresholds(await call("GET", "/v1/thresholds"));
      drawTimeline(await call("GET", "/v1/monitoring/timeline"));
      showMessage("");
    } catch (error) {
      showMessage(error.message);
    }
  }

  $("thresholds-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      drawThresholds(await call("PUT", "/v1/thresholds", policyFromForm()));
      $("thresholds-result").textContent = "Limiares salvos: valem em todos os servidores em segundos.";
      drawTimeline(await call("GET", "/v1/monitoring/timeline"));
    } catch (error) { $("thresholds-result").textContent = `Não foi possível salvar: ${error.message}`; }
  });
  $("thresholds-undo").addEventListener("click", async () => {
    try {
      drawThresholds(await call("POST", "/v1/thresholds/undo", {}));
      $("thresholds-result").textContent = "Última mudança desfeita.";
      drawTimeline(await call("GET", "/v1/monitoring/timeline"));
    } catch (error) { $("thresholds-result").textContent = `Não foi possível desfazer: ${error.message}`; }
  });
  $("shadow-promote").addEventListener("click", async () => {
    try { await call("POST", "/v1/shadow/promote", {}); load(); } catch (error) { showMessage(error.message); }
  });
  load();
})();

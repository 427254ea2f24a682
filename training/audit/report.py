"""The audit's HTML report for QA auditors, in Brazilian Portuguese with the form's printed labels:
counts, findings per label and per agent, a chart, and the top findings with the evidence for
and against each one; forms whose boxes are unknown get their own section of suggestions."""

from __future__ import annotations

import html
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from model.taxonomy import load_taxonomy
from training.audit.run import AuditSummary
from training.html import STYLE, case_html, image, table

KINDS = ("unsupported", "missing", "flag_missed", "flag_unsupported")
KIND_TEXT = {
    "unsupported": "marcado, sem apoio no texto",
    "missing": "não marcado, mas o texto indica",
    "flag_missed": "Ameaça Judicialização não marcada, mas o texto indica",
    "flag_unsupported": "Ameaça Judicialização marcada, sem apoio no texto",
}
NO_AGENT = "(sem colaborador)"


def _pct(p: float) -> str:
    return f"{p * 100:.0f}%"


def _quotes(evidence: list[dict[str, Any]]) -> str:
    return ", ".join(f"«{html.escape(span['text'])}»" for span in evidence[:3]) or "nenhuma palavra clara"


def _boxes(boxes: list[dict[str, Any]]) -> str:
    return "; ".join(
        f"<b>{html.escape(b['label'])}</b> ({_pct(b['probability'])}): {_quotes(b['evidence'])}"
        for b in boxes
    )


def for_and_against(finding: dict[str, Any]) -> str:
    """What speaks for the finding and what speaks against it, in the auditor's words."""
    label, kind, instead = html.escape(finding["label"]), finding["kind"], finding.get("instead") or []
    if kind in ("unsupported", "flag_unsupported"):
        lines = [
            f"<li>A favor da marcação de <b>{label}</b> ({_pct(finding['probability'])}): "
            f"{_quotes(finding['evidence'])}</li>",
            "<li>Por que o modelo discorda — o texto sustenta mais: "
            + (_boxes(instead) if instead else "nenhum outro motivo")
            + "</li>",
        ]
    else:
        lines = [
            f"<li>O texto indica <b>{label}</b> ({_pct(finding['probability'])}): "
            f"{_quotes(finding['evidence'])}</li>",
            "<li>Marcado em vez disso: " + (_boxes(instead) if instead else "nenhum motivo") + "</li>",
        ]
    return f"<ul class='sides'>{''.join(lines)}</ul>"


def highlighted_evidence(finding: dict[str, Any]) -> list[dict[str, Any]]:
    """The words to highlight in the notes: for an unsupported tick, what the text supports instead."""
    if finding["kind"] in ("unsupported", "flag_unsupported") and finding.get("instead"):
        return [span for box in finding["instead"] for span in box["evidence"]]
    return finding["evidence"]


def findings_chart(summary: AuditSummary) -> str:
    taxonomy = load_taxonomy()
    codes = sorted(summary.by_label, key=lambda c: -sum(summary.by_label[c].values()))[:30]
    names = [taxonomy.label(c) for c in codes]
    figure, axis = plt.subplots(figsize=(9, max(3.0, 0.28 * len(codes) + 1)))
    left = [0] * len(codes)
    for kind in KINDS:
        values = [summary.by_label[c][kind] for c in codes]
        if any(values):
            axis.barh(names, values, left=left, label=KIND_TEXT[kind])
            left = [a + b for a, b in zip(left, values, strict=True)]
    axis.invert_yaxis()
    axis.set_xlabel("achados")
    axis.set_title("Achados por motivo")
    if codes:
        axis.legend(loc="lower right", fontsize=7)
    return image(figure)


def _label_table(summary: AuditSummary) -> str:
    taxonomy = load_taxonomy()
    rows = [
        [
            taxonomy.label(code),
            *(summary.by_label[code][k] for k in KINDS),
            sum(summary.by_label[code].values()),
        ]
        for code in sorted(summary.by_label, key=lambda c: -sum(summary.by_label[c].values()))
    ]
    return table(["Motivo desligamento", *(KIND_TEXT[k] for k in KINDS), "total"], rows)


def _agent_table(summary: AuditSummary) -> str:
    rows = sorted(
        (
            [
                agent or NO_AGENT,
                c["forms"],
                c["findings"],
                round(c["findings"] / max(c["forms"], 1), 3),
                *(c[k] for k in KINDS),
            ]
            for agent, c in summary.by_agent.items()
        ),
        key=lambda row: -row[3],
    )
    return table(
        ["Colaborador", "formulários", "achados", "achados por formulário", *(KIND_TEXT[k] for k in KINDS)],
        rows,
    )


def _finding_html(rank: int, finding: dict[str, Any], case: dict[str, Any]) -> str:
    meta = (
        f"#{rank} · formulário {html.escape(str(case.get('id')))} · <b>{html.escape(finding['label'])}</b> "
        f"({html.escape(KIND_TEXT[finding['kind']])}) · probabilidade {_pct(finding['probability'])} · "
        f"suspeita {finding['score']:.2f}"
        + (f" · colaborador {html.escape(case['agent'])}" if case.get("agent") else "")
    )
    return case_html(case, highlighted_evidence(finding), meta + for_and_against(finding))


def _suggestion_html(finding: dict[str, Any], case: dict[str, Any]) -> str:
    meta = (
        f"formulário {html.escape(str(case.get('id')))} · sugerido: <b>{html.escape(finding['label'])}</b> "
        f"({_pct(finding['probability'])})"
    )
    return case_html(case, finding["evidence"], meta)


def render_audit_report(summary: AuditSummary, model_version: str, inputs: str) -> str:
    parts = [
        "<!doctype html><html lang='pt-BR'><head><meta charset='utf-8'>",
        f"<title>Auditoria motivo — {html.escape(inputs)}</title><style>{STYLE}"
        ".sides{margin:.25rem 0 .5rem 1rem;font-size:.9rem}</style></head><body>",
        "<h1>Auditoria dos formulários de retenção</h1>",
        f"<p class='meta'>entradas: {html.escape(inputs)} · modelo {html.escape(model_version)} · "
        f"{summary.seconds:.1f} s</p>",
        "<h2>Resumo</h2>",
        table(
            ["", "quantidade"],
            [
                ["formulários lidos", summary.forms_read],
                ["formulários auditados", summary.forms_audited],
                ["formulários sem marcações conhecidas (só sugestões)", summary.forms_without_ticks],
                ["linhas com erro (ver errors.csv)", summary.bad_rows],
                ["achados (ver findings.csv)", summary.findings],
                *[[KIND_TEXT[k], summary.by_kind[k]] for k in KINDS],
                ["achados já rejeitados pela QA (não repetidos)", summary.suppressed],
                ["sugestões para formulários sem marcações (ver suggestions.csv)", summary.suggestions],
            ],
        ),
        "<p>Um achado é uma caixa que parece marcada por engano (o texto não a sustenta) ou que "
        "faltou marcar (o texto a indica). A suspeita é a chance calibrada de a marcação estar "
        "errada.</p>",
        "<h2>Achados por motivo</h2>",
        findings_chart(summary) if summary.by_label else "<p>Nenhum achado.</p>",
        _label_table(summary),
    ]
    if summary.has_agents:
        parts += ["<h2>Achados por colaborador</h2>", _agent_table(summary)]
    parts.append(f"<h2>Achados mais suspeitos (os {len(summary.top)} primeiros; todos em findings.csv)</h2>")
    parts += [_finding_html(rank, f, c) for rank, (f, c) in enumerate(summary.top, 1)]
    if summary.top_suggestions:
        parts += [
            "<h2>Formulários sem marcações conhecidas: só sugestões</h2>",
            "<p>Estes formulários foram exportados sem ☐/☒: não há o que conferir, apenas o que o "
            "modelo sugere (todas em suggestions.csv).</p>",
            *(_suggestion_html(f, c) for f, c in summary.top_suggestions),
        ]
    parts.append("</body></html>")
    return "\n".join(parts)

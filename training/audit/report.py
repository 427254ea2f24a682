"""The audit's HTML report: counts, findings per label and per agent, a chart, the top findings."""

from __future__ import annotations

import html

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from training.audit.run import AuditSummary
from training.html import STYLE, case_html, image, table

KINDS = ("unsupported", "missing", "flag_missed", "flag_unsupported")
KIND_TEXT = {
    "unsupported": "ticked, not supported by the text",
    "missing": "supported by the text, not ticked",
    "flag_missed": "threat of litigation not ticked",
    "flag_unsupported": "threat ticked, not in the text",
}


def findings_chart(summary: AuditSummary) -> str:
    codes = sorted(summary.by_label, key=lambda c: -sum(summary.by_label[c].values()))[:30]
    figure, axis = plt.subplots(figsize=(9, max(3.0, 0.28 * len(codes) + 1)))
    left = [0] * len(codes)
    for kind in KINDS:
        values = [summary.by_label[c][kind] for c in codes]
        if any(values):
            axis.barh(codes, values, left=left, label=kind)
            left = [a + b for a, b in zip(left, values, strict=True)]
    axis.invert_yaxis()
    axis.set_xlabel("findings")
    axis.set_title("Findings per label")
    if codes:
        axis.legend(loc="lower right")
    return image(figure)


def render_audit_report(summary: AuditSummary, model_version: str, inputs: str) -> str:
    label_rows = [
        [code, *(summary.by_label[code][k] for k in KINDS), sum(summary.by_label[code].values())]
        for code in sorted(summary.by_label, key=lambda c: -sum(summary.by_label[c].values()))
    ]
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>motivo audit — {html.escape(inputs)}</title><style>{STYLE}</style></head><body>",
        "<h1>motivo audit</h1>",
        f"<p class='meta'>inputs: {html.escape(inputs)} · model {html.escape(model_version)} · "
        f"{summary.seconds:.1f} s</p>",
        "<h2>Summary</h2>",
        table(
            ["", "count"],
            [
                ["forms read", summary.forms_read],
                ["forms audited", summary.forms_audited],
                ["forms with unknown ticks (suggestions only)", summary.forms_without_ticks],
                ["bad rows (see errors.csv)", summary.bad_rows],
                ["findings (see findings.csv)", summary.findings],
                *[[KIND_TEXT[k], summary.by_kind[k]] for k in KINDS],
            ],
        ),
        "<h2>Findings per label</h2>",
        findings_chart(summary) if summary.by_label else "<p>No findings.</p>",
        table(["code", *KINDS, "total"], label_rows),
    ]
    if summary.has_agents:
        agent_rows = sorted(
            (
                [agent or "(none)", c["forms"], c["findings"], round(c["findings"] / max(c["forms"], 1), 3)]
                for agent, c in summary.by_agent.items()
            ),
            key=lambda row: -row[3],
        )
        parts += [
            "<h2>Findings per agent</h2>",
            table(["agent", "forms", "findings", "per form"], agent_rows),
        ]
    parts.append(f"<h2>Most suspicious findings (top {len(summary.top)}; all in findings.csv)</h2>")
    for rank, (finding, case) in enumerate(summary.top, 1):
        meta = (
            f"#{rank} · form {html.escape(str(case.get('id')))} · <b>{html.escape(finding['code'])}</b> "
            f"({html.escape(KIND_TEXT[finding['kind']])}) · p={finding['probability']:.3f} · "
            f"score {finding['score']:.3f}"
            + (f" · agent {html.escape(case['agent'])}" if case.get("agent") else "")
        )
        parts.append(case_html(case, finding["evidence"], meta))
    parts.append("</body></html>")
    return "\n".join(parts)

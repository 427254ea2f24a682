"""The evaluation report: one self-contained HTML page with tables and matplotlib images."""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display on servers and CI
import matplotlib.pyplot as plt

STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;max-width:1100px;color:#222}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:right}
th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}
.low{background:#fde2e2}.case{border:1px solid #ddd;padding:.75rem;margin:.75rem 0;border-radius:6px}
mark{background:#ffe58a}.note{white-space:pre-wrap;font-size:.9rem;margin:.25rem 0}.meta{color:#666;font-size:.85rem}
"""


def _image(figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    plt.close(figure)
    return f'<img alt="plot" src="data:image/png;base64,{base64.b64encode(buffer.getvalue()).decode()}">'


def reliability_plot(metrics: dict[str, Any]) -> str:
    figure, axis = plt.subplots(figsize=(4.5, 4))
    data = metrics["reliability"]
    axis.plot([0, 1], [0, 1], "--", color="#999", label="perfect")
    axis.plot(data["mean_predicted"], data["fraction_true"], "o-", label="reasons")
    axis.set_xlabel("predicted probability")
    axis.set_ylabel("observed frequency")
    axis.set_title(f"Reliability (Brier {metrics['brier_reasons']:.3f})")
    axis.legend()
    return _image(figure)


def abstention_plot(metrics: dict[str, Any]) -> str:
    figure, axis = plt.subplots(figsize=(4.5, 4))
    curve = metrics["abstention_curve"]
    axis.plot([p["coverage"] for p in curve], [p["precision"] for p in curve], "o-")
    axis.set_xlabel("coverage (cases answered)")
    axis.set_ylabel("top-1 precision")
    axis.set_title("Precision vs coverage of the abstention threshold")
    return _image(figure)


def per_label_plot(metrics: dict[str, Any]) -> str:
    codes = list(metrics["per_label"])
    figure, axis = plt.subplots(figsize=(9, 6))
    axis.barh(codes, [metrics["per_label"][c]["f1"] for c in codes], color="#4c78a8")
    axis.invert_yaxis()
    axis.set_xlim(0, 1)
    axis.set_xlabel("F1")
    axis.set_title("F1 per reason")
    return _image(figure)


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]], low: set[int] | None = None) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in headers)
    body = []
    for i, row in enumerate(rows):
        cells = "".join(f"<td>{html.escape(_fmt(v))}</td>" for v in row)
        body.append(f'<tr class="low">{cells}</tr>' if low and i in low else f"<tr>{cells}</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def _fmt(value: Any) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def highlighted(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """HTML of `text` with the given character spans marked."""
    out, last = [], 0
    for start, end in sorted(spans):
        if start < last:
            continue
        out.append(html.escape(text[last:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        last = end
    out.append(html.escape(text[last:]))
    return "".join(out)


def case_html(case: dict[str, Any], evidence: Sequence[dict[str, Any]], meta: str) -> str:
    """A case's notes with the evidence spans highlighted."""
    fields = [*case.get("observations", []), case.get("general_note", "")]
    by_field: dict[int, list[tuple[int, int]]] = {}
    for span in evidence:
        index = len(fields) - 1 if span["field"] == "general_note" else span["index"]
        by_field.setdefault(index, []).append((span["start"], span["end"]))
    notes = "".join(
        f'<div class="note"><b>{"Obs. Geral" if i == len(fields) - 1 else f"{i + 1}º contato"}:</b> '
        f"{highlighted(text, by_field.get(i, []))}</div>"
        for i, text in enumerate(fields)
        if text
    )
    return f'<div class="case"><div class="meta">{meta}</div>{notes}</div>'


def render_report(
    version: str,
    dataset: str,
    metrics: dict[str, Any],
    peers: dict[str, dict[str, Any]],
    worst: Sequence[tuple[dict[str, Any], Sequence[dict[str, Any]], str]],
    manifest: dict[str, Any],
) -> str:
    """The HTML report of one evaluation run."""
    per_label = metrics["per_label"]
    label_rows = [
        [c, m["precision"], m["recall"], m["f1"], m["support"], m["threshold"]] for c, m in per_label.items()
    ]
    weak = {i for i, row in enumerate(label_rows) if row[3] < 0.85}
    flag = metrics["flag"]
    peer_rows = [
        [
            name,
            m["top1"],
            m["top3"],
            m["micro_f1"],
            m["macro_f1"],
            m["flag"]["precision"],
            m["flag"]["recall"],
        ]
        for name, m in peers.items()
    ]
    parts = [
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>motivo evaluation {html.escape(version)}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>motivo evaluation — model {html.escape(version)}</h1>",
        f"<p class='meta'>data: {html.escape(dataset)} · {metrics['cases']} cases · trained on "
        f"{manifest.get('train_cases', '?')} cases (data {str(manifest.get('data_hash', ''))[:12]}) · "
        f"created {html.escape(str(manifest.get('created_at', '')))}</p>",
        "<h2>Summary</h2>",
        _table(
            ["metric", "value"],
            [
                ["top-1 hit rate", metrics["top1"]],
                ["top-3 hit rate", metrics["top3"]],
                ["micro F1 (suggested sets)", metrics["micro_f1"]],
                ["macro F1 (suggested sets)", metrics["macro_f1"]],
                ["abstain rate", metrics["abstain_rate"]],
                ["Brier score (reasons)", metrics["brier_reasons"]],
                ["flag precision", flag["precision"]],
                ["flag recall", flag["recall"]],
                ["flag ROC AUC", flag["roc_auc"]],
                ["flag best recall at precision ≥ 0.90", flag["best_recall_at_precision_0.90"]],
                ["flag threshold", flag["threshold"]],
            ],
        ),
        "<h2>Peers (same training split, same test data, same run)</h2>",
        _table(
            ["model", "top-1", "top-3", "micro F1", "macro F1", "flag precision", "flag recall"], peer_rows
        ),
        "<h2>Per batch (each writer's text, largest first)</h2>",
        _table(
            ["batch", "cases", "top-1", "top-3", "micro F1", "threats", "flag precision", "flag recall"],
            [
                [
                    name,
                    m["cases"],
                    m["top1"],
                    m["top3"],
                    m["micro_f1"],
                    m["flag"]["support"],
                    m["flag"]["precision"],
                    m["flag"]["recall"],
                ]
                for name, m in metrics.get("by_batch", {}).items()
            ],
        ),
        "<h2>Per reason</h2>",
        _table(["code", "precision", "recall", "F1", "support", "threshold"], label_rows, weak),
        per_label_plot(metrics),
        "<h2>Calibration and abstention</h2>",
        reliability_plot(metrics),
        abstention_plot(metrics),
        "<h2>Most frequent confusions (true label → wrongly suggested)</h2>",
        _table(
            ["true", "suggested", "cases"],
            [[c["true"], c["suggested"], c["cases"]] for c in metrics["confusions"]],
        ),
        "<h2>Worst errors</h2>",
        *[case_html(case, evidence, meta) for case, evidence, meta in worst],
        "</body></html>",
    ]
    return "\n".join(parts)

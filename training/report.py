"""The evaluation report: one self-contained HTML page with tables and matplotlib images."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt

from training.html import STYLE, case_html, image, table


def reliability_plot(metrics: dict[str, Any]) -> str:
    figure, axis = plt.subplots(figsize=(4.5, 4))
    data = metrics["reliability"]
    axis.plot([0, 1], [0, 1], "--", color="#999", label="perfect")
    axis.plot(data["mean_predicted"], data["fraction_true"], "o-", label="reasons")
    axis.set_xlabel("predicted probability")
    axis.set_ylabel("observed frequency")
    axis.set_title(f"Reliability (Brier {metrics['brier_reasons']:.3f})")
    axis.legend()
    return image(figure)


def abstention_plot(metrics: dict[str, Any]) -> str:
    figure, axis = plt.subplots(figsize=(4.5, 4))
    curve = metrics["abstention_curve"]
    axis.plot([p["coverage"] for p in curve], [p["precision"] for p in curve], "o-")
    axis.set_xlabel("coverage (cases answered)")
    axis.set_ylabel("top-1 precision")
    axis.set_title("Precision vs coverage of the abstention threshold")
    return image(figure)


def per_label_plot(metrics: dict[str, Any]) -> str:
    codes = list(metrics["per_label"])
    figure, axis = plt.subplots(figsize=(9, 6))
    axis.barh(codes, [metrics["per_label"][c]["f1"] for c in codes], color="#4c78a8")
    axis.invert_yaxis()
    axis.set_xlim(0, 1)
    axis.set_xlabel("F1")
    axis.set_title("F1 per reason")
    return image(figure)


TYPING_COLUMNS = ("inputs", "precision", "recall", "confident_false_per_100", "flag_false_positive_rate")
SHORT_COLUMNS = (
    "notes",
    "top1_where_stated",
    "suggested_where_stated",
    "silent_where_none",
    "precision",
    "confident_false_per_100",
    "flag_precision",
    "flag_recall",
)


def typing_section(metrics: dict[str, Any]) -> list[str]:
    """The typing simulation: each full test case cut at a share of its words."""
    typing = metrics.get("typing")
    if not typing:
        return []
    return [
        "<h2>While typing: each case cut at a share of its words</h2>",
        "<p class='meta'>A suggestion outside the full case's labels is false whatever the cut; "
        "recall is of the full case's labels; confident = probability ≥ 0.9.</p>",
        table(
            ["cut", *TYPING_COLUMNS], [[cut, *(m[k] for k in TYPING_COLUMNS)] for cut, m in typing.items()]
        ),
    ]


def short_notes_section(metrics: dict[str, Any]) -> list[str]:
    """Hand-written one-sentence notes; some state no reason yet (then silence is right)."""
    notes = metrics.get("short_notes")
    if not notes:
        return []
    rows = [["all", *(notes[k] for k in SHORT_COLUMNS)]]
    rows += [[name, *(m[k] for k in SHORT_COLUMNS)] for name, m in notes["by_batch"].items()]
    return [
        "<h2>Short notes</h2>",
        f"<p class='meta'>{notes['stating_a_reason']} notes state a reason, "
        f"{notes['stating_no_reason']} state none yet.</p>",
        table(["batch", *SHORT_COLUMNS], rows),
    ]


def _with_interval(value: float, interval: Sequence[float]) -> str:
    return f"{value:.3f} [{interval[0]:.2f}–{interval[1]:.2f}]"


def batch_sets_section(metrics: dict[str, Any]) -> list[str]:
    """Paraphrased multi-reason cases and label boundaries, each set with bootstrap intervals (pt-BR)."""
    sets = metrics.get("batch_sets")
    if not sets:
        return []
    parts = [
        "<h2 lang='pt-BR'>Conjuntos de lotes: paráfrases com vários motivos, fronteiras entre motivos</h2>",
        "<p class='meta' lang='pt-BR'>Entre colchetes, o intervalo de 95 % por bootstrap (casos "
        "reamostrados com reposição). Segundos motivos: nos casos com mais de um motivo, os "
        "motivos marcados depois do primeiro listado; a taxa é a parte deles que foi sugerida.</p>",
    ]
    for name, m in sets.items():
        flag = m["flag"]
        parts += [
            f"<h3 lang='pt-BR'>{html.escape(name)} — {m['cases']} casos, {m['multi_reason_cases']} com mais de um motivo</h3>",
            table(
                ["medida", "valor"],
                [
                    ["acerto do 1º motivo (top-1)", m["top1"]],
                    ["acerto entre os 3 primeiros (top-3)", m["top3"]],
                    ["F1 micro (motivos sugeridos)", m["micro_f1"]],
                    [
                        f"F1 macro (motivos sugeridos; os {m['labels']} motivos presentes)",
                        _with_interval(m["macro_f1"], m["macro_f1_ci"]),
                    ],
                    [
                        f"recall dos segundos motivos ({m['second_reasons']})",
                        _with_interval(m["second_reason_recall"], m["second_reason_recall_ci"]),
                    ],
                    [
                        "Ameaça Judicialização: precisão",
                        _with_interval(flag["precision"], flag["precision_ci"]),
                    ],
                    ["Ameaça Judicialização: recall", _with_interval(flag["recall"], flag["recall_ci"])],
                ],
            ),
            table(
                ["motivo", "casos", "precisão", "recall", "F1"],
                [
                    [
                        code,
                        label["support"],
                        _with_interval(label["precision"], label["precision_ci"]),
                        _with_interval(label["recall"], label["recall_ci"]),
                        _with_interval(label["f1"], label["f1_ci"]),
                    ]
                    for code, label in m["per_label"].items()
                ],
            ),
        ]
    return parts


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
        table(
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
        table(
            ["model", "top-1", "top-3", "micro F1", "macro F1", "flag precision", "flag recall"], peer_rows
        ),
        "<h2>Per batch (each writer's text, largest first)</h2>",
        table(
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
        *typing_section(metrics),
        *short_notes_section(metrics),
        *batch_sets_section(metrics),
        "<h2>Per reason</h2>",
        table(["code", "precision", "recall", "F1", "support", "threshold"], label_rows, weak),
        per_label_plot(metrics),
        "<h2>Calibration and abstention</h2>",
        reliability_plot(metrics),
        abstention_plot(metrics),
        "<h2>Most frequent confusions (true label → wrongly suggested)</h2>",
        table(
            ["true", "suggested", "cases"],
            [[c["true"], c["suggested"], c["cases"]] for c in metrics["confusions"]],
        ),
        "<h2>Worst errors</h2>",
        *[case_html(case, evidence, meta) for case, evidence, meta in worst],
        "</body></html>",
    ]
    return "\n".join(parts)

"""report.html of `motivo history report`, in Portuguese with the form's printed labels."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from model.taxonomy import load_taxonomy
from training.html import STYLE, case_html, table
from training.report import reliability_plot

GAP_ROWS = [
    ("top-1 (o motivo mais provável está marcado)", lambda m: m["top1"]),
    ("top-3", lambda m: m["top3"]),
    ("F1 micro (caixas sugeridas)", lambda m: m["micro_f1"]),
    ("F1 macro (média dos motivos)", lambda m: m["macro_f1"]),
    ("sem sugestão (abstenção)", lambda m: m["abstain_rate"]),
    ("Brier (calibração; menor é melhor)", lambda m: m["brier_reasons"]),
    ("Ameaça Judicialização: precisão", lambda m: m["flag"]["precision"]),
    ("Ameaça Judicialização: recall", lambda m: m["flag"]["recall"]),
]


def _gap_table(metrics: dict[str, Any]) -> str:
    sets = [("corpus (teste)", metrics["corpus_test"]), ("histórico (todo)", metrics["history"])]
    if metrics.get("history_test"):
        sets.append(("histórico (conjunto de teste)", metrics["history_test"]))
    rows = []
    for name, value in GAP_ROWS:
        corpus, history = value(sets[0][1]), value(sets[1][1])
        rows.append([name, *(value(m) for _, m in sets), round(history - corpus, 4)])
    return table(["medida", *(n for n, _ in sets), "diferença (histórico − corpus)"], rows)


def _typing_table(metrics: dict[str, Any]) -> str:
    rows = []
    for name, key in (("corpus", "corpus_test"), ("histórico", "history")):
        for cut, m in metrics[key].get("typing", {}).items():
            rows.append(
                [
                    name,
                    f"{float(cut):.0%}",
                    m.get("precision"),
                    m.get("recall"),
                    m.get("confident_false_per_100"),
                ]
            )
    return table(["dados", "texto digitado", "precisão", "recall", "sugestões erradas confiantes /100"], rows)


def _per_label_table(metrics: dict[str, Any]) -> str:
    taxonomy = load_taxonomy()
    rows, weak = [], set()
    for i, (code, m) in enumerate(metrics["history"]["per_label"].items()):
        corpus = metrics["corpus_test"]["per_label"][code]
        rows.append([taxonomy.label(code), m["precision"], m["recall"], m["f1"], m["support"], corpus["f1"]])
        if m["support"] and m["f1"] < corpus["f1"] - 0.1:
            weak.add(i)
    return table(["motivo", "precisão", "recall", "F1", "casos", "F1 no corpus"], rows, weak)


def _period_table(metrics: dict[str, Any]) -> str:
    rows = [
        [name, m["cases"], m["top1"], m["top3"], m["micro_f1"], m["flag"]["precision"], m["flag"]["recall"]]
        for name, m in metrics["by_period"].items()
    ]
    return table(
        ["período", "formulários", "top-1", "top-3", "F1 micro", "ameaça: precisão", "ameaça: recall"], rows
    )


def _distribution_table(metrics: dict[str, Any]) -> str:
    taxonomy = load_taxonomy()
    rows = [
        [
            taxonomy.label(code),
            f"{m['history']:.1%}" if m["history"] == m["history"] else "—",
            f"{m['corpus']:.1%}",
        ]
        for code, m in metrics["label_distribution"].items()
    ]
    return table(["motivo", "histórico", "corpus"], rows)


def _sufficiency_table(metrics: dict[str, Any]) -> str:
    taxonomy = load_taxonomy()
    rows, low = [], set()
    for i, (code, m) in enumerate(metrics["sufficiency"].items()):
        rows.append(
            [
                taxonomy.label(code),
                m["corpus"],
                m["history"],
                m["confirmations"],
                "ok" if m["enough"] else "poucos casos",
            ]
        )
        if not m["enough"]:
            low.add(i)
    return table(["motivo", "corpus", "histórico", "confirmações", "situação"], rows, low)


def render_history_report(metrics: dict[str, Any], worst: dict[str, Sequence]) -> str:
    """The report: the corpus-vs-history table first, then periods, labels, data, worst errors."""
    version = html.escape(metrics["model_version"])
    counts = metrics["cases"]
    sources = ", ".join(f"{html.escape(k)} ({n})" for k, n in metrics["by_source"].items())
    parts = [
        "<!doctype html><html lang='pt-BR'><head><meta charset='utf-8'>",
        f"<title>motivo — histórico da operadora, modelo {version}</title><style>{STYLE}</style></head><body>",
        "<h1>Como o modelo se sai no histórico da operadora</h1>",
        f"<p class='meta'>modelo {version} (treinado com: {html.escape(str(metrics['trained_on']))}; peso do corpus "
        f"{metrics['corpus_weight']}) · histórico: {counts['history']} formulários marcados ({sources}) · "
        f"corpus de teste: {counts['corpus_test']} casos</p>",
        "<h2>Corpus × histórico</h2>",
        "<p>O corpus é escrito à mão; o histórico são os formulários reais da operadora. A diferença "
        "mostra quanto o modelo perde na realidade da operadora. O conjunto de teste do histórico "
        f"({counts['history_test']} formulários, escolhidos por um hash do id) nunca treina um modelo: "
        "é ali que se vê o efeito do peso do corpus escolhido.</p>",
        _gap_table(metrics),
        "<h2>Por período (pela data do formulário)</h2>",
        f"<p>Recentes: os 12 meses até o formulário mais recente (desde {html.escape(str(metrics['recent_since']))}).</p>",
        _period_table(metrics),
        "<h2>Enquanto o colaborador digita</h2>",
        "<p>Cada formulário cortado em 25, 50 e 75 % das palavras, julgado pelas marcações do formulário completo.</p>",
        _typing_table(metrics),
        "<h2>Por motivo (histórico)</h2>",
        "<p>Em vermelho: F1 mais de 0,1 abaixo do corpus.</p>",
        _per_label_table(metrics),
        "<h2>Calibração no histórico</h2>",
        reliability_plot(metrics["history"]),
        "<h2>Distribuição dos motivos</h2>",
        "<p>Parte dos formulários com cada caixa marcada. No formulário antigo (sem Migração, Outros e "
        "Falta de Reajuste) essas três caixas não contam.</p>",
        _distribution_table(metrics),
        "<h2>Dados suficientes por motivo</h2>",
        f"<p>Formulários com a caixa marcada. Com menos de {metrics['min_cases_per_label']} casos da própria "
        "operadora (histórico + confirmações), o conjunto de teste de 20 % tem uns 10 deles: um caso muda o "
        "recall em 0,1, e os números desse motivo não dizem nada.</p>",
        _sufficiency_table(metrics),
        "<h2>Piores erros no histórico</h2>",
        *[case_html(case, evidence, meta) for case, evidence, meta in worst["history"]],
        "</body></html>",
    ]
    return "\n".join(parts)

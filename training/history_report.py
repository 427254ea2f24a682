"""`motivo history report`: how the serving model does on the operator's own history, next to the
corpus test split, by period, with the label distribution and how much data each label has.

Measured exactly as `motivo evaluate` measures (training/evaluate.py's metrics, the typing
simulation, the worst errors), so the history's top-1 here is the one `motivo evaluate --data`
gives for the same cases.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from model.cases import is_short_note
from model.motivo_model import MotivoModel
from model.taxonomy import load_taxonomy
from training import registry
from training.evaluate import worst_errors
from training.known_labels import UNKNOWN, known_label_matrix, printed_only
from training.metrics import evaluate_predictions, metrics_by_group
from training.partial_notes import typing_simulation
from training.retrain import DEFAULT_HOLDOUT
from training.training_set import in_holdout

# Under 50 cases of a label in the operator's data (history + confirmations), its figures on that
# data are noise: the 20% hold-out tests about 10 of them, so one case moves its recall by 0.1.
MIN_CASES_PER_LABEL = 50
RECENT_MONTHS = 12
GAP_METRICS = ("top1", "top3", "micro_f1", "macro_f1", "brier_reasons")


def measure(model: MotivoModel, version: str, cases: Sequence[dict[str, Any]]) -> tuple[dict[str, Any], list]:
    """Every figure of one set of full cases, and its worst errors (as `motivo evaluate`)."""
    codes = list(model.reason_codes)
    Y_known = known_label_matrix(cases, codes)
    Y, P = printed_only(Y_known, model.predict_proba(cases))
    metrics = evaluate_predictions(Y, P, model.decision_thresholds, codes)
    metrics["typing"] = typing_simulation(model, cases)
    return metrics, worst_errors(model, version, cases, Y, P)


def periods(cases: Sequence[dict[str, Any]], months: int = RECENT_MONTHS) -> tuple[list[str], str | None]:
    """Each case's period: the last `months` before the newest form's date, the older ones, or
    undated; and the first day of the recent period (None when no case has a date)."""
    dated = [c["date"] for c in cases if c.get("date")]
    if not dated:
        return ["sem data"] * len(cases), None
    since = (date.fromisoformat(max(dated)) - timedelta(days=round(months * 30.44))).isoformat()
    names = []
    for case in cases:
        day = case.get("date")
        names.append("sem data" if not day else f"desde {since}" if day >= since else f"antes de {since}")
    return names, since


def label_distribution(
    history: Sequence[dict[str, Any]], corpus: Sequence[dict[str, Any]], codes: Sequence[str]
) -> dict[str, dict[str, float]]:
    """Per label, its share of the cases that can speak for it, in the history and in the corpus."""

    def shares(cases: Sequence[dict[str, Any]]) -> np.ndarray:
        if not cases:
            return np.full(len(codes), np.nan)
        Y = known_label_matrix(cases, codes)[:, :-1]
        known = (Y != UNKNOWN).sum(axis=0)
        return np.where(known > 0, (Y == 1).sum(axis=0) / np.maximum(known, 1), np.nan)

    ours, theirs = shares(history), shares(corpus)
    return {
        code: {"history": round(float(ours[j]), 4), "corpus": round(float(theirs[j]), 4)}
        for j, code in enumerate(codes)
    }


def sufficiency(
    corpus: Sequence[dict[str, Any]],
    history: Sequence[dict[str, Any]],
    confirmed: Sequence[dict[str, Any]],
    codes: Sequence[str],
    minimum: int = MIN_CASES_PER_LABEL,
) -> dict[str, dict[str, Any]]:
    """Per label (flag included): cases ticked in the corpus, history and confirmations; a
    warning when the operator's own (history + confirmations) are under `minimum`."""
    flag = load_taxonomy().flag.code

    def ticked(cases: Sequence[dict[str, Any]], code: str) -> int:
        if code == flag:
            return sum(bool(c.get("judicializacao")) for c in cases)
        return sum(code in (c.get("reasons") or ()) for c in cases)

    out = {}
    for code in [*codes, flag]:
        row = {
            "corpus": ticked(corpus, code),
            "history": ticked(history, code),
            "confirmations": ticked(confirmed, code),
        }
        row["enough"] = row["history"] + row["confirmations"] >= minimum
        out[code] = row
    return out


def history_report(
    history: Sequence[dict[str, Any]],
    corpus_test: Sequence[dict[str, Any]],
    corpus_train: Sequence[dict[str, Any]],
    confirmed: Sequence[dict[str, Any]] = (),
    version: str | None = None,
    root: Path | None = None,
    months: int = RECENT_MONTHS,
) -> tuple[dict[str, Any], dict[str, list]]:
    """metrics.json's content, and the worst errors of the history and the corpus test split."""
    loaded = registry.load(version, root)
    model, codes = loaded.model, list(loaded.model.reason_codes)
    history = [c for c in history if not is_short_note(c)]
    corpus_full = [c for c in corpus_test if not is_short_note(c)]
    on_history, history_errors = measure(model, loaded.version, history)
    on_corpus, corpus_errors = measure(model, loaded.version, corpus_full)
    held_out = [c for c in history if in_holdout(c, DEFAULT_HOLDOUT)]
    names, since = periods(history, months)
    Y, P = printed_only(known_label_matrix(history, codes), model.predict_proba(history))
    metrics = {
        "model_version": loaded.version,
        "corpus_weight": loaded.manifest.get("corpus_weight", 1.0),
        "trained_on": loaded.manifest.get("data", "corpus"),
        "cases": {"history": len(history), "history_test": len(held_out), "corpus_test": len(corpus_full)},
        "history": on_history,
        "history_test": measure(model, loaded.version, held_out)[0] if held_out else None,
        "corpus_test": on_corpus,
        "recent_since": since,
        "by_period": metrics_by_group(Y, P, model.decision_thresholds, names),
        "label_distribution": label_distribution(history, [*corpus_train, *corpus_full], codes),
        "sufficiency": sufficiency([*corpus_train, *corpus_full], history, confirmed, codes),
        "min_cases_per_label": MIN_CASES_PER_LABEL,
        "by_source": _by_source(history),
    }
    return metrics, {"history": history_errors, "corpus": corpus_errors}


def _by_source(history: Sequence[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for case in history:
        key = case.get("history_source") or "?"
        counts[key] = counts.get(key, 0) + 1
    return counts


def write_report(out: Path, metrics: dict[str, Any], html: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "metrics.json").write_text(
        json.dumps(metrics, indent=2, ensure_ascii=False, default=str), encoding="utf-8"
    )
    (out / "report.html").write_text(html, encoding="utf-8")

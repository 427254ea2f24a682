"""Test batches measured as sets of their own: paraphrased multi-reason cases, label boundaries.

A few cases per label make a macro F1 noisy, so each set's per-label figures come with
bootstrap 95 % intervals (cases resampled with replacement, fixed seed). Multi-reason cases
also give the recall of their *second reasons*: the gold reasons after the first one listed
(the writer lists the main reason first), suggested or not.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from training.metrics import evaluate_predictions, suggested_sets

# Set name (as the report shows it) -> the corpus batches it is made of (labeled_data/README.md).
BATCH_SETS: dict[str, tuple[str, ...]] = {
    "paráfrase multimotivos (t6+t7)": (
        "t6-multimotivos-parafrase-sul",
        "t7-multimotivos-parafrase-goias-es",
    ),
    "fronteira valores / reajuste / procura (t8)": ("t8-fronteira-valores-reajuste-procura",),
}
RESAMPLES = 1000
SEED = 0


def lesser_reasons(cases: Sequence[dict[str, Any]], codes: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(case index, reason column) of every gold reason after the first of a multi-reason case."""
    pairs = [
        (i, codes.index(code))
        for i, case in enumerate(cases)
        if len(case["reasons"]) > 1
        for code in case["reasons"][1:]
        if code in codes
    ]
    return np.array([i for i, _ in pairs], dtype=int), np.array([j for _, j in pairs], dtype=int)


def second_reason_recall(
    cases: Sequence[dict[str, Any]], suggested: np.ndarray, codes: Sequence[str]
) -> float:
    """Share of the second (and later) gold reasons of multi-reason cases that are suggested."""
    rows, columns = lesser_reasons(cases, list(codes))
    return float(suggested[rows, columns].mean()) if len(rows) else float("nan")


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, NaN where the denominator is 0 (a resample without the label)."""
    out = np.full(np.broadcast(numerator, denominator).shape, np.nan)
    return np.divide(numerator, denominator, out=out, where=denominator > 0)


def _interval(samples: np.ndarray) -> list[float]:
    kept = samples[~np.isnan(samples)]
    if not len(kept):
        return [float("nan"), float("nan")]
    low, high = np.percentile(kept, [2.5, 97.5])
    return [round(float(low), 4), round(float(high), 4)]


def bootstrap_intervals(
    Y: np.ndarray,
    S: np.ndarray,
    lesser: tuple[np.ndarray, np.ndarray],
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> dict[str, Any]:
    """95 % intervals of per-label P/R/F1, macro F1, the flag's P/R and second-reason recall.

    Y, S: (cases x labels) gold and suggested indicators, flag last. Each resample draws the cases
    with replacement (as multinomial case weights, so one matrix product gives every count). A
    figure a resample cannot define (no case of the label, nothing suggested) is left out of
    that figure's interval; the macro F1 is over the reasons with gold cases in the set.
    """
    n = len(Y)
    weights = np.random.default_rng(seed).multinomial(n, np.full(n, 1.0 / n), size=resamples).astype(float)
    tp, predicted, actual = weights @ (Y & S), weights @ S, weights @ Y
    precision, recall = _ratio(tp, predicted), _ratio(tp, actual)
    f1 = _ratio(2 * tp, predicted + actual)
    present = np.flatnonzero(Y[:, :-1].sum(axis=0) > 0)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a resample with none of the set's labels
        macro = np.nanmean(f1[:, present], axis=1) if len(present) else np.full(resamples, np.nan)
    rows, columns = lesser
    out: dict[str, Any] = {
        "precision": [_interval(precision[:, j]) for j in range(Y.shape[1])],
        "recall": [_interval(recall[:, j]) for j in range(Y.shape[1])],
        "f1": [_interval(f1[:, j]) for j in range(Y.shape[1])],
        "macro_f1": _interval(macro),
    }
    if len(rows):
        found = S[rows, columns].astype(float)
        out["second_reason_recall"] = _interval(
            _ratio(weights[:, rows] @ found, weights[:, rows].sum(axis=1))
        )
    return out


def set_metrics(
    cases: Sequence[dict[str, Any]],
    Y: np.ndarray,
    P: np.ndarray,
    thresholds: np.ndarray,
    codes: Sequence[str],
    suggested: np.ndarray | None = None,
) -> dict[str, Any]:
    """The figures of one batch set: headline, flag, per label (with intervals), second reasons.
    `suggested` (cases x reasons): the model's decisions, by default each reason at its threshold."""
    codes = list(codes)
    Y = np.asarray(Y, dtype=int)
    S = suggested_sets(P, thresholds)
    if suggested is not None:
        S[:, :-1] = suggested
    full = evaluate_predictions(Y, P, thresholds, codes, S[:, :-1])
    lesser = lesser_reasons(cases, codes)
    ci = bootstrap_intervals(Y, S, lesser)
    per_label = {
        code: {
            **{k: full["per_label"][code][k] for k in ("precision", "recall", "f1", "support")},
            "precision_ci": ci["precision"][j],
            "recall_ci": ci["recall"][j],
            "f1_ci": ci["f1"][j],
        }
        for j, code in enumerate(codes)
        if full["per_label"][code]["support"] or S[:, j].any()
    }
    present = [code for code in codes if full["per_label"][code]["support"]]
    return {
        **{k: full[k] for k in ("cases", "top1", "top3", "micro_f1")},
        # Over the reasons with gold cases in the set (a boundary set has no case of some reasons).
        "macro_f1": round(float(np.mean([full["per_label"][c]["f1"] for c in present])), 4)
        if present
        else float("nan"),
        "labels": len(present),
        "macro_f1_ci": ci["macro_f1"],
        "multi_reason_cases": int(sum(len(case["reasons"]) > 1 for case in cases)),
        "second_reasons": len(lesser[0]),
        "second_reason_recall": round(second_reason_recall(cases, S, codes), 4),
        "second_reason_recall_ci": ci.get("second_reason_recall", [float("nan")] * 2),
        "flag": {
            "precision": full["flag"]["precision"],
            "recall": full["flag"]["recall"],
            "support": full["flag"]["support"],
            "precision_ci": ci["precision"][-1],
            "recall_ci": ci["recall"][-1],
        },
        "per_label": per_label,
        "resamples": RESAMPLES,
    }


def batch_set_metrics(
    cases: Sequence[dict[str, Any]],
    Y: np.ndarray,
    P: np.ndarray,
    thresholds: np.ndarray,
    codes: Sequence[str],
    suggested: np.ndarray | None = None,
) -> dict[str, dict[str, Any]]:
    """`set_metrics` of each of BATCH_SETS present among `cases` (rows of Y and P)."""
    batches = np.array([str(case.get("batch") or "") for case in cases], dtype=object)
    out = {}
    for name, members in BATCH_SETS.items():
        rows = np.flatnonzero(np.isin(batches, members))
        if len(rows):
            out[name] = set_metrics(
                [cases[i] for i in rows],
                Y[rows],
                P[rows],
                thresholds,
                codes,
                None if suggested is None else suggested[rows],
            )
    return out

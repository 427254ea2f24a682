"""Evaluation metrics from true labels and predicted probabilities (reasons first, flag last)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.calibration import calibration_curve
from sklearn.metrics import (
    brier_score_loss,
    f1_score,
    precision_recall_curve,
    precision_recall_fscore_support,
    precision_score,
    recall_score,
    roc_auc_score,
)


def top_k_hit_rate(Y: np.ndarray, P: np.ndarray, k: int) -> float:
    """Share of cases with a true reason whose k most probable reasons include a true one."""
    has_reason = Y.sum(axis=1) > 0
    if not has_reason.any():
        return float("nan")
    top = np.argsort(-P, axis=1, kind="stable")[:, :k]
    hits = np.take_along_axis(Y, top, axis=1).any(axis=1)
    return float(hits[has_reason].mean())


def suggested_sets(P: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    return (thresholds <= P).astype(int)


def abstention_curve(Y: np.ndarray, P: np.ndarray, points: int = 21) -> list[dict[str, float]]:
    """Precision of the top reason against coverage, as the abstention threshold rises."""
    best = P.max(axis=1)
    correct = np.take_along_axis(Y, P.argmax(axis=1)[:, None], axis=1).ravel().astype(bool)
    curve = []
    for threshold in np.linspace(0, 0.95, points):
        covered = best >= threshold
        curve.append(
            {
                "threshold": round(float(threshold), 3),
                "coverage": round(float(covered.mean()), 4),
                "precision": round(float(correct[covered].mean()), 4) if covered.any() else float("nan"),
            }
        )
    return curve


def label_confusions(
    Y: np.ndarray, S: np.ndarray, codes: Sequence[str], top: int = 15
) -> list[dict[str, Any]]:
    """Most frequent (true label -> wrongly suggested label) pairs."""
    pairs: dict[tuple[int, int], int] = {}
    for true_row, suggested_row in zip(Y, S, strict=True):
        wrong = np.flatnonzero(suggested_row & (1 - true_row))
        for t in np.flatnonzero(true_row):
            for w in wrong:
                pairs[(t, w)] = pairs.get((t, w), 0) + 1
    ranked = sorted(pairs.items(), key=lambda item: -item[1])[:top]
    return [{"true": codes[t], "suggested": codes[w], "cases": n} for (t, w), n in ranked]


def flag_metrics(y: np.ndarray, p: np.ndarray, threshold: float) -> dict[str, float]:
    predicted = p >= threshold
    tp = int((predicted & (y == 1)).sum())
    precision = tp / max(int(predicted.sum()), 1)
    recall = tp / max(int(y.sum()), 1)
    curve_precision, curve_recall, _ = precision_recall_curve(y, p)
    at_90 = curve_recall[curve_precision >= 0.90]
    return {
        "threshold": round(float(threshold), 4),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(2 * precision * recall / max(precision + recall, 1e-12), 4),
        "roc_auc": round(float(roc_auc_score(y, p)), 4) if 0 < y.sum() < len(y) else float("nan"),
        "best_recall_at_precision_0.90": round(float(at_90.max()), 4) if at_90.size else 0.0,
        "brier": round(float(brier_score_loss(y, p)), 4),
        "support": int(y.sum()),
    }


def headline_metrics(
    reasons_true: np.ndarray, reasons_p: np.ndarray, suggested: np.ndarray
) -> dict[str, Any]:
    """Cases, top-1 and top-3 hit rates, and micro F1 of the suggested sets."""
    return {
        "cases": len(reasons_true),
        "top1": round(top_k_hit_rate(reasons_true, reasons_p, 1), 4),
        "top3": round(top_k_hit_rate(reasons_true, reasons_p, 3), 4),
        "micro_f1": round(float(f1_score(reasons_true, suggested, average="micro", zero_division=0)), 4),
    }


def evaluate_predictions(
    Y: np.ndarray,
    P: np.ndarray,
    thresholds: np.ndarray,
    codes: Sequence[str],
    suggested: np.ndarray | None = None,
) -> dict[str, Any]:
    """Every metric of the evaluation report. Y, P: (cases x reasons+1), flag last. `suggested`
    (cases x reasons): the model's own decisions, when they are more than each label at its
    threshold (MotivoModel.decide); by default the reasons at their thresholds."""
    Y = np.asarray(Y, dtype=int)
    reasons_true, reasons_p = Y[:, :-1], P[:, :-1]
    S = suggested_sets(reasons_p, thresholds[:-1]) if suggested is None else np.asarray(suggested, dtype=int)
    precision, recall, f1, support = precision_recall_fscore_support(reasons_true, S, zero_division=0)
    prob_true, prob_pred = calibration_curve(
        reasons_true.ravel(), reasons_p.ravel(), n_bins=10, strategy="quantile"
    )
    return {
        **headline_metrics(reasons_true, reasons_p, S),
        "macro_f1": round(float(f1_score(reasons_true, S, average="macro", zero_division=0)), 4),
        "abstain_rate": round(float((S.sum(axis=1) == 0).mean()), 4),
        "brier_reasons": round(
            float(
                np.mean([brier_score_loss(reasons_true[:, j], reasons_p[:, j]) for j in range(len(codes))])
            ),
            4,
        ),
        "per_label": {
            code: {
                "precision": round(float(precision[j]), 4),
                "recall": round(float(recall[j]), 4),
                "f1": round(float(f1[j]), 4),
                "support": int(support[j]),
                "threshold": round(float(thresholds[j]), 4),
            }
            for j, code in enumerate(codes)
        },
        "flag": flag_metrics(Y[:, -1], P[:, -1], float(thresholds[-1])),
        "reliability": {
            "mean_predicted": prob_pred.round(4).tolist(),
            "fraction_true": prob_true.round(4).tolist(),
        },
        "abstention_curve": abstention_curve(reasons_true, reasons_p),
        "confusions": label_confusions(reasons_true, S, codes),
    }


def metrics_by_group(
    Y: np.ndarray, P: np.ndarray, thresholds: np.ndarray, groups: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """The headline metrics for each group of cases (e.g. each writer's batch), largest first.

    A whole test split can hide that one writer's style is read badly; per batch it shows.
    """
    Y, P, groups = np.asarray(Y, dtype=int), np.asarray(P), np.asarray(groups, dtype=object)
    out = {}
    names, counts = np.unique(groups, return_counts=True)
    for name in names[np.argsort(-counts, kind="stable")]:
        rows = groups == name
        reasons_true, reasons_p = Y[rows, :-1], P[rows, :-1]
        suggested = suggested_sets(reasons_p, thresholds[:-1])
        flag_true, flagged = Y[rows, -1], P[rows, -1] >= thresholds[-1]
        out[str(name)] = {
            **headline_metrics(reasons_true, reasons_p, suggested),
            "flag": {
                "precision": round(float(precision_score(flag_true, flagged, zero_division=0)), 4),
                "recall": round(float(recall_score(flag_true, flagged, zero_division=0)), 4),
                "support": int(flag_true.sum()),
            },
        }
    return out

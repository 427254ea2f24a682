"""Per label, what each threshold would give: precision, recall and coverage (share of cases
suggested), from probabilities the model gave cases it was not fitted on: its out-of-fold
probabilities on its training cases, or its probabilities on forms confirmed while it served."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from model.motivo_model import MotivoModel, label_matrix

GRID = tuple(round(0.05 * k, 2) for k in range(2, 20))  # 0.10 ... 0.95


class TableUnavailable(ValueError):
    """The out-of-fold probabilities do not belong to these cases."""


def oof_labels(
    model: MotivoModel, cases: Sequence[dict[str, Any]] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(true labels, out-of-fold probabilities) of the model's training cases. A model keeps its
    labels beside them; for an older one they are rebuilt from `cases`, checked to belong: each
    label's mean out-of-fold probability where it is ticked must be the model's confident
    threshold (which fit computed from exactly these rows)."""
    proba = np.asarray(model.oof_probabilities)
    if model.oof_truth is not None:
        return np.asarray(model.oof_truth), proba
    if cases is None:
        raise TableUnavailable("the model keeps no out-of-fold labels and no training cases were given")
    if len(cases) != len(proba):
        raise TableUnavailable(f"the model was fitted on {len(proba)} cases, not these {len(cases)}")
    truth = label_matrix(cases, list(model.reason_codes))
    means = np.array(
        [proba[truth[:, j] == 1, j].mean() if truth[:, j].any() else 1.0 for j in range(truth.shape[1])]
    )
    if not np.allclose(means, model.confident_thresholds, atol=1e-9):
        raise TableUnavailable("the out-of-fold probabilities do not match these cases' labels")
    return truth, proba


def _known(truth: np.ndarray, proba: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows where the box is known (an older form's missing box is -1)."""
    keep = truth >= 0
    return truth[keep], proba[keep]


def _figures(truth: np.ndarray, proba: np.ndarray, threshold: float) -> dict[str, Any]:
    chosen = proba >= threshold
    hits = int((chosen & (truth == 1)).sum())
    return {
        "threshold": threshold,
        "precision": round(hits / chosen.sum(), 4) if chosen.any() else None,
        "recall": round(hits / truth.sum(), 4) if truth.any() else None,
        "coverage": round(float(chosen.mean()), 4) if len(chosen) else None,
    }


def label_figures(truth: np.ndarray, proba: np.ndarray, threshold: float) -> dict[str, Any]:
    """One label's precision, recall and coverage at `threshold` (unknown boxes left out)."""
    return _figures(*_known(truth, proba), threshold)


def label_table(truth: np.ndarray, proba: np.ndarray) -> list[dict[str, Any]]:
    """One label's precision, recall and coverage at each threshold of GRID."""
    truth, proba = _known(truth, proba)
    return [_figures(truth, proba, t) for t in GRID]


def labels_table(
    labels: Sequence[str], truth: np.ndarray, proba: np.ndarray
) -> dict[str, list[dict[str, Any]]]:
    """Every label's table, from (cases x labels) truth and probabilities."""
    return {code: label_table(truth[:, j], proba[:, j]) for j, code in enumerate(labels)}


def precision_table(
    model: MotivoModel, cases: Sequence[dict[str, Any]] | None = None
) -> dict[str, list[dict[str, Any]]]:
    """The model's out-of-fold table (`cases`: its training cases, for a model keeping no labels)."""
    return labels_table(model.labels, *oof_labels(model, cases))


def threshold_for_precision(truth: np.ndarray, proba: np.ndarray, target: float) -> float:
    """The lowest threshold whose precision reaches `target` (most coverage at that precision);
    0.99 when none does."""
    truth, proba = _known(truth, proba)
    order = np.argsort(proba, kind="stable")
    p, hit = proba[order], truth[order] == 1
    # Choosing "p >= p[i]" keeps rows i.. of the sorted order: their precision, for every i at once.
    precision = np.cumsum(hit[::-1])[::-1] / np.arange(len(p), 0, -1)
    first = np.r_[True, p[1:] != p[:-1]] if len(p) else np.zeros(0, bool)
    reached = np.flatnonzero(first & (p > 0) & (p < 1) & (precision >= target))
    # Not rounded: a threshold rounded up would leave out the very case that reaches the target.
    return float(p[reached[0]]) if len(reached) else 0.99

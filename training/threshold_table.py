"""Per label, what each threshold would give, from the model's out-of-fold probabilities on the
cases it was trained on: precision, recall and coverage (share of cases suggested)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from model.motivo_model import MotivoModel, label_matrix

GRID = tuple(round(0.05 * k, 2) for k in range(2, 20))  # 0.10 ... 0.95


class TableUnavailable(ValueError):
    """The out-of-fold probabilities do not belong to these cases."""


def oof_labels(model: MotivoModel, cases: Sequence[dict[str, Any]]) -> tuple[np.ndarray, np.ndarray]:
    """(true labels, out-of-fold probabilities) of the training cases, checked to belong together:
    each label's mean out-of-fold probability where it is ticked must be the model's
    confident threshold (which fit computed from exactly these rows)."""
    proba = np.asarray(model.oof_probabilities)
    if len(cases) != len(proba):
        raise TableUnavailable(f"the model was fitted on {len(proba)} cases, not these {len(cases)}")
    truth = label_matrix(cases, list(model.reason_codes))
    means = np.array(
        [proba[truth[:, j] == 1, j].mean() if truth[:, j].any() else 1.0 for j in range(truth.shape[1])]
    )
    if not np.allclose(means, model.confident_thresholds, atol=1e-9):
        raise TableUnavailable("the out-of-fold probabilities do not match these cases' labels")
    return truth, proba


def _figures(truth: np.ndarray, proba: np.ndarray, threshold: float) -> dict[str, Any]:
    chosen = proba >= threshold
    hits = int((chosen & (truth == 1)).sum())
    return {
        "threshold": threshold,
        "precision": round(hits / chosen.sum(), 4) if chosen.any() else None,
        "recall": round(hits / truth.sum(), 4) if truth.any() else None,
        "coverage": round(float(chosen.mean()), 4),
    }


def precision_table(model: MotivoModel, cases: Sequence[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    truth, proba = oof_labels(model, cases)
    return {
        code: [_figures(truth[:, j], proba[:, j], t) for t in GRID] for j, code in enumerate(model.labels)
    }


def threshold_for_precision(truth: np.ndarray, proba: np.ndarray, target: float) -> float:
    """The lowest threshold whose out-of-fold precision reaches `target` (most coverage at that
    precision); 0.99 when none does."""
    for threshold in np.unique(proba):
        chosen = proba >= threshold
        if chosen.any() and (truth[chosen] == 1).mean() >= target and 0 < threshold < 1:
            return round(float(threshold), 4)
    return 0.99

"""Decision thresholds tuned on out-of-fold probabilities."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import precision_recall_curve

# A reason is never suggested below this probability, whatever its best-F1 point says: a box
# suggested at 5% would teach agents to ignore badges.
MIN_REASON_THRESHOLD = 0.15


def best_f1_threshold(y_true: np.ndarray, proba: np.ndarray, floor: float = MIN_REASON_THRESHOLD) -> float:
    """The probability threshold that maximises F1 for one label (at least `floor`)."""
    if not np.any(y_true):
        return 1.01  # a label never seen is never suggested
    precision, recall, thresholds = precision_recall_curve(y_true, proba)
    f1 = 2 * precision[:-1] * recall[:-1] / np.maximum(precision[:-1] + recall[:-1], 1e-12)
    if not len(thresholds):
        return 0.5
    return float(max(floor, thresholds[int(np.argmax(f1))]))


def recall_first_threshold(y_true: np.ndarray, proba: np.ndarray, min_recall: float) -> float:
    """The highest threshold that still keeps recall at `min_recall` (a missed threat costs most)."""
    if not np.any(y_true):
        return 1.01
    _, recall, thresholds = precision_recall_curve(y_true, proba)
    keeping = np.flatnonzero(recall[:-1] >= min_recall)
    if not len(keeping):
        return float(thresholds[0]) if len(thresholds) else 0.5
    return float(thresholds[keeping[-1]])


def reason_thresholds(Y: np.ndarray, P: np.ndarray) -> np.ndarray:
    """One best-F1 threshold per label column, from the rows whose label is known (not -1)."""
    known = Y >= 0
    return np.array([best_f1_threshold(Y[known[:, j], j], P[known[:, j], j]) for j in range(Y.shape[1])])

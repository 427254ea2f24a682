"""A second stage that weighs each reason's best sentence beside the whole case.

The case's row spreads its L2 norm over every word, so a reason said in one plain sentence
beside a long passage (a threat, another reason) scores little on it. Each sentence is also
scored on its own row; per reason, a logistic regression on (the case's raw score, its best
sentence's raw score), fitted on out-of-fold scores, gives the probability. It learns how far a
single sentence is to be trusted, where taking the highest probability (the "max" variant)
trusted every sentence as much as a whole case.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

from model.calibrated_linear import sigmoid
from model.features import CaseVectorizer, Occurrences
from model.sentences import sentence_occurrences, sentence_spans
from model.tokens import Token


def sentence_rows(
    vectorizer: CaseVectorizer,
    tokens: Sequence[Sequence[Token]],
    occurrences: Sequence[Occurrences],
    floor: float | None = None,
) -> tuple[sp.csr_matrix, np.ndarray]:
    """(one TF-IDF row per sentence of every case, the case index of each row)."""
    spans = [sentence_spans(t) for t in tokens]
    parts = [part for i, s in enumerate(spans) for part in sentence_occurrences(occurrences[i], s)]
    owner = np.repeat(np.arange(len(spans)), [len(s) for s in spans])
    return vectorizer.rows(parts, floor), owner


def best_by_case(whole: np.ndarray, sentence_scores: np.ndarray, owner: np.ndarray) -> np.ndarray:
    """(cases x labels): each label's highest sentence score (the case's own where it has none)."""
    best = np.full(whole.shape, -np.inf)
    np.maximum.at(best, owner, sentence_scores)
    return np.where(np.isfinite(best), best, whole)


def fit_stage(whole: np.ndarray, best: np.ndarray, Y: np.ndarray, learnable: np.ndarray) -> np.ndarray:
    """(labels x 3): per label, weights of the case's score and the best sentence's, and an offset.

    A label that cannot be learned, or whose fit would count its best sentence against it, keeps
    a plain sigmoid of the case's score (Platt)."""
    params = np.zeros((Y.shape[1], 3))
    for j in range(Y.shape[1]):
        if not learnable[j]:
            params[j] = [1.0, 0.0, 0.0]
            continue
        known = Y[:, j] >= 0  # -1: a box the case's form did not print, not a third class
        y = Y[known, j]
        fitted = LogisticRegression(C=1e4, max_iter=1000).fit(
            np.column_stack([whole[known, j], best[known, j]]), y
        )
        a, b = fitted.coef_[0]
        if b <= 0 or a < 0:
            platt = LogisticRegression(C=1e4).fit(whole[known, j : j + 1], y)
            params[j] = [platt.coef_[0, 0], 0.0, platt.intercept_[0]]
        else:
            params[j] = [a, b, fitted.intercept_[0]]
    return params


def apply_stage(whole: np.ndarray, best: np.ndarray, params: np.ndarray) -> np.ndarray:
    a, b, c = params.T
    return sigmoid(whole * a + best * b + c)

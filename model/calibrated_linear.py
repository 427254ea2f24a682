"""One calibrated logistic regression per label, stacked into a single coefficient matrix."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, KFold
from sklearn.multiclass import OneVsRestClassifier

from model.fitted import require_fitted

CALIBRATIONS = ("platt", "evidence")
# A slope at or below zero would turn evidence for a label into evidence against it.
MIN_SLOPE = 1e-3


def sigmoid(z: np.ndarray) -> np.ndarray:
    # minimum/maximum rather than np.clip: the same values, in half the time on a request's 30.
    return 1.0 / (1.0 + np.exp(-np.minimum(np.maximum(z, -40.0), 40.0)))


def evidence_amount(X: sp.spmatrix) -> np.ndarray:
    """How much text a row rests on: log(1 + its number of distinct features)."""
    # tocsr() of a CSR matrix is the matrix itself; csr_matrix(X) built (and checked) a new one.
    rows = X.tocsr() if sp.issparse(X) else sp.csr_matrix(X)
    return np.log1p(np.diff(rows.indptr)).astype(np.float64)


class _Constant:
    """The score of a label a fold saw one class of: that class, whatever the row."""

    def __init__(self, label: float):
        self.label = label

    def decision_function(self, X: sp.spmatrix) -> np.ndarray:
        return np.full(X.shape[0], self.label)


class CalibratedLinearOVR(ClassifierMixin, BaseEstimator):
    """Multi-label logistic regression with calibrated probabilities.

    Out-of-fold decision scores (kept as `oof_proba_` once calibrated, for threshold tuning and
    audits) fit one calibrator per label. `calibration="platt"` is a sigmoid of the score;
    `"evidence"` lets the slope and offset depend on how much text the row rests on
    (`evidence_amount`), because a note of five words puts all its TF-IDF weight on one or two
    of them and its raw score means less than a full case's. Prediction stays one sparse-dense
    product plus a per-row affine map. (scikit-learn's OneVsRestClassifier calls 30 sub-models
    per note: ~3x slower, same output.)

    `fit` may also take calibration-only rows (`extra`): e.g. the training cases cut at a share
    of their words, each scored by the fold model that did not see its case, so that the
    calibration also learns what a half-written note's score is worth.
    """

    def __init__(
        self,
        C: float = 4.0,
        class_weight: str | None = "balanced",
        cv: int = 5,
        random_state: int = 0,
        calibration: str = "platt",
    ):
        self.C = C
        self.class_weight = class_weight
        self.cv = cv
        self.random_state = random_state
        self.calibration = calibration

    def _base(self, n_labels: int) -> LogisticRegression | OneVsRestClassifier:
        binary = LogisticRegression(
            C=self.C, class_weight=self.class_weight, solver="liblinear", max_iter=1000
        )
        return binary if n_labels == 1 else OneVsRestClassifier(binary)

    def _folds(
        self, Y: np.ndarray, groups: np.ndarray | None
    ) -> tuple[list[tuple[np.ndarray, np.ndarray]], bool]:
        """(folds, grouped): folds keep each group whole when every training fold still sees both
        classes of every label; shuffled folds otherwise. Whole groups (one writer's batch) make
        the out-of-fold scores, and so thresholds and calibration, reflect other writers' text."""

        def sees_both_classes(train: np.ndarray) -> bool:
            return bool(((Y[train] == 1).any(axis=0) & (Y[train] == 0).any(axis=0)).all())

        if groups is not None and len(np.unique(groups)) >= self.cv:
            grouped = list(GroupKFold(self.cv).split(Y, groups=groups))
            if all(sees_both_classes(train) for train, _ in grouped):
                return grouped, True
        return list(KFold(self.cv, shuffle=True, random_state=self.random_state).split(Y)), False

    @staticmethod
    def _scores(model, X: sp.spmatrix) -> np.ndarray:
        return np.asarray(model.decision_function(X)).reshape(X.shape[0], -1)

    def _calibrate(self, scores: np.ndarray, amount: np.ndarray, y: np.ndarray) -> np.ndarray:
        """(slope, offset, slope per unit of evidence, offset per unit of evidence) for one label."""
        if self.calibration == "platt":
            fitted = LogisticRegression(C=1e4).fit(scores[:, None], y)
            return np.array([fitted.coef_[0, 0], fitted.intercept_[0], 0.0, 0.0])
        inputs = np.column_stack([scores, scores * amount, amount])
        fitted = LogisticRegression(C=1e4, max_iter=1000).fit(inputs, y)
        a, c, d = fitted.coef_[0]
        return np.array([a, fitted.intercept_[0], c, d])

    def _fit_labels(
        self, X: sp.spmatrix, Y: np.ndarray, weight: np.ndarray | None
    ) -> list[LogisticRegression]:
        """One fitted binary model per column of Y. A row whose label is unknown (-1) is left out
        of that label's fit only; `weight` weighs rows (e.g. the hand-written corpus against the
        operator's own cases). Without either, one OneVsRestClassifier does the same fits."""
        if weight is None and (Y >= 0).all():
            full = self._base(Y.shape[1]).fit(X, Y[:, 0] if Y.shape[1] == 1 else Y)
            return [full] if Y.shape[1] == 1 else list(full.estimators_)
        fitted: list = []
        for column in Y.T:
            rows = np.flatnonzero(column >= 0)
            if len(np.unique(column[rows])) < 2:  # a fold that saw one class only (as OneVsRest does)
                fitted.append(_Constant(float(column[rows][:1].sum()) if rows.size else 0.0))
                continue
            fitted.append(
                self._base(1).fit(
                    X[rows], column[rows], sample_weight=None if weight is None else weight[rows]
                )
            )
        return fitted

    def fit(
        self,
        X: sp.spmatrix,
        Y: np.ndarray,
        groups: np.ndarray | None = None,
        extra: tuple[sp.spmatrix, np.ndarray, np.ndarray] | None = None,
        sample_weight: np.ndarray | None = None,
        scored: tuple[sp.spmatrix, np.ndarray] | None = None,
    ) -> CalibratedLinearOVR:
        """`groups` (one per row, e.g. the writer's batch): out-of-fold scores keep groups whole.
        `extra` = (X, Y, owner): calibration-only rows and the index of the training row each
        belongs to (it is scored by the fold model that did not see its owner).
        Y may hold -1 where a row's label is unknown (an older form that did not print the box):
        that row then neither fits, calibrates nor tunes that label. `sample_weight`: per row.
        `scored` = (X, owner): rows only scored, the same way; their raw out-of-fold scores are
        left in `scored_oof_` (rows x labels) for a later stage, which should delete it."""
        if self.calibration not in CALIBRATIONS:
            raise ValueError(f"calibration must be one of {CALIBRATIONS}, not {self.calibration!r}")
        Y = np.asarray(Y, dtype=int)
        if Y.ndim != 2:
            raise ValueError("Y must be a 2-D label indicator matrix")
        weight = None if sample_weight is None else np.asarray(sample_weight, dtype=float)
        n_labels = Y.shape[1]
        positives, negatives = (Y == 1).sum(axis=0), (Y == 0).sum(axis=0)
        # A label with fewer than 2 examples either way cannot be learned (an old form's history has
        # no Migração at all): it gets a constant probability, its base rate, and no weights.
        self.learnable_ = (positives >= 2) & (negatives >= 2)
        rate = np.clip(positives / np.maximum(positives + negatives, 1), 1e-4, 1 - 1e-4)
        coef = np.zeros((n_labels, X.shape[1]))
        intercept = np.log(rate / (1 - rate))
        oof = np.tile(intercept, (len(Y), 1))
        calibrators = np.tile([1.0, 0.0, 0.0, 0.0], (n_labels, 1))
        learnable = np.flatnonzero(self.learnable_)
        self.grouped_folds_ = False
        if learnable.size:
            target = Y[:, learnable]
            folds, self.grouped_folds_ = self._folds(
                Y[:, learnable], None if groups is None else np.asarray(groups)
            )
            X_extra, Y_extra, owner = extra if extra is not None else (None, None, None)
            scores = np.zeros((len(Y), learnable.size))
            X_scored, scored_owner = scored if scored is not None else (None, None)
            self.scored_oof_ = np.tile(intercept, (0 if X_scored is None else X_scored.shape[0], 1))
            extra_scores = np.zeros((0 if X_extra is None else X_extra.shape[0], learnable.size))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", (ConvergenceWarning, UserWarning))
                for train, test in folds:
                    fold_models = self._fit_labels(
                        X[train], target[train], None if weight is None else weight[train]
                    )
                    scores[test] = np.column_stack([self._scores(m, X[test])[:, 0] for m in fold_models])
                    if X_extra is not None:
                        rows = np.flatnonzero(np.isin(owner, test))
                        extra_scores[rows] = np.column_stack(
                            [self._scores(m, X_extra[rows])[:, 0] for m in fold_models]
                        )
                    if X_scored is not None:
                        rows = np.flatnonzero(np.isin(scored_owner, test))
                        self.scored_oof_[np.ix_(rows, learnable)] = np.column_stack(
                            [self._scores(m, X_scored[rows])[:, 0] for m in fold_models]
                        )
                estimators = self._fit_labels(X, target, weight)
            amount = evidence_amount(X)
            if X_extra is not None:
                all_scores = np.vstack([scores, extra_scores])
                amount_all = np.concatenate([amount, evidence_amount(X_extra)])
                Y_all = np.vstack([Y, np.asarray(Y_extra, dtype=int)])
            else:
                all_scores, amount_all, Y_all = scores, amount, Y
            for k, column in enumerate(learnable):
                coef[column] = estimators[k].coef_[0]
                intercept[column] = estimators[k].intercept_[0]
                oof[:, column] = scores[:, k]
                known = Y_all[:, column] >= 0
                calibrators[column] = self._calibrate(
                    all_scores[known, k], amount_all[known], Y_all[known, column]
                )
            self.oof_proba_ = self._apply(oof, amount, calibrators)
        else:
            self.oof_proba_ = sigmoid(oof)
        self.coef_ = coef.astype(np.float32)
        # (features x labels), C-contiguous: scipy copies a transposed view on every product.
        self.coef_by_feature_ = np.ascontiguousarray(self.coef_.T)
        self.intercept_ = intercept.astype(np.float32)
        self.calibrators_ = calibrators
        self.n_labels_ = n_labels
        self.classes_ = np.arange(n_labels)
        return self

    @staticmethod
    def _apply(scores: np.ndarray, amount: np.ndarray, calibrators: np.ndarray) -> np.ndarray:
        a, b, c, d = calibrators.T
        slope = np.maximum(a + c * amount[:, None], MIN_SLOPE)
        return sigmoid(scores * slope + b + d * amount[:, None])

    def decision_function(self, X: sp.spmatrix) -> np.ndarray:
        """The raw (uncalibrated) linear score of each label."""
        require_fitted(self, "coef_")
        return np.asarray(X @ self.coef_by_feature_) + self.intercept_

    def slopes(self, X: sp.spmatrix) -> np.ndarray:
        """(rows x labels): how much one unit of raw score moves each row's calibrated log-odds."""
        require_fitted(self, "calibrators_")
        a, _, c, _ = self.calibrators_.T
        return np.maximum(a + c * evidence_amount(X)[:, None], MIN_SLOPE)

    def predict_proba(self, X: sp.spmatrix) -> np.ndarray:
        """Calibrated probability of each label (columns), independently."""
        return self._apply(self.decision_function(X), evidence_amount(X), self.calibrators_)

    def predict(self, X: sp.spmatrix) -> np.ndarray:
        return (self.predict_proba(X) >= 0.5).astype(int)

    def label_weights(self, columns: Sequence[int]) -> np.ndarray:
        """(len(columns) x features) raw weights of the given label columns."""
        return self.coef_[list(columns)]

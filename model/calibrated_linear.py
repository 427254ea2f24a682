"""One calibrated logistic regression per label, stacked into a single coefficient matrix."""

from __future__ import annotations

import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold, cross_val_predict
from sklearn.multiclass import OneVsRestClassifier
from sklearn.utils.validation import check_is_fitted


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))


class CalibratedLinearOVR(ClassifierMixin, BaseEstimator):
    """Multi-label logistic regression with Platt-calibrated probabilities.

    Out-of-fold decision scores (kept as `oof_proba_` once calibrated, for threshold tuning and
    audits) fit one sigmoid per label; since a sigmoid of a linear score is linear inside, the
    calibration folds into `coef_`/`intercept_` and prediction is one sparse-dense product.
    (scikit-learn's OneVsRestClassifier calls 30 sub-models per note: ~3x slower, same output.)
    """

    def __init__(
        self, C: float = 4.0, class_weight: str | None = "balanced", cv: int = 5, random_state: int = 0
    ):
        self.C = C
        self.class_weight = class_weight
        self.cv = cv
        self.random_state = random_state

    def _base(self, n_labels: int) -> LogisticRegression | OneVsRestClassifier:
        binary = LogisticRegression(
            C=self.C, class_weight=self.class_weight, solver="liblinear", max_iter=1000
        )
        return binary if n_labels == 1 else OneVsRestClassifier(binary)

    def fit(self, X: sp.spmatrix, Y: np.ndarray) -> CalibratedLinearOVR:
        Y = np.asarray(Y, dtype=int)
        if Y.ndim != 2:
            raise ValueError("Y must be a 2-D label indicator matrix")
        empty = np.flatnonzero((Y.sum(axis=0) < 2) | (Y.sum(axis=0) > len(Y) - 2))
        if empty.size:
            raise ValueError(f"label columns {empty.tolist()} have fewer than two positive or negative cases")
        folds = KFold(self.cv, shuffle=True, random_state=self.random_state)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", (ConvergenceWarning, UserWarning))
            target = Y[:, 0] if Y.shape[1] == 1 else Y
            oof = cross_val_predict(self._base(Y.shape[1]), X, target, cv=folds, method="decision_function")
            full = self._base(Y.shape[1]).fit(X, target)
        oof = oof.reshape(len(Y), -1)
        estimators = [full] if Y.shape[1] == 1 else full.estimators_
        coef = np.vstack([est.coef_ for est in estimators])
        intercept = np.array([est.intercept_[0] for est in estimators])
        slopes, offsets = np.ones(Y.shape[1]), np.zeros(Y.shape[1])
        for j in range(Y.shape[1]):
            platt = LogisticRegression(C=1e4).fit(oof[:, j : j + 1], Y[:, j])
            slopes[j], offsets[j] = platt.coef_[0, 0], platt.intercept_[0]
        self.coef_ = (coef * slopes[:, None]).astype(np.float32)
        # (features x labels), C-contiguous: scipy copies a transposed view on every product.
        self.coef_by_feature_ = np.ascontiguousarray(self.coef_.T)
        self.intercept_ = (intercept * slopes + offsets).astype(np.float32)
        self.oof_proba_ = sigmoid(oof * slopes + offsets)
        self.n_labels_ = Y.shape[1]
        self.classes_ = np.arange(Y.shape[1])
        return self

    def decision_function(self, X: sp.spmatrix) -> np.ndarray:
        check_is_fitted(self, "coef_")
        return np.asarray(X @ self.coef_by_feature_) + self.intercept_

    def predict_proba(self, X: sp.spmatrix) -> np.ndarray:
        """Calibrated probability of each label (columns), independently."""
        return sigmoid(self.decision_function(X))

    def predict(self, X: sp.spmatrix) -> np.ndarray:
        return (self.predict_proba(X) >= 0.5).astype(int)

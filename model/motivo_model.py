"""The motivo estimator: shared text features, a reasons classifier and a separate flag classifier."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, clone
from sklearn.utils.validation import check_is_fitted

from model.calibrated_linear import CalibratedLinearOVR
from model.cases import text_fields, truncate_case
from model.decisions import Decisions, decide, neighbour_matrix
from model.evidence import content_mask, evidence_spans
from model.features import CaseVectorizer, Occurrences
from model.fitted import require_fitted
from model.sentence_stage import apply_stage, best_by_case, fit_stage, sentence_rows
from model.taxonomy import check_neighbours
from model.thresholds import reason_thresholds, recall_first_threshold
from model.tokens import Token


def label_matrix(cases: Sequence[dict[str, Any]], reason_codes: Sequence[str]) -> np.ndarray:
    """(cases x reasons+1) indicator: one column per reason code, the flag last."""
    return np.array(
        [
            [code in case["reasons"] for code in reason_codes] + [bool(case["judicializacao"])]
            for case in cases
        ],
        dtype=int,
    )


@dataclass(frozen=True)
class Analysis:
    """What the model computes for a batch of cases before any evidence is asked for."""

    cases: Sequence[Any]
    tokens: list[tuple[Token, ...]]
    occurrences: list[Occurrences]
    features: sp.csr_matrix
    proba: np.ndarray

    def row(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Case i's TF-IDF row as (sorted feature columns, values)."""
        part = slice(self.features.indptr[i], self.features.indptr[i + 1])
        return self.features.indices[part], self.features.data[part]


# The layout of a fitted MotivoModel's pickle. Raised whenever a change means an older pickle
# can no longer be read right; the registry refuses a version of another format by name.
# 1: release 0.1. 2: TF-IDF norm floor, raw coef_ with per-label calibrators, agent clauses.
# 3: `sentences` (+ `stage_`), `sentence_floor`, `second_share`: sentence scores, lesser reasons.
# `neighbours` and `neighbour_share` came within 3: an older pickle gets them off (__setstate__).
MODEL_FORMAT = 3


# How reasons read a case's sentences (MotivoModel._proba): not apart, the best of case and
# sentence, or a second stage weighing both.
SENTENCE_MODES = ("off", "max", "stacked")


class MotivoModel(BaseEstimator):
    """Cases -> calibrated probabilities for every reason and for the litigation-threat flag.

    `vectorizer` (default: a CaseVectorizer with its defaults) is cloned and fitted by `fit`.
    `reason_codes` name the reason columns and `flag_code` the flag column (the taxonomy's).
    `fit(X, Y)` takes cases (dicts with `observations` and `general_note`) and the indicator
    matrix of `label_matrix` (reasons in `reason_codes` order, flag last). Reason thresholds
    maximise out-of-fold F1 per label; the flag threshold keeps out-of-fold recall at
    `flag_min_recall` (a missed threat costs more than a second look). With `groups` (each
    case's writer), the folds keep each group whole, so those out-of-fold scores are what
    another writer's text gets.
    """

    def __init__(
        self,
        reason_codes: Sequence[str] = (),
        flag_code: str = "",
        vectorizer: CaseVectorizer | None = None,
        C: float = 8.0,
        flag_C: float = 32.0,
        cv: int = 5,
        flag_min_recall: float = 0.98,
        random_state: int = 0,
        calibration: str = "platt",
        prefix_cuts: Sequence[float] = (),
        sentences: str = "off",
        sentence_floor: float | None = None,
        second_share: float = 1.0,
        neighbours: Sequence[tuple[str, str]] = (),
        neighbour_share: float = 1.0,
    ):
        self.reason_codes = reason_codes
        self.flag_code = flag_code
        self.vectorizer = vectorizer
        self.C = C
        self.flag_C = flag_C
        self.cv = cv
        self.flag_min_recall = flag_min_recall
        self.random_state = random_state
        self.calibration = calibration
        self.prefix_cuts = prefix_cuts
        self.sentences = sentences
        self.sentence_floor = sentence_floor
        self.second_share = second_share
        self.neighbours = neighbours
        self.neighbour_share = neighbour_share

    def __setstate__(self, state: dict[str, Any]) -> None:
        # Pickles from before the neighbour rule decide as it does when it is off.
        state.setdefault("neighbours", ())
        state.setdefault("neighbour_share", 1.0)
        super().__setstate__(state)

    def fit(
        self,
        X: Sequence[dict[str, Any]],
        Y: np.ndarray,
        groups: Sequence[str] | None = None,
        sample_weight: np.ndarray | None = None,
    ) -> MotivoModel:
        """`groups`: one per case (the writer's batch); out-of-fold scores then keep groups whole.
        Y may hold -1 for a reason a case cannot speak for (see CalibratedLinearOVR.fit);
        `sample_weight`: how much each case counts."""
        Y = np.asarray(Y, dtype=int)
        if not self.reason_codes or not self.flag_code:
            raise ValueError("reason_codes and flag_code must name the label columns")
        if Y.shape != (len(X), len(self.reason_codes) + 1):
            raise ValueError(
                f"Y must be (cases, {len(self.reason_codes) + 1}): one column per reason, flag last"
            )
        check_neighbours(self.neighbours, self.reason_codes)
        if self.sentences not in SENTENCE_MODES:
            raise ValueError(f"sentences must be one of {SENTENCE_MODES}, not {self.sentences!r}")
        self.vectorizer_ = clone(self.vectorizer) if self.vectorizer is not None else CaseVectorizer()
        self.vectorizer_.fit(X)
        tokens = [self.vectorizer_.tokens(case) for case in X]
        occurrences = [self.vectorizer_.encode(t) for t in tokens]
        features = self.vectorizer_.rows(occurrences)
        scored = None
        if self.sentences == "stacked":
            # The case rows and every sentence's row, scored out of fold for the second stage.
            sentences, owner = sentence_rows(self.vectorizer_, tokens, occurrences, self.sentence_floor)
            scored = (sp.vstack([features, sentences]).tocsr(), np.concatenate([np.arange(len(X)), owner]))
        prefixes = self._prefixes(X, Y)
        self.reasons_ = CalibratedLinearOVR(
            C=self.C, cv=self.cv, random_state=self.random_state, calibration=self.calibration
        )
        self.reasons_.fit(
            features,
            Y[:, :-1],
            groups,
            prefixes and (prefixes[0], prefixes[1][:, :-1], prefixes[2]),
            sample_weight=sample_weight,
            scored=scored,
        )
        reasons_oof = self.reasons_.oof_proba_
        self.stage_ = None
        # (rows x labels) out-of-fold scores of the case and sentence rows: not for the pickle.
        raw = self.reasons_.__dict__.pop("scored_oof_", None)
        if scored is not None and raw is not None:
            whole, best = raw[: len(X)], best_by_case(raw[: len(X)], raw[len(X) :], scored[1][len(X) :])
            self.stage_ = fit_stage(whole, best, Y[:, :-1], self.reasons_.learnable_)
            reasons_oof = apply_stage(whole, best, self.stage_)
        self.flag_ = CalibratedLinearOVR(
            C=self.flag_C, cv=self.cv, random_state=self.random_state, calibration=self.calibration
        )
        self.flag_.fit(
            features,
            Y[:, -1:],
            groups,
            prefixes and (prefixes[0], prefixes[1][:, -1:], prefixes[2]),
            sample_weight,
        )
        self.thresholds_ = reason_thresholds(Y[:, :-1], reasons_oof)
        self.flag_threshold_ = recall_first_threshold(
            Y[:, -1], self.flag_.oof_proba_[:, 0], self.flag_min_recall
        )
        self.oof_proba_ = np.hstack([reasons_oof, self.flag_.oof_proba_])
        # The labels those probabilities answer (-1: unknown box), so that a precision/coverage
        # table needs no copy of the training cases (a retrained model's include confirmations).
        self.oof_truth_ = Y.astype(np.int8)
        # Confident-learning thresholds: the mean out-of-fold probability a label gets when it is
        # truly ticked. A ticked box far below its label's mean is a suspect (the QA audit).
        self.confident_thresholds_ = np.array(
            [self.oof_proba_[Y[:, j] == 1, j].mean() if Y[:, j].any() else 1.0 for j in range(Y.shape[1])]
        )
        self.labels_ = np.array([*self.reason_codes, self.flag_code])
        return self

    def _prefixes(self, X: Sequence[Any], Y: np.ndarray) -> tuple | None:
        """Calibration-only rows: every training case cut at each of `prefix_cuts` of its words,
        labeled with the full case's labels (a suggestion outside them is false at any cut)."""
        if not self.prefix_cuts:
            return None
        owners = np.repeat(np.arange(len(X)), len(self.prefix_cuts))
        cut_cases = [truncate_case(X[i], cut) for i in range(len(X)) for cut in self.prefix_cuts]
        return self.vectorizer_.transform(cut_cases), Y[owners], owners

    @property
    def labels(self) -> list[str]:
        """The label columns: the reason codes in form order, then the flag's code."""
        check_is_fitted(self, "labels_")
        return self.labels_.tolist()

    @property
    def confident_thresholds(self) -> np.ndarray:
        """Per label column, the mean out-of-fold probability where the label is truly ticked."""
        check_is_fitted(self, "confident_thresholds_")
        return self.confident_thresholds_

    @property
    def oof_probabilities(self) -> np.ndarray:
        """(training cases x labels) the out-of-fold probabilities its thresholds were tuned on."""
        check_is_fitted(self, "oof_proba_")
        return self.oof_proba_

    @property
    def oof_truth(self) -> np.ndarray | None:
        """(training cases x labels) 1/0/-1 (unknown) beside oof_probabilities; None for a model
        fitted before it was kept."""
        check_is_fitted(self, "oof_proba_")
        return getattr(self, "oof_truth_", None)

    @property
    def oof_folds(self) -> str:
        """'writer' when every out-of-fold score came from folds keeping writers whole, else 'shuffled'."""
        check_is_fitted(self, "reasons_")
        return "writer" if self.reasons_.grouped_folds_ and self.flag_.grouped_folds_ else "shuffled"

    def used_params(self) -> dict[str, Any]:
        """The model's parameters and those of the vectorizer it was fitted with."""
        check_is_fitted(self, "vectorizer_")
        return {
            **self.get_params(deep=False),
            **{f"vectorizer__{k}": v for k, v in self.vectorizer_.get_params().items()},
        }

    def features(self, X: Sequence[Any]) -> sp.csr_matrix:
        check_is_fitted(self, "vectorizer_")
        return self.vectorizer_.transform(X)

    def analyze(self, X: Sequence[Any]) -> Analysis:
        """Tokens, feature occurrences, features and probabilities of each case (for evidence)."""
        require_fitted(self, "vectorizer_")
        analyzed = [self.vectorizer_.analyze_case(case) for case in X]
        tokens = [case_tokens for case_tokens, _ in analyzed]
        occurrences = [case_occurrences for _, case_occurrences in analyzed]
        features = self.vectorizer_.rows(occurrences)
        return Analysis(X, tokens, occurrences, features, self._proba(tokens, occurrences, features))

    def _proba(
        self, tokens: Sequence[Sequence[Token]], occurrences: Sequence[Occurrences], features: sp.csr_matrix
    ) -> np.ndarray:
        """Probabilities from the whole-case rows. With `sentences`, each sentence is scored on a
        row of its own too (its norm floored at `sentence_floor`, default the vectorizer's): "max"
        takes each reason's highest probability, case or sentence; "stacked" the second stage's
        probability from the case's score and its best sentence's (model.sentence_stage)."""
        if self.sentences == "off":
            return self.proba_from_features(features)
        sentences, owner = sentence_rows(self.vectorizer_, tokens, occurrences, self.sentence_floor)
        if self.sentences == "max":
            proba = self.proba_from_features(features)
            best = best_by_case(proba[:, :-1], self.reasons_.predict_proba(sentences), owner)
            proba[:, :-1] = np.maximum(proba[:, :-1], best)
            return proba
        whole = self.reasons_.decision_function(features)
        best = best_by_case(whole, self.reasons_.decision_function(sentences), owner)
        return np.hstack([apply_stage(whole, best, self.stage_), self.flag_.predict_proba(features)])

    def explain(self, analysis: Analysis, i: int, columns: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
        """Evidence spans (original offsets) for the given label columns of case i of `analysis`:
        each token's share of the label's calibrated log-odds."""
        if not len(columns):
            return {}
        # A single case's matrix is its row (slicing a CSR matrix builds a new one).
        row = analysis.features if analysis.features.shape[0] == 1 else analysis.features[i]
        slopes = np.append(self.reasons_.slopes(row)[0], self.flag_.slopes(row)[0])
        occurrences = analysis.occurrences[i]
        distinct = occurrences.grouped[0]
        weights = np.vstack([self.coefficients(c)[0][distinct] * slopes[c] for c in columns])
        indices, values = analysis.row(i)
        contributions = occurrences.contributions(indices, values, weights)
        fields = text_fields(analysis.cases[i])
        tokens = analysis.tokens[i]
        content = content_mask(tokens)
        return {
            c: evidence_spans(tokens, contributions[:, k], fields, content=content)
            for k, c in enumerate(columns)
        }

    def proba_from_features(self, features: sp.spmatrix) -> np.ndarray:
        """(cases x reasons+1) probabilities from feature rows."""
        return np.hstack([self.reasons_.predict_proba(features), self.flag_.predict_proba(features)])

    def predict_proba(self, X: Sequence[Any]) -> np.ndarray:
        if self.sentences == "off":
            return self.proba_from_features(self.features(X))
        return self.analyze(X).proba

    def predict(self, X: Sequence[Any]) -> np.ndarray:
        """The suggested indicator matrix (reasons, then the flag last)."""
        decisions = self.decide(self.predict_proba(X))
        return np.column_stack([decisions.suggested, decisions.flagged]).astype(int)

    def decide(self, proba: np.ndarray) -> Decisions:
        """Suggestions and flag from probabilities (cases x reasons+1): each label at its threshold,
        moved around the case's leading reason by `second_share` and `neighbour_share`."""
        neighbours = None
        if self.neighbour_share > 1.0:
            neighbours = neighbour_matrix(self.neighbours, self.reason_codes)
        return decide(proba, self.decision_thresholds, self.second_share, neighbours, self.neighbour_share)

    @property
    def decision_thresholds(self) -> np.ndarray:
        require_fitted(self, "thresholds_")
        return np.append(self.thresholds_, self.flag_threshold_)

    def with_thresholds(self, changes: dict[str, float]) -> MotivoModel:
        """A copy whose decision thresholds are `changes` (label code -> threshold in (0, 1)); the
        weights and calibration are shared, only where each label is decided moves."""
        check_is_fitted(self, "thresholds_")
        labels = self.labels
        for code, value in changes.items():
            if code not in labels:
                raise ValueError(f"unknown label {code!r}: one of {labels}")
            if not isinstance(value, int | float) or not 0.0 < float(value) < 1.0:
                raise ValueError(
                    f"threshold of {code!r} must be a number between 0 and 1 (exclusive), got {value!r}"
                )
        changed = copy.copy(self)
        changed.thresholds_ = self.thresholds_.copy()
        for code, value in changes.items():
            column = labels.index(code)
            if column < len(self.reason_codes):
                changed.thresholds_[column] = float(value)
            else:
                changed.flag_threshold_ = float(value)
        return changed

    def coefficients(self, column: int) -> tuple[np.ndarray, float]:
        """The raw linear weights and intercept behind one label column (before calibration)."""
        if column < len(self.reason_codes):
            return self.reasons_.coef_[column], float(self.reasons_.intercept_[column])
        return self.flag_.coef_[0], float(self.flag_.intercept_[0])

"""The precision/coverage table from the forms agents confirmed, once a label has enough of them.

The serving model scores each form's latest agent confirmation made while it served (it was
trained before, so these forms are out of sample for it; a QA decision on an audited file may
concern text it was trained on, so those are left out, as are forms whose texts were erased).
Per label, when at least MIN_FORMS such forms hold MIN_POSITIVES where the box was ticked, its
table and its precision targets come from them instead of the out-of-fold probabilities of the
training cases. 30 positives put a precision of 0.9 within about ±0.11 (95 %): coarse, but it
is the operator's own traffic; under that the out-of-fold table is the better estimate. A box
the form did not print (the older form's) is unknown, never "not ticked".
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy.engine import Engine

from service.confirmations import agent_confirmations, confirmations_fingerprint
from training.known_labels import known_label_matrix
from training.registry import LoadedModel
from training.threshold_table import label_figures, label_table, threshold_for_precision

MIN_FORMS = 200
MIN_POSITIVES = 30
MAX_FORMS = 3_000  # the newest ones: scoring them takes seconds, so at most once per REUSE_SECONDS
REUSE_SECONDS = 300.0  # a worker rescoring at every confirmation would spend its day doing it


@dataclass(frozen=True)
class ConfirmedScores:
    version: str
    truth: np.ndarray  # forms x labels, 1 / 0 / -1 (a box the form did not print)
    proba: np.ndarray  # forms x labels, the serving model's probabilities

    @classmethod
    def none(cls, version: str, width: int) -> ConfirmedScores:
        """No confirmed form: every label keeps its out-of-fold figures."""
        return cls(version, np.zeros((0, width), int), np.zeros((0, width)))

    @property
    def forms(self) -> int:
        return len(self.truth)

    def positives(self, column: int) -> int:
        return int((self.truth[:, column] == 1).sum()) if self.forms else 0

    def enough(self, column: int) -> bool:
        return self.forms >= MIN_FORMS and self.positives(column) >= MIN_POSITIVES


_cache: dict[str, Any] = {}
_lock = threading.Lock()


def confirmed_scores(engine: Engine, loaded: LoadedModel) -> ConfirmedScores:
    """The serving model's probabilities on the forms confirmed while it served; reused until
    the model changes, or a confirmation arrived and REUSE_SECONDS passed."""
    fingerprint = confirmations_fingerprint(engine)
    with _lock:
        cached = _cache.get(loaded.version)
        if cached and (
            cached["fingerprint"] == fingerprint or time.monotonic() - cached["at"] < REUSE_SECONDS
        ):
            return cached["scores"]
    cases = agent_confirmations(engine, model_version=loaded.version, newest=MAX_FORMS)
    model = loaded.model
    scores = (
        ConfirmedScores(
            loaded.version, known_label_matrix(cases, list(model.reason_codes)), model.predict_proba(cases)
        )
        if cases
        else ConfirmedScores.none(loaded.version, len(model.labels))
    )
    with _lock:
        _cache.clear()  # one model serves: older versions' scores are of no use
        _cache[loaded.version] = {"fingerprint": fingerprint, "at": time.monotonic(), "scores": scores}
    return scores


def merge_table(
    table: dict[str, list[dict[str, Any]]] | None, scores: ConfirmedScores, labels: list[str]
) -> tuple[dict[str, list[dict[str, Any]]] | None, dict[str, dict[str, Any]]]:
    """The table with each label that has enough confirmed forms taken from them; and per label
    its source ("confirmations" or "out_of_fold"), forms and positives."""
    merged = dict(table or {})
    sources = {}
    for column, code in enumerate(labels):
        if scores.enough(column):
            merged[code] = label_table(scores.truth[:, column], scores.proba[:, column])
        sources[code] = {
            "source": "confirmations" if scores.enough(column) else "out_of_fold",
            "confirmed_forms": scores.forms,
            "confirmed_positives": scores.positives(column),
        }
    return (merged or None), sources


def figures_in_force(
    oof: tuple[np.ndarray, np.ndarray] | None, scores: ConfirmedScores, thresholds: np.ndarray
) -> list[dict[str, Any] | None]:
    """Per label column, precision, recall and coverage at the threshold in force, on the same
    source as its table (None when neither source is available)."""
    out = []
    for column, threshold in enumerate(thresholds):
        if scores.enough(column):
            out.append(label_figures(scores.truth[:, column], scores.proba[:, column], float(threshold)))
        elif oof is not None:
            out.append(label_figures(oof[0][:, column], oof[1][:, column], float(threshold)))
        else:
            out.append(None)
    return out


def resolve_on_confirmations(
    policy: dict[str, Any], scores: ConfirmedScores, labels: list[str]
) -> dict[str, Any]:
    """The policy with its precision targets resolved on confirmed forms where a label has enough
    (kept in the policy with the model version; the others stay for the out-of-fold table)."""
    thresholds = {}
    for column, code in enumerate(labels):
        rule = policy["labels"].get(code) or policy.get("all") or {}
        if "target_precision" in rule and scores.enough(column):
            thresholds[code] = threshold_for_precision(
                scores.truth[:, column], scores.proba[:, column], rule["target_precision"]
            )
    policy = {k: v for k, v in policy.items() if k != "resolved"}
    if thresholds:
        policy["resolved"] = {
            "model_version": scores.version,
            "forms": scores.forms,
            "thresholds": thresholds,
        }
    return policy

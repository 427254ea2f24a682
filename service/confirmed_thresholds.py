"""The precision/coverage table from the forms agents confirmed, once a label has enough of them.

The serving model scores the latest confirmation of every form confirmed while it served (it
was trained before, so these forms are out of sample for it); per label, when at least
MIN_FORMS such forms hold MIN_POSITIVES where the box was ticked, its table and its precision
targets come from them instead of the out-of-fold probabilities of the training cases. 30
positives put a precision of 0.9 within about ±0.11 (95 %): coarse, but it is the operator's own
traffic; under that the out-of-fold table is the better estimate.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from model.motivo_model import label_matrix
from service.confirmations import latest_confirmations
from service.db import confirmations
from training.registry import LoadedModel
from training.threshold_table import label_table, threshold_for_precision

MIN_FORMS = 200
MIN_POSITIVES = 30
MAX_FORMS = 3_000  # the newest ones: scoring them takes a few seconds, once per confirmation count


@dataclass(frozen=True)
class ConfirmedScores:
    version: str
    truth: np.ndarray  # forms x labels, 1/0
    proba: np.ndarray  # forms x labels, the serving model's probabilities

    @property
    def forms(self) -> int:
        return len(self.truth)

    def enough(self, column: int) -> bool:
        return self.forms >= MIN_FORMS and int(self.truth[:, column].sum()) >= MIN_POSITIVES


_cache: dict[str, Any] = {}
_lock = threading.Lock()


def confirmed_scores(engine: Engine, loaded: LoadedModel) -> ConfirmedScores:
    """The serving model's probabilities on the forms confirmed while it served (cached until a
    confirmation arrives or the model changes)."""
    with engine.connect() as connection:
        count, newest = connection.execute(select(func.count(), func.max(confirmations.c.id))).one()
    key = (loaded.version, count, newest)
    with _lock:
        if _cache.get("key") == key:
            return _cache["scores"]
    cases = [c for c in latest_confirmations(engine) if c["model_version"] == loaded.version][-MAX_FORMS:]
    model = loaded.model
    width = len(model.labels)
    scores = ConfirmedScores(
        version=loaded.version,
        truth=label_matrix(cases, list(model.reason_codes)) if cases else np.zeros((0, width), int),
        proba=model.predict_proba(cases) if cases else np.zeros((0, width)),
    )
    with _lock:
        _cache.update(key=key, scores=scores)
    return scores


def merge_table(
    table: dict[str, list[dict[str, Any]]] | None, scores: ConfirmedScores, labels: list[str]
) -> tuple[dict[str, list[dict[str, Any]]] | None, dict[str, dict[str, Any]]]:
    """The table with each label that has enough confirmed forms taken from them; and per label
    its source ("confirmations" or "out_of_fold"), forms and positives."""
    merged = dict(table or {})
    sources = {}
    for column, code in enumerate(labels):
        positives = int(scores.truth[:, column].sum()) if scores.forms else 0
        if scores.enough(column):
            merged[code] = label_table(scores.truth[:, column], scores.proba[:, column])
        source = "confirmations" if scores.enough(column) else "out_of_fold"
        sources[code] = {"source": source, "confirmed_forms": scores.forms, "confirmed_positives": positives}
    return (merged or None), sources


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

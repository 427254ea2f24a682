"""Which ticked boxes the notes do not support, and which supported boxes were not ticked.

Listing follows confident learning (Northcutt et al.), on calibrated out-of-sample
probabilities: a ticked box is listed when its probability is below what its label usually
gets when truly ticked (the model's `confident_thresholds`, or thresholds from
cross-validated probabilities); an unticked box is listed when the model would suggest it.
The score is the calibrated chance that the tick is wrong: 1 - p for a ticked box, p for an
unticked one, so findings of every kind rank on one scale.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from model.motivo_model import MotivoModel
from model.taxonomy import load_taxonomy


def box_suspicion(proba: np.ndarray, ticked: np.ndarray) -> np.ndarray:
    """The calibrated chance that each box (cases x labels) is wrong: 1 - p if ticked, p if not."""
    return np.where(ticked.astype(bool), 1.0 - proba, proba)


def box_findings(
    p: np.ndarray,
    ticked: set[int] | None,
    flag_ticked: bool | None,
    decision: np.ndarray,
    confident: np.ndarray,
) -> list[tuple[int, str, float, float]]:
    """(label column, kind, probability, score) of every suspicious box of one case, flag last.

    `ticked`/`flag_ticked` None: the form's boxes are unknown, only suggestions are listed.
    """
    flag = len(p) - 1
    found = []
    for j in range(flag):
        if ticked is not None and j in ticked:
            if p[j] < confident[j]:
                found.append((j, "unsupported", p[j], 1.0 - p[j]))
        elif p[j] >= decision[j]:
            found.append((j, "missing", p[j], p[j]))
    if flag_ticked is not True and p[flag] >= decision[flag]:
        found.append((flag, "flag_missed", p[flag], p[flag]))
    elif flag_ticked is True and p[flag] < min(confident[flag], decision[flag]):
        found.append((flag, "flag_unsupported", p[flag], 1.0 - p[flag]))
    return sorted(found, key=lambda f: -f[3])


def audit_cases(
    model: MotivoModel,
    cases: Sequence[dict[str, Any]],
    confident: np.ndarray | None = None,
) -> list[list[dict[str, Any]]]:
    """Findings for each case, most suspicious first, with evidence for the boxes found.

    A case's `reasons`/`judicializacao` are what was ticked (None: unknown).
    """
    taxonomy = load_taxonomy()
    labels = model.labels
    confident = model.confident_thresholds if confident is None else confident
    decision = model.decision_thresholds
    analysis = model.analyze(cases)
    results = []
    for i, case in enumerate(cases):
        reasons = case.get("reasons")
        ticked = None if reasons is None else {labels.index(code) for code in reasons}
        found = box_findings(analysis.proba[i], ticked, case.get("judicializacao"), decision, confident)
        spans = model.explain(analysis, i, [f[0] for f in found])
        results.append(
            [
                {
                    "code": labels[j],
                    "label": taxonomy.label(labels[j]),
                    "kind": kind,
                    "probability": round(float(p), 4),
                    "score": round(float(score), 4),
                    "evidence": spans.get(j, []),
                }
                for j, kind, p, score in found
            ]
        )
    return results

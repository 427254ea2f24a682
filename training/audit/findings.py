"""Which ticked boxes the notes do not support, and which supported boxes were not ticked.

Listing follows confident learning (Northcutt et al.), on calibrated out-of-sample
probabilities: a ticked box is listed when its probability is below what its label usually
gets when truly ticked (the model's `confident_thresholds`, or thresholds from
cross-validated probabilities); an unticked box is listed when the model would suggest it.
The score is the calibrated chance that the tick is wrong: 1 - p for a ticked box, p for an
unticked one, so findings of every kind rank on one scale.

A form whose boxes are unknown (an export without ☐/☒ marks) has nothing to be wrong about:
it gets suggestions (kinds `suggested` / `flag_suggested`), never findings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from model.motivo_model import MotivoModel
from model.taxonomy import load_taxonomy
from training.known_labels import unknown_codes

SUGGESTION_KINDS = ("suggested", "flag_suggested")
# For an unsupported tick, the reasons the text supports instead (at most this many).
MAX_INSTEAD = 2


@dataclass
class CaseAudit:
    """One form's audit: its findings (or suggestions when its boxes are unknown), most
    suspicious first, and what the model suggests for it."""

    findings: list[dict[str, Any]]
    suggested: list[str]
    flag: bool


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

    `ticked`/`flag_ticked` None: the boxes are unknown, so the model's suggestions are listed
    (kinds `suggested`, `flag_suggested`, score = probability) instead of findings.
    """
    flag = len(p) - 1
    found = []
    for j in range(flag):
        if ticked is None:
            if p[j] >= decision[j]:
                found.append((j, "suggested", p[j], p[j]))
        elif j in ticked:
            if p[j] < confident[j]:
                found.append((j, "unsupported", p[j], 1.0 - p[j]))
        elif p[j] >= decision[j]:
            found.append((j, "missing", p[j], p[j]))
    if flag_ticked is None:
        if p[flag] >= decision[flag]:
            found.append((flag, "flag_suggested", p[flag], p[flag]))
    elif not flag_ticked and p[flag] >= decision[flag]:
        found.append((flag, "flag_missed", p[flag], p[flag]))
    elif flag_ticked and p[flag] < min(confident[flag], decision[flag]):
        found.append((flag, "flag_unsupported", p[flag], 1.0 - p[flag]))
    return sorted(found, key=lambda f: -f[3])


def _instead(kind: str, p: np.ndarray, ticked: set[int] | None) -> list[int]:
    """The other side of a finding: for a ticked box the text does not support, the unticked
    reasons it supports most; for a supported box left unticked, the boxes ticked instead."""
    if kind in ("unsupported", "flag_unsupported"):
        others = [j for j in range(len(p) - 1) if j not in (ticked or set())]
        return sorted(others, key=lambda j: -p[j])[:MAX_INSTEAD]
    if kind in ("missing", "flag_missed"):
        return sorted(ticked or (), key=lambda j: -p[j])
    return []


def audit_cases(
    model: MotivoModel,
    cases: Sequence[dict[str, Any]],
    confident: np.ndarray | None = None,
) -> list[CaseAudit]:
    """Each case's findings, most suspicious first, with evidence for the boxes found and, in
    `instead`, the other side (what the text supports instead, or what was ticked instead).

    A case's `reasons`/`judicializacao` are what was ticked (None: unknown).
    """
    taxonomy = load_taxonomy()
    labels = model.labels
    confident = model.confident_thresholds if confident is None else confident
    decision = model.decision_thresholds
    analysis = model.analyze(cases)
    results = []
    for i, case in enumerate(cases):
        p = analysis.proba[i]
        reasons = case.get("reasons")
        ticked = None if reasons is None else {labels.index(code) for code in reasons}
        flag_ticked = case.get("judicializacao")
        # A box the case's form did not print (the older form's) cannot have been left unticked.
        unknown = {labels.index(code) for code in unknown_codes(case)} if ticked is not None else set()
        found = [f for f in box_findings(p, ticked, flag_ticked, decision, confident) if f[0] not in unknown]
        instead = {kind: _instead(kind, p, ticked) for _, kind, _, _ in found}
        columns = {f[0] for f in found} | {j for js in instead.values() for j in js}
        spans = model.explain(analysis, i, sorted(columns))

        def box(j: int, p: np.ndarray = p, spans: dict = spans) -> dict[str, Any]:
            return {
                "code": labels[j],
                "label": taxonomy.label(labels[j]),
                "probability": round(float(p[j]), 4),
                "evidence": spans.get(j, []),
            }

        findings = [
            {
                **box(j),
                "kind": kind,
                "score": round(float(score), 4),
                "instead": [box(k) for k in instead[kind]],
            }
            for j, kind, _, score in found
        ]
        suggested = [labels[j] for j in range(len(p) - 1) if p[j] >= decision[j]]
        results.append(CaseAudit(findings, suggested, bool(p[-1] >= decision[-1])))
    return results

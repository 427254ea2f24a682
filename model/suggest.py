"""Suggestions for cases: every reason with its probability, the flag, and the evidence."""

from __future__ import annotations

import gc
from collections.abc import Sequence
from typing import Any

import numpy as np

from model.motivo_model import MotivoModel
from model.taxonomy import Taxonomy, load_taxonomy


def _round(p: float) -> float:
    return round(float(p), 4)


def suggest_many(
    model: MotivoModel,
    cases: Sequence[dict[str, Any]],
    model_version: str,
    taxonomy: Taxonomy | None = None,
    evidence_for: Sequence[Sequence[str]] | None = None,
    evidence: bool = True,
) -> list[dict[str, Any]]:
    """The suggestion object for each case (the `motivo predict` / `POST /v1/suggest` contract).

    Evidence is given for suggested and possible reasons, for the top reason when the model
    abstains, for the flag when it fires, and for any extra codes named in `evidence_for[i]`
    (the audit asks for the evidence behind boxes the agent ticked). A client that needs less
    asks for less: `evidence=False` gives none.
    """
    taxonomy = taxonomy or load_taxonomy()
    codes = list(model.reason_codes)
    flag_column = len(codes)
    analysis = model.analyze(cases)
    proba = analysis.proba
    decisions = model.decide(proba)
    results = []
    for i, case in enumerate(cases):
        p = proba[i]
        order = np.argsort(-p[:flag_column], kind="stable")
        suggested, possible = decisions.suggested[i], decisions.possible[i]
        abstain = not suggested.any()
        flagged = bool(decisions.flagged[i])
        wanted = {int(j) for j in np.flatnonzero(suggested | possible)}
        if abstain:
            wanted.add(int(order[0]))
        if flagged:
            wanted.add(flag_column)
        for code in evidence_for[i] if evidence_for else ():
            wanted.add(model.labels.index(code))
        spans = model.explain(analysis, i, sorted(wanted)) if evidence else {}
        results.append(
            {
                "id": case.get("id"),
                "model_version": model_version,
                "abstain": abstain,
                "no_reason": bool(decisions.no_reason[i]),
                "reasons": [
                    {
                        "code": codes[j],
                        "label": taxonomy.labels[codes[j]],
                        "probability": _round(p[j]),
                        "suggested": bool(suggested[j]),
                        "possible": bool(possible[j]),
                        "evidence": spans.get(int(j), []),
                    }
                    for j in order
                ],
                "judicializacao": {
                    "probability": _round(p[flag_column]),
                    "flag": flagged,
                    "evidence": spans.get(flag_column, []),
                },
            }
        )
    return results


def suggest(model: MotivoModel, case: dict[str, Any], model_version: str) -> dict[str, Any]:
    """The suggestion object for one case."""
    return suggest_many(model, [case], model_version)[0]


WARM_UP_CASE = {"observations": ["Dra. informou que as clínicas fecharam e não vai processar ninguém."]}


def warm_up(model: MotivoModel) -> None:
    """Run one suggestion so lazy tables (simplemma's dictionary, spaCy's tokenizer) load now,
    then freeze the heap.

    In a process about to fork workers (the gunicorn master with --preload, the audit) the
    workers then share those tables instead of each loading its own; gc.freeze() keeps the
    cyclic collector from walking (and copying) the millions of long-lived objects on every
    full collection.
    """
    suggest(model, WARM_UP_CASE, "warm-up")
    gc.freeze()

"""Suggestions for cases: every reason with its probability, the flag, and the evidence."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from model.evidence import evidence_spans
from model.features import Occurrences, case_fields
from model.motivo_model import MotivoModel
from model.taxonomy import Taxonomy, load_taxonomy
from model.tokens import Token


def _round(p: float) -> float:
    return round(float(p), 4)


def explain(
    model: MotivoModel,
    tokens: Sequence[Token],
    occurrences: Occurrences,
    row: tuple[np.ndarray, np.ndarray],
    columns: Sequence[int],
    fields: Sequence[str],
) -> dict[int, list[dict[str, Any]]]:
    """Evidence spans for the given label columns of one case (`row`: its TF-IDF indices and values)."""
    if not columns:
        return {}
    weights = np.vstack([model.coefficients(c)[0] for c in columns])
    contributions = occurrences.contributions(row[0], row[1], weights)
    return {c: evidence_spans(tokens, contributions[:, k], fields) for k, c in enumerate(columns)}


@dataclass(frozen=True)
class Analysis:
    """What the model computes for a batch of cases before any evidence is asked for."""

    tokens: list[tuple[Token, ...]]
    occurrences: list[Occurrences]
    features: sp.csr_matrix
    proba: np.ndarray

    def row(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Case i's TF-IDF row as (sorted feature columns, values)."""
        part = slice(self.features.indptr[i], self.features.indptr[i + 1])
        return self.features.indices[part], self.features.data[part]


def analyze(model: MotivoModel, cases: Sequence[dict[str, Any]]) -> Analysis:
    tokens = [model.vectorizer_.tokens(case) for case in cases]
    occurrences = [model.vectorizer_.encode(t) for t in tokens]
    features = model.vectorizer_.rows(occurrences)
    return Analysis(tokens, occurrences, features, model.proba_from_features(features))


def suggest_many(
    model: MotivoModel,
    cases: Sequence[dict[str, Any]],
    model_version: str,
    taxonomy: Taxonomy | None = None,
    evidence_for: Sequence[Sequence[str]] | None = None,
) -> list[dict[str, Any]]:
    """The suggestion object for each case (the `motivo predict` / `POST /v1/suggest` contract).

    Evidence is given for suggested reasons, for the top reason when the model abstains, for
    the flag when it fires, and for any extra codes named in `evidence_for[i]` (the audit asks
    for the evidence behind boxes the agent ticked).
    """
    taxonomy = taxonomy or load_taxonomy()
    codes = list(model.reason_codes)
    flag_column = len(codes)
    analysis = analyze(model, cases)
    proba = analysis.proba
    thresholds = model.decision_thresholds
    results = []
    for i, case in enumerate(cases):
        p = proba[i]
        order = np.argsort(-p[:flag_column], kind="stable")
        suggested = p[:flag_column] >= thresholds[:flag_column]
        abstain = not suggested.any()
        flagged = bool(p[flag_column] >= thresholds[flag_column])
        wanted = {int(j) for j in np.flatnonzero(suggested)}
        if abstain:
            wanted.add(int(order[0]))
        if flagged:
            wanted.add(flag_column)
        for code in evidence_for[i] if evidence_for else ():
            wanted.add(flag_column if code == taxonomy.flag.code else codes.index(code))
        spans = explain(
            model,
            analysis.tokens[i],
            analysis.occurrences[i],
            analysis.row(i),
            sorted(wanted),
            case_fields(case),
        )
        results.append(
            {
                "id": case.get("id"),
                "model_version": model_version,
                "abstain": abstain,
                "reasons": [
                    {
                        "code": codes[j],
                        "label": taxonomy.labels[codes[j]],
                        "probability": _round(p[j]),
                        "suggested": bool(suggested[j]),
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

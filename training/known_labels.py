"""Which boxes a labeled case can speak for, as the label matrix says it (-1: unknown).

The older form (v1) does not print Migração, Outros and Falta de Reajuste: a v1 case (history or
a confirmation made on it) was never able to tick them, so "not ticked" says nothing there. A
history case whose version its export could not tell is unknown on those boxes unless it ticks
one. Training leaves such a case out of those labels' fits (CalibratedLinearOVR takes -1), and
measuring leaves those boxes out of that case's prediction, as the form it was filled on did.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from model.motivo_model import label_matrix
from model.taxonomy import Taxonomy, load_taxonomy

UNKNOWN = -1


def newer_only_codes(taxonomy: Taxonomy | None = None) -> tuple[str, ...]:
    """The reason codes only the newer form (v2) prints: Migração, Outros, Falta de Reajuste."""
    taxonomy = taxonomy or load_taxonomy()
    older = set(taxonomy.codes_of_version("v1"))
    return tuple(code for code in taxonomy.codes_of_version("v2") if code not in older)


def unknown_codes(case: dict[str, Any], taxonomy: Taxonomy | None = None) -> tuple[str, ...]:
    """The reason codes whose box a labeled case cannot speak for (empty for most cases)."""
    version = case.get("form_version")
    if version == "v2" or (version is None and case.get("source") != "history"):
        return ()
    ticked = set(case.get("reasons") or ())
    return tuple(code for code in newer_only_codes(taxonomy) if code not in ticked)


def known_label_matrix(cases: Sequence[dict[str, Any]], reason_codes: Sequence[str]) -> np.ndarray:
    """`label_matrix`, with UNKNOWN where a case cannot speak for a reason (see the module doc)."""
    Y = label_matrix(cases, reason_codes)
    column = {code: j for j, code in enumerate(reason_codes)}
    for i, case in enumerate(cases):
        for code in unknown_codes(case):
            Y[i, column[code]] = UNKNOWN
    return Y


def printed_only(Y: np.ndarray, P: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(Y, P) for measuring: a box a case's form did not print is neither true nor predicted."""
    unknown = Y == UNKNOWN
    if not unknown.any():
        return Y, P
    return np.where(unknown, 0, Y), np.where(unknown, 0.0, P)

"""What agents see while they type: the model on half-written notes and on one-sentence notes.

Two measures, both from arrays (true labels, probabilities, what was suggested), so that any
model's predictions can be scored the same way:

- the typing simulation: every test case cut at a share of its words (fields in form order);
  a suggestion outside the FULL case's labels is false whatever the cut;
- short notes: hand-written one-sentence notes, some of which state no reason yet (their gold
  is no reason at all: the right answer is silence).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from model.cases import truncate_case
from model.motivo_model import MotivoModel, label_matrix

CUTS = (0.25, 0.5, 0.75)
CONFIDENT = 0.9


def _ratio(numerator: float, denominator: float) -> float:
    return round(float(numerator) / denominator, 4) if denominator else float("nan")


def suggestion_metrics(Y: np.ndarray, P: np.ndarray, S: np.ndarray) -> dict[str, float]:
    """Precision of the suggested reasons, recall of the true ones, confident false per 100 inputs.

    Y, P, S: (cases x reasons) true labels, probabilities, suggested (0/1).
    """
    Y, S = np.asarray(Y, dtype=bool), np.asarray(S, dtype=bool)
    true_suggested = (S & Y).sum()
    confident_false = (S & ~Y & (np.asarray(P) >= CONFIDENT)).sum()
    return {
        "inputs": len(Y),
        "precision": _ratio(true_suggested, S.sum()),
        "recall": _ratio(true_suggested, Y.sum()),
        "confident_false_per_100": round(100.0 * confident_false / max(len(Y), 1), 2),
    }


def flag_rates(y: np.ndarray, flagged: np.ndarray) -> dict[str, float]:
    y, flagged = np.asarray(y, dtype=bool), np.asarray(flagged, dtype=bool)
    return {
        "flag_precision": _ratio((flagged & y).sum(), flagged.sum()),
        "flag_recall": _ratio((flagged & y).sum(), y.sum()),
        "flag_false_positive_rate": _ratio((flagged & ~y).sum(), (~y).sum()),
    }


def typing_cut_metrics(
    Y_full: np.ndarray, P: np.ndarray, S: np.ndarray, flagged: np.ndarray
) -> dict[str, Any]:
    """One cut of the typing simulation. Y_full: the full cases' labels, reasons then the flag last;
    P, S: probabilities and suggestions on the cut notes (reasons only); flagged: the flag on them."""
    Y_full = np.asarray(Y_full)
    return {**suggestion_metrics(Y_full[:, :-1], P, S), **flag_rates(Y_full[:, -1], flagged)}


def short_note_metrics(Y: np.ndarray, P: np.ndarray, S: np.ndarray, flagged: np.ndarray) -> dict[str, Any]:
    """Short notes: top-1 and coverage where a reason is stated, silence where none is, precision,
    confident false per 100, and the flag. Y: reasons then the flag last; P, S: reasons only."""
    Y = np.asarray(Y)
    reasons = Y[:, :-1].astype(bool)
    S = np.asarray(S, dtype=bool)
    stating = reasons.any(axis=1)
    top = np.argmax(P, axis=1)
    top_right = reasons[np.arange(len(Y)), top]
    return {
        "notes": len(Y),
        "stating_a_reason": int(stating.sum()),
        "stating_no_reason": int((~stating).sum()),
        "top1_where_stated": _ratio(top_right[stating].sum(), stating.sum()),
        "suggested_where_stated": _ratio(S[stating].any(axis=1).sum(), stating.sum()),
        "silent_where_none": _ratio((~S[~stating].any(axis=1)).sum(), (~stating).sum()),
        **suggestion_metrics(reasons, P, S),
        **flag_rates(Y[:, -1], flagged),
    }


def typing_simulation(model: MotivoModel, cases: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The typing simulation of `cases` (full cases), one entry per cut."""
    Y = label_matrix(cases, model.reason_codes)
    out = {}
    for cut in CUTS:
        proba = model.predict_proba([truncate_case(case, cut) for case in cases])
        decisions = model.decide(proba)
        out[f"{cut:.2f}"] = typing_cut_metrics(Y, proba[:, :-1], decisions.suggested, decisions.flagged)
    return out


def short_notes(model: MotivoModel, notes: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Short-note figures for all `notes`, and for each batch of them under "by_batch"."""
    Y = label_matrix(notes, model.reason_codes)
    proba = model.predict_proba(notes)
    decisions = model.decide(proba)
    args = (Y, proba[:, :-1], decisions.suggested, decisions.flagged)
    batches = np.array([str(note.get("batch") or "(no batch)") for note in notes], dtype=object)
    return {
        **short_note_metrics(*args),
        "by_batch": {
            str(name): short_note_metrics(*(a[batches == name] for a in args))
            for name in sorted(set(batches))
        },
    }

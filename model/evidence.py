"""Evidence: the spans of the original notes that pushed a label's probability up the most."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from model.tokens import Token

MAX_SPANS = 5
# Spans adding less than this to a label's log-odds are noise, not evidence.
MIN_SPAN_WEIGHT = 0.5


def field_reference(index: int, n_fields: int) -> tuple[str, int | None]:
    """('observations', i) for a contact note, ('general_note', None) for the last field."""
    return ("general_note", None) if index == n_fields - 1 else ("observations", index)


def _adjacent_groups(tokens: Sequence[Token], chosen: list[int], fields: Sequence[str]) -> list[list[int]]:
    """Chosen token indices grouped into runs of neighbours (same field, at most 2 characters apart)."""
    spans: list[list[int]] = []
    for i in sorted(chosen):
        if spans and i == spans[-1][-1] + 1 and tokens[i].field == tokens[spans[-1][-1]].field:
            gap = fields[tokens[i].field][tokens[i - 1].end : tokens[i].start]
            if len(gap) <= 2:
                spans[-1].append(i)
                continue
        spans.append([i])
    return spans


def evidence_spans(
    tokens: Sequence[Token], contributions: np.ndarray, fields: Sequence[str], top: int = MAX_SPANS
) -> list[dict[str, Any]]:
    """The `top` spans with the largest positive contribution, heaviest first, in original offsets."""
    if not len(tokens):
        return []
    positive = np.flatnonzero(contributions > 0)
    if not positive.size:
        return []
    # Keep the tokens that carry most of the positive score, then join neighbours into phrases.
    ranked = positive[np.argsort(-contributions[positive])][: top * 3]
    cutoff = contributions[ranked[0]] * 0.15
    chosen = [int(i) for i in ranked if contributions[i] >= cutoff]
    spans = []
    for members in _adjacent_groups(tokens, chosen, fields):
        field, start, end = tokens[members[0]].field, tokens[members[0]].start, tokens[members[-1]].end
        name, index = field_reference(field, len(fields))
        spans.append(
            {
                "field": name,
                "index": index,
                "start": start,
                "end": end,
                "text": fields[field][start:end],
                "weight": round(float(contributions[members].sum()), 4),
            }
        )
    spans = [s for s in spans if s["weight"] >= MIN_SPAN_WEIGHT]
    spans.sort(key=lambda s: -s["weight"])
    return spans[:top]

"""A case's sentences as token spans, and the feature occurrences of each one.

A reason said in a few plain words beside a long, strongly worded passage (a threat, another
reason) gets little of the case's L2-normalised TF-IDF row: the other words take the norm.
Scoring each sentence on its own row as well lets such a reason be heard (MotivoModel's
`sentence_scores`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from model.features import Occurrences
from model.tokens import Token

SENTENCE_ENDS = frozenset({".", "!", "?", ";", "…"})


def sentence_spans(tokens: Sequence[Token]) -> list[tuple[int, int]]:
    """[start, end) token spans of the sentences: split at . ! ? ; … and wherever the field changes."""
    spans: list[tuple[int, int]] = []
    start = 0
    for i, token in enumerate(tokens):
        if i > start and token.field != tokens[i - 1].field:
            spans.append((start, i))
            start = i
        if not token.is_word and token.word in SENTENCE_ENDS:
            spans.append((start, i + 1))
            start = i + 1
    if start < len(tokens):
        spans.append((start, len(tokens)))
    return spans


def sentence_occurrences(occurrences: Occurrences, spans: Sequence[tuple[int, int]]) -> list[Occurrences]:
    """The occurrences lying inside each span (a bigram never crosses a sentence end)."""
    out = []
    for start, end in spans:
        inside = (occurrences.starts >= start) & (occurrences.ends <= end)
        out.append(
            Occurrences(
                occurrences.columns[inside],
                occurrences.starts[inside] - start,
                occurrences.ends[inside] - start,
                end - start,
            )
        )
    return out


def owners(spans_per_case: Sequence[Sequence[tuple[int, int]]]) -> np.ndarray:
    """The case index of each sentence, sentences of all cases in order."""
    return np.repeat(np.arange(len(spans_per_case)), [len(spans) for spans in spans_per_case])

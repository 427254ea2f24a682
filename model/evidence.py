"""Evidence: the spans of the original notes that pushed a label's probability up the most."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from model.tokens import Token

MAX_SPANS = 5
# Spans adding less than this to a label's log-odds are noise, not evidence.
MIN_SPAN_WEIGHT = 0.5
# At most this many fillers may join two evidence words into one phrase.
MAX_BRIDGE = 2
# Words that carry a share of a phrase's weight (through bigrams) but say nothing to an agent
# about why a reason applies: articles, prepositions, pronouns, auxiliaries, titles, verbs of
# saying. Folded forms and lemmas. Negations are content ("não vai processar") and stay.
_FILLER_WORDS = """
    a o as os um uma uns umas de da do das dos em na no nas nos num numa ao aos pra para
    por pelo pela pelos pelas com e ou que se me te lhe lhes ele ela eles elas eu voce
    voces seu sua seus suas meu minha meus minhas isso isto esse essa este esta aquele
    aquela ja tambem entao ai la aqui ca bem ser estar ter haver ir vai vou foi era sao
    estao tem tinha teve doutor doutora senhor senhora sr sra informar informou dizer disse
    diz falar falou relatar relatou comentar comentou afirmar afirmou explicar explicou
    contar contou hoje ontem dia ainda so
"""
FILLERS = frozenset(_FILLER_WORDS.split())


def field_reference(index: int, n_fields: int) -> tuple[str, int | None]:
    """('observations', i) for a contact note, ('general_note', None) for the last field."""
    return ("general_note", None) if index == n_fields - 1 else ("observations", index)


def _is_filler(token: Token) -> bool:
    word = token.word
    # "disse-lhe", "informou-se": a verb of saying with its pronoun is still a filler.
    return word in FILLERS or token.lemma in FILLERS or ("-" in word and word.split("-", 1)[0] in FILLERS)


def _adjacent_groups(tokens: Sequence[Token], chosen: list[int], fields: Sequence[str]) -> list[list[int]]:
    """Chosen token indices grouped into phrases: neighbours in the same field at most 2 characters
    apart, bridged over up to MAX_BRIDGE fillers ("excesso de glosas", "não vai processar")."""
    spans: list[list[int]] = []
    for i in sorted(chosen):
        if spans and tokens[i].field == tokens[spans[-1][-1]].field:
            last = spans[-1][-1]
            between = range(last + 1, i)
            if len(between) <= MAX_BRIDGE and all(_is_filler(tokens[k]) for k in between):
                path = [*between, i]
                text = fields[tokens[i].field]
                if all(len(text[tokens[k - 1].end : tokens[k].start]) <= 2 for k in path):
                    spans[-1].extend(path)
                    continue
        spans.append([i])
    return spans


def content_mask(tokens: Sequence[Token]) -> np.ndarray:
    """Which tokens may be evidence on their own (not fillers); one mask serves every label."""
    return np.fromiter((not _is_filler(t) for t in tokens), dtype=bool, count=len(tokens))


def evidence_spans(
    tokens: Sequence[Token],
    contributions: np.ndarray,
    fields: Sequence[str],
    top: int = MAX_SPANS,
    content: np.ndarray | None = None,
) -> list[dict[str, Any]]:
    """The `top` spans with the largest positive contribution, heaviest first, in original offsets.

    `content`: the tokens' `content_mask`, when the caller asks for several labels of one case.
    """
    if not len(tokens):
        return []
    if content is None:
        content = content_mask(tokens)
    positive = np.flatnonzero((contributions > 0) & content)
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

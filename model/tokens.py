"""Tokens of a case's notes: spaCy's Portuguese tokenizer, lemmas, negation scope and speaker role.

Every token keeps the field it came from and its character offsets in that field's ORIGINAL
text, so that evidence can be highlighted where the agent wrote it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import spacy
from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH

from model.masking import mask_aligned
from model.normalize import ABBREVIATIONS, fold
from model.whatsapp import split_turns

Lemmatizer = Literal["simplemma", "lookup", "none"]
LEMMATIZERS: tuple[str, ...] = ("simplemma", "lookup", "none")

_DIGITS = {str(d): "0" for d in range(10)}
# Words that open a negation scope; the scope closes at punctuation or after a few words.
NEGATORS = frozenset({"nao", "nunca", "jamais", "nem", "nenhum", "nenhuma", "ninguem"})
NEGATION_WINDOW = 4


@dataclass(slots=True)
class Token:
    field: int  # index into the case's text fields (contact notes, then the general note)
    start: int  # offsets in that field's original text
    end: int
    word: str  # folded surface form, abbreviations spelled out
    lemma: str  # folded lemma
    negated: bool
    agent: bool  # inside a chat message written by the operator's side
    is_word: bool  # alphabetic (not punctuation, number shape or symbol)


@lru_cache(maxsize=1)
def tokenizer():
    """spaCy's rule-based Portuguese tokenizer (blank pipeline: no model download)."""
    return spacy.blank("pt").tokenizer


@lru_cache(maxsize=4)
def _lookup_table():
    # spaCy's lookup lemmatizer table from spacy-lookups-data (optional extra: ~360 MB resident).
    from spacy.lookups import load_lookups

    return load_lookups("pt", ["lemma_lookup"]).get_table("lemma_lookup")


@lru_cache(maxsize=200_000)
def lemma_of(word: str, lemmatizer: str) -> str:
    """The folded lemma of a lowercase (accented) word."""
    if lemmatizer == "simplemma":
        import simplemma

        return fold(simplemma.lemmatize(word, lang="pt"))
    if lemmatizer == "lookup":
        return fold(_lookup_table().get(word, word))
    return fold(word)


def _agent_spans(text: str) -> list[tuple[int, int]]:
    return [(t.start, t.end) for t in split_turns(text) if t.role == "agent"]


@lru_cache(maxsize=200_000)
def _word_info(surface: str, lemmatizer: str) -> tuple[str, str, bool]:
    """(folded word with abbreviations spelled out, folded lemma, is alphabetic) of a token's text."""
    lower = surface.lower()
    folded = fold(lower)
    word = ABBREVIATIONS.get(folded, folded)
    is_word = word.isalpha()
    lemma = lemma_of(lower, lemmatizer) if is_word and word == folded else word
    return word, lemma, is_word


def field_tokens(text: str, field: int, lemmatizer: str) -> list[Token]:
    """The tokens of one field's text."""
    if not text:
        return []
    # Mask personal data and turn digits into 0 before spaCy sees the text: its string store
    # keeps every new string, and unique phone or guide numbers would grow it without end.
    shaped = mask_aligned(text).map_chars(_DIGITS)
    agent_spans = _agent_spans(text)
    doc = tokenizer()(shaped.text)
    # Read offsets from arrays rather than Token objects: building spaCy Tokens costs more than
    # everything else done per token here.
    table = doc.to_array([IDX, LENGTH, IS_SPACE, IS_PUNCT])
    starts, ends, source = shaped.starts, shaped.ends, shaped.text
    tokens: list[Token] = []
    negation_left = 0
    for idx, length, is_space, is_punct in table.tolist():
        if is_space:
            continue
        word, lemma, is_word = _word_info(source[idx : idx + length], lemmatizer)
        if not is_word and is_punct:
            negation_left = 0
        start = starts[idx]
        tokens.append(
            Token(
                field,
                start,
                ends[idx + length - 1],
                word,
                lemma,
                negation_left > 0 and is_word,
                bool(agent_spans) and any(a <= start < b for a, b in agent_spans),
                is_word,
            )
        )
        if is_word:
            negation_left = NEGATION_WINDOW if word in NEGATORS else max(0, negation_left - 1)
    return tokens


def case_tokens(fields: Sequence[str], lemmatizer: str = "simplemma") -> list[Token]:
    """The tokens of all of a case's text fields, in order."""
    tokens: list[Token] = []
    for index, text in enumerate(fields):
        tokens.extend(field_tokens(text, index, lemmatizer))
    return tokens

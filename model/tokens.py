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

from model.agent_speech import agent_spans
from model.normalize import fold, normalize

Lemmatizer = Literal["simplemma", "lookup", "none"]
LEMMATIZERS: tuple[str, ...] = ("simplemma", "lookup", "none")

# Words that open a negation scope; the scope closes at punctuation or after a few words.
NEGATORS = frozenset({"nao", "nunca", "jamais", "nem", "nenhum", "nenhuma", "ninguem"})
NEGATION_WINDOW = 4


@dataclass(frozen=True, slots=True)
class Token:
    field: int  # index into the case's text fields (contact notes, then the general note)
    start: int  # offsets in that field's original text
    end: int
    word: str  # folded surface form, abbreviations spelled out
    lemma: str  # folded lemma
    negated: bool
    agent: bool  # in the operator's voice: its chat turns, the agent's reported offers (model.agent_speech)
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


@lru_cache(maxsize=1)
def _simplemma():
    """simplemma on its low-memory backend: the same Portuguese table, read in place rather than
    unpacked into a dict (~13 MB resident instead of ~90 MB per process, identical lemmas).
    Its lookups are slower (~15 us), which the cache of `lemma_of` absorbs."""
    import simplemma
    from simplemma.strategies import DefaultStrategy

    return simplemma.Lemmatizer(lemmatization_strategy=DefaultStrategy(low_memory=True))


@lru_cache(maxsize=200_000)
def lemma_of(word: str, lemmatizer: str) -> str:
    """The folded lemma of a lowercase (accented) word."""
    if lemmatizer == "simplemma":
        return fold(_simplemma().lemmatize(word, lang="pt"))
    if lemmatizer == "lookup":
        return fold(_lookup_table().get(word, word))
    return fold(word)


_STATE_CODES = "ac al am ap ba ce df es go ma mg ms mt pa pb pe pi pr rj rn ro rr rs sc se sp to"
STATES = frozenset(_STATE_CODES.split())


def _compound_word(word: str) -> str:
    """The word a hyphenated or dotted token stands for, or "" when it is not made of letters.

    spaCy keeps "raio-x", "cro-rs", "procon-sp", "disse-lhe" and web addresses such as
    "consumidor.gov.br" as single tokens; a council or agency with its state ("cro-rs") is read
    as the body alone, an address without its country suffix.
    """
    separator = "-" if "-" in word else "."
    parts = [part for part in word.split(separator) if part]
    if not parts or not all(part.isalpha() for part in parts):
        return ""
    if separator == "-" and len(parts) == 2 and parts[1] in STATES:
        return parts[0]
    if separator == "." and len(parts) > 2 and parts[-1] == "br":
        parts.pop()
    return separator.join(parts)


@lru_cache(maxsize=200_000)
def _word_info(surface: str, lemmatizer: str) -> tuple[str, str, bool]:
    """(folded word, folded lemma, is alphabetic) of a normalised token's text."""
    word = fold(surface)
    is_word = word.isalpha()
    if not is_word:
        compound = _compound_word(word)
        if compound:
            return compound, lemma_of(compound, lemmatizer) if "-" not in compound else compound, True
    lemma = lemma_of(surface, lemmatizer) if is_word else word
    return word, lemma, is_word


@lru_cache(maxsize=4096)
def field_tokens(text: str, field: int, lemmatizer: str) -> tuple[Token, ...]:
    """The tokens of one field's text (cached: agents' pages resend every field on each
    keystroke, and only the one being typed in changes)."""
    if not text:
        return ()
    # spaCy reads the normalised text (masked, digits as 0): its string store keeps every new
    # string, and unique phone or guide numbers would grow it without end.
    shaped = normalize(text)
    spans = agent_spans(text)
    doc = tokenizer()(shaped.text)
    # Read offsets from arrays rather than Token objects: building spaCy Tokens costs more than
    # everything else done per token here.
    table = doc.to_array([IDX, LENGTH, IS_SPACE, IS_PUNCT]).tolist()
    starts, ends, source = shaped.starts, shaped.ends, shaped.text
    tokens: list[Token] = []
    append = tokens.append
    negation_left = 0
    span_index, n_spans = 0, len(spans)
    for idx, length, is_space, is_punct in table:
        if is_space:
            continue
        word, lemma, is_word = _word_info(source[idx : idx + length], lemmatizer)
        start = starts[idx]
        # Tokens come in order: walk the agent's spans alongside them.
        while span_index < n_spans and spans[span_index][1] <= start:
            span_index += 1
        agent = span_index < n_spans and spans[span_index][0] <= start
        if is_word:
            append(Token(field, start, ends[idx + length - 1], word, lemma, negation_left > 0, agent, True))
            if word in NEGATORS:
                negation_left = NEGATION_WINDOW
            elif negation_left:
                negation_left -= 1
        else:
            if is_punct:
                negation_left = 0
            append(Token(field, start, ends[idx + length - 1], word, lemma, False, agent, False))
    return tuple(tokens)


def case_tokens(fields: Sequence[str], lemmatizer: str = "simplemma") -> list[Token]:
    """The tokens of all of a case's text fields, in order."""
    tokens: list[Token] = []
    for index, text in enumerate(fields):
        tokens.extend(field_tokens(text, index, lemmatizer))
    return tokens

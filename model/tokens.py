"""Tokens of a case's notes: spaCy's Portuguese tokenizer, lemmas, negation scope and speaker role.

Every token keeps the field it came from and its character offsets in that field's ORIGINAL
text, so that evidence can be highlighted where the agent wrote it.

The caches here are bounded by bytes (a worker keeps them for its whole life, whatever it is
sent): the tokens of recent fields (`FIELD_CACHE_BYTES`), of the parts a field is read in
(`PART_CACHE_BYTES`, model.segments) and what each word form folds and lemmatises to
(`WORD_CACHE_BYTES`, per lemmatizer in use).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from functools import lru_cache
from itertools import pairwise
from sys import getsizeof
from typing import Literal, NamedTuple

from model.agent_speech import agent_spans
from model.bounded_cache import ByteBoundedCache
from model.lemmas import simplemma_lemma
from model.normalize import fold, normalize
from model.segments import cut_points
from model.tokenizer import bounded_chunks, reset_tokenizer, token_table

Lemmatizer = Literal["simplemma", "lookup", "none"]
LEMMATIZERS: tuple[str, ...] = ("simplemma", "lookup", "none")

# Words that open a negation scope; the scope closes at punctuation or after a few words.
NEGATORS = frozenset({"nao", "nunca", "jamais", "nem", "nenhum", "nenhuma", "ninguem"})
NEGATION_WINDOW = 4

FIELD_CACHE_BYTES = 16 << 20
PART_CACHE_BYTES = 16 << 20
WORD_CACHE_BYTES = 8 << 20


class Token(NamedTuple):
    """One token (a named tuple: a case has hundreds, and a tuple is built ~3x faster than a frozen dataclass)."""

    field: int  # index into the case's text fields (contact notes, then the general note)
    start: int  # offsets in that field's original text
    end: int
    word: str  # folded surface form, abbreviations spelled out
    lemma: str  # folded lemma
    negated: bool
    agent: bool  # in the operator's voice: its chat turns, the agent's reported offers (model.agent_speech)
    is_word: bool  # alphabetic (not punctuation, number shape or symbol)


@lru_cache(maxsize=4)
def _lookup_table():
    # spaCy's lookup lemmatizer table from spacy-lookups-data (optional extra: ~360 MB resident).
    from spacy.lookups import load_lookups

    return load_lookups("pt", ["lemma_lookup"]).get_table("lemma_lookup")


def lemma_of(word: str, lemmatizer: str) -> str:
    """The folded lemma of a lowercase (accented) word."""
    if lemmatizer == "simplemma":
        return fold(simplemma_lemma(word))
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


# A word's entry: (folded word, folded lemma, is alphabetic, bytes a token of it takes).
WordInfo = tuple[str, str, bool, int]


def _word_info(surface: str, lemmatizer: str) -> WordInfo:
    """What a normalised token's text folds and lemmatises to."""
    word = fold(surface)
    is_word = word.isalpha()
    if not is_word:
        compound = _compound_word(word)
        if compound:
            word, is_word = compound, True
            surface = compound if "-" not in compound else ""
    lemma = (lemma_of(surface, lemmatizer) if surface else word) if is_word else word
    # A Token's tuple and offsets take ~184 bytes; its two strings are counted with it (the
    # field cache may keep them after the word cache forgot them).
    return word, lemma, is_word, 184 + getsizeof(word) + getsizeof(lemma)


def _word_entry_bytes(surface: str, info: WordInfo) -> int:
    # The key, the strings and the token size counted above, the tuples and the dict slot.
    return getsizeof(surface) + info[3] + 100


_word_caches: dict[str, ByteBoundedCache[str, WordInfo]] = {}
# Entries are put with their size, which `_tokenize` adds up as it goes.
_field_cache: ByteBoundedCache[tuple[str, int, str], tuple[Token, ...]] = ByteBoundedCache(FIELD_CACHE_BYTES)
_part_cache: ByteBoundedCache[tuple, tuple[tuple[Token, ...], int, int]] = ByteBoundedCache(PART_CACHE_BYTES)


def _word_cache(lemmatizer: str) -> ByteBoundedCache[str, WordInfo]:
    cache = _word_caches.get(lemmatizer)
    if cache is None:
        cache = _word_caches[lemmatizer] = ByteBoundedCache(WORD_CACHE_BYTES, _word_entry_bytes)
    return cache


def clear_caches() -> None:
    """Forget every cached field and word, and spaCy's vocabulary (after an interrupted request)."""
    _field_cache.clear()
    _part_cache.clear()
    for cache in _word_caches.values():
        cache.clear()
    reset_tokenizer()


def field_tokens(text: str, field: int, lemmatizer: str) -> tuple[Token, ...]:
    """The tokens of one field's text (cached: agents' pages resend every field on each
    keystroke, and only the one being typed in changes)."""
    if not text:
        return ()
    key = (text, field, lemmatizer)
    tokens = _field_cache.get(key)
    if tokens is None:
        tokens, size = _tokenize(text, field, lemmatizer)
        _field_cache.put(key, tokens, getsizeof(text) + size)
    return tokens


# What reading a part needs besides its text: (field, the part's offset in the field, the
# agent's spans within the part, the negation window still open where it starts).
PartContext = tuple[int, int, tuple[tuple[int, int], ...], int]


def _tokenize(text: str, field: int, lemmatizer: str) -> tuple[tuple[Token, ...], int]:
    """The field's tokens, and the bytes they take (an estimate, for the cache).

    The field is read in parts (model.segments); each part's tokens are cached under all they
    depend on, so the parts before the one being typed come back as they were, offsets and all.
    """
    spans = agent_spans(text)
    bounds = [0, *cut_points(text), len(text)]
    tokens: list[Token] = []
    size, negation_left = 200, 0
    for offset, end in pairwise(bounds):
        context = (field, offset, _spans_within(spans, offset, end), negation_left)
        part = text[offset:end]
        if end == len(text):
            # The last part is the one being typed: it changes on every keystroke, and the field
            # cache keeps the whole field, so caching it too would only push out the others.
            read = _read_part(part, lemmatizer, context)
        else:
            key = (part, lemmatizer, context)
            read = _part_cache.get(key)
            if read is None:
                read = _read_part(part, lemmatizer, context)
                _part_cache.put(key, read, read[2])
        part_tokens, negation_left, part_size = read
        tokens.extend(part_tokens)
        size += part_size
    return tuple(tokens), size


def _spans_within(spans: list[tuple[int, int]], start: int, end: int) -> tuple[tuple[int, int], ...]:
    """The parts of the sorted, non-overlapping `spans` that lie in [start, end), as offsets from
    `start` (found by bisection: a long chat has a span per turn and a part per few sentences)."""
    within = []
    index = max(bisect_right(spans, (start, end)) - 1, 0)
    while index < len(spans) and spans[index][0] < end:
        a, b = spans[index]
        if b > start:
            within.append((max(a, start) - start, min(b, end) - start))
        index += 1
    return tuple(within)


def _read_part(part: str, lemmatizer: str, context: PartContext) -> tuple[tuple[Token, ...], int, int]:
    """(the part's tokens, the negation window left open at its end, the bytes they take)."""
    field, offset, spans, negation_left = context
    # spaCy reads the normalised text (masked, digits as 0): its string store keeps every new
    # string, and unique phone or guide numbers would grow it without end.
    shaped = bounded_chunks(normalize(part))
    starts, ends, source = shaped.starts, shaped.ends, shaped.text
    words = _word_cache(lemmatizer)
    young = words.young_get()
    tokens: list[Token] = []
    append = tokens.append
    new_token = tuple.__new__  # Token(...) without the call of its Python __new__
    span_index, n_spans = 0, len(spans)
    agent = False
    size = getsizeof(part) + 300
    for idx, length, is_space, is_punct in token_table(source):
        if is_space:
            continue
        surface = source[idx : idx + length]
        info = young(surface) or words.get(surface)
        if info is None:
            info = _word_info(surface, lemmatizer)
            words.put(surface, info)
        word, lemma, is_word, token_bytes = info
        size += token_bytes
        start = starts[idx]
        if n_spans:
            # Tokens come in order: walk the agent's spans alongside them.
            while span_index < n_spans and spans[span_index][1] <= start:
                span_index += 1
            agent = span_index < n_spans and spans[span_index][0] <= start
        end = ends[idx + length - 1] + offset
        if is_word:
            append(
                new_token(Token, (field, start + offset, end, word, lemma, negation_left > 0, agent, True))
            )
            if word in NEGATORS:
                negation_left = NEGATION_WINDOW
            elif negation_left:
                negation_left -= 1
        else:
            if is_punct:
                negation_left = 0
            append(new_token(Token, (field, start + offset, end, word, lemma, False, agent, False)))
    return tuple(tokens), negation_left, size


def case_tokens(fields: Sequence[str], lemmatizer: str = "simplemma") -> list[Token]:
    """The tokens of all of a case's text fields, in order."""
    tokens: list[Token] = []
    for index, text in enumerate(fields):
        tokens.extend(field_tokens(text, index, lemmatizer))
    return tokens

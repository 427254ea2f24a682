"""spaCy's Portuguese tokenizer, bounded in memory and in time whatever text it is given.

Memory: spaCy's vocabulary keeps every string its tokenizer has seen (string store, lexemes,
and the tokenizer's own cache: ~540 bytes per new word), so a long-running worker reading
unique words would grow without end. The tokenizer is replaced by a fresh one once it has
learnt `MAX_NEW_STRINGS` strings; tokens are the same, only spaCy's caches start over.

Time: spaCy peels affixes off a whitespace-delimited chunk one at a time and runs its infix
patterns over the whole chunk, so a chunk's cost grows with the square of its length (20,000
'a's take 1.2 s; 100,000 take 27 s). What it reads has therefore no chunk longer than
`MAX_CHUNK` characters, and a run of more than `MAX_SYMBOL_RUN` symbols is read as its first
symbol (standing for the whole run: one token, where one per symbol made 100,000 tokens of a
request full of them). Neither occurs in agents' notes (the corpus has no chunk over 40
characters and no symbol run over 5); both only change the tokens of text no person writes.
"""

from __future__ import annotations

import re
from functools import lru_cache

import spacy
from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH
from spacy.tokenizer import Tokenizer
from spacy.vocab import Vocab

from model.alignment import AlignedText

MAX_NEW_STRINGS = 20_000  # ~11 MB of spaCy's string store, lexemes and cache
MAX_CHUNK = 100
MAX_SYMBOL_RUN = 8

# Both start only where a run starts (the lookbehind), so each character is looked at a bounded
# number of times.
_SYMBOL_RUN = re.compile(rf"(?<![^\w\s])[^\w\s]{{{MAX_SYMBOL_RUN + 1},}}")
_LONG_CHUNK = re.compile(rf"(?<!\S)\S{{{MAX_CHUNK + 1},}}")

_tokenizer: Tokenizer | None = None
_strings_limit = 0


@lru_cache(maxsize=1)
def _portuguese_rules() -> Tokenizer:
    """The blank Portuguese pipeline's tokenizer, whose rules every fresh tokenizer copies
    (building a pipeline resolves spaCy's whole config: ~30 ms, against ~10 ms for a tokenizer)."""
    return spacy.blank("pt").tokenizer


def _fresh_tokenizer() -> Tokenizer:
    rules = _portuguese_rules()
    # Each new word becomes a lexeme whose attributes (shape, like_num, like_url, stop...) are
    # computed once by Python functions: ~60 % of the tokenizer's time on unseen words. Only
    # the two read here are kept; the tokens do not depend on the others.
    getters = {attr: rules.vocab.lex_attr_getters[attr] for attr in (IS_SPACE, IS_PUNCT)}
    return Tokenizer(
        Vocab(lex_attr_getters=getters),
        rules=rules.rules,
        prefix_search=rules.prefix_search,
        suffix_search=rules.suffix_search,
        infix_finditer=rules.infix_finditer,
        token_match=rules.token_match,
        url_match=rules.url_match,
    )


def tokenizer() -> Tokenizer:
    """spaCy's rule-based Portuguese tokenizer (blank pipeline: no model download); a fresh one
    once the current one has learnt `MAX_NEW_STRINGS` strings."""
    global _tokenizer, _strings_limit
    if _tokenizer is None or len(_tokenizer.vocab.strings) > _strings_limit:
        _tokenizer = _fresh_tokenizer()
        _strings_limit = len(_tokenizer.vocab.strings) + MAX_NEW_STRINGS
    return _tokenizer


def reset_tokenizer() -> None:
    """Drop the tokenizer (and all it has learnt); the next call builds a fresh one."""
    global _tokenizer
    _tokenizer = None


def bounded_chunks(text: AlignedText) -> AlignedText:
    """`text` with each long symbol run cut to its first symbol and a space inserted where a
    chunk passes its bound."""
    if _SYMBOL_RUN.search(text.text):
        text = text.sub(_SYMBOL_RUN, lambda m: m.group(0)[0])
    if _LONG_CHUNK.search(text.text):
        text = text.insert(
            (
                p
                for m in _LONG_CHUNK.finditer(text.text)
                for p in range(m.start() + MAX_CHUNK, m.end(), MAX_CHUNK)
            ),
            " ",
        )
    return text


def token_table(text: str) -> list[list[int]]:
    """(offset, length, is_space, is_punct) of each of spaCy's tokens of `text`.

    Read from arrays rather than Token objects: building spaCy Tokens costs more than
    everything else done per token.
    """
    return tokenizer()(text).to_array([IDX, LENGTH, IS_SPACE, IS_PUNCT]).tolist()

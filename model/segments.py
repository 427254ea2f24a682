"""Where a field's text can be cut into parts that are normalised and tokenised on their own.

An agent types at the end of a note, and the page resends the whole field on every pause: a
pasted 20,000-character chat transcript would be masked, normalised and tokenised again for
each new word. Cut into parts, only the part being typed is new; the others come from a cache.

A part must read exactly as it reads inside the whole text. A cut is therefore made only after
a sentence's end punctuation and the whitespace that follows it, where none of the passes
before tokens (model.masking, model.normalize, model.tokenizer) can match across:
- every pattern that could run over a ". " (a title before a name, "nº." or "prot." before a
  number) needs a word of at most four letters or a title (model.masking.TITLE) before the
  period, and such a word never ends a part, nor one that an invisible character (which masking
  drops) may join to the letters before it;
- a CPF's context ("cpf: 123...") is looked for in the eight characters before a number, so no
  part ends within reach of "cpf";
- a digit before the period never ends a part (phone and number patterns allow one separator);
- lookbehinds at a part's start see nothing, as they saw whitespace in the whole text, and
  spaCy splits on whitespace first.
tests/model/test_segments.py checks that tokens read by parts equal the whole text's tokens on
every field of the corpus and on generated text full of these traps.
"""

from __future__ import annotations

import re

from model.masking import INVISIBLE, TITLE

# A part is at least this long: each part costs a spaCy call, so a note of a few sentences
# stays one or two parts.
MIN_PART_CHARS = 160

_SENTENCE_END = re.compile(r"(?<![.!?…])[.!?…]++\s+")
_LAST_WORD = re.compile(r"[^\W\d_]+\Z")
_TITLE = re.compile(TITLE)


def _may_end_part(text: str, punctuation: int) -> bool:
    """Whether the sentence ending at `punctuation` may end a part."""
    before = text[max(0, punctuation - 12) : punctuation]
    word = _LAST_WORD.search(before)
    if word is None or len(word.group()) < 5 or _TITLE.fullmatch(word.group()):
        return False
    start = punctuation - len(word.group())
    # Masking drops invisible characters first: "D\u200boutor." is read as a title.
    if start and INVISIBLE.match(text, start - 1):
        return False
    return "cpf" not in before.lower()


def cut_points(text: str, min_chars: int = MIN_PART_CHARS) -> list[int]:
    """Offsets where `text` is cut into parts (each part then ends with its whitespace).

    A cut depends only on the text before it and on the next character, so the parts of a note
    being typed at its end stay the parts they were.
    """
    cuts: list[int] = []
    position = min_chars
    while True:
        match = _SENTENCE_END.search(text, position)
        if match is None or match.end() >= len(text):
            return cuts
        if _may_end_part(text, match.start()):
            cuts.append(match.end())
            position = match.end() + min_chars
        else:
            position = match.end()

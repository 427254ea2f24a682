"""Text rewritten step by step while every character still knows where it came from."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

# A replacement is a template, or a function of the match giving the new text for the whole
# match, or a (start, end, text) triple to replace only part of it (offsets in the text).
Replacement = str | Callable[[re.Match[str]], str | tuple[int, int, str]]


@dataclass(frozen=True)
class AlignedText:
    """A derived text plus, for each of its characters, the original span it stands for.

    Evidence is found in normalised text but must be shown in the text the agent wrote,
    so every rewrite keeps the map back to the original offsets. An untouched text's map is a
    pair of ranges (free to build), a rewritten one a pair of lists.
    """

    text: str
    starts: Sequence[int]
    ends: Sequence[int]

    @classmethod
    def of(cls, text: str) -> AlignedText:
        n = len(text)
        return cls(text, range(n), range(1, n + 1))

    def sub(self, pattern: re.Pattern[str], repl: Replacement) -> AlignedText:
        """Like `pattern.sub`, keeping the map: inserted text maps to the whole replaced span."""

        def edits():
            for match in pattern.finditer(self.text):
                a, b = match.span()
                new = repl(match) if callable(repl) else match.expand(repl)
                yield new if isinstance(new, tuple) else (a, b, new)

        return self.edit(edits())

    def insert(self, positions: Iterable[int], piece: str) -> AlignedText:
        """`piece` inserted before each of the (ascending) positions; it stands for no original text."""
        return self.edit((p, p, piece) for p in positions)

    def edit(self, edits: Iterable[tuple[int, int, str]]) -> AlignedText:
        """Each (start, end, new) replaces text[start:end] by new (ascending, not overlapping);
        new text maps to the whole original span of what it replaces."""
        pieces: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        last = 0
        for a, b, new in edits:
            if new == self.text[a:b]:
                continue
            pieces.append(self.text[last:a])
            starts.extend(self.starts[last:a])
            ends.extend(self.ends[last:a])
            if new:
                origin_start, origin_end = self.original_span(a, b)
                pieces.append(new)
                starts.extend([origin_start] * len(new))
                ends.extend([origin_end] * len(new))
            last = b
        if not pieces:
            return self
        pieces.append(self.text[last:])
        starts.extend(self.starts[last:])
        ends.extend(self.ends[last:])
        return AlignedText("".join(pieces), starts, ends)

    def map_chars(self, mapping: dict[str, str]) -> AlignedText:
        """Replace single characters by strings of any length (a translate that keeps the map)."""
        if all(len(new) == 1 for new in mapping.values()):
            return self.replace_text(self.text.translate(str.maketrans(mapping)))
        if not any(ch in mapping for ch in self.text):
            return self
        pieces: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        for i, ch in enumerate(self.text):
            new = mapping.get(ch, ch)
            pieces.append(new)
            starts.extend([self.starts[i]] * len(new))
            ends.extend([self.ends[i]] * len(new))
        return AlignedText("".join(pieces), starts, ends)

    def replace_text(self, text: str) -> AlignedText:
        """The same map over a text of the same length whose characters were replaced one for one."""
        if len(text) != len(self.text):
            raise ValueError("a one-for-one replacement keeps the text's length")
        return AlignedText(text, self.starts, self.ends)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that the derived span [start, end) stands for."""
        if not 0 <= start <= end <= len(self.text):
            raise IndexError(f"span ({start}, {end}) outside a text of length {len(self.text)}")
        if start == end:
            if start < len(self.text):
                return self.starts[start], self.starts[start]
            edge = self.ends[-1] if self.ends else 0
            return edge, edge
        return self.starts[start], self.ends[end - 1]

"""Splitting pasted WhatsApp transcripts into turns, telling the agent's side from the provider's."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from model.normalize import fold

Role = Literal["agent", "provider", "note"]

# A message starts with a head, "[13:52, 9/10/2024]" (phone copy) or "09/10/2024 13:52 -"
# (exported chat file), then its speaker and a colon: "[13:52, 9/10/2024] +55 21 96753-4227: text".
# The speaker is found by `_speaker` rather than by the same pattern: a backtracking engine takes
# time quadratic in a run of spaces after a head (2,000 spaces: 0.7 s).
_HEAD = re.compile(
    r"""
    \[\s*+(?P<time>\d{1,2}:\d{2})(?::\d{2})?\s*+,\s*+(?P<date>\d{1,2}/\d{1,2}/\d{2,4})\s*+\]
    | (?<![\d/])(?P<date2>\d{1,2}/\d{1,2}/\d{2,4}),?\s++(?P<time2>\d{1,2}:\d{2})\s++-
    """,
    re.VERBOSE,
)
# Every head holds a time: a note without one has no messages (the common case, checked at once).
_TIME = re.compile(r"\d:\d\d")
MAX_SPEAKER = 60
# The speaker (1 to 60 characters, no colon or line break; no brackets after a "[...]" head)
# followed by optional space and the colon, which a space or the end follows. Matched from the
# speaker's first visible character; every repetition is possessive and bounded, so a match
# reads each character once.
_SPEAKER_COLON = {
    name: re.compile(rf"(?P<speaker>{visible}(?:[^\S\n]{{0,59}}+{visible}){{0,59}}+)\s*+:(?=\s|$)")
    for name, visible in (("bracket", r"[^:\[\]\s]"), ("dash", r"[^:\s]"))
}
_SPACE = re.compile(r"\s*+")


def _speaker(note: str, head: re.Match[str]) -> tuple[str, int] | None:
    r"""(speaker, end of the colon) after a message head, or None.

    The same as `\s*(?P<speaker>[^:\n]{1,60}?)\s*:(?=\s|$)` after the head (`\s+` and no
    brackets in the speaker after a "[...]" head), whose first match a backtracking engine
    finds as follows: the speaker starts at the first visible character after the head and
    ends at its last visible character before the colon; only when the colon comes right
    after the space does the engine give the speaker the last space character that is not a
    line break.
    """
    dashed = head.group("date2") is not None
    start = head.end()
    visible_at = _SPACE.match(note, start).end()
    if dashed and visible_at == start:
        return None  # "-" then at least one space
    if note.startswith(":", visible_at):
        if not _space_or_end(note, visible_at + 1):
            return None
        first = start + dashed
        for j in range(visible_at - 1, first - 1, -1):
            if note[j] != "\n":
                return note[j], visible_at + 1
        return None
    match = _SPEAKER_COLON["dash" if dashed else "bracket"].match(note, visible_at)
    if match is None or match.end("speaker") - visible_at > MAX_SPEAKER:
        return None
    return match.group("speaker"), match.end()


def _space_or_end(note: str, i: int) -> bool:
    return i == len(note) or note[i].isspace()


def _messages(note: str) -> list[tuple[re.Match[str], str, int]]:
    """(head, speaker, end) of each message, leftmost first and not overlapping."""
    if not _TIME.search(note):
        return []
    found = []
    position = 0
    while (head := _HEAD.search(note, position)) is not None:
        speaker = _speaker(note, head)
        if speaker is None:
            position = head.start() + 1
            continue
        found.append((head, *speaker))
        position = speaker[1]
    return found


# Speakers on the operator's side: the retention team, the call center, staff signatures.
_AGENT_SPEAKER = re.compile(
    r"retenc|central|operadora|atendimento|relacionamento|credenciamento|rede credenciada|analista|suporte"
)


@dataclass(frozen=True)
class Turn:
    """One stretch of a note: a chat message (with its speaker) or the agent's own text around it."""

    role: Role
    start: int
    end: int
    speaker: str = ""
    time: str = ""
    date: str = ""

    def text(self, note: str) -> str:
        return note[self.start : self.end].strip()


def speaker_role(speaker: str, agent_names: tuple[str, ...] = ()) -> Role:
    """'agent' for the operator's side ("Retenção OdontoVida", a known agent name), else 'provider'."""
    folded = fold(speaker)
    if _AGENT_SPEAKER.search(folded) or any(fold(name) in folded for name in agent_names if name):
        return "agent"
    return "provider"


def split_turns(note: str, agent_names: tuple[str, ...] = ()) -> list[Turn]:
    """The note cut into turns: each chat message's text span, and 'note' spans for the rest.

    Offsets are those of `note`; a message's span covers its text, not the time/speaker prefix.
    """
    turns: list[Turn] = []
    messages = _messages(note)
    if messages and messages[0][0].start() > 0 and note[: messages[0][0].start()].strip():
        turns.append(Turn("note", 0, messages[0][0].start()))
    elif not messages and note.strip():
        turns.append(Turn("note", 0, len(note)))
    for i, (head, speaker, end) in enumerate(messages):
        stop = messages[i + 1][0].start() if i + 1 < len(messages) else len(note)
        speaker = speaker.strip()
        turns.append(
            Turn(
                role=speaker_role(speaker, agent_names),
                start=end,
                end=stop,
                speaker=speaker,
                time=head.group("time") or head.group("time2"),
                date=head.group("date") or head.group("date2"),
            )
        )
    return turns

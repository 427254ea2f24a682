"""Splitting pasted WhatsApp transcripts into turns, telling the agent's side from the provider's."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from model.normalize import fold

Role = Literal["agent", "provider", "note"]

# "[13:52, 9/10/2024] +55 21 96753-4227: text" (phone copy) and
# "09/10/2024 13:52 - Dra Paula: text" (exported chat file).
_PREFIX = re.compile(
    r"""
    \[\s*(?P<time>\d{1,2}:\d{2})(?::\d{2})?\s*,\s*(?P<date>\d{1,2}/\d{1,2}/\d{2,4})\s*\]\s*
      (?P<speaker>[^:\n\[\]]{1,60}?)\s*:(?=\s|$)
    | (?<![\d/])(?P<date2>\d{1,2}/\d{1,2}/\d{2,4}),?\s+(?P<time2>\d{1,2}:\d{2})\s+-\s+
      (?P<speaker2>[^:\n]{1,60}?)\s*:(?=\s|$)
    """,
    re.VERBOSE,
)
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
    matches = list(_PREFIX.finditer(note))
    if matches and matches[0].start() > 0 and note[: matches[0].start()].strip():
        turns.append(Turn("note", 0, matches[0].start()))
    elif not matches and note.strip():
        turns.append(Turn("note", 0, len(note)))
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(note)
        speaker = (match.group("speaker") or match.group("speaker2")).strip()
        turns.append(
            Turn(
                role=speaker_role(speaker, agent_names),
                start=match.end(),
                end=end,
                speaker=speaker,
                time=match.group("time") or match.group("time2"),
                date=match.group("date") or match.group("date2"),
            )
        )
    return turns

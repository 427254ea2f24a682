"""Where a note speaks with the operator's voice: chat turns of the operator's side, and the
agent's own reported actions ("expliquei que o contrato prevê reajuste anual", "ofereci nova
tabela"). An offer or an explanation by the agent is not the provider's reason for leaving, so
its words get features of their own (see `model.features`, prefix `ag:`).
"""

from __future__ import annotations

import re

from model.whatsapp import split_turns

# First-person past of what agents report doing, and the participles of offers made to the
# provider. The clause runs to the end of the sentence; bounded, so the scan stays linear.
_AGENT_CLAUSE = re.compile(
    r"\b(?:expliquei|expliquei-lhe|esclareci|informei|orientei|ofereci|ofertei|propus|sugeri|"
    r"argumentei|apresentei|reforcei|lembrei|mencionei|falei\s+(?:d[aeo]s?|sobre)|"
    r"foi\s+(?:oferecid[ao]|ofertad[ao]|propost[ao]|apresentad[ao])|"
    r"(?:oferecid[ao]|ofertad[ao])s?\s+(?:a|o|um|uma|nova|novo|reajuste|revis[aã]o))\b"
    r"[^.!?\n]{0,400}",
    re.IGNORECASE,
)


def agent_spans(text: str) -> list[tuple[int, int]]:
    """Sorted, non-overlapping (start, end) spans of `text` in the operator's voice."""
    turns = split_turns(text)
    spans = [(t.start, t.end) for t in turns if t.role == "agent"]
    # The agent's reported actions are read in the agent's own text, never inside a message the
    # provider wrote ("Dr Paulo: já informei vocês que vou sair" is the provider speaking).
    for turn in turns:
        if turn.role == "note":
            spans += [m.span() for m in _AGENT_CLAUSE.finditer(text, turn.start, turn.end)]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged

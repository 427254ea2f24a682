"""Splitting pasted WhatsApp transcripts into turns."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from model.forms.parse import parse_form
from model.whatsapp import speaker_role, split_turns


def test_seed_transcript_is_split_into_agent_and_provider_turns(seed_new_text):
    note = parse_form(seed_new_text)["observations"][1]
    turns = split_turns(note)
    assert [(t.role, t.speaker, t.time, t.date) for t in turns] == [
        ("agent", "Retenção Odontolife", "11:06", "9/10/2024"),
        ("provider", "+55 21 96753-4227", "13:52", "9/10/2024"),
        ("provider", "+55 21 96753-4227", "13:53", "9/10/2024"),
    ]
    assert (
        turns[2].text(note)
        == "Nós estamos descredenciando pois iremos atender somente pelo nosso próprio plano"
    )


def test_text_around_the_transcript_is_the_agents_note():
    note = "Contato feito.\n[09:19, 10/10/2024] Dra Paula Clínica: infelizmente não"
    turns = split_turns(note)
    assert [(t.role, t.text(note)) for t in turns] == [
        ("note", "Contato feito."),
        ("provider", "infelizmente não"),
    ]


def test_exported_chat_lines_are_understood_too():
    note = "09/10/2024 13:52 - Retenção SulDental: bom dia\n09/10/2024 13:55 - Clínica Sorriso: vamos sair"
    assert [(t.role, t.speaker) for t in split_turns(note)] == [
        ("agent", "Retenção SulDental"),
        ("provider", "Clínica Sorriso"),
    ]


def test_known_agent_names_count_as_the_operators_side():
    assert speaker_role("Juliana") == "provider"
    assert speaker_role("Juliana", agent_names=("juliana",)) == "agent"
    assert speaker_role("Central de Atendimento OdontoVida") == "agent"


def test_a_note_without_transcript_is_one_note_turn():
    assert [t.role for t in split_turns("Sem retorno às 13:52.")] == ["note"]
    assert split_turns("   ") == []


# The message prefix as first written: right, but a backtracking engine takes time quadratic in a
# run of spaces after its head. split_turns must find the same messages in linear time.
_REFERENCE = re.compile(
    r"""
    \[\s*(?P<time>\d{1,2}:\d{2})(?::\d{2})?\s*,\s*(?P<date>\d{1,2}/\d{1,2}/\d{2,4})\s*\]\s*
      (?P<speaker>[^:\n\[\]]{1,60}?)\s*:(?=\s|$)
    | (?<![\d/])(?P<date2>\d{1,2}/\d{1,2}/\d{2,4}),?\s+(?P<time2>\d{1,2}:\d{2})\s+-\s+
      (?P<speaker2>[^:\n]{1,60}?)\s*:(?=\s|$)
    """,
    re.VERBOSE,
)
_PIECES = ["[", "]", ":", ",", "-", "/", " ", "\n", "\t", "0", "9", "a", "+", "13:52", "9/10/2024"]
_PIECES += ["[13:52, 9/10/2024] ", "09/10/2024 13:52 - ", ": ", " - ", "Dra Ana", "x" * 30]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join))
def test_messages_are_those_the_reference_pattern_finds(note):
    expected = [
        (m.end(), (m.group("speaker") or m.group("speaker2")).strip(), m.group("time") or m.group("time2"))
        for m in _REFERENCE.finditer(note)
    ]
    found = [(t.start, t.speaker, t.time) for t in split_turns(note) if t.role != "note"]
    assert found == expected

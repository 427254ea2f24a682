"""The operator's voice in a note: its chat turns and the agent's reported offers, not the provider's words."""

from __future__ import annotations

import itertools

import pytest

from model.agent_speech import agent_spans
from model.tokens import case_tokens


def agent_text(note: str) -> str:
    return " | ".join(note[start:end].strip() for start, end in agent_spans(note))


def agent_words(note: str) -> set[str]:
    return {t.word for t in case_tokens([note]) if t.agent and t.is_word}


CHAT = (
    "[13:52, 9/10/2024] Retenção OdontoVida: Podemos oferecer uma nova tabela de valores?\n"
    "[13:53, 9/10/2024] Dr Paulo: Não adianta, vou me aposentar no fim do ano.\n"
    "[13:55, 9/10/2024] Central de Atendimento: Entendemos, doutor."
)


def test_the_operators_chat_turns_are_the_agents_and_the_providers_turn_is_not():
    assert agent_text(CHAT) == "Podemos oferecer uma nova tabela de valores? | Entendemos, doutor."
    words = agent_words(CHAT)
    assert {"oferecer", "tabela", "valores", "entendemos"} <= words
    assert not {"aposentar", "adianta", "ano"} & words


@pytest.mark.parametrize(
    ("note", "agent", "provider"),
    [
        (
            "Expliquei que o contrato prevê reajuste anual. Dr. quer sair por causa das glosas.",
            "Expliquei que o contrato prevê reajuste anual",
            "glosas",
        ),
        (
            "Dr. disse que a tabela é baixa. Ofereci reajuste de 10% e ele recusou. Vai se aposentar.",
            "Ofereci reajuste de 10% e ele recusou",
            "baixa",
        ),
        (
            "Foi oferecida nova tabela! Dra. recusou e falou da demora na liberação de guias.",
            "Foi oferecida nova tabela",
            "demora",
        ),
        (
            "Prestador reclama do sistema.\nOrientei sobre o novo portal e o suporte técnico",
            "Orientei sobre o novo portal e o suporte técnico",
            "sistema",
        ),
    ],
)
def test_the_agents_reported_actions_run_to_the_end_of_their_sentence(note, agent, provider):
    assert agent_text(note) == agent
    assert provider not in agent_words(note)


def test_the_clause_verb_is_found_whatever_its_case():
    assert agent_text("EXPLIQUEI as regras de glosa.") == "EXPLIQUEI as regras de glosa"


@pytest.mark.parametrize(
    "note",
    [
        "Dr. informou que vai se aposentar e agradeceu a parceria.",
        "Prestador explicou que a tabela está defasada e ofereceu desconto aos pacientes.",
    ],
)
def test_the_provider_explaining_or_offering_is_not_the_agent(note):
    """Only the agent's first person ("expliquei", "ofereci") and offers made to the provider count."""
    assert agent_spans(note) == []


def test_a_providers_chat_turn_in_the_first_person_stays_the_providers():
    note = "[10:01, 2/3/2024] Dr Paulo: já informei vocês que vou sair, a glosa é absurda"
    assert agent_spans(note) == []
    assert "glosa" not in agent_words(note)


@pytest.mark.parametrize(
    "note",
    [
        "Dr. sugeriu que a operadora aumente a tabela.",
        "O desconto oferecido pela clínica concorrente é melhor.",
    ],
)
def test_a_word_that_only_starts_like_the_agents_verb_is_not_the_agents(note):
    assert agent_spans(note) == []


def test_a_clause_inside_an_operator_turn_gives_one_merged_span():
    note = "[13:52, 9/10/2024] Retenção: Expliquei o reajuste anual. Ofereci nova tabela.\n"
    spans = agent_spans(note)
    assert len(spans) == 1
    assert note[spans[0][0] : spans[0][1]].strip() == "Expliquei o reajuste anual. Ofereci nova tabela."


def test_spans_are_sorted_and_do_not_overlap():
    note = "Ofereci nova tabela. Dr. recusou. Expliquei a regra. " + CHAT
    spans = agent_spans(note)
    assert len(spans) == 4
    assert all(end <= next_start for (_, end), (next_start, _) in itertools.pairwise(spans))


def test_a_note_without_the_operators_voice_has_no_spans():
    assert agent_spans("Dr. vai se aposentar no fim do ano.") == []
    assert agent_spans("") == []

"""A field read in parts (model.segments) gives exactly the tokens of its whole text, and a note
typed at its end is read again only from its last part."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model import segments, tokens

CASES = Path(__file__).parents[2] / "labeled_data" / "cases"


def _read(monkeypatch, text: str, cut_points) -> tuple[tokens.Token, ...]:
    monkeypatch.setattr(tokens, "cut_points", cut_points)
    return tokens._tokenize(text, 0, "simplemma")[0]


def _whole(text: str) -> list[int]:
    return []


def _every_sentence(text: str) -> list[int]:
    return segments.cut_points(text, min_chars=1)


def test_every_field_of_the_corpus_reads_the_same_in_parts(monkeypatch):
    fields = [
        text
        for path in sorted(CASES.glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        for text in [*json.loads(line)["observations"], json.loads(line).get("general_note", "")]
        if _every_sentence(text)
    ]
    assert len(fields) > 5_000
    differing = [
        text
        for text in fields
        if _read(monkeypatch, text, _every_sentence) != _read(monkeypatch, text, _whole)
    ]
    assert not differing, differing[:3]


# Pieces that a cut in the wrong place would read differently: titles and abbreviations before a
# name or number, CPF context, numbers split by a period, negation across a sentence end,
# unusual spaces and invisible characters, chat turns.
TRAPS = [
    "Falei com a Dra. Marina Souza.",
    "O doutor. Paulo Reis",
    "Senhora. Ana Lima",
    "secretária. Rosa",
    "guia nº. 12345678",
    "prot. 2024-889911",
    "protocolo n. 556677",
    "CRO-SP nº. 98765",
    "cpf. 529.982.247-25",
    "meu cpf é. 52998224725",
    "ligar 84. 98120-7765",
    "+55. 84 98120-7765",
    "e-mail joao.silva@clinica.com.br. Depois",
    "joao arroba clinica ponto com. ok",
    "Não. Quero sair",
    "nunca vou. processar ninguém.",
    "fechou a clínica!",
    "vai pensar?",
    "Reajuste defasado… glosas.",
    "[10:02, 14/3/2025] Retenção OdontoVida: Bom dia. Poderia nos contar?",
    "[11:40, 14/3/2025] +55 84 98120-7765: vou sair. ",
    "c/ o dr. Pedro",
    "vc. pq. tb.",
    "2025. 1234 5678",
    "reclamou\u00a0da tabela.\u00a0Depois",
    "pagamento\u200b. \u200b12345678901",
    "!!!!!!!!!!!!! ....... ???",
    "advogado. Procon. Justiça.",
    "Profa. Maria Souza",
    "Profª. Lia Reis",
    "o D\u200boutor. Paulo Reis",
    "a Pr\u00adofessora. Ana Lima",
    "Abcdefg. ǅ.",
]
SEPARATORS = [" ", "  ", "\n", "\n\n", ". ", " \t", "\u2003", ""]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(TRAPS), st.sampled_from(SEPARATORS)), min_size=1, max_size=14))
def test_text_full_of_traps_reads_the_same_in_parts(pieces):
    text = "".join(piece + separator for piece, separator in pieces)
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert _read(monkeypatch, text, _every_sentence) == _read(monkeypatch, text, _whole)


@pytest.mark.parametrize(
    ("text", "trap"),
    [
        ("A clínica fechou. Dr. Paulo vai sair.", "Dr. "),  # a title before a name
        ("Ele avisou. O doutor. Paulo vai sair.", "doutor. "),
        ("Pediu o número. Seu CPF. 529.982.247-25", "CPF. "),  # "cpf" before a number
        ("Pediu o número. Meucpf. 52998224725", "Meucpf. "),
        ("Anotei o telefone. Ligar 84. 98120-7765 dela", "84. "),  # a digit before the period
        ("Informou o protocolo. prot. 12345678", "prot. "),  # "prot." before a number
        ("Disse que vai fechar. A Profa. Maria Souza.", "Profa. "),  # a five-letter title
        ("Disse que vai fechar. O D\u200boutor. Paulo Reis.", "D\u200boutor. "),  # an invisible joiner
    ],
)
def test_no_cut_after_a_short_word_a_title_a_digit_or_near_cpf(text, trap):
    assert text.index(trap) + len(trap) not in segments.cut_points(text, min_chars=1)
    assert segments.cut_points(text, min_chars=1), "the sentence before the trap may end a part"


def test_parts_stay_the_same_while_a_note_is_typed_at_its_end():
    note = (
        "Dra. Helena ligou dizendo que a clínica vai fechar em março. Reclamou muito das glosas "
        "e do atraso nos pagamentos. Disse que já procurou um advogado mas que prefere resolver "
        "conversando. Ofereci revisar os procedimentos glosados e ela ficou de pensar."
    )
    final = segments.cut_points(note, min_chars=40)
    assert len(final) >= 2
    for end in range(1, len(note) + 1):
        cuts = segments.cut_points(note[:end], min_chars=40)
        assert cuts == [cut for cut in final if cut < end]


def test_a_keystroke_reads_only_the_last_part_again(monkeypatch):
    read: list[int] = []
    normalize = tokens.normalize
    monkeypatch.setattr(tokens, "normalize", lambda text: read.append(len(text)) or normalize(text))
    tokens.clear_caches()
    sentence = "O prestador reclamou da tabela defasada e das glosas frequentes no último trimestre. "
    transcript = sentence * 200  # ~17,000 characters pasted from a chat
    tokens.field_tokens(transcript + "Agora", 0, "simplemma")
    read.clear()
    tokens.field_tokens(transcript + "Agora ele", 0, "simplemma")
    assert read and max(read) < segments.MIN_PART_CHARS + 2 * len(sentence)

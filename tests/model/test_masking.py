"""Masking personal data: every Brazilian shape, idempotent, offsets mappable to the original."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from model.masking import mask, mask_aligned


@pytest.mark.parametrize(
    "phone",
    [
        "+55 21 96753-4227",
        "+5521967534227",
        "+55 (21) 96753-4227",
        "+55 31 9 8877-6655",
        "(11) 98765-4321",
        "(011) 98765-4321",
        "11 98765-4321",
        "11987654321",
        "21 96753 4227",
        "98765-4321",
        "9 8765-4321",
        "987654321",
        "(85) 3261-4470",
        "3222-1100",
        "32221100",
        "0800 123 4567",
        "0800-123-4567",
    ],
)
def test_every_phone_shape_is_masked(phone):
    assert mask(f"ligar no {phone} amanhã") == "ligar no <PHONE> amanhã"


@pytest.mark.parametrize("cpf", ["529.982.247-25", "529.982.24725", "123.456.789-09"])
def test_formatted_cpf_is_masked(cpf):
    assert mask(f"CPF {cpf}.") == "CPF <CPF>."


def test_bare_cpf_is_told_from_a_mobile_by_context_or_check_digits():
    assert mask("cpf: 12345678900") == "cpf: <CPF>"
    assert mask("documento 52998224725") == "documento <CPF>"
    assert mask("whats 21987654321") == "whats <PHONE>"


@pytest.mark.parametrize(
    "cnpj", ["12.345.678/0001-90", "12345678/0001-90", "12345678000190", "12.345.678 / 0001-90"]
)
def test_cnpj_is_masked(cnpj):
    assert mask(f"CNPJ {cnpj} ativo") == "CNPJ <CNPJ> ativo"


@pytest.mark.parametrize("email", ["joao.silva@clinica.com.br", "dra_ana+odonto@gmail.com", "FAT@X-Y.COM"])
def test_email_is_masked(email):
    assert mask(f"e-mail: {email}.") == "e-mail: <EMAIL>."


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("CRO-SP 12345", "CRO-SP <CRO>"),
        ("CRO/RJ nº 12.345", "CRO/RJ nº <CRO>"),
        ("cro 4410 ativo", "cro <CRO> ativo"),
        ("a guia 1540203 foi cancelada", "a guia <GUIDE> foi cancelada"),
        ("GTO nº 998877", "GTO nº <GUIDE>"),
        ("senha: 7788-12", "senha: <GUIDE>"),
        ("protocolo 20240910123", "protocolo <PROTOCOL>"),
        ("chamado nr 88120", "chamado nr <PROTOCOL>"),
        ("carteirinha 0098877665544", "carteirinha <NUMBER>"),
    ],
)
def test_registration_guide_and_protocol_numbers_keep_their_keyword(text, masked):
    assert mask(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "[13:52, 9/10/2024] ok",
        "R$ 1.250,00 por mês",
        "página 68 do manual",
        "atendimento de 20 pacientes",
        "Resolução CFO 110/2023",
        "dente 36 e 46",
    ],
)
def test_dates_amounts_and_small_numbers_are_not_personal_data(text):
    assert mask(text) == text


def test_whatsapp_prefix_keeps_its_time_and_masks_the_number():
    assert mask("[13:52, 9/10/2024] +55 21 96753-4227: sim") == "[13:52, 9/10/2024] <PHONE>: sim"


def test_masked_spans_map_back_to_the_personal_data():
    text = "Dra. Ana (CPF 529.982.247-25) tel (21) 96753-4227, ana@x.com.br"
    aligned = mask_aligned(text)
    spans = []
    position = 0
    while (start := aligned.text.find("<", position)) >= 0:
        end = aligned.text.index(">", start) + 1
        spans.append(text[slice(*aligned.original_span(start, end))])
        position = end
    assert spans == ["Ana", "529.982.247-25", "(21) 96753-4227", "ana@x.com.br"]


texts = st.text(
    alphabet=st.sampled_from(list("0123456789 .-/()+@:,abcCROPFguiaº\n[]çãé")) | st.characters(),
    max_size=120,
)


@given(texts)
def test_masking_never_crashes_and_is_idempotent(text):
    once = mask(text)
    assert mask(once) == once


@given(texts)
def test_every_masked_character_maps_inside_the_original(text):
    aligned = mask_aligned(text)
    assert len(aligned.starts) == len(aligned.text) == len(aligned.ends)
    for i in range(len(aligned.text)):
        start, end = aligned.original_span(i, i + 1)
        assert 0 <= start < end <= len(text)
        if aligned.text[i] not in "<>" and not aligned.text[i].isupper():
            # Unicode spaces (no-break, thin...) are read, and kept, as plain spaces.
            assert text[start:end] == aligned.text[i] or (
                aligned.text[i] == " " and text[start:end].isspace()
            )


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (
            "Dr. Paulo aqui, falei com a Priscila da recepção.",
            "Dr. <NAME> aqui, falei com a <NAME> da recepção.",
        ),
        ("A secretária Ana Paula de Souza informou", "A secretária <NAME> informou"),
        ("Dra. Helena Moura vai se aposentar", "Dra. <NAME> vai se aposentar"),
        ("Dona Maria ligou de novo", "Dona <NAME> ligou de novo"),
    ],
)
def test_names_after_a_title_a_role_or_falei_com_are_masked(text, masked):
    assert mask(text) == masked

"""Reading retention forms exported as text (and as Word) into cases."""

from __future__ import annotations

import pytest

from model.forms.files import import_form, read_form_text
from model.forms.parse import FormParseError, parse_form
from tests.docx_forms import build_form_docx


def test_seed_with_marks_yields_its_ticks_notes_and_general_note(seed_old_text):
    case = parse_form(seed_old_text)
    assert case["judicializacao"] is True
    assert case["reasons"] == []
    assert case["status"] == "desligamento"
    assert len(case["observations"]) == 5
    assert [bool(note) for note in case["observations"]] == [True, True, True, True, False]
    assert case["observations"][0].startswith("Profissional em contato via whatsapp solicita o desligamento")
    assert case["observations"][3].endswith("Estou informando para que não haja")
    assert case["general_note"].startswith("Como informado no protocolo")
    assert case["general_note"].endswith("denúncia de ética contra a operadora na ANS.")


def test_seed_with_marks_reads_the_other_groups(seed_old_text):
    form = parse_form(seed_old_text)["form"]
    assert form["version"] == "v1"
    assert form["atende_outros_convenios"] is False
    assert form["acao_retencao"] == []
    assert form["necessario_abertura_protocolo"] is None
    assert form["setor_responsavel"] == []
    assert "nome_dentista" in form["fields"] and "tempo_finalizacao" in form["fields"]


def test_seed_without_marks_leaves_ticked_groups_unknown(seed_new_text):
    case = parse_form(seed_new_text)
    assert case["reasons"] is None
    assert case["judicializacao"] is None
    assert case["status"] is None
    assert case["form"]["acao_retencao"] is None
    assert case["form"]["version"] == "v2"
    assert case["observations"][1].startswith("[11:06, 9/10/2024] Retenção Odontolife:")
    assert case["observations"][4].endswith("RT deseja seguir com o descredenciamento.")
    assert case["general_note"] == "Dr. Informar que atenderá somente ao proprio plano deles, e o particular."


def test_ticked_reasons_come_back_as_codes_in_form_order(seed_old_text):
    text = seed_old_text.replace("☐ Glosas", "☒ Glosas").replace("☐ Régras Técnicas", "☒ Régras Técnicas")
    text = text.replace("☐ Beneficiário Grossoeiro", "☒ Beneficiário Grosseiro")
    case = parse_form(text)
    assert case["reasons"] == ["beneficiario_grosseiro", "glosas", "regras_tecnicas"]


def test_both_printed_variants_of_labels_parse(seed_old_text):
    text = (
        seed_old_text.replace("OBRIGATÓRIO", "OBIGATÓRIO")
        .replace("Sector responsável", "Setor responsável")
        .replace("☐ T.I.", "☒ T.I")
        .replace("☐ Comercial", "☒ Comercial")
        .replace("☐ Estudos", "☒ Estudos")
    )
    case = parse_form(text)
    assert case["reasons"] == ["estudos"]
    assert case["form"]["setor_responsavel"] == ["ti", "comercial"]
    assert parse_form(seed_old_text.replace("☐ T.I.", "☒ T.I."))["form"]["setor_responsavel"] == ["ti"]


def test_the_justification_of_outros_is_read(seed_old_text):
    text = seed_old_text.replace('"OUTROS".**', '"OUTROS".**\nPrestador pediu só divulgação.')
    assert parse_form(text)["form"]["acao_retencao_justificativa"] == "Prestador pediu só divulgação."


def test_an_unknown_reason_box_is_named_in_the_error(seed_old_text):
    text = seed_old_text.replace("☐ Óbito", "☐ Óbito ☐ Motivo Inventado")
    with pytest.raises(FormParseError, match="Motivo Inventado"):
        parse_form(text)


def test_two_ticked_statuses_leave_the_status_unknown(seed_old_text):
    text = seed_old_text.replace("☐ Retenção Efetiva", "☒ Retenção Efetiva")
    assert parse_form(text)["status"] is None


@pytest.mark.parametrize(
    ("cut_before", "missing"),
    [("Motivo desligamento", "motivo"), ("Obs. Geral", "geral"), ("Ação Retenção", "acao")],
)
def test_a_truncated_form_names_the_missing_sections(seed_old_text, cut_before, missing):
    with pytest.raises(FormParseError, match=f"truncated form: .*{missing}"):
        parse_form(seed_old_text[: seed_old_text.index(cut_before)])


@pytest.mark.parametrize(
    "text", ["", "   \n", "Lista de compras\npão\nleite", "Motivo desligamento ☒ Glosas"]
)
def test_text_that_is_not_a_form_is_refused(text):
    with pytest.raises(FormParseError):
        parse_form(text)


def test_docx_form_reads_like_its_text_export(tmp_path, seed_old_text):
    path = build_form_docx(tmp_path / "form.docx", seed_old_text.replace("☐ Glosas", "☒ Glosas"))
    from_docx = import_form(path)
    from_text = parse_form(seed_old_text.replace("☐ Glosas", "☒ Glosas"))
    assert from_docx["id"] == "form"
    for key in ("observations", "general_note", "reasons", "judicializacao", "status"):
        assert from_docx[key] == from_text[key]
    assert from_docx["reasons"] == ["glosas"]


def test_docx_without_marks_reads_the_notes(tmp_path, seed_new_text):
    case = import_form(build_form_docx(tmp_path / "new.docx", seed_new_text))
    assert case["reasons"] is None
    assert case["observations"] == parse_form(seed_new_text)["observations"]


def test_broken_files_get_a_reason(tmp_path):
    (tmp_path / "latin.txt").write_bytes("Formulário".encode("latin-1"))
    (tmp_path / "fake.docx").write_bytes(b"not a zip")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    with pytest.raises(FormParseError, match="not valid utf-8 text: byte 0xe1"):
        read_form_text(tmp_path / "latin.txt")
    with pytest.raises(FormParseError, match=r"not a readable \.docx"):
        read_form_text(tmp_path / "fake.docx")
    with pytest.raises(FormParseError, match="unsupported file type"):
        read_form_text(tmp_path / "notes.pdf")
    assert read_form_text(tmp_path / "latin.txt", encoding="latin-1") == "Formulário"

"""The taxonomy as data: codes, printed labels, accepted spellings, form versions."""

from __future__ import annotations

import pytest
import yaml

from model.paths import data_dir
from model.taxonomy import UnknownLabelError, load_taxonomy, parse_taxonomy


def test_thirty_reasons_one_flag_three_statuses():
    taxonomy = load_taxonomy()
    assert len(taxonomy.reason_codes) == 30
    assert taxonomy.flag.code == "ameaca_judicializacao"
    assert taxonomy.status_codes == ("retencao_efetiva", "desligamento", "nao_se_trata_de_retencao")


def test_printed_labels_keep_the_forms_typos():
    taxonomy = load_taxonomy()
    assert taxonomy.label("beneficiario_grosseiro") == "Beneficiário Grossoeiro"
    assert taxonomy.label("regras_tecnicas") == "Régras Técnicas"
    assert taxonomy.label("ameaca_judicializacao") == "Ameaça Judicialização"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Beneficiário Grossoeiro", "beneficiario_grosseiro"),
        ("beneficiario grosseiro", "beneficiario_grosseiro"),
        ("Régras Técnicas", "regras_tecnicas"),
        ("REGRAS TECNICAS", "regras_tecnicas"),
        ("Servidor Público", "servidor_publico"),
        ("Obito", "obito"),
        ("valores", "valores"),
        ("Ameaca Judicializacao", "ameaca_judicializacao"),
        ("Não se trata de Retenção", "nao_se_trata_de_retencao"),
    ],
)
def test_any_printed_or_corrected_spelling_gives_the_code(text, code):
    assert load_taxonomy().code(text) == code


def test_unknown_text_and_codes_are_refused_by_name():
    taxonomy = load_taxonomy()
    with pytest.raises(UnknownLabelError, match="'Motivo X'"):
        taxonomy.code("Motivo X")
    with pytest.raises(UnknownLabelError, match="'nope'"):
        taxonomy.label("nope")
    with pytest.raises(UnknownLabelError, match="not a 'Motivo desligamento' reason"):
        taxonomy.reason_code("Desligamento")
    with pytest.raises(UnknownLabelError, match="v9"):
        taxonomy.codes_of_version("v9")


def test_the_older_form_lacks_three_boxes():
    taxonomy = load_taxonomy()
    assert len(taxonomy.codes_of_version("v2")) == 30
    assert set(taxonomy.codes_of_version("v2")) - set(taxonomy.codes_of_version("v1")) == {
        "migracao",
        "outros",
        "falta_de_reajuste",
    }


def test_a_spelling_that_names_two_labels_is_rejected():
    raw = yaml.safe_load((data_dir() / "taxonomy.yaml").read_text(encoding="utf-8"))
    raw["reasons"][0]["spellings"] = ["Valores"]
    with pytest.raises(ValueError, match="names both"):
        parse_taxonomy(raw)


def test_neighbouring_boxes_are_pairs_of_two_different_reason_codes():
    taxonomy = load_taxonomy()
    assert ("negativa_de_atendimento", "prazo_liberacao_de_guias") in taxonomy.neighbours
    assert all(
        len(set(pair)) == 2 and set(pair) <= set(taxonomy.reason_codes) for pair in taxonomy.neighbours
    )


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (["valores", "valores"], "must be two different reason codes"),
        (["valores", "no_such_code"], "must be two different reason codes"),
        (["valores"], "must be a pair of two reason codes"),
        (["valores", "glosas", "obito"], "must be a pair of two reason codes"),
        ("valores", "must be a pair of two reason codes"),
        (5, "must be a pair of two reason codes"),
        ({"valores": "glosas"}, "must be a pair of two reason codes"),
        (["valores", 5], "must be a pair of two reason codes"),
    ],
)
def test_a_neighbour_entry_that_is_not_two_reason_codes_is_rejected_by_name(entry, message):
    raw = yaml.safe_load((data_dir() / "taxonomy.yaml").read_text(encoding="utf-8"))
    raw["neighbours"] = [entry]
    with pytest.raises(ValueError, match=message):
        parse_taxonomy(raw)


def test_neighbours_that_are_not_a_list_are_rejected_by_name():
    raw = yaml.safe_load((data_dir() / "taxonomy.yaml").read_text(encoding="utf-8"))
    raw["neighbours"] = "valores glosas"
    with pytest.raises(ValueError, match="neighbours must be a list"):
        parse_taxonomy(raw)

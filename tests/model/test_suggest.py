"""The suggestion contract: every reason ranked with probability and evidence, the flag, abstention."""

from __future__ import annotations

import pytest

from model.suggest import suggest, suggest_many
from model.taxonomy import load_taxonomy

GLOSA_CASE = {
    "id": "g1",
    "observations": [
        "Tentei contato no (21) 98765-4321, sem retorno.",
        "Dr. Paulo informou que teve 8 guias glosadas no mês passado e que o recurso de glosa foi negado.",
    ],
    "general_note": "Pediu descredenciamento por causa das glosas.",
}


def test_every_reason_comes_back_once_most_probable_first(trained):
    result = suggest(trained["model"], GLOSA_CASE, trained["version"])
    codes = [r["code"] for r in result["reasons"]]
    assert sorted(codes) == sorted(load_taxonomy().reason_codes)
    probabilities = [r["probability"] for r in result["reasons"]]
    assert probabilities == sorted(probabilities, reverse=True)
    assert all(0 <= p <= 1 for p in probabilities)
    assert result["id"] == "g1" and result["model_version"] == trained["version"]
    assert set(result["judicializacao"]) == {"probability", "flag", "evidence"}


def test_suggested_follows_each_labels_threshold(trained):
    model = trained["model"]
    thresholds = dict(zip(model.reason_codes, model.thresholds_, strict=True))
    for reason in suggest(model, GLOSA_CASE, "v")["reasons"]:
        # Probabilities are rounded to 4 places in the output.
        if abs(reason["probability"] - thresholds[reason["code"]]) > 1e-3:
            assert reason["suggested"] == (reason["probability"] >= thresholds[reason["code"]])


def test_a_clear_glosa_case_is_suggested_glosas_with_its_words_as_evidence(trained):
    result = suggest(trained["model"], GLOSA_CASE, "v")
    top = result["reasons"][0]
    assert top["code"] == "glosas" and top["suggested"]
    assert any("glos" in span["text"].lower() for span in top["evidence"])
    assert not result["abstain"]


def test_evidence_offsets_point_at_the_original_text(trained):
    cases = [
        GLOSA_CASE,
        {
            "observations": [
                "[09:19, 10/10/2024] +55 21 96753-4227: Vou entrar na JUSTIÇA contra vocês, meu advogado já tem tudo."
            ],
            "general_note": "Dra. ameaça processo por danos morais.",
        },
    ]
    for result, case in zip(suggest_many(trained["model"], cases, "v"), cases, strict=True):
        spans = [s for r in result["reasons"] for s in r["evidence"]] + result["judicializacao"]["evidence"]
        assert spans
        for span in spans:
            field = (
                case["general_note"]
                if span["field"] == "general_note"
                else case["observations"][span["index"]]
            )
            assert field[span["start"] : span["end"]] == span["text"]
            assert span["weight"] > 0


@pytest.mark.parametrize(
    "threat",
    [
        "Vou processar a operadora e pedir danos morais, meu advogado já está com o caso.",
        "Já abri reclamação na ANS e vou entrar na justiça contra vocês.",
    ],
)
def test_a_threat_fires_the_flag_with_evidence(trained, threat):
    result = suggest(trained["model"], {"observations": [f"Prestador irritado com as glosas. {threat}"]}, "v")
    assert result["judicializacao"]["flag"]
    assert result["judicializacao"]["evidence"]


@pytest.mark.parametrize(
    "calm",
    [
        "Dra. informou que vai se aposentar no fim do ano e agradeceu a parceria.",
        "O dentista vai fazer mestrado em Portugal e pediu o descredenciamento. Sem pendências.",
    ],
)
def test_a_calm_leaving_does_not_fire_the_flag(trained, calm):
    assert not suggest(trained["model"], {"observations": [calm]}, "v")["judicializacao"]["flag"]


def test_the_negated_threat_scores_lower_than_the_threat(trained):
    model = trained["model"]
    threat = suggest(
        model, {"observations": ["Dr. disse que vai processar a operadora por causa da glosa."]}, "v"
    )
    negated = suggest(
        model, {"observations": ["Dr. disse que não vai processar a operadora por causa da glosa."]}, "v"
    )
    assert negated["judicializacao"]["probability"] < threat["judicializacao"]["probability"]


def test_text_with_no_reason_makes_the_model_abstain_with_its_best_guess(trained):
    result = suggest(trained["model"], {"observations": ["ok"], "general_note": ""}, "v")
    assert result["abstain"] is True
    assert not any(r["suggested"] for r in result["reasons"])
    assert result["reasons"][0]["evidence"] is not None

"""The suggestion contract: every reason ranked with probability and evidence, the flag, abstention."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from model.suggest import suggest, suggest_many
from model.taxonomy import load_taxonomy
from tests.model.tiny_model import tiny_model

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


RETIRING = {
    "id": "r1",
    "observations": ["Dr. informou que vai se aposentar no fim do ano."],
    "general_note": "",
}


def tiny_model_at(thresholds: dict[str, float], default: float = 1.0):
    """A copy of the tiny synthetic model with its reason thresholds set by hand."""
    model = copy.deepcopy(tiny_model())
    model.thresholds_ = np.array([thresholds.get(code, default) for code in model.reason_codes])
    return model


def aposentou_probability() -> float:
    model = tiny_model()
    return float(model.predict_proba([RETIRING])[0, model.reason_codes.index("aposentou")])


def reason(result: dict, code: str) -> dict:
    return next(r for r in result["reasons"] if r["code"] == code)


def test_a_reason_under_its_threshold_but_at_least_half_of_it_comes_back_possible_with_evidence():
    model = tiny_model_at({"aposentou": aposentou_probability() / 0.75})
    result = suggest(model, RETIRING, "v")
    aposentou = reason(result, "aposentou")
    assert aposentou["possible"] and not aposentou["suggested"]
    assert any("aposentar" in span["text"] for span in aposentou["evidence"])
    assert result["abstain"] is True
    assert result["no_reason"] is False


def test_a_note_whose_every_reason_is_under_half_its_threshold_states_no_reason():
    model = tiny_model_at({"aposentou": aposentou_probability() / 0.45})
    result = suggest(model, RETIRING, "v")
    assert result["no_reason"] is True and result["abstain"] is True
    assert not any(r["possible"] or r["suggested"] for r in result["reasons"])


def test_a_suggested_reason_is_not_also_possible():
    model = tiny_model_at({"aposentou": aposentou_probability()})
    aposentou = reason(suggest(model, RETIRING, "v"), "aposentou")
    assert aposentou["suggested"] and not aposentou["possible"]


def test_possible_follows_half_of_each_labels_threshold():
    model = tiny_model()
    thresholds = dict(zip(model.reason_codes, model.thresholds_, strict=True))
    cases = [RETIRING, {"observations": ["Tentei ligar, caiu na caixa postal."]}, GLOSA_CASE]
    for result in suggest_many(model, cases, "v"):
        for r in result["reasons"]:
            limit = thresholds[r["code"]]
            # Probabilities are rounded to 4 places in the output.
            if min(abs(r["probability"] - limit), abs(r["probability"] - limit / 2)) > 1e-3:
                assert r["possible"] == (limit / 2 <= r["probability"] < limit)
        assert result["no_reason"] == (not any(r["suggested"] or r["possible"] for r in result["reasons"]))

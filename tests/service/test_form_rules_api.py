"""The form's rules are the server's: each broken rule is a 422 naming it, and nothing is stored."""

from __future__ import annotations

import pytest

from service import confirmations


def body(reasons, status="desligamento", flag=False, general_note="", **extra):
    return {
        "observations": ["Dr. vai morar fora do país por um ano em missão humanitária."],
        "general_note": general_note,
        "suggested": {"model_version": "v1", "reasons": [], "judicializacao": False},
        "confirmed": {"reasons": reasons, "judicializacao": flag, "status": status},
        **extra,
    }


@pytest.mark.parametrize(
    ("payload", "rule", "field"),
    [
        (body(["outros"]), "outros_needs_justification", "general_note"),
        (body(["outros"], general_note="  ...  "), "outros_needs_justification", "general_note"),
        (body(["mudou_de_area"], status=None), "status_required", "confirmed.status"),
        (body([]), "desligamento_needs_reason", "confirmed.reasons"),
        (body(["migracao"], form_version="v1"), "reason_not_on_form_version", "confirmed.reasons"),
        (
            body(["falta_de_reajuste", "valores"], form_version="v1"),
            "reason_not_on_form_version",
            "confirmed.reasons",
        ),
    ],
)
def test_a_broken_rule_is_a_422_naming_it_and_nothing_is_stored(client, auth, app, payload, rule, field):
    response = client.post("/v1/confirmations", json=payload, headers=auth)
    assert response.status_code == 422
    problems = response.get_json()["problems"]
    assert [(p["rule"], p["field"]) for p in problems] == [(rule, field)], problems
    assert list(confirmations.latest_confirmations(app.extensions["motivo"].engine)) == []


@pytest.mark.parametrize(
    "payload",
    [
        body(["outros"], general_note="Vai morar fora: missão humanitária."),
        body([], flag=True),  # Ameaça Judicialização is a box of the Motivo desligamento section
        body([], status="retencao_efetiva"),
        body([], status="nao_se_trata_de_retencao"),
        body(["migracao", "outros"], general_note="Migra para o CNPJ da clínica.", form_version="v2"),
        body(["valores"], form_version="v1"),
    ],
)
def test_fillings_the_form_allows_are_stored(client, auth, payload):
    response = client.post("/v1/confirmations", json=payload, headers=auth)
    assert response.status_code == 201, response.get_json()

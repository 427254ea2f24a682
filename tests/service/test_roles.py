"""Roles on tokens: agents own their confirmations, QA corrects any form, admins manage tokens and models."""

from __future__ import annotations

import pytest

from service import confirmations, db

CASE = {"observations": ["Dra. vai se aposentar em dezembro."], "general_note": ""}


def body(form_id, reasons=("aposentou",), status="desligamento"):
    return {
        **CASE,
        "form_id": form_id,
        "suggested": {"model_version": "v1", "reasons": ["aposentou"], "judicializacao": False},
        "confirmed": {"reasons": list(reasons), "judicializacao": False, "status": status},
    }


@pytest.fixture
def tokens(app):
    engine = app.extensions["motivo"].engine
    return {
        name: {"Authorization": f"Bearer {db.create_token(engine, name, role)}"}
        for name, role in [("ana", "agent"), ("rui", "agent"), ("qa.maria", "qa"), ("chefe", "admin")]
    }


def test_an_agent_may_replace_only_its_own_confirmation(client, tokens):
    assert client.post("/v1/confirmations", json=body("F-1"), headers=tokens["ana"]).status_code == 201
    assert client.post("/v1/confirmations", json=body("F-1"), headers=tokens["ana"]).status_code == 201
    refused = client.post("/v1/confirmations", json=body("F-1", ["valores"]), headers=tokens["rui"])
    assert refused.status_code == 403
    answer = refused.get_json()
    assert answer["owner"] == "ana" and "'ana'" in answer["error"]
    assert answer["problems"][0]["field"] == "form_id"


def test_a_qa_correction_replaces_any_agents_confirmation_and_records_its_role(client, tokens, app):
    first = client.post("/v1/confirmations", json=body("F-2"), headers=tokens["ana"]).get_json()
    corrected = client.post(
        "/v1/confirmations", json=body("F-2", ["mudou_de_area"]), headers=tokens["qa.maria"]
    )
    assert corrected.status_code == 201
    assert corrected.get_json()["role"] == "qa" and corrected.get_json()["replaced"] == first["id"]
    history = confirmations.confirmation_history(app.extensions["motivo"].engine, "F-2")
    assert [(c["confirmed_by"], c["role"]) for c in history] == [("ana", "agent"), ("qa.maria", "qa")]
    again = client.post("/v1/confirmations", json=body("F-2"), headers=tokens["ana"])
    assert again.status_code == 403 and again.get_json()["owner"] == "qa.maria"
    stats = client.get("/v1/stats", headers=tokens["ana"]).get_json()
    assert stats["latest_by_role"] == {"agent": 0, "qa": 1} and stats["agent_confirmations"] == 1


def test_admins_manage_tokens_and_do_not_confirm(client, tokens):
    assert client.post("/v1/confirmations", json=body("F-3"), headers=tokens["chefe"]).status_code == 403
    created = client.post("/v1/tokens", json={"name": "novo.agente", "role": "qa"}, headers=tokens["chefe"])
    assert created.status_code == 201
    new = {"Authorization": f"Bearer {created.get_json()['token']}"}
    assert client.post("/v1/confirmations", json=body("F-4"), headers=new).get_json()["role"] == "qa"
    listed = client.get("/v1/tokens", headers=tokens["chefe"]).get_json()["tokens"]
    assert ("novo.agente", "qa") in [(t["name"], t["role"]) for t in listed]
    assert created.get_json()["token"] not in str(listed)
    revoked = client.post("/v1/tokens/revoke", json={"name": "rui"}, headers=tokens["chefe"])
    assert revoked.get_json() == {"name": "rui", "revoked": 1}
    assert client.post("/v1/tokens/revoke", json={"name": "rui"}, headers=tokens["chefe"]).status_code == 404


@pytest.mark.parametrize("who", ["ana", "qa.maria"])
@pytest.mark.parametrize(
    ("method", "path", "payload"),
    [
        ("GET", "/v1/tokens", None),
        ("POST", "/v1/tokens", {"name": "x"}),
        ("POST", "/v1/tokens/revoke", {"name": "ana"}),
        ("POST", "/v1/models/promote", {"version": "x"}),
        ("POST", "/v1/models/rollback", {}),
    ],
)
def test_only_admins_reach_the_admin_endpoints(client, tokens, who, method, path, payload):
    response = client.open(path, method=method, json=payload, headers=tokens[who])
    assert response.status_code == 403
    assert "needs a token with role admin" in response.get_json()["error"]


def test_an_admin_promotes_a_registry_version_by_name_only(client, tokens, trained):
    version = trained["version"]
    promoted = client.post("/v1/models/promote", json={"version": version}, headers=tokens["chefe"])
    assert promoted.status_code == 200 and promoted.get_json()["version"] == version
    for name in ("../../etc", "nao-existe"):
        missing = client.post("/v1/models/promote", json={"version": name}, headers=tokens["chefe"])
        assert missing.status_code == 404 and name in missing.get_json()["error"]

"""What used to be a 500 is a 4xx naming the problem, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import json

import pytest

from service import confirmations, db
from service.app import create_app
from service.config import Settings
from tests.postgres import on_both_databases
from tests.service.conftest import migrated

CONFIRMATION = {
    "form_id": "F-1",
    "observations": ["Dra. vai se aposentar em dezembro."],
    "general_note": "",
    "suggested": {"model_version": "v1", "reasons": ["aposentou"], "judicializacao": False},
    "confirmed": {"reasons": ["aposentou"], "judicializacao": False, "status": "desligamento"},
}


@pytest.fixture
def service(database_url, trained):
    engine = migrated(database_url)
    app = create_app(
        Settings(database_url=database_url, model_dir=str(trained["root"]), model_poll_seconds=0)
    )
    headers = {"Authorization": f"Bearer {db.create_token(engine, 'ana')}"}
    yield app.test_client(), headers, engine
    engine.dispose()
    app.extensions["motivo"].engine.dispose()


def _with(path: list, value) -> dict:
    body = {
        **CONFIRMATION,
        "suggested": dict(CONFIRMATION["suggested"]),
        "confirmed": dict(CONFIRMATION["confirmed"]),
    }
    *parents, last = path
    target = body
    for key in parents:
        target = target[key]
    target[last] = value
    return body


@on_both_databases()
@pytest.mark.parametrize(
    ("path", "value", "field", "problem"),
    [
        (["suggested", "model_version"], "v" * 101, "suggested.model_version", "at most 100 characters"),
        (["observations"], ["Dra.\x00 vai se aposentar"], "observations[0]", "NUL character"),
        (["general_note"], "nota\x00", "general_note", "NUL character"),
        (["form_id"], "F-\x00", "form_id", "NUL character"),
        (["suggested", "model_version"], "v\x00", "suggested.model_version", "NUL character"),
        (["observations"], ["Dra. \ud800 vai se aposentar"], "observations[0]", "lone surrogate"),
        (["form_id"], "F" * 201, "form_id", "at most 200 characters"),
    ],
)
def test_what_a_database_cannot_hold_is_a_422_naming_the_field(service, path, value, field, problem):
    client, headers, engine = service
    raw = json.dumps(_with(path, value))  # escapes what UTF-8 cannot encode, as a client's JSON may
    response = client.post("/v1/confirmations", data=raw, content_type="application/json", headers=headers)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert any(p["field"] == field and problem in p["problem"] for p in response.get_json()["problems"])
    assert list(confirmations.latest_confirmations(engine)) == []
    assert client.post("/v1/confirmations", json=CONFIRMATION, headers=headers).status_code == 201


@pytest.mark.parametrize("path", ["/v1/suggest", "/v1/audit", "/v1/confirmations", "/v1/tokens"])
@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("[" * 1000 + "]" * 1000, "nested deeper than 16 levels"),
        ('{"observations": ' + "[" * 30 + "]" * 30 + "}", "nested deeper than 16 levels"),
        ('{"observations": ["a"], "general_note": ' + "9" * 4300 + "}", "number of 4300 characters"),
        ('{"observations": ["a"], "n": 1.' + "5" * 5000 + "}", "number of 5002 characters"),
        ('{"observations": ["a"], "n": NaN}', "NaN is not a JSON value"),
    ],
)
def test_deep_nesting_and_huge_numbers_are_400_on_every_post(client, auth, path, raw, message):
    response = client.post(path, data=raw, content_type="application/json", headers=auth)
    assert response.status_code == 400, response.get_data(as_text=True)
    assert message in response.get_json()["error"]


def test_a_lone_surrogate_in_a_key_is_named(client, auth):
    response = client.post(
        "/v1/suggest",
        data='{"observations": ["ok"], "\\udc00": 1}',
        content_type="application/json",
        headers=auth,
    )
    assert response.status_code == 422 and "lone surrogate" in response.get_json()["problems"][0]["problem"]


# The body schemathesis once got a 500 with (PostgreSQL, QA token): astral characters written as
# surrogate pairs, C0/C1 controls, and a NUL in the general note.
FUZZED = (
    '{"form_id": "auto-cd67eeab0b3b443996fea876984b2c62", '
    '"general_note": "T\\ud9e4\\ude8f\\u0098\\udb0e\\uddd3\\ud963\\udddd\\u0000\\u00e8\\ud8b6\\udf91", '
    '"confirmed": {"reasons": ["negativa_de_atendimento", "obito", "removido_prestador"], '
    '"status": "nao_se_trata_de_retencao", "judicializacao": true}, "form_version": "v2", '
    '"suggested": {"reasons": ["burocracia_operadora", "perda_de_contato"], "judicializacao": true, '
    '"model_version": "20261207-065538"}, "observations": ["W", '
    '"\\u008b\\uda94\\udcdb\\u00bc\\udb1a\\udc895\\ud93b\\udf91\\u00d6\\u00b1\\u00f5\\u008f\\u008d\\u0001\\r\\u00a7\\ud8f0\\udc15"]}'
)


@on_both_databases()
def test_the_fuzzers_body_is_a_422_and_without_its_nul_is_stored_intact(service):
    client, headers, engine = service
    response = client.post("/v1/confirmations", data=FUZZED, content_type="application/json", headers=headers)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.get_json()["problems"][0]["field"] == "general_note"

    storable = FUZZED.replace("\\u0000", "")
    for replaced in (None, 1):
        response = client.post(
            "/v1/confirmations", data=storable, content_type="application/json", headers=headers
        )
        assert response.status_code == 201, response.get_data(as_text=True)
        assert response.get_json()["replaced"] == replaced
    (stored,) = confirmations.latest_confirmations(engine)
    sent = json.loads(storable)
    assert stored["general_note"] == sent["general_note"]
    assert stored["observations"] == sent["observations"]

"""Bad input gets a 4xx whose JSON body names the problem; nothing yields a 5xx."""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

GOOD = {"observations": ["Dra. vai se aposentar."], "general_note": ""}


def test_missing_or_wrong_token_is_401(client, auth):
    assert client.post("/v1/suggest", json=GOOD).status_code == 401
    wrong = client.post("/v1/suggest", json=GOOD, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and wrong.get_json()["error"] == "invalid or revoked token"
    basic = client.get("/v1/labels", headers={"Authorization": "Basic abc"})
    assert basic.status_code == 401 and "bearer" in basic.get_json()["error"]


def test_a_revoked_token_stops_working(client, auth, app):
    from service import db

    db.revoke_token(app.extensions["motivo"].engine, "agente.ana")
    app.extensions["motivo"].token_cache.clear()
    assert client.get("/v1/labels", headers=auth).status_code == 401


def test_a_revoked_token_is_refused_within_a_second_without_a_database_read_per_request(
    client, auth, app, monkeypatch
):
    from service import db

    reads, read = [], db.token_identity
    monkeypatch.setattr(db, "token_identity", lambda *a: reads.append(a) or read(*a))
    state = app.extensions["motivo"]
    assert [client.get("/v1/labels", headers=auth).status_code for _ in range(10)] == [200] * 10
    assert len(reads) < 10
    db.revoke_token(state.engine, "agente.ana")
    time.sleep(1.05)
    assert client.get("/v1/labels", headers=auth).status_code == 401


@pytest.mark.parametrize(
    ("data", "content_type", "status", "message"),
    [
        (b'{"observations": ["a"]', "application/json", 400, "body is not JSON"),
        (b'["a list"]', "application/json", 400, "body must be a JSON object, not list"),
        (
            b'{"observations": ["\xc3\x28"]}',
            "application/json",
            400,
            "not valid UTF-8: byte 0xc3 at offset 19",
        ),
        (
            b"observations=a",
            "application/x-www-form-urlencoded",
            415,
            "Content-Type must be application/json",
        ),
        (b"", "application/json", 400, "body is not JSON"),
    ],
)
def test_malformed_bodies_are_400_or_415(client, auth, data, content_type, status, message):
    response = client.post("/v1/suggest", data=data, content_type=content_type, headers=auth)
    assert response.status_code == status
    assert message in response.get_json()["error"]


@pytest.mark.parametrize(
    ("body", "field", "problem"),
    [
        ({"observations": "texto"}, "observations", "valid list"),
        ({"observations": [1]}, "observations[0]", "valid string"),
        ({"observations": ["a"], "general_note": None}, "general_note", "valid string"),
        ({"observations": ["", " "], "general_note": ""}, "body", "no text"),
        ({"observations": ["a"] * 6}, "observations", "at most 5"),
        ({"observations": ["a" * 20_001]}, "observations[0]", "at most 20000"),
        ({"observations": ["a"], "extra": 1}, "extra", "Extra inputs are not permitted"),
    ],
)
def test_schema_errors_are_422_naming_the_field(client, auth, body, field, problem):
    response = client.post("/v1/suggest", json=body, headers=auth)
    assert response.status_code == 422
    problems = response.get_json()["problems"]
    assert any(p["field"] == field and problem in p["problem"] for p in problems), problems


def test_unknown_codes_are_named(client, auth):
    body = {**GOOD, "checked": {"reasons": ["glosas", "glosa_nova"], "judicializacao": False}}
    response = client.post("/v1/audit", json=body, headers=auth)
    assert response.status_code == 422
    assert "unknown reason codes ['glosa_nova']" in response.get_json()["problems"][0]["problem"]
    flag = client.post(
        "/v1/audit", json={**GOOD, "checked": {"reasons": [], "judicializacao": "sim"}}, headers=auth
    )
    assert flag.status_code == 422 and flag.get_json()["problems"][0]["field"] == "checked.judicializacao"


def test_confirmation_without_what_was_ticked_is_422(client, auth):
    body = {**GOOD, "suggested": {"model_version": "v", "reasons": [], "judicializacao": False}}
    response = client.post("/v1/confirmations", json=body, headers=auth)
    assert response.status_code == 422
    assert response.get_json()["problems"][0]["field"] == "confirmed"


def test_a_body_over_the_limit_is_413(client, auth):
    body = json.dumps({"observations": ["x" * 70_000]})
    response = client.post("/v1/suggest", data=body, content_type="application/json", headers=auth)
    assert response.status_code == 413
    assert "larger than 65536 bytes" in response.get_json()["error"]


def test_unknown_paths_and_methods_answer_json(client, auth):
    assert client.get("/v1/nothing", headers=auth).get_json()["error"]
    response = client.get("/v1/suggest", headers=auth)
    assert response.status_code == 405 and response.get_json()["error"]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=6) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=20,
)
fields = st.fixed_dictionaries(
    {},
    optional={
        "observations": json_values | st.lists(st.text(max_size=200), max_size=7),
        "general_note": json_values,
        "checked": json_values
        | st.fixed_dictionaries({"reasons": json_values, "judicializacao": json_values}),
        "suggested": json_values,
        "confirmed": json_values,
        "form_id": json_values,
    },
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=fields | json_values, path=st.sampled_from(["/v1/suggest", "/v1/audit", "/v1/confirmations"]))
def test_no_body_produces_a_server_error(client, auth, body, path):
    response = client.post(path, data=json.dumps(body), content_type="application/json", headers=auth)
    assert response.status_code < 500, response.get_data(as_text=True)
    assert response.is_json


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=300))
def test_no_raw_bytes_produce_a_server_error(client, auth, raw):
    response = client.post("/v1/suggest", data=raw, content_type="application/json", headers=auth)
    assert response.status_code < 500

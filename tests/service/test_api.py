"""The /v1 API through the Flask test client: contracts, storage, masking, history, stats."""

from __future__ import annotations

import json

from service import confirmations as db

CASE = {
    "observations": [
        "Liguei no (21) 98765-4321. Dr. Paulo teve 6 guias glosadas e o recurso foi negado.",
        "Disse que vai processar a operadora.",
    ],
    "general_note": "Desligamento por glosas.",
}


def test_suggest_returns_the_predict_contract(client, auth):
    response = client.post("/v1/suggest", json=CASE, headers=auth)
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"id", "model_version", "abstain", "no_reason", "reasons", "judicializacao"}
    assert body["no_reason"] is False and {"suggested", "possible"} <= set(body["reasons"][0])
    assert len(body["reasons"]) == 30 and body["reasons"][0]["code"] == "glosas"
    assert body["judicializacao"]["flag"] is True
    span = body["judicializacao"]["evidence"][0]
    assert CASE["observations"][span["index"]][span["start"] : span["end"]] == span["text"]
    assert response.headers["X-Request-ID"]


def test_a_client_may_ask_for_the_top_reasons_only_or_for_no_evidence(client, auth):
    full = client.post("/v1/suggest", json=CASE, headers=auth).get_json()
    top = client.post("/v1/suggest?top=3", json=CASE, headers=auth).get_json()
    assert top["reasons"] == full["reasons"][:3]
    bare = client.post("/v1/suggest?evidence=none", json=CASE, headers=auth).get_json()
    assert any(r["evidence"] for r in full["reasons"]) and full["judicializacao"]["evidence"]
    assert not any(r["evidence"] for r in bare["reasons"]) and not bare["judicializacao"]["evidence"]
    assert [(r["code"], r["probability"]) for r in bare["reasons"]] == [
        (r["code"], r["probability"]) for r in full["reasons"]
    ]
    for query in ("top=0", "top=31", "top=tres", "evidence=all", "verbose=1"):
        assert client.post(f"/v1/suggest?{query}", json=CASE, headers=auth).status_code == 422, query


def test_the_body_is_parsed_once_per_request(app, client, auth, monkeypatch):
    from service import json_body

    calls = []
    parse, flask_loads = json_body.parse_object, app.json.loads
    monkeypatch.setattr(json_body, "parse_object", lambda raw: calls.append("checked") or parse(raw))
    monkeypatch.setattr(app.json, "loads", lambda raw, **kw: calls.append("flask") or flask_loads(raw, **kw))
    assert client.post("/v1/suggest", json=CASE, headers=auth).status_code == 200
    assert calls == ["checked"]  # the body check's result is what the schema validates


def test_a_request_id_sent_by_the_caller_is_kept(client, auth):
    response = client.post("/v1/suggest", json=CASE, headers={**auth, "X-Request-ID": "form-77.a"})
    assert response.headers["X-Request-ID"] == "form-77.a"


def test_audit_ranks_what_the_text_does_not_support(client, auth):
    body = {**CASE, "checked": {"reasons": ["aposentou"], "judicializacao": False}}
    response = client.post("/v1/audit", json=body, headers=auth)
    assert response.status_code == 200
    findings = response.get_json()["findings"]
    kinds = {(f["code"], f["kind"]) for f in findings}
    assert {
        ("aposentou", "unsupported"),
        ("glosas", "missing"),
        ("ameaca_judicializacao", "flag_missed"),
    } <= kinds
    scores = [f["score"] for f in findings]
    assert scores == sorted(scores, reverse=True)
    by_kind = {(f["code"], f["kind"]): f for f in findings}
    # The other side: what the text supports instead of Aposentou, what was ticked instead of Glosas.
    assert "glosas" in [b["code"] for b in by_kind[("aposentou", "unsupported")]["instead"]]
    assert [b["code"] for b in by_kind[("glosas", "missing")]["instead"]] == ["aposentou"]


def test_audit_of_a_consistent_form_finds_nothing(client, auth):
    body = {**CASE, "checked": {"reasons": ["glosas"], "judicializacao": True}}
    assert client.post("/v1/audit", json=body, headers=auth).get_json()["findings"] == []


def confirmation(form_id=None, reasons=("glosas",), suggested=("glosas",)):
    body = {
        **CASE,
        "suggested": {"model_version": "v1", "reasons": list(suggested), "judicializacao": True},
        "confirmed": {"reasons": list(reasons), "judicializacao": True, "status": "desligamento"},
    }
    return body if form_id is None else {**body, "form_id": form_id}


def test_a_confirmation_is_stored_masked_with_who_confirmed(client, auth, app):
    response = client.post("/v1/confirmations", json=confirmation("F-1"), headers=auth)
    assert response.status_code == 201
    assert response.get_json() == {"id": 1, "form_id": "F-1", "role": "agent", "replaced": None}
    stored = list(db.latest_confirmations(app.extensions["motivo"].engine))
    assert stored[0]["observations"][0].startswith("Liguei no <PHONE>.")
    assert "98765" not in json.dumps(stored)
    assert stored[0]["confirmed_by"] == "agente.ana"
    assert stored[0]["reasons"] == ["glosas"] and stored[0]["status"] == "desligamento"


def test_a_repeated_form_id_replaces_the_confirmation_and_keeps_history(client, auth, app):
    first = client.post("/v1/confirmations", json=confirmation("F-9"), headers=auth).get_json()
    second = client.post(
        "/v1/confirmations", json=confirmation("F-9", reasons=("glosas", "valores")), headers=auth
    )
    assert second.get_json()["replaced"] == first["id"]
    engine = app.extensions["motivo"].engine
    latest = [c for c in db.latest_confirmations(engine) if c["form_id"] == "F-9"]
    assert [c["reasons"] for c in latest] == [["glosas", "valores"]]
    history = db.confirmation_history(engine, "F-9")
    assert [c["superseded_by"] for c in history] == [second.get_json()["id"], None]


def test_stats_count_accepted_top_suggestions(client, auth):
    client.post("/v1/confirmations", json=confirmation("A"), headers=auth)
    client.post("/v1/confirmations", json=confirmation("B", reasons=("valores",)), headers=auth)
    stats = client.get("/v1/stats", headers=auth).get_json()
    assert stats["confirmations"] == 2 and stats["agent_confirmations"] == 2
    assert stats["top_suggestion_accepted"] == 0.5
    assert stats["per_label"]["glosas"] == {"suggested": 2, "confirmed": 1, "accepted": 1, "acceptance": 0.5}


def test_labels_model_and_health_endpoints(client, auth):
    labels = client.get("/v1/labels", headers=auth).get_json()
    assert len(labels["reasons"]) == 30 and labels["reasons"][2]["label"] == "Beneficiário Grossoeiro"
    model = client.get("/v1/model", headers=auth).get_json()
    assert model["version"] and len(model["thresholds"]) == 31 and "metrics" in model
    assert client.get("/healthz").get_json() == {"status": "ok"}
    assert client.get("/readyz").get_json()["status"] == "ready"


def test_openapi_document_declares_the_request_schemas(client):
    spec = client.get("/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert {"/v1/suggest", "/v1/audit", "/v1/confirmations", "/v1/labels", "/v1/model", "/v1/stats"} <= set(
        spec["paths"]
    )
    assert "ConfirmationRequest" in spec["components"]["schemas"]
    assert client.get("/docs/swagger").status_code == 200


def test_readyz_is_503_without_a_model(tmp_path):
    from service.app import create_app
    from service.config import Settings
    from tests.service.conftest import migrated

    migrated(f"sqlite:///{tmp_path / 'x.db'}").dispose()
    app = create_app(
        Settings(
            database_url=f"sqlite:///{tmp_path / 'x.db'}",
            model_dir=str(tmp_path / "empty"),
            model_poll_seconds=0,
        )
    )
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert "no current model" in response.get_json()["reason"]

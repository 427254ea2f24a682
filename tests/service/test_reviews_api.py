"""The review queue's API: a batch's findings most suspicious first, one finding with its evidence,
decisions that make QA confirmations, statistics; tokens with role qa or admin only."""

from __future__ import annotations

import pytest

from service import confirmations, db, reviews
from tests.service.conftest import migrated

NOTE = "Dra. Ana (21) 98765-4321 vai se aposentar em dezembro e fechar o consultório."


def finding(code, kind, score, start=None, end=None, instead=()):
    start = NOTE.index("aposentar") if start is None else start
    end = start + len("aposentar") if end is None else end
    span = {
        "field": "observations",
        "index": 0,
        "start": start,
        "end": end,
        "text": NOTE[start:end],
        "weight": 2.0,
    }
    return {
        "code": code,
        "label": code,
        "kind": kind,
        "probability": round(1 - score, 4) if kind == "unsupported" else score,
        "score": score,
        "evidence": [span],
        "instead": list(instead),
    }


def store_batch(engine, batch="lote-1"):
    """Three findings of two forms by two agents."""
    aposentou = {
        "code": "aposentou",
        "label": "Aposentou",
        "probability": 0.97,
        "evidence": [finding("aposentou", "missing", 0.97)["evidence"][0]],
    }
    forms = [
        (
            {
                "id": "F-1",
                "observations": [NOTE],
                "general_note": "",
                "reasons": ["glosas"],
                "judicializacao": False,
                "status": "desligamento",
            },
            [
                finding("glosas", "unsupported", 0.91, 0, 3, [aposentou]),
                finding("aposentou", "missing", 0.97),
            ],
            "Ana",
        ),
        (
            {
                "id": "F-2",
                "observations": [NOTE],
                "general_note": "",
                "reasons": ["valores"],
                "judicializacao": False,
            },
            [finding("valores", "unsupported", 0.55, 0, 3, [aposentou])],
            "Rui",
        ),
    ]
    writer = reviews.BatchWriter(engine, batch)
    for case, found, agent in forms:
        writer.add(
            reviews.review_rows(batch, case, found, ["aposentou"], False, "v-test", agent, "test.jsonl:1")
        )
    writer.flush()
    return writer.stored


@pytest.fixture
def engine(app):
    engine = app.extensions["motivo"].engine
    store_batch(engine)
    return engine


@pytest.fixture
def tokens(app):
    engine = app.extensions["motivo"].engine
    return {
        role: {"Authorization": f"Bearer {db.create_token(engine, f'{role}.user', role)}"}
        for role in ("agent", "qa", "admin")
    }


def items(client, headers, batch="lote-1"):
    answer = client.get(f"/v1/reviews?batch={batch}", headers=headers)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()["items"]


def test_a_batch_lists_its_findings_most_suspicious_first(client, engine, tokens):
    listed = items(client, tokens["qa"])
    assert [(i["form_id"], i["code"], i["kind"]) for i in listed] == [
        ("F-1", "aposentou", "missing"),
        ("F-1", "glosas", "unsupported"),
        ("F-2", "valores", "unsupported"),
    ]
    assert set(listed[0]) == {"id", "form_id", "code", "kind", "score", "decision"}
    assert all(i["decision"] is None for i in listed)
    assert client.get("/v1/reviews?batch=nenhum", headers=tokens["qa"]).status_code == 404
    assert client.get("/v1/reviews", headers=tokens["qa"]).status_code == 422  # batch is required
    assert client.get("/v1/reviews?batch=a%00b", headers=tokens["qa"]).status_code == 422
    assert client.get(f"/v1/reviews/{2**70}", headers=tokens["qa"]).status_code == 422


def test_a_finding_shows_masked_notes_with_evidence_on_the_masked_text(client, engine, tokens):
    first = items(client, tokens["qa"])[0]
    item = client.get(f"/v1/reviews/{first['id']}", headers=tokens["qa"]).get_json()
    (note,) = item["observations"]
    assert "98765" not in note and "<PHONE>" in note
    (span,) = item["evidence"]
    assert note[span["start"] : span["end"]] == "aposentar" == span["text"]
    assert item["ticked_reasons"] == ["glosas"] and item["agent"] == "Ana"
    assert client.get("/v1/reviews/99999", headers=tokens["qa"]).status_code == 404


def test_agents_get_403_on_every_review_endpoint(client, engine, tokens):
    item_id = items(client, tokens["qa"])[0]["id"]
    for method, path, body in [
        ("get", "/v1/reviews?batch=lote-1", None),
        ("get", "/v1/reviews/stats?batch=lote-1", None),
        ("get", f"/v1/reviews/{item_id}", None),
        ("get", "/v1/reviews/batches", None),
        ("post", f"/v1/reviews/{item_id}/decision", {"decision": "unsure"}),
    ]:
        answer = getattr(client, method)(path, json=body, headers=tokens["agent"])
        assert answer.status_code == 403, path
        assert "qa or admin" in answer.get_json()["error"]
    assert client.get("/v1/reviews?batch=lote-1").status_code == 401
    assert items(client, tokens["admin"])  # admins may review too
    assert items(client, tokens["qa"])[0]["decision"] is None  # nothing was decided by the refused calls


def decide(client, headers, item_id, decision, corrected=None):
    body = {"decision": decision} if corrected is None else {"decision": decision, "corrected": corrected}
    return client.post(f"/v1/reviews/{item_id}/decision", json=body, headers=headers)


def test_upheld_needs_the_corrected_boxes_and_makes_a_qa_confirmation(client, engine, tokens):
    missing = items(client, tokens["qa"])[0]
    refused = decide(client, tokens["qa"], missing["id"], "upheld")
    assert refused.status_code == 422 and refused.get_json()["problems"][0]["field"] == "corrected"
    broken = decide(
        client,
        tokens["qa"],
        missing["id"],
        "upheld",
        {"reasons": ["outros"], "judicializacao": False, "status": "desligamento"},
    )
    assert (
        broken.status_code == 422 and broken.get_json()["problems"][0]["rule"] == "outros_needs_justification"
    )
    assert confirmations.confirmation_history(engine, "F-1") == []  # nothing stored by refusals

    corrected = {"reasons": ["aposentou"], "judicializacao": False, "status": "desligamento"}
    answer = decide(client, tokens["qa"], missing["id"], "upheld", corrected)
    assert answer.status_code == 200 and answer.get_json()["decision"] == "upheld"
    (stored,) = confirmations.confirmation_history(engine, "F-1")
    assert (stored["role"], stored["confirmed_by"], stored["reasons"]) == ("qa", "qa.user", ["aposentou"])
    assert stored["suggested_reasons"] == ["aposentou"] and stored["model_version"] == "v-test"
    assert "<PHONE>" in stored["observations"][0]

    # The same form's other finding rejected afterwards: the correction stands.
    unsupported = items(client, tokens["qa"])[1]
    assert decide(client, tokens["qa"], unsupported["id"], "rejected").status_code == 200
    assert [c["reasons"] for c in confirmations.confirmation_history(engine, "F-1")] == [["aposentou"]]


def test_rejected_confirms_the_agents_ticks_and_asks_for_a_status_the_export_lacked(client, engine, tokens):
    f2 = items(client, tokens["qa"])[2]
    lacking = decide(client, tokens["qa"], f2["id"], "rejected")
    assert lacking.status_code == 422 and lacking.get_json()["problems"][0]["field"] == "corrected.status"
    changed = decide(
        client,
        tokens["qa"],
        f2["id"],
        "rejected",
        {"reasons": ["obito"], "judicializacao": False, "status": "desligamento"},
    )
    assert changed.status_code == 422  # rejecting keeps the agent's boxes
    ok = decide(
        client,
        tokens["qa"],
        f2["id"],
        "rejected",
        {"reasons": ["valores"], "judicializacao": False, "status": "desligamento"},
    )
    assert ok.status_code == 200
    (stored,) = confirmations.confirmation_history(engine, "F-2")
    assert (stored["role"], stored["reasons"], stored["status"]) == ("qa", ["valores"], "desligamento")
    assert reviews.rejected_findings(engine) == {
        ("F-2", stored_text_hash(engine, f2["id"]), "valores", "unsupported")
    }


def stored_text_hash(engine, item_id):
    return reviews.get_item(engine, item_id)["text_sha256"]


def test_unsure_is_recorded_only_and_stats_count_per_agent_and_label(client, engine, tokens):
    listed = items(client, tokens["qa"])
    assert decide(client, tokens["qa"], listed[2]["id"], "unsure").status_code == 200
    assert confirmations.confirmation_history(engine, "F-2") == []
    corrected = {"reasons": ["aposentou"], "judicializacao": False, "status": "desligamento"}
    assert decide(client, tokens["admin"], listed[1]["id"], "upheld", corrected).status_code == 200
    assert decide(client, tokens["qa"], listed[0]["id"], "rejected").status_code == 200
    stats = client.get("/v1/reviews/stats?batch=lote-1", headers=tokens["qa"]).get_json()
    assert (stats["findings"], stats["decided"], stats["upheld"], stats["rejected"]) == (3, 3, 1, 1)
    assert stats["by_agent"]["Ana"] == {
        "findings": 2,
        "decided": 2,
        "upheld": 1,
        "rejected": 1,
        "upheld_share": 0.5,
    }
    assert stats["by_agent"]["Rui"]["upheld_share"] is None  # unsure is not a verdict
    assert stats["by_label"]["glosas"]["upheld_share"] == 1.0
    batches = client.get("/v1/reviews/batches", headers=tokens["qa"]).get_json()["batches"]
    assert [(b["batch"], b["findings"], b["decided"]) for b in batches] == [("lote-1", 3, 3)]
    assert client.get("/v1/reviews/stats?batch=outro", headers=tokens["qa"]).status_code == 404


@pytest.mark.parametrize(
    "bad",
    [
        {"decision": "talvez"},
        {"decision": "unsure", "extra": 1},
        {"decision": "upheld", "corrected": {"reasons": ["inventado"], "judicializacao": False}},
    ],
)
def test_bad_decisions_are_422_naming_the_field(client, engine, tokens, bad):
    item_id = items(client, tokens["qa"])[0]["id"]
    answer = client.post(f"/v1/reviews/{item_id}/decision", json=bad, headers=tokens["qa"])
    assert answer.status_code == 422 and answer.get_json()["problems"]


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
def test_storing_a_batch_twice_keeps_one_finding_each_with_its_decision(database_url):
    engine = migrated(database_url)
    assert store_batch(engine) == 3
    first = reviews.list_items(engine, "lote-1")[0]
    reviews.decide(engine, first["id"], "unsure", None, "qa.user")
    assert store_batch(engine) == 0
    again = reviews.list_items(engine, "lote-1")
    assert len(again) == 3 and again[0]["decision"] == "unsure"
    engine.dispose()

"""/v1/thresholds: the policy reaches both workers of a live server, is recorded, and is undone."""

from __future__ import annotations

import time

import pytest

from model.motivo_model import label_matrix
from service import db
from tests.service.conftest import start_live_server
from training import registry
from training.corpus import load_split

CASE = {
    "observations": [
        "Dr. Paulo teve 4 guias glosadas no mês passado e o recurso de glosa foi indeferido.",
        "Disse que vai processar a operadora para receber as glosas.",
    ],
    "general_note": "Desligamento por glosas.",
}


def _glosas_suggested(server, times: int = 20) -> set[bool]:
    """Whether glosas was suggested, over several requests (both workers answer some)."""
    seen = set()
    for _ in range(times):
        status, answer = server.call("POST", "/v1/suggest", CASE)
        assert status == 200
        seen.add(next(r for r in answer["reasons"] if r["code"] == "glosas")["suggested"])
    return seen


def _eventually(check, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "the policy did not reach every worker"
        time.sleep(0.2)


@pytest.fixture
def server(trained, tmp_path, database_url):
    live = start_live_server(trained, tmp_path, database_url, MOTIVO_DATA_DIR=str(trained["data"]))
    live.admin = db.create_token(db.make_engine(database_url), "guardiao", role="admin")
    yield live
    live.stop()


def test_a_policy_reaches_both_workers_and_is_undone(server):
    assert _glosas_suggested(server) == {True}
    off = {"labels": {"glosas": {"mode": "desligado"}}}
    assert server.call("PUT", "/v1/thresholds", off)[0] == 403  # an agent
    status, answer = server.call("PUT", "/v1/thresholds", off, token=server.admin)
    assert status == 200, answer
    assert answer["switched_off"] == ["glosas"] and answer["policy"] == {"labels": off["labels"]}
    _eventually(lambda: _glosas_suggested(server) == {False})
    change = registry.history(server.registry)[-1]
    assert change["event"] == "thresholds" and change["by"] == "guardiao"
    assert change["before"] is None and change["after"] == {"labels": off["labels"]}

    status, answer = server.call("POST", "/v1/thresholds/undo", {}, token=server.admin)
    assert status == 200 and answer["policy"] is None and answer["switched_off"] == []
    _eventually(lambda: _glosas_suggested(server) == {True})
    assert registry.history(server.registry)[-1]["reason"] == "undo"


def test_a_target_precision_sets_each_threshold_from_out_of_fold_probabilities(server, trained):
    status, answer = server.call(
        "PUT", "/v1/thresholds", {"all": {"target_precision": 0.95}}, token=server.admin
    )
    assert status == 200, answer
    model = trained["model"]
    cases = load_split("train", trained["data"])
    truth, proba = label_matrix(cases, list(model.reason_codes)), model.oof_proba_
    column = model.labels.index("glosas")
    threshold = answer["thresholds"]["glosas"]
    chosen = proba[:, column] >= threshold
    assert truth[chosen, column].mean() >= 0.95
    lower = proba[:, column][proba[:, column] < threshold]
    if len(lower):  # the next lower threshold would miss the target: the lowest that reaches it
        assert truth[proba[:, column] >= lower.max(), column].mean() < 0.95
    rows = answer["table"]["glosas"]
    assert [r["threshold"] for r in rows] == sorted(r["threshold"] for r in rows)
    half = next(r for r in rows if r["threshold"] == 0.5)
    expected = proba[:, column] >= 0.5
    assert half["precision"] == round(truth[expected, column].mean(), 4)
    assert half["coverage"] == round(expected.mean(), 4)


BAD_POLICIES = [
    {"labels": {"nao_existe": {"threshold": 0.5}}},
    {"labels": {"glosas": {"threshold": 1.5}}},
    {"labels": {"glosas": {"threshold": True}}},
    {"labels": {"glosas": {"mode": "automatico"}}},
    {"labels": {"glosas": {"threshold": 0.5, "mode": "sugerir"}}},
    {"labels": ["glosas"]},
    {"todos": {"threshold": 0.5}},
]


def test_a_bad_policy_is_refused_and_nothing_changes(server):
    for policy in BAD_POLICIES:
        status, answer = server.call("PUT", "/v1/thresholds", policy, token=server.admin)
        assert status == 422, (policy, answer)
    assert server.call("GET", "/v1/thresholds")[1]["policy"] is None
    assert not [e for e in registry.history(server.registry) if e.get("event") == "thresholds"]

"""/v1/thresholds: the policy reaches both workers of a live server, is recorded, and is undone."""

from __future__ import annotations

import time

import numpy as np
import pytest

from model.masking import mask
from model.motivo_model import label_matrix
from service import db
from service.confirmations import store_confirmation
from service.confirmed_thresholds import MIN_FORMS, MIN_POSITIVES
from tests.service.conftest import start_live_server
from training import registry
from training.corpus import load_split
from training.threshold_table import label_figures, label_table, threshold_for_precision

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
    shown = answer["thresholds"]["glosas"]  # to 4 decimals: the threshold is one of the probabilities
    threshold = proba[:, column][np.abs(proba[:, column] - shown) <= 5e-5].min()
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


def test_labels_with_enough_confirmed_forms_take_their_table_and_targets_from_them(server, trained):
    model, version = trained["model"], trained["version"]
    engine = db.make_engine(server.env["MOTIVO_DATABASE_URL"])
    full = [c for c in load_split("test", trained["data"]) if c.get("kind") != "short_note"]
    with_glosas = [c for c in full if "glosas" in c["reasons"]][:40]
    cases = with_glosas + [c for c in full if "glosas" not in c["reasons"]][:MIN_FORMS]

    def confirm(case: dict, form_id: str, by: str = "agente.live", role: str = "agent") -> None:
        store_confirmation(
            engine,
            confirmed_by=by,
            role=role,
            observations=case["observations"],
            general_note=case["general_note"],
            model_version=version,
            suggested_reasons=[],
            suggested_flag=False,
            reasons=case["reasons"],
            judicializacao=case["judicializacao"],
            form_id=form_id,
        )

    for i, case in enumerate(cases):
        confirm(case, f"F-{i}")
    # Neither a QA decision (it may concern text the model was trained on) nor an erased form counts.
    glosas_only = {"reasons": ["glosas"], "judicializacao": False}
    confirm({**cases[-1], **glosas_only, "general_note": ""}, "F-QA", by="auditora", role="qa")
    confirm({"observations": [""], "general_note": "", **glosas_only}, "F-erased")
    masked = [
        {"observations": [mask(o) for o in c["observations"]], "general_note": mask(c["general_note"])}
        for c in cases
    ]
    truth, proba = label_matrix(cases, list(model.reason_codes)), model.predict_proba(masked)
    glosas = model.labels.index("glosas")
    assert truth[:, glosas].sum() >= MIN_POSITIVES  # the premise: glosas has enough, obito not
    obito = model.labels.index("obito")
    assert truth[:, obito].sum() < MIN_POSITIVES

    as_agent = server.call("GET", "/v1/thresholds")[1]  # an agent's request never pays for the scoring
    assert as_agent["table_sources"] is None
    assert as_agent["table"]["glosas"] == label_table(
        model.oof_truth[:, glosas], model.oof_probabilities[:, glosas]
    )
    answer = server.call("GET", "/v1/thresholds", token=server.admin)[1]
    assert answer["table_sources"]["glosas"] == {
        "source": "confirmations",
        "confirmed_forms": len(cases),
        "confirmed_positives": int(truth[:, glosas].sum()),
    }
    assert answer["table"]["glosas"] == label_table(truth[:, glosas], proba[:, glosas])
    threshold = float(model.decision_thresholds[glosas])  # no policy yet: the model's own
    assert answer["in_force"]["glosas"] == label_figures(truth[:, glosas], proba[:, glosas], threshold)
    assert answer["table_sources"]["obito"]["source"] == "out_of_fold"
    assert answer["table"]["obito"] == label_table(
        model.oof_truth[:, obito], model.oof_probabilities[:, obito]
    )

    status, answer = server.call(
        "PUT", "/v1/thresholds", {"all": {"target_precision": 0.9}}, token=server.admin
    )
    assert status == 200, answer
    on_confirmed = threshold_for_precision(truth[:, glosas], proba[:, glosas], 0.9)
    assert answer["policy"]["resolved"]["model_version"] == version
    assert answer["policy"]["resolved"]["thresholds"]["glosas"] == on_confirmed
    assert "obito" not in answer["policy"]["resolved"]["thresholds"]
    out_of_fold = threshold_for_precision(model.oof_truth[:, obito], model.oof_probabilities[:, obito], 0.9)
    # every worker applies the same numbers, read from the policy file alone
    _eventually(
        lambda: all(
            (a["thresholds"]["glosas"], a["thresholds"]["obito"])
            == (round(on_confirmed, 4), round(out_of_fold, 4))
            for a in (server.call("GET", "/v1/thresholds")[1] for _ in range(6))
        )
    )

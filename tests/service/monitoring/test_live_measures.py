"""Live measures: a synthetic stream of drafts, suggestions and confirmations over simulated days,
spread over the two workers of a live server, gives exactly the figures computed from what the
clients sent and were answered."""

from __future__ import annotations

import json
import random
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from model.cases import case_text
from model.masking import mask
from service import db
from service.app import create_app
from service.confirmations import agent_confirmations
from service.monitoring.days import day_of, start_of, today
from service.monitoring.tables import monitor_drafts, monitor_requests
from tests.service.conftest import start_live_server
from training.corpus import load_split
from training.drift import domain_auc, oov_share, profile

SIMULATED_DAYS = 3


def _typing(case: dict, cuts: int) -> list[dict]:
    """The requests a page sends while one form is typed: the notes cut at growing word counts."""
    words = " ".join(case["observations"]).split()
    steps = sorted({max(1, len(words) * (i + 1) // cuts) for i in range(cuts)})
    return [{"observations": [" ".join(words[:n])], "general_note": ""} for n in steps]


def _write_one_form(server, case: dict, draft_id: str | None, rng: random.Random, form_id: str) -> dict:
    """Type one form (several suggestions), maybe confirm it; return what the client saw."""
    answers = []
    for body in _typing(case, rng.randint(2, 4)):
        request = {**body, "draft_id": draft_id} if draft_id else body
        status, answer = server.call("POST", "/v1/suggest", request)
        assert status == 200, answer
        answers.append((body, answer))
    body, last = answers[-1]
    seen = {"draft_id": draft_id, "requests": len(answers), "last": last, "body": body, "confirmed": None}
    if draft_id and rng.random() < 0.6:
        ranked = [r["code"] for r in last["reasons"] if r["suggested"]]
        # The agent keeps some suggestions and adds the case's true reasons.
        ticked = sorted({*case["reasons"], *(c for c in ranked if rng.random() < 0.7)})
        confirmation = {
            **body,
            "form_id": form_id,
            "draft_id": draft_id,
            "suggested": {"model_version": last["model_version"], "reasons": ranked, "judicializacao": False},
            "confirmed": {"reasons": ticked, "judicializacao": False, "status": "desligamento"},
        }
        status, answer = server.call("POST", "/v1/confirmations", confirmation)
        assert status == 201, answer
        seen["confirmed"] = {"suggested": ranked, "ticked": ticked}
    return seen


def _stored_text(body: dict) -> str:
    """A confirmed form's text as stored: every note masked."""
    return case_text(
        {"observations": [mask(o) for o in body["observations"]], "general_note": mask(body["general_note"])}
    )


def _expected(day: str, forms: list[dict], known: frozenset[str]) -> dict:
    """Every figure of one day, computed directly from what the clients saw."""
    drafts = [f for f in forms if f["draft_id"]]
    confirmed = [f["confirmed"] for f in drafts if f["confirmed"]]
    unconfirmed = [f["last"] for f in drafts if not f["confirmed"]]

    def share(part, whole):
        return round(part / whole, 4) if whole else None

    labels: dict[str, dict] = defaultdict(
        lambda: {"drafts_suggested": 0, "suggested": 0, "confirmed": 0, "accepted": 0}
    )
    for f in drafts:
        for r in f["last"]["reasons"]:
            if r["suggested"]:
                labels[r["code"]]["drafts_suggested"] += 1
    for c in confirmed:
        for code in c["suggested"]:
            labels[code]["suggested"] += 1
            labels[code]["accepted"] += code in c["ticked"]
        for code in c["ticked"]:
            labels[code]["confirmed"] += 1
    for figures in labels.values():
        figures["precision"] = share(figures["accepted"], figures["suggested"])
        figures["recall"] = share(figures["accepted"], figures["confirmed"])
    hits = sum(r["probability"] for s in unconfirmed for r in s["reasons"] if r["suggested"])
    chosen = sum(r["suggested"] for s in unconfirmed for r in s["reasons"])
    mass = sum(r["probability"] for s in unconfirmed for r in s["reasons"])
    chars = [sum(map(len, f["body"]["observations"])) + len(f["body"]["general_note"]) for f in drafts]
    texts = [_stored_text(f["body"]) for f in drafts if f["confirmed"]]
    return {
        "texts": texts,
        "text_drift": {
            "texts": len(texts),
            "mean_chars": round(sum(map(len, texts)) / len(texts), 1),
            "oov_share": oov_share(texts, known),
        }
        if texts
        else None,
        "day": day,
        "requests": sum(f["requests"] for f in forms),
        "drafts": len(drafts),
        "abstain_rate": share(sum(f["last"]["abstain"] for f in drafts), len(drafts)),
        "flag_rate": share(sum(f["last"]["judicializacao"]["flag"] for f in drafts), len(drafts)),
        "mean_chars": round(sum(chars) / len(chars), 1),
        "confirmed": len(confirmed),
        "top1_accepted": share(
            sum(bool(c["suggested"]) and c["suggested"][0] in c["ticked"] for c in confirmed), len(confirmed)
        ),
        "top3_accepted": share(
            sum(any(x in c["ticked"] for x in c["suggested"][:3]) for c in confirmed), len(confirmed)
        ),
        "labels": dict(labels),
        "estimated": {
            "drafts": len(unconfirmed),
            "precision": share(hits, chosen),
            "recall": share(hits, mass),
        },
    }


def _wait_for_requests(engine, sent: int) -> None:
    """Until both workers have written their batches (they flush every 0.2 s here)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with engine.connect() as connection:
            stored = connection.execute(select(func.sum(monitor_requests.c.requests))).scalar() or 0
        if stored == sent:
            return
        time.sleep(0.1)
    raise AssertionError(f"{stored} requests stored, {sent} sent")


def _move_today_to(engine, day: str, back: int) -> None:
    """Simulate an earlier day: what was measured today is moved `back` days into the past."""
    now = today()
    with engine.begin() as connection:
        connection.execute(update(monitor_requests).where(monitor_requests.c.day == now).values(day=day))
        connection.execute(update(monitor_drafts).where(monitor_drafts.c.day == now).values(day=day))
        confirmations = db.confirmations
        moved = connection.execute(
            select(confirmations.c.id, confirmations.c.created_at).where(
                confirmations.c.created_at >= start_of(now)
            )
        ).all()
        for row in moved:  # in Python: SQLite has no date arithmetic on its stored text
            connection.execute(
                update(confirmations)
                .where(confirmations.c.id == row.id)
                .values(created_at=row.created_at - timedelta(days=back))
            )


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
def test_a_synthetic_stream_over_days_gives_every_figure(trained, tmp_path, database_url):
    server = start_live_server(
        trained,
        tmp_path,
        database_url,
        MOTIVO_MONITOR_FLUSH_SECONDS="0.2",
        MOTIVO_DATA_DIR=str(trained["data"]),
    )
    training = profile(
        [case_text(c) for c in load_split("train", trained["data"]) if c.get("kind") != "short_note"]
    )
    try:
        engine = db.make_engine(database_url)
        keeper = db.create_token(engine, "guardiao", role="admin")
        auditor = db.create_token(engine, "auditora", role="qa")
        cases = [
            c
            for c in load_split("test", trained["data"])
            if c.get("reasons") and "outros" not in c["reasons"]
        ]
        rng = random.Random(19)
        expected = {}
        for back in range(SIMULATED_DAYS - 1, -1, -1):
            day = (datetime.fromisoformat(today()) - timedelta(days=back)).date().isoformat()
            plans = [
                (
                    rng.choice(cases),
                    f"draft-{day}-{i}" if i % 5 else None,
                    random.Random(f"{day}{i}"),
                    f"F-{day}-{i}",
                )
                for i in range(12 + 4 * back)
            ]
            with ThreadPoolExecutor(4) as pool:  # four pages at once: both workers serve
                forms = list(pool.map(lambda plan: _write_one_form(server, *plan), plans))
            _wait_for_requests(
                engine, sum(f["requests"] for f in forms) + sum(e["requests"] for e in expected.values())
            )
            if back:
                _move_today_to(engine, day, back)
            expected[day] = _expected(day, forms, training.vocabulary)

        assert server.call("GET", "/v1/monitoring?days=7")[0] == 403  # an agent's token
        status, answer = server.call("GET", "/v1/monitoring?days=7", token=auditor)
        assert status == 200, answer
        assert server.call("GET", "/v1/monitoring?days=7", token=keeper)[1] == answer
        assert answer["timezone"] == "America/Sao_Paulo" and answer["days"][-1] == today()
        rows = {row["day"]: row for row in answer["rows"]}
        assert sorted(rows) == sorted(expected)
        for day, want in expected.items():
            got = rows[day]
            assert got["model_version"] == trained["version"]
            for key in (
                "requests",
                "drafts",
                "abstain_rate",
                "flag_rate",
                "mean_chars",
                "confirmed",
                "top1_accepted",
                "top3_accepted",
            ):
                assert got[key] == want[key], (day, key)
            assert got["estimated"]["drafts"] == want["estimated"]["drafts"]
            for key in ("precision", "recall"):
                assert got["estimated"][key] == pytest.approx(want["estimated"][key], abs=1e-4), (day, key)
            assert got["labels"] == {code: {**f} for code, f in want["labels"].items()}, day
            assert got["text_drift"] == want["text_drift"], day
        texts = [t for want in expected.values() for t in want["texts"]]
        stored = [case_text(c) for c in agent_confirmations(engine)]  # the server reads them in this order
        assert sorted(stored) == sorted(texts)
        assert answer["drift"] == {
            trained["version"]: {
                "live_texts": len(texts),
                "mean_chars": round(sum(map(len, texts)) / len(texts), 1),
                "training_mean_chars": training.mean_chars,
                "oov_share": oov_share(texts, training.vocabulary),
                "domain_auc": domain_auc(stored, training),
            }
        }
        assert "drift" not in server.call("GET", "/v1/monitoring?days=7&drift=false", token=keeper)[1]
        assert [r["day"] for r in server.call("GET", "/v1/monitoring?days=1", token=keeper)[1]["rows"]] == [
            today()
        ]
    finally:
        server.stop()


def test_days_are_counted_in_sao_paulo():
    # 02:30 UTC is still the evening before in São Paulo (UTC-3, no daylight saving since 2019).
    assert day_of(datetime(2026, 3, 10, 2, 30, tzinfo=UTC)) == "2026-03-09"
    assert day_of(datetime(2026, 3, 10, 3, 0, tzinfo=UTC)) == "2026-03-10"
    assert start_of("2026-03-10") == datetime(2026, 3, 10, 3, 0, tzinfo=UTC)


def test_a_stored_draft_holds_no_text(settings):
    app = create_app(replace(settings, monitor_flush_seconds=0))  # every suggestion written at once
    engine = app.extensions["motivo"].engine
    auth = {"Authorization": f"Bearer {db.create_token(engine, 'agente.ana')}"}
    note = "Dra. Joana vai se aposentar em dezembro, CPF 529.982.247-25"
    body = {"observations": [note], "draft_id": "rascunho-secreto-1"}
    assert app.test_client().post("/v1/suggest", json=body, headers=auth).status_code == 200
    with engine.connect() as connection:
        rows = connection.execute(select(monitor_drafts)).all()
    stored = json.dumps([list(r) for r in rows], default=str)
    assert "aposentar" not in stored and "Joana" not in stored and "rascunho-secreto-1" not in stored
    assert json.loads(rows[0].suggested) == ["aposentou"]  # its codes and probabilities are kept


def test_live_measures_off_store_nothing(settings):
    app = create_app(replace(settings, live_measures=False, monitor_flush_seconds=0))
    engine = app.extensions["motivo"].engine
    auth = {"Authorization": f"Bearer {db.create_token(engine, 'agente.ana')}"}
    body = {"observations": ["Dra. vai se aposentar"], "draft_id": "d-1"}
    assert app.test_client().post("/v1/suggest", json=body, headers=auth).status_code == 200
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(monitor_requests)).scalar_one() == 0

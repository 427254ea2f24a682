"""Limits on what one request may take: characters per note, CPU time, and workers recycled."""

from __future__ import annotations

import random
import string
import threading
from dataclasses import replace

import pytest

from service.app import create_app
from tests.service.conftest import start_live_server

SMALL = {"observations": ["Dra. vai se aposentar em dezembro."], "general_note": ""}


def _unique_case(seed: int, chars: int = 20_000) -> dict:
    """Five contact notes and a general note of `chars` characters of words never seen before."""
    rng = random.Random(seed)

    def note() -> str:
        words = (
            "".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 10))) for _ in range(chars // 4)
        )
        return " ".join(words)[:chars]

    return {"observations": [note() for _ in range(5)], "general_note": note()}


def test_a_note_over_the_configured_limit_is_422_naming_the_field(settings, trained):
    from service import db

    app = create_app(replace(settings, max_field_chars=100))
    headers = {"Authorization": f"Bearer {db.create_token(app.extensions['motivo'].engine, 'agente.bia')}"}
    client = app.test_client()
    assert client.post("/v1/suggest", json={"observations": ["a" * 100]}, headers=headers).status_code == 200
    response = client.post(
        "/v1/suggest", json={"observations": ["a"], "general_note": "b" * 101}, headers=headers
    )
    assert response.status_code == 422
    assert response.get_json()["problems"] == [
        {"field": "general_note", "problem": "101 characters; at most 100"}
    ]
    assert 'maxlength="100"' in client.get("/").get_data(as_text=True)


def test_a_request_over_its_cpu_budget_is_503_with_its_request_id_and_the_next_is_served(settings):
    from service import db

    app = create_app(replace(settings, request_cpu_seconds=0.05, max_body_bytes=256 * 1024))
    headers = {"Authorization": f"Bearer {db.create_token(app.extensions['motivo'].engine, 'agente.bia')}"}
    client = app.test_client()
    response = client.post(
        "/v1/suggest", json=_unique_case(1), headers={**headers, "X-Request-ID": "runaway-1"}
    )
    assert response.status_code == 503
    body = response.get_json()
    assert body["request_id"] == "runaway-1" and "CPU" in body["error"]
    assert client.post("/v1/suggest", json=SMALL, headers=headers).status_code == 200


def test_a_budget_overrun_swallowed_once_still_stops_the_request(settings, monkeypatch):
    # The first expiry can land where an exception is ignored (a gc callback, a finalizer).
    from service import db, deadline

    fired: list[int] = []

    def first_one_lost(signum, frame):
        fired.append(signum)
        if len(fired) > 1:
            raise deadline.RequestTooExpensive

    monkeypatch.setattr(deadline, "_expired", first_one_lost)
    app = create_app(replace(settings, request_cpu_seconds=0.05, max_body_bytes=256 * 1024))
    headers = {"Authorization": f"Bearer {db.create_token(app.extensions['motivo'].engine, 'agente.bia')}"}
    response = app.test_client().post("/v1/suggest", json=_unique_case(3), headers=headers)
    assert response.status_code == 503 and len(fired) >= 2


def test_the_keepers_drift_figures_extend_the_requests_cpu_budget(settings):
    # Summarising the training texts takes seconds of CPU on a worker's first call: the monitoring
    # endpoint (an admin or QA token, no input beyond a day count) extends its own budget.
    from service import db
    from service.monitoring import drift_report

    drift_report.training_profile.cache_clear()
    app = create_app(replace(settings, request_cpu_seconds=0.05))
    engine = app.extensions["motivo"].engine
    keeper = {"Authorization": f"Bearer {db.create_token(engine, 'guardiao', role='admin')}"}
    client = app.test_client()
    assert client.get("/v1/monitoring?days=3", headers=keeper).status_code == 200
    assert drift_report.training_profile.cache_info().currsize == 1  # the heavy part did run


@pytest.fixture
def recycling_server(trained, tmp_path, database_url):
    server = start_live_server(
        trained,
        tmp_path,
        database_url,
        MOTIVO_MAX_REQUESTS="15",
        MOTIVO_MAX_REQUESTS_JITTER="4",
        MOTIVO_REQUEST_CPU_SECONDS="0.2",
        MOTIVO_LOG_LEVEL="INFO",
    )
    yield server
    server.stop()


def test_recycled_workers_drop_no_request_and_a_runaway_one_gets_a_503(recycling_server):
    server = recycling_server
    results: list[int] = []

    def client(seed: int) -> None:
        for i in range(40):
            case = {"observations": [f"{SMALL['observations'][0]} caso {seed}-{i}"], "general_note": ""}
            results.append(server.call("POST", "/v1/suggest", case, timeout=30)[0])

    threads = [threading.Thread(target=client, args=(seed,)) for seed in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [200] * 160

    status, body = server.call(
        "POST", "/v1/suggest", _unique_case(2), headers={"X-Request-ID": "runaway-2"}, timeout=30
    )
    assert (status, body["request_id"]) == (503, "runaway-2")
    assert [server.call("POST", "/v1/suggest", SMALL)[0] for _ in range(4)] == [200] * 4

    server.stop()
    log = server.process.stderr.read().decode()
    # 164 requests on 2 workers replaced every 15-19 requests: at least 8 replacements.
    assert log.count("Autorestarting worker") >= 8, log[-3000:]

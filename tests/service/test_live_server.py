"""The real server: gunicorn with 2 workers on a free loopback port, started by `motivo serve`."""

from __future__ import annotations

import http.client
import threading
import time

import joblib

from service import confirmations, db
from tests.postgres import on_both_databases
from training import registry

CASE = {
    "observations": [
        "Dr. Paulo teve 4 guias glosadas no mês passado e o recurso de glosa foi indeferido.",
        "Disse que vai processar a operadora para receber as glosas.",
    ],
    "general_note": "Desligamento por glosas.",
}


def test_every_endpoint_answers_over_http(live_server):
    s = live_server
    assert s.call("GET", "/healthz", token=None) == (200, {"status": "ok"})
    assert s.call("GET", "/readyz", token=None)[0] == 200
    status, body = s.call("POST", "/v1/suggest", CASE)
    assert status == 200 and body["reasons"][0]["code"] == "glosas"
    status, body = s.call("POST", "/v1/audit", {**CASE, "checked": {"reasons": [], "judicializacao": False}})
    assert status == 200 and {f["kind"] for f in body["findings"]} >= {"missing", "flag_missed"}
    confirmation = {
        **CASE,
        "form_id": "L-1",
        "suggested": {"model_version": "x", "reasons": ["glosas"], "judicializacao": True},
        "confirmed": {"reasons": ["glosas"], "judicializacao": True, "status": "desligamento"},
    }
    assert s.call("POST", "/v1/confirmations", confirmation)[0] == 201
    assert s.call("GET", "/v1/labels")[0] == 200
    assert s.call("GET", "/v1/model")[1]["version"]
    assert s.call("GET", "/v1/stats")[1]["confirmations"] == 1
    assert s.call("GET", "/openapi.json", token=None)[1]["openapi"].startswith("3.")


def test_error_paths_over_http(live_server):
    s = live_server
    assert s.call("POST", "/v1/suggest", CASE, token=None)[0] == 401
    assert s.call("POST", "/v1/suggest", CASE, token="wrong")[0] == 401
    assert s.call("POST", "/v1/suggest", raw=b"{not json")[0] == 400
    assert s.call("POST", "/v1/suggest", raw=b'{"observations": ["\xff"]}')[0] == 400
    status, body = s.call("POST", "/v1/suggest", {"observations": ["a"] * 6})
    assert status == 422 and body["problems"][0]["field"] == "observations"
    status, body = s.call("POST", "/v1/suggest", {"observations": ["x" * 300_000]})
    assert status == 413 and "larger than" in body["error"]


def _hammer(server, stop: threading.Event, results: list) -> None:
    while not stop.is_set():
        status, body = server.call("POST", "/v1/suggest", CASE)
        results.append((status, body.get("model_version") if status == 200 else body))


def test_a_promoted_version_is_served_without_restart_and_a_broken_one_is_refused(live_server):
    s = live_server
    old = s.call("GET", "/v1/model")[1]["version"]
    model = joblib.load(s.registry / old / "model.joblib")
    results: list = []
    stop = threading.Event()
    threads = [threading.Thread(target=_hammer, args=(s, stop, results)) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(0.5)
        new = registry.save_version(model, {"data_hash": "swap-test"}, s.registry)
        registry.promote(new, s.registry)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not any(v == new for _, v in results[-8:]):
            time.sleep(0.2)
        time.sleep(1.5)  # both workers have swapped by now
        assert all(s.call("POST", "/v1/suggest", CASE)[1]["model_version"] == new for _ in range(6))

        broken = registry.save_version(model, {"data_hash": "broken"}, s.registry)
        (s.registry / broken / "model.joblib").write_bytes(b"damaged")
        (s.registry / "CURRENT").write_text(broken + "\n")  # as if damaged after promotion
        time.sleep(2.5)
        assert s.call("GET", "/readyz", token=None)[1]["model_version"] == new
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert results and all(status == 200 for status, _ in results), [r for r in results if r[0] != 200][:3]
    served = {version for _, version in results}
    assert old in served and new in served and broken not in served


@on_both_databases()
def test_every_confirmation_that_got_201_survives_a_sigkill(live_server):
    s = live_server
    acknowledged: list[tuple[int, str]] = []
    lock = threading.Lock()

    def writer(worker: int) -> None:
        for n in range(200):
            form_id = f"K-{worker}-{n}"
            body = {
                **CASE,
                "form_id": form_id,
                "suggested": {"model_version": "x", "reasons": ["glosas"], "judicializacao": True},
                "confirmed": {"reasons": ["glosas"], "judicializacao": True, "status": "desligamento"},
            }
            try:
                status, answer = s.call("POST", "/v1/confirmations", body, timeout=5)
            except (OSError, http.client.HTTPException):
                return  # the server is gone, perhaps in the middle of an answer
            if status == 201:
                with lock:
                    acknowledged.append((answer["id"], form_id))

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(6)]
    for thread in threads:
        thread.start()
    while len(acknowledged) < 40:
        time.sleep(0.02)
    s.kill()
    for thread in threads:
        thread.join()
    assert len(acknowledged) >= 40

    s.start()
    engine = db.make_engine(s.database)
    stored = {(c["id"], c["form_id"]) for c in confirmations.latest_confirmations(engine)}
    engine.dispose()
    missing = [pair for pair in acknowledged if pair not in stored]
    assert not missing, f"{len(missing)} acknowledged confirmations lost, e.g. {missing[:3]}"
    assert s.call("GET", "/v1/stats")[1]["confirmations"] == len(stored)

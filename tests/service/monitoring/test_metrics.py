"""/metrics: the Prometheus format, summed over gunicorn's workers, right across worker recycling."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

from service import db
from tests.service.conftest import start_live_server

CASE = {"observations": ["Dr. teve 6 guias glosadas e vai processar a operadora"], "general_note": ""}


def _scrape(url: str, token: str) -> dict[tuple[str, tuple], float]:
    request = urllib.request.Request(url + "/metrics", headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.headers["Content-Type"].startswith("text/plain")
        text = response.read().decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def _total(samples: dict, name: str, **labels: str) -> float:
    return sum(
        value
        for (sample, sample_labels), value in samples.items()
        if sample == name and set(labels.items()) <= set(sample_labels)
    )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _stale_samples(folder) -> None:
    """What a previous run of the server left: 1000 suggestions that must not be counted again."""
    code = (
        "from prometheus_client import Counter; "
        "Counter('motivo_suggestions', 'x', ['model_version']).labels('old').inc(1000)"
    )
    folder.mkdir()
    subprocess.run([sys.executable, "-c", code], env={"PROMETHEUS_MULTIPROC_DIR": str(folder)}, check=True)
    assert list(folder.iterdir())


def test_a_scrape_parses_and_adds_up_across_recycled_workers(trained, tmp_path, database_url):
    metrics_dir = tmp_path / "metrics"
    _stale_samples(metrics_dir)
    # Workers are replaced every 4 to 6 requests: the counts of the dead ones must stay.
    server = start_live_server(
        trained,
        tmp_path,
        database_url,
        PROMETHEUS_MULTIPROC_DIR=str(metrics_dir),
        MOTIVO_MAX_REQUESTS="4",
        MOTIVO_MAX_REQUESTS_JITTER="2",
    )
    try:
        engine = db.make_engine(database_url)
        keeper = db.create_token(engine, "guardiao", role="admin")
        assert server.call("GET", "/metrics", token=None)[0] == 401
        assert server.call("GET", "/metrics")[0] == 403  # an agent's token
        answers = [server.call("POST", "/v1/suggest", CASE) for _ in range(25)]
        assert all(status == 200 for status, _ in answers)
        version = answers[0][1]["model_version"]
        flags = sum(answer["judicializacao"]["flag"] for _, answer in answers)
        abstentions = sum(answer["abstain"] for _, answer in answers)
        samples = _scrape(server.url, keeper)
        assert _total(samples, "motivo_suggestions_total") == 25  # not the stale 1000
        assert _total(samples, "motivo_suggestions_total", model_version=version) == 25
        assert _total(samples, "motivo_flags_total") == flags
        assert _total(samples, "motivo_abstentions_total") == abstentions
        assert _total(samples, "motivo_http_requests_total", endpoint="/v1/suggest", status="200") == 25
        assert _total(samples, "motivo_http_request_duration_seconds_count", endpoint="/v1/suggest") == 25
        assert _total(samples, "motivo_http_requests_total", endpoint="/metrics", status="403") == 1
        # Only live workers report the version they serve; the recycled ones were marked dead.
        serving = {
            labels: value for (name, labels), value in samples.items() if name == "motivo_serving_model"
        }
        assert serving == {(("model_version", version),): 1.0}
        gauge_pids = [int(path.stem.rsplit("_", 1)[1]) for path in metrics_dir.glob("gauge_livemax_*.db")]
        assert gauge_pids and all(_alive(pid) for pid in gauge_pids)
        assert len(list(metrics_dir.glob("counter_*.db"))) > 2  # more workers served than the 2 alive
    finally:
        server.stop()

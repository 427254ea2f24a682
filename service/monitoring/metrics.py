"""/metrics in the Prometheus exposition format, summed across gunicorn's workers.

Under `motivo serve` each worker writes its samples to files in PROMETHEUS_MULTIPROC_DIR
(prometheus_client's multiprocess mode; the folder is emptied before gunicorn starts, and a
worker that exits is marked dead by the gunicorn hook in service/monitoring/gunicorn_hooks.py, so
its gauges go while its counts stay in the totals). Without that variable (the Flask test
client, one process) the process's own registry is served. Reading needs an admin token.
"""

from __future__ import annotations

import os
import time

from flask import Blueprint, Flask, Response, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client import REGISTRY as PROCESS_REGISTRY

from service.auth import authenticate, require_role

REQUESTS = Counter("motivo_http_requests_total", "HTTP requests answered.", ["endpoint", "method", "status"])
LATENCY = Histogram(
    "motivo_http_request_duration_seconds",
    "Time to answer, per endpoint (the route's rule, so the label set stays small).",
    ["endpoint"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
SUGGESTIONS = Counter("motivo_suggestions_total", "Suggestions answered.", ["model_version"])
ABSTENTIONS = Counter("motivo_abstentions_total", "Suggestions with no reason suggested.", ["model_version"])
FLAGS = Counter("motivo_flags_total", "Suggestions raising Ameaça Judicialização.", ["model_version"])
CONFIRMATIONS = Counter("motivo_confirmations_total", "Confirmations stored.", ["role"])
SERVING = Gauge(
    "motivo_serving_model",
    "1 for the model version a live worker serves.",
    ["model_version"],
    multiprocess_mode="livemax",
)

metrics_page = Blueprint("metrics", __name__)
_serving: dict[int, str] = {}  # pid -> the version this worker last reported


def count_suggestion(version: str, suggestion: dict) -> None:
    SUGGESTIONS.labels(version).inc()
    if suggestion["abstain"]:
        ABSTENTIONS.labels(version).inc()
    if suggestion["judicializacao"]["flag"]:
        FLAGS.labels(version).inc()
    serving(version)


def count_confirmation(role: str) -> None:
    CONFIRMATIONS.labels(role).inc()


def serving(version: str) -> None:
    """Report the version this worker serves (the one it served before goes to 0)."""
    pid = os.getpid()
    previous = _serving.get(pid)
    if previous == version:
        return
    if previous is not None:
        SERVING.labels(previous).set(0)
    SERVING.labels(version).set(1)
    _serving[pid] = version


def _observe(response: Response) -> Response:
    endpoint = request.url_rule.rule if request.url_rule else "unmatched"
    REQUESTS.labels(endpoint, request.method, str(response.status_code)).inc()
    LATENCY.labels(endpoint).observe(time.perf_counter() - g.get("started", time.perf_counter()))
    return response


@metrics_page.before_request
def _admin_only() -> Response | None:
    return authenticate() or require_role("admin")


@metrics_page.get("/metrics")
def metrics() -> Response:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = PROCESS_REGISTRY
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


def init_app(app: Flask) -> None:
    app.register_blueprint(metrics_page)
    app.after_request(_observe)

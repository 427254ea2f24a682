"""A CPU budget per request: a request that runs away is answered 503 and the worker goes on.

gunicorn's own --timeout kills a stuck worker (the client gets no answer, the requests queued
behind it wait for a new worker and a model load). Instead each request arms a CPU timer
(SIGPROF, counting this process's CPU time); when it fires, the handler raises
`RequestTooExpensive` where the request's Python code is running, Flask answers it with a JSON
503 naming the request id, and the worker serves the next request. Signals reach only the main
thread, so only requests served there (sync workers, the test client) are timed.
"""

from __future__ import annotations

import logging
import signal
import threading

from flask import Flask, Response, g

from model.tokens import clear_caches
from service.errors import error_response

log = logging.getLogger("motivo.http")


class RequestTooExpensive(Exception):
    """The request used more than its CPU budget."""


# Once the budget is spent the timer fires again every RETRY_SECONDS of CPU until the request
# ends: the first exception can land in code that swallows it (a gc callback, a finalizer).
RETRY_SECONDS = 0.05


def _expired(signum, frame) -> None:
    raise RequestTooExpensive


def _on_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def extend(cpu_seconds: float) -> None:
    """Give the running request `cpu_seconds` more CPU from now: for the few authenticated
    endpoints whose work is known to be heavy (the keeper's drift figures), never for input."""
    # Never shorter than what is left of the request's own budget.
    if g.get("cpu_timer") and signal.getitimer(signal.ITIMER_PROF)[0] < cpu_seconds:
        signal.setitimer(signal.ITIMER_PROF, cpu_seconds, RETRY_SECONDS)


def init_app(app: Flask, cpu_seconds: float) -> None:
    """Give every request served on the main thread `cpu_seconds` of CPU (0: no limit)."""
    if cpu_seconds <= 0:
        return

    def arm() -> None:
        if _on_main_thread():
            signal.signal(signal.SIGPROF, _expired)
            signal.setitimer(signal.ITIMER_PROF, cpu_seconds, RETRY_SECONDS)
            g.cpu_timer = True

    def disarm(_: BaseException | None) -> None:
        if g.pop("cpu_timer", False):
            signal.setitimer(signal.ITIMER_PROF, 0)

    def too_expensive(_: RequestTooExpensive) -> Response:
        disarm(None)
        # The request stopped at an arbitrary point, possibly while filling a cache: start them over.
        clear_caches()
        log.warning("request stopped: over its CPU budget", extra={"cpu_seconds": cpu_seconds})
        return error_response(
            503,
            f"request stopped after {cpu_seconds:g} s of CPU; send less text or try again",
            request_id=g.get("request_id"),
        )

    # Registered after the request id is set and before the API's authentication and body parsing.
    app.before_request(arm)
    app.teardown_request(disarm)
    app.register_error_handler(RequestTooExpensive, too_expensive)

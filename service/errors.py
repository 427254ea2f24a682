"""Error responses: one JSON shape for every 4xx/5xx, `{"error", "problems": [{"field", "problem"}]}`."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, g, jsonify
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

log = logging.getLogger("motivo.http")


def error_response(
    http_status: int, message: str, problems: list[dict[str, str]] | None = None, **extra: Any
) -> Response:
    """The JSON error body every endpoint uses; `extra` adds keys (a request id, a reason)."""
    response = jsonify({"error": message, "problems": problems or [], **extra})
    response.status_code = http_status
    return response


def _field(location: tuple) -> str:
    path = ""
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "body"


def validation_error_response(problem: ValidationError) -> Response:
    """422 naming each field and its problem (pydantic's own messages)."""
    problems = [
        {"field": _field(e["loc"]), "problem": e["msg"].removeprefix("Value error, ")}
        for e in problem.errors()
    ]
    return error_response(422, "invalid request", problems)


def init_app(app: Flask, max_body_bytes: int) -> None:
    """Every HTTP error and every unexpected exception answered in the one JSON shape."""

    def http_error(problem: HTTPException) -> Response:
        messages = {413: f"request body larger than {max_body_bytes} bytes"}
        response = error_response(problem.code or 500, messages.get(problem.code, problem.description))
        if problem.code == 405:
            # Keep the Allow header werkzeug computed for the 405.
            response.headers["Allow"] = problem.get_response().headers.get("Allow", "")
        return response

    def unexpected_error(problem: Exception) -> Response:
        log.exception("unhandled error")
        return error_response(500, "internal error", request_id=g.get("request_id"))

    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, unexpected_error)

"""The Flask application factory."""

from __future__ import annotations

import logging
import re
import time
import uuid
from pathlib import Path

from flask import Blueprint, Flask, g, jsonify, request
from flask_openapi3 import Info, OpenAPI
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

from service import db
from service.config import Settings
from service.logs import configure_logging
from service.model_holder import ModelHolder

log = logging.getLogger("motivo.http")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

health = Blueprint("health", __name__)


@health.get("/healthz")
def healthz():
    return jsonify({"status": "ok"})


@health.get("/readyz")
def readyz():
    holder: ModelHolder = _state()["models"]
    loaded = holder.loaded
    if loaded is None:
        response = jsonify({"status": "not ready", "reason": holder.last_error})
        response.status_code = 503
        return response
    return jsonify({"status": "ready", "model_version": loaded.version})


def _state():
    from flask import current_app

    return current_app.extensions["motivo"]


def _field(location: tuple) -> str:
    path = ""
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "body"


def validation_error_response(problem: ValidationError):
    """422 naming each field and its problem (pydantic's own messages)."""
    problems = [
        {"field": _field(e["loc"]), "problem": e["msg"].removeprefix("Value error, ")}
        for e in problem.errors()
    ]
    response = jsonify({"error": "invalid request", "problems": problems})
    response.status_code = 422
    return response


def _http_error(problem: HTTPException):
    messages = {413: f"request body larger than {_state()['settings'].max_body_bytes} bytes"}
    response = jsonify({"error": messages.get(problem.code, problem.description), "problems": []})
    response.status_code = problem.code or 500
    return response


def _unexpected_error(problem: Exception):
    log.exception("unhandled error")
    response = jsonify({"error": "internal error", "request_id": g.get("request_id"), "problems": []})
    response.status_code = 500
    return response


def create_app(settings: Settings | None = None, load_model: bool = True) -> Flask:
    """The motivo service. Settings default to the MOTIVO_* environment; the model is loaded here
    (not at import), and swapped when the registry's CURRENT changes."""
    settings = settings or Settings.from_env()
    configure_logging(settings.log_level)
    from service.api import api  # imported here so that importing the package stays cheap
    from service.page import page

    app = OpenAPI(
        __name__,
        info=Info(title="motivo", version="1", description="Retention-form reason suggestions"),
        security_schemes={"bearer": {"type": "http", "scheme": "bearer"}},
        validation_error_status=422,
        validation_error_callback=validation_error_response,
        doc_prefix="/docs",
    )
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.json.ensure_ascii = False
    holder = ModelHolder(
        Path(settings.model_dir) if settings.model_dir else None, settings.model_poll_seconds
    )
    app.extensions["motivo"] = {
        "settings": settings,
        "engine": db.make_engine(settings.database_url),
        "models": holder,
        "token_cache": {},
    }
    if load_model:
        holder.refresh()
    app.register_api(api)
    app.register_blueprint(health)
    app.register_blueprint(page)

    @app.get("/openapi.json")
    def openapi_json():
        return jsonify(app.api_doc)

    @app.before_request
    def start_request():
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        g.started = time.perf_counter()

    @app.after_request
    def finish_request(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        log.info(
            "request",
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 2),
                "model_version": g.get("model_version"),
                "token": g.get("token_name"),
            },
        )
        return response

    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)
    return app

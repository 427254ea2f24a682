"""The Flask application factory."""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, g, jsonify, request
from flask_openapi3 import Info, OpenAPI

from model.masking import mask
from service import deadline, errors, security_headers, state, thresholds
from service.config import Settings
from service.json_body import BodyRequest
from service.json_provider import OrjsonProvider
from service.logs import configure_logging

log = logging.getLogger("motivo.http")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def _start_request() -> None:
    incoming = request.headers.get("X-Request-ID", "")
    # A client's id is kept (one id in nginx's and motivo's logs) unless it is, or holds,
    # personal data: a CPF or a phone number is a well-formed id too.
    g.request_id = (
        incoming if _REQUEST_ID.match(incoming) and mask(incoming) == incoming else uuid.uuid4().hex
    )
    g.started = time.perf_counter()


def _finish_request(response):
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


def create_app(settings: Settings | None = None, load_model: bool = True) -> Flask:
    """The motivo service. Settings default to the MOTIVO_* environment; the model is loaded here
    (not at import), and swapped when the registry's CURRENT changes."""
    settings = settings or Settings.from_env()
    configure_logging(settings.log_level)
    # Imported here so that importing the package stays cheap (no model, no schemas).
    from service.admin_api import admin_api
    from service.api import api
    from service.health import health
    from service.monitoring import live, metrics
    from service.monitoring.api import monitoring_api
    from service.monitoring.console import console
    from service.page import page
    from service.review_api import review_api
    from service.threshold_api import threshold_api

    app = OpenAPI(
        __name__,
        info=Info(title="motivo", version="1", description="Retention-form reason suggestions"),
        security_schemes={"bearer": {"type": "http", "scheme": "bearer"}},
        validation_error_status=422,
        validation_error_callback=errors.validation_error_response,
        doc_prefix="/docs",
    )
    app.json = OrjsonProvider(app)
    app.request_class = BodyRequest
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    state.init_app(app, settings, load_model)
    errors.init_app(app, settings.max_body_bytes)
    app.register_api(api)
    app.register_api(admin_api)
    app.register_api(review_api)
    app.register_api(monitoring_api)
    app.register_api(threshold_api)
    thresholds.init_app(app, settings.model_dir, settings.model_poll_seconds)
    live.init_app(app, settings, app.extensions[state.EXTENSION].engine)
    app.register_blueprint(health)
    app.register_blueprint(page)
    app.register_blueprint(console)

    @app.get("/openapi.json")
    def openapi_json():
        return jsonify(app.api_doc)

    app.before_request(_start_request)
    deadline.init_app(app, settings.request_cpu_seconds)
    app.after_request(_finish_request)
    metrics.init_app(app)
    security_headers.init_app(app)
    return app

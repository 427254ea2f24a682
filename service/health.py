"""Liveness and readiness: /healthz (the process answers), /readyz (a model is loaded)."""

from __future__ import annotations

from flask import Blueprint, jsonify

from service.errors import error_response
from service.state import current_state

health = Blueprint("health", __name__)


@health.get("/healthz")
def healthz():
    return jsonify({"status": "ok"})


@health.get("/readyz")
def readyz():
    holder = current_state().models
    loaded = holder.loaded
    if loaded is None:
        return error_response(503, "not ready", status="not ready", reason=holder.last_error)
    return jsonify({"status": "ready", "model_version": loaded.version})

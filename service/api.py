"""The /v1 API: suggestions, audit of ticked boxes, confirmations, labels, model, stats."""

from __future__ import annotations

import json
import time
from typing import Any

from flask import abort, g, jsonify, request
from flask_openapi3 import APIBlueprint, Tag

from model.suggest import suggest_many
from model.taxonomy import load_taxonomy
from service import db
from service.errors import error_response as error
from service.schemas import (
    AuditRequest,
    AuditResponse,
    CaseText,
    ConfirmationCreated,
    ConfirmationRequest,
    ErrorResponse,
    SuggestResponse,
)
from service.state import current_state
from training.audit.findings import audit_cases
from training.registry import LoadedModel

api = APIBlueprint(
    "api",
    __name__,
    url_prefix="/v1",
    abp_tags=[Tag(name="v1", description="Suggestions, audit and confirmations")],
    abp_security=[{"bearer": []}],
    abp_responses={
        400: ErrorResponse,
        401: ErrorResponse,
        413: ErrorResponse,
        415: ErrorResponse,
        422: ErrorResponse,
    },
)


@api.before_request
def authenticate():
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return error(
            401, "missing bearer token: send 'Authorization: Bearer <token>' (motivo tokens create NAME)"
        )
    owner = _token_owner(token.strip())
    if owner is None:
        return error(401, "invalid or revoked token")
    g.token_name = owner
    return None


@api.before_request
def parse_json_body():
    """Refuse bodies that are not a JSON object, naming why, before schema validation."""
    if request.method not in ("POST", "PUT", "PATCH"):
        return None
    if not request.is_json:
        return error(415, f"Content-Type must be application/json, not {request.content_type or 'missing'!r}")
    raw = request.get_data(cache=True)  # over the size limit this raises 413
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as problem:
        return error(
            400, f"body is not valid UTF-8: byte 0x{raw[problem.start]:02x} at offset {problem.start}"
        )
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as problem:
        return error(400, f"body is not JSON: {problem.msg} at line {problem.lineno} column {problem.colno}")
    if not isinstance(parsed, dict):
        return error(400, f"body must be a JSON object, not {type(parsed).__name__}")
    return None


def _token_owner(token: str) -> str | None:
    state = current_state()
    cache = state.token_cache
    key = db.hash_token(token)
    now = time.monotonic()
    hit = cache.get(key)
    if hit and hit[1] > now:
        return hit[0]
    owner = db.token_owner(state.engine, token)
    if len(cache) > 10_000:
        cache.clear()
    cache[key] = (owner, now + state.settings.token_cache_seconds)
    return owner


def serving_model() -> LoadedModel:
    holder = current_state().models
    loaded = holder.loaded
    if loaded is None:
        abort(503, description=holder.last_error or "no model loaded")
    g.model_version = loaded.version
    return loaded


def _case(body: CaseText) -> dict[str, Any]:
    return {"observations": list(body.observations), "general_note": body.general_note}


@api.post("/suggest", responses={200: SuggestResponse})
def suggest(body: CaseText):
    """Every reason with its probability and evidence, and the litigation-threat flag."""
    loaded = serving_model()
    return jsonify(suggest_many(loaded.model, [_case(body)], loaded.version)[0])


@api.post("/audit", responses={200: AuditResponse})
def audit(body: AuditRequest):
    """Ticked boxes the notes do not support, supported boxes not ticked, flag mismatches; most suspicious first."""
    loaded = serving_model()
    case = {
        **_case(body),
        "reasons": list(body.checked.reasons),
        "judicializacao": body.checked.judicializacao,
    }
    findings = audit_cases(loaded.model, [case])[0]
    return jsonify({"model_version": loaded.version, "findings": findings})


@api.post("/confirmations", responses={201: ConfirmationCreated})
def confirm(body: ConfirmationRequest):
    """Store what the agent finally ticked (texts masked); a repeated form_id replaces that form's confirmation."""
    new_id, replaced = db.store_confirmation(
        current_state().engine,
        confirmed_by=g.token_name,
        observations=body.observations,
        general_note=body.general_note,
        model_version=body.suggested.model_version,
        suggested_reasons=body.suggested.reasons,
        suggested_flag=body.suggested.judicializacao,
        reasons=body.confirmed.reasons,
        judicializacao=body.confirmed.judicializacao,
        status=body.confirmed.status,
        form_id=body.form_id,
    )
    response = jsonify({"id": new_id, "form_id": body.form_id, "replaced": replaced})
    response.status_code = 201
    return response


@api.get("/labels")
def labels():
    """The taxonomy: the 30 reasons (form order, printed text), the flag and the statuses."""
    taxonomy = load_taxonomy()

    def item(label):
        return {
            "code": label.code,
            "label": label.label,
            "meaning": label.meaning,
            "forms": list(label.forms),
        }

    return jsonify(
        {
            "reasons": [item(r) for r in taxonomy.reasons],
            "flag": item(taxonomy.flag),
            "statuses": [item(s) for s in taxonomy.statuses],
        }
    )


@api.get("/model")
def model_info():
    """The serving model: version, creation, training data, thresholds and test metrics."""
    loaded = serving_model()
    keys = ("version", "created_at", "data_hash", "train_cases", "thresholds", "metrics", "libraries")
    return jsonify({key: loaded.manifest.get(key) for key in keys})


@api.get("/stats")
def stats():
    """Confirmations stored, how often the top suggestion was accepted, acceptance per label."""
    return jsonify(db.confirmation_stats(current_state().engine))

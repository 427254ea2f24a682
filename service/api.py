"""The /v1 API: suggestions, audit of ticked boxes, confirmations, labels, model, stats."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import abort, g, jsonify
from flask_openapi3 import APIBlueprint, Tag

from model.form_rules import form_rule_problems
from model.suggest import suggest_many
from model.taxonomy import load_taxonomy
from service import confirmations, thresholds
from service.auth import init_blueprint, require_role
from service.errors import error_response as error
from service.monitoring import live, metrics, shadow
from service.schemas import (
    AuditRequest,
    AuditResponse,
    CaseText,
    ConfirmationCreated,
    ConfirmationRequest,
    ErrorResponse,
    LabelsResponse,
    ModelInfo,
    StatsResponse,
    SuggestQuery,
    SuggestRequest,
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
        403: ErrorResponse,
        415: ErrorResponse,
        422: ErrorResponse,
    },
)


init_blueprint(api)


def serving_model() -> LoadedModel:
    holder = current_state().models
    loaded = holder.loaded
    if loaded is None:
        abort(503, description=holder.last_error or "no model loaded")
    g.model_version = loaded.version
    return loaded


def _case(body: CaseText) -> dict[str, Any]:
    return {"observations": list(body.observations), "general_note": body.general_note}


@api.post("/suggest", responses={200: SuggestResponse, 503: ErrorResponse})
def suggest(body: SuggestRequest, query: SuggestQuery):
    """Every reason with its probability and evidence, and the litigation-threat flag."""
    loaded = serving_model()
    case = _case(body)
    model, off, _ = thresholds.holder().applied(loaded)
    result = suggest_many(model, [case], loaded.version, evidence=query.evidence != "none")[0]
    if off:
        thresholds.switch_off(result, off)
    live.record_suggestion(loaded.version, result, case, body.draft_id)
    metrics.count_suggestion(loaded.version, result)
    if query.top:
        result["reasons"] = result["reasons"][: query.top]  # measured on all of them, sent as asked
    return jsonify(result)


@api.post("/audit", responses={200: AuditResponse, 503: ErrorResponse})
def audit(body: AuditRequest):
    """Ticked boxes the notes do not support, supported boxes not ticked, flag mismatches; most suspicious first."""
    loaded = serving_model()
    case = {
        **_case(body),
        "reasons": list(body.checked.reasons),
        "judicializacao": body.checked.judicializacao,
    }
    findings = audit_cases(loaded.model, [case])[0].findings
    return jsonify({"model_version": loaded.version, "findings": findings})


@api.post("/confirmations", responses={201: ConfirmationCreated})
def confirm(body: ConfirmationRequest):
    """Store what was finally ticked (texts masked) as the form's latest confirmation.

    A repeated form_id replaces that form's confirmation (history kept): an agent may replace
    only its own; a QA token's confirmation is a QA correction of any form.
    """
    denied = require_role("agent", "qa")
    if denied:
        return denied
    ticked = body.confirmed
    broken = form_rule_problems(
        ticked.reasons, ticked.judicializacao, ticked.status, body.general_note, body.form_version
    )
    if broken:
        problems = [{"field": p.field, "problem": p.message, "rule": p.rule} for p in broken]
        return error(422, "the form's rules are not met", problems)
    try:
        stored = confirmations.store_confirmation(
            current_state().engine,
            confirmed_by=g.token_name,
            role=g.token_role,
            observations=body.observations,
            general_note=body.general_note,
            model_version=body.suggested.model_version,
            suggested_reasons=body.suggested.reasons,
            suggested_flag=body.suggested.judicializacao,
            reasons=ticked.reasons,
            judicializacao=ticked.judicializacao,
            status=ticked.status,
            form_id=body.form_id,
            form_version=body.form_version,
        )
    except confirmations.NotOwner as refused:
        message = (
            f"form {refused.form_id!r} was confirmed by {refused.owner!r} ({refused.owner_role}): "
            "an agent may replace only its own confirmations; a QA reviewer may correct any form"
        )
        return error(403, message, [{"field": "form_id", "problem": message}], owner=refused.owner)
    metrics.count_confirmation(g.token_role)
    if body.draft_id:
        live.record_confirmed_draft(body.draft_id)
    response = jsonify(
        {"id": stored.id, "form_id": stored.form_id, "role": g.token_role, "replaced": stored.replaced}
    )
    response.status_code = 201
    settings = current_state().settings
    shadow.after_confirmation(
        response,
        current_state().engine,
        current_state().models.loaded,
        Path(settings.model_dir) if settings.model_dir else None,
        stored.form_id,
        _case(body),
        list(ticked.reasons),
    )
    return response


@api.get("/labels", responses={200: LabelsResponse})
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


@api.get("/model", responses={200: ModelInfo, 503: ErrorResponse})
def model_info():
    """The serving model: version, creation, training data, thresholds and test metrics."""
    loaded = serving_model()
    keys = ("version", "created_at", "data_hash", "train_cases", "thresholds", "metrics", "libraries")
    return jsonify({key: loaded.manifest.get(key) for key in keys})


@api.get("/stats", responses={200: StatsResponse})
def stats():
    """Confirmations stored (per role), how often agents accepted the top suggestion, acceptance per label."""
    return jsonify(confirmations.confirmation_stats(current_state().engine))

"""/v1/thresholds: the precision/coverage table per label and the threshold policy (PUT and undo:
admin only). A change reaches every worker of every instance within MOTIVO_MODEL_POLL_SECONDS."""

from __future__ import annotations

from flask import g, jsonify, request
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictStr

from service import deadline, thresholds
from service.api import serving_model
from service.auth import init_blueprint, require_role
from service.confirmed_thresholds import (
    MIN_FORMS,
    MIN_POSITIVES,
    confirmed_scores,
    merge_table,
    resolve_on_confirmations,
)
from service.errors import error_response as error
from service.schemas import ErrorResponse
from service.state import current_state
from training.threshold_policy import PolicyError, resolve, undo, validate, write_policy
from training.threshold_table import TableUnavailable, precision_table

threshold_api = APIBlueprint(
    "threshold_api",
    __name__,
    url_prefix="/v1",
    abp_tags=[Tag(name="thresholds", description="Thresholds by target (PUT: admin)")],
    abp_security=[{"bearer": []}],
    abp_responses={k: ErrorResponse for k in (400, 401, 403, 413, 415, 422, 503)},
)
init_blueprint(threshold_api)

Rule = dict[StrictStr, StrictFloat | StrictStr]


class ThresholdsResponse(BaseModel):
    """The thresholds in force, the policy, and the precision/coverage table (see GET's description)."""

    model_config = ConfigDict(extra="allow")


class PolicyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    all: Rule | None = Field(default=None, description="A rule for every label without its own.")
    labels: dict[StrictStr, Rule] = Field(
        default_factory=dict,
        description='Per label code, one rule: {"target_precision": p}, {"threshold": t} or '
        '{"mode": "sugerir" | "desligado"}.',
    )


SCORING_CPU_SECONDS = 30.0  # the serving model scores up to 3,000 confirmed forms, once per count


def _scores(loaded):
    deadline.extend(SCORING_CPU_SECONDS)
    return confirmed_scores(current_state().engine, loaded)


def _state() -> dict:
    loaded = serving_model()
    model, off, policy = thresholds.holder().applied(loaded)
    try:
        table, table_error = precision_table(loaded.model, thresholds.training_cases(loaded.model)), None
    except (TableUnavailable, OSError, ValueError) as problem:
        table, table_error = None, str(problem)
    table, sources = merge_table(table, _scores(loaded), loaded.model.labels)
    return {
        "model_version": loaded.version,
        "policy": policy,
        "thresholds": dict(
            zip(model.labels, (round(float(t), 4) for t in model.decision_thresholds), strict=True)
        ),
        "model_thresholds": dict(
            zip(model.labels, (round(float(t), 4) for t in loaded.model.decision_thresholds), strict=True)
        ),
        "switched_off": sorted(off),
        "table": table,
        "table_sources": sources,
        "table_minimum": {"confirmed_forms": MIN_FORMS, "confirmed_positives": MIN_POSITIVES},
        "table_error": table_error,
    }


@threshold_api.get("/thresholds", responses={200: ThresholdsResponse})
def get_thresholds():
    """Thresholds in force, the policy, and per label precision/recall/coverage by threshold: from
    the forms confirmed while this model served once the label has 200 of them with 30 ticked
    (`table_sources` says which), else from out-of-fold probabilities of the training cases."""
    return jsonify(_state())


@threshold_api.put("/thresholds", responses={200: ThresholdsResponse})
def put_thresholds(body: PolicyRequest):
    """Replace the threshold policy (admin); recorded in the registry history."""
    denied = require_role("admin")
    if denied:
        return denied
    loaded = serving_model()
    try:
        policy = validate(request.get_json(), loaded.model.labels)
        policy = resolve_on_confirmations(policy, _scores(loaded), loaded.model.labels)
        # a target the out-of-fold table cannot serve is refused now, not in every worker later
        resolve(policy, loaded.model, thresholds.training_cases(loaded.model), loaded.version)
        write_policy(policy, g.token_name, loaded.model.labels, thresholds.holder().root)
    except (PolicyError, TableUnavailable) as problem:
        return error(422, str(problem), [{"field": "body", "problem": str(problem)}])
    thresholds.holder().expire()
    return jsonify(_state())


@threshold_api.post("/thresholds/undo", responses={200: ThresholdsResponse})
def undo_thresholds():
    """Put back the policy in force before the latest change (admin)."""
    denied = require_role("admin")
    if denied:
        return denied
    loaded = serving_model()
    try:
        undo(g.token_name, loaded.model.labels, thresholds.holder().root)
    except PolicyError as problem:
        return error(422, str(problem))
    thresholds.holder().expire()
    return jsonify(_state())

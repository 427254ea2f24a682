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
    ConfirmedScores,
    confirmed_scores,
    figures_in_force,
    merge_table,
    resolve_on_confirmations,
)
from service.errors import error_response as error
from service.schemas import ErrorResponse
from service.state import current_state
from training.threshold_policy import PolicyError, resolve, undo, validate, write_policy
from training.threshold_table import TableUnavailable, labels_table, oof_labels

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


SCORING_CPU_SECONDS = 30.0  # the serving model scores up to 3,000 confirmed forms, once per reuse
KEEPERS = ("admin", "qa")


def _scores(loaded) -> ConfirmedScores:
    """Confirmed forms scored, for the keepers; an agent's request never pays for the scoring."""
    if g.get("token_role") not in KEEPERS:
        return ConfirmedScores.none(loaded.version, len(loaded.model.labels))
    deadline.extend(SCORING_CPU_SECONDS)
    return confirmed_scores(current_state().engine, loaded)


def _state() -> dict:
    loaded = serving_model()
    model, off, policy = thresholds.holder().applied(loaded)
    cases = thresholds.training_cases(loaded.model)
    try:
        oof, table_error = oof_labels(loaded.model, cases), None
        table = labels_table(loaded.model.labels, *oof)
    except (TableUnavailable, OSError, ValueError) as problem:
        oof, table, table_error = None, None, str(problem)
    scores = _scores(loaded)
    table, sources = merge_table(table, scores, loaded.model.labels)
    in_force = figures_in_force(oof, scores, model.decision_thresholds)
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
        "in_force": dict(zip(model.labels, in_force, strict=True)),
        "table_sources": sources if g.get("token_role") in KEEPERS else None,
        "table_minimum": {"confirmed_forms": MIN_FORMS, "confirmed_positives": MIN_POSITIVES},
        "table_error": table_error,
    }


@threshold_api.get("/thresholds", responses={200: ThresholdsResponse})
def get_thresholds():
    """Thresholds in force, the policy, and per label precision/recall/coverage by threshold and
    at the threshold in force (`in_force`). For admin and QA tokens a label's figures come from
    the forms agents confirmed while this model served once it has 200 of them with 30 ticked
    (`table_sources` says which); otherwise, and for agents, from out-of-fold probabilities."""
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

"""GET /v1/monitoring: the live measures per São Paulo day and model version (role admin or qa)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import g, jsonify
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, Field

from service import deadline
from service.auth import init_blueprint, require_role
from service.errors import error_response as error
from service.monitoring import figures, live, shadow
from service.monitoring.alerts import Limits, check, drift_auc
from service.monitoring.drift_report import cached_live_drift
from service.monitoring.schemas import MonitoringResponse
from service.schemas import ErrorResponse, QueryModel
from service.state import current_state
from training import registry
from training.registry import RegistryError
from training.shadow import promote_shadow, shadow_version

monitoring_api = APIBlueprint(
    "monitoring_api",
    __name__,
    url_prefix="/v1",
    abp_tags=[Tag(name="monitoring", description="The model keeper's live measures (role admin or qa)")],
    abp_security=[{"bearer": []}],
    abp_responses={k: ErrorResponse for k in (400, 401, 403, 413, 415, 422)},
)
init_blueprint(monitoring_api)
KEEPERS = ("admin", "qa")


class ShadowResponse(BaseModel):
    champion: str | None
    shadow: str | None = Field(description="The challenger in shadow, if one runs.")
    comparison: dict[str, Any] | None = Field(
        description="Top-1 of each, their paired difference, per label."
    )


class PromotedResponse(BaseModel):
    promoted: str


class AlertsResponse(BaseModel):
    alerts: list[str] = Field(description="Every alert that holds, most important first.")
    alerts_pt_br: list[str] = Field(description="The same alerts in Brazilian Portuguese, for the console.")


class TimelineResponse(BaseModel):
    events: list[dict[str, Any]] = Field(description="Registry events, newest first (at most 100).")


class MonitoringQuery(QueryModel):
    days: int = Field(default=30, ge=1, le=366, description="São Paulo days, ending today.")
    drift: bool = Field(
        default=True,
        description="Add the confirmed texts' drift (seconds on a worker's first call, then cached).",
    )


DRIFT_CPU_SECONDS = 30.0  # summarising the training texts and a domain classifier: seconds, once


@monitoring_api.get("/monitoring", responses={200: MonitoringResponse})
def monitoring(query: MonitoringQuery):
    """Per day (America/Sao_Paulo) and model version: requests, drafts, abstain and flag rates,
    confirmations with top-1/top-3 acceptance, per-label precision and recall, estimates, and the
    confirmed texts' drift (length, out-of-vocabulary share; per version a domain-classifier AUC)."""
    denied = require_role(*KEEPERS)
    if denied:
        return denied
    if query.drift:
        deadline.extend(DRIFT_CPU_SECONDS)
    live.flush()
    engine = current_state().engine
    report = figures.monitoring(engine, query.days)
    if query.drift:
        figures.attach_drift(report, cached_live_drift(engine, report["days"]))
        report["drift_auc_limit"] = Limits().drift_auc
    return jsonify(report)


def _root():
    directory = current_state().settings.model_dir
    return Path(directory) if directory else None


@monitoring_api.get("/shadow", responses={200: ShadowResponse})
def shadow_comparison():
    """The challenger in shadow against the champion on the same confirmed forms (top-1 with a
    95 % interval of the difference, per-label precision and recall)."""
    denied = require_role(*KEEPERS)
    if denied:
        return denied
    root = _root()
    version = shadow_version(root)
    comparison = shadow.compare(current_state().engine, version) if version else None
    return jsonify({"champion": registry.current_version(root), "shadow": version, "comparison": comparison})


@monitoring_api.post("/shadow/promote", responses={200: PromotedResponse, 409: ErrorResponse})
def shadow_promote():
    """Promote the challenger in one action (exercised in a child process first); ends the shadow run."""
    denied = require_role("admin")
    if denied:
        return denied
    try:
        version = promote_shadow(_root(), by=g.token_name)
    except RegistryError as problem:
        return error(409, str(problem))
    return jsonify({"promoted": version})


@monitoring_api.get("/monitoring/alerts", responses={200: AlertsResponse})
def monitoring_alerts():
    """The alerts of `motivo monitor check` with its default limits, the drift of the serving
    version's confirmed texts included."""
    denied = require_role(*KEEPERS)
    if denied:
        return denied
    deadline.extend(DRIFT_CPU_SECONDS)
    live.flush()
    engine, serving, limits = current_state().engine, registry.current_version(_root()), Limits()
    report = figures.monitoring(engine, 30)
    texts = (cached_live_drift(engine, report["days"])["versions"] or {}).get(serving)
    found = check(report, serving, limits) + [a for a in [drift_auc(texts or {}, limits.drift_auc)] if a]
    return jsonify({"alerts": [a.message for a in found], "alerts_pt_br": [a.message_pt_br for a in found]})


@monitoring_api.get("/monitoring/timeline", responses={200: TimelineResponse})
def monitoring_timeline():
    """The model's history, newest first: trainings, promotions, rollbacks, threshold changes, shadow runs."""
    denied = require_role(*KEEPERS)
    if denied:
        return denied
    keep = ("at", "event", "version", "previous", "reason", "by", "before", "after", "decision")
    events = [{k: e[k] for k in keep if k in e} for e in registry.history(_root())]
    return jsonify({"events": events[::-1][:100]})

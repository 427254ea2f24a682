"""GET /v1/monitoring: the live measures per São Paulo day and model version (role admin or qa)."""

from __future__ import annotations

from flask import jsonify
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, Field

from service.auth import init_blueprint, require_role
from service.monitoring import figures, live
from service.monitoring.schemas import MonitoringResponse
from service.schemas import ErrorResponse
from service.state import current_state

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


class MonitoringQuery(BaseModel):
    days: int = Field(default=30, ge=1, le=366, description="São Paulo days, ending today.")


@monitoring_api.get("/monitoring", responses={200: MonitoringResponse})
def monitoring(query: MonitoringQuery):
    """Per day (America/Sao_Paulo) and model version: requests, drafts, abstain and flag rates,
    confirmations with top-1/top-3 acceptance, per-label precision and recall, and estimates."""
    denied = require_role(*KEEPERS)
    if denied:
        return denied
    live.flush()
    return jsonify(figures.monitoring(current_state().engine, query.days))

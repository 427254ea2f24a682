"""The QA review queue under /v1/reviews (tokens with role qa or admin): a batch's findings, one
finding with its evidence, a reviewer's decision, and per-agent / per-label statistics."""

from __future__ import annotations

from typing import Annotated, Literal

from flask import g, jsonify
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from service import review_stats, reviews
from service.auth import init_blueprint, require_role
from service.errors import error_response as error
from service.schemas import Confirmed, ErrorResponse, QueryModel
from service.state import current_state

review_api = APIBlueprint(
    "review_api",
    __name__,
    url_prefix="/v1/reviews",
    abp_tags=[Tag(name="reviews", description="The QA review queue (role qa or admin)")],
    abp_security=[{"bearer": []}],
    abp_responses={k: ErrorResponse for k in (400, 401, 403, 404, 413, 415, 422)},
)
init_blueprint(review_api)
REVIEWERS = ("qa", "admin")

# No control characters (NUL cannot be stored, nor compared with, on PostgreSQL).
BatchName = Annotated[StrictStr, Field(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f]+$")]


class BatchQuery(QueryModel):
    batch: BatchName = Field(description="The review batch (motivo audit INPUT --review NAME).")


class ItemPath(BaseModel):
    item_id: int = Field(ge=1, le=2**31 - 1, description="The finding's id in the queue.")


class DecisionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    decision: Literal["upheld", "rejected", "unsure"] = Field(
        description="upheld: the agent was wrong; rejected: the agent was right; unsure."
    )
    corrected: Confirmed | None = Field(
        default=None,
        description="The form's boxes as they should be: required when upheld; with rejected, only "
        "to give a status (or flag) the audited export did not have.",
    )


class ReviewItem(BaseModel):
    id: int
    form_id: str
    code: str
    kind: str
    score: float
    decision: Literal["upheld", "rejected", "unsure"] | None


class ReviewList(BaseModel):
    batch: str
    items: list[ReviewItem]


class OpenObject(BaseModel):
    """A JSON object described in the README (the review batches, statistics, one finding)."""

    model_config = ConfigDict(extra="allow")


@review_api.get("", responses={200: ReviewList})
def list_items(query: BatchQuery):
    """A batch's findings, most suspicious first, with their decision (null: not reviewed)."""
    if denied := require_role(*REVIEWERS):
        return denied
    found = reviews.list_items(current_state().engine, query.batch)
    if not found:
        return error(404, f"no review batch {query.batch!r}")
    return jsonify({"batch": query.batch, "items": found})


@review_api.get("/batches", responses={200: OpenObject})
def list_batches():
    """Every review batch: name, findings, decided, when it was stored (newest first)."""
    if denied := require_role(*REVIEWERS):
        return denied
    return jsonify({"batches": reviews.batches(current_state().engine)})


@review_api.get("/stats", responses={200: OpenObject})
def stats(query: BatchQuery):
    """Per agent and per label: findings, decided, upheld share (upheld / (upheld + rejected))."""
    if denied := require_role(*REVIEWERS):
        return denied
    found = review_stats.review_stats(current_state().engine, query.batch)
    if not found["findings"]:
        return error(404, f"no review batch {query.batch!r}")
    return jsonify(found)


@review_api.get("/<int:item_id>", responses={200: OpenObject})
def item(path: ItemPath):
    """One finding: the masked notes, its evidence, the agent's ticks, the other side, the decision."""
    if denied := require_role(*REVIEWERS):
        return denied
    found = reviews.get_item(current_state().engine, path.item_id)
    if found is None:
        return error(404, f"no finding {path.item_id} in the review queue")
    return jsonify(found)


@review_api.post("/<int:item_id>/decision", responses={200: OpenObject})
def decide(path: ItemPath, body: DecisionRequest):
    """Record the decision; upheld and rejected make the form's QA confirmation (see the README)."""
    if denied := require_role(*REVIEWERS):
        return denied
    corrected = body.corrected.model_dump() if body.corrected else None
    try:
        decided = reviews.decide(current_state().engine, path.item_id, body.decision, corrected, g.token_name)
    except reviews.DecisionRefused as refused:
        problem = {"field": refused.field, "problem": refused.problem}
        if refused.rule:
            problem["rule"] = refused.rule
        return error(422, refused.problem, [problem])
    if decided is None:
        return error(404, f"no finding {path.item_id} in the review queue")
    return jsonify(decided)

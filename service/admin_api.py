"""Admin endpoints under /v1 (tokens with role admin only): API tokens and model promotions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from flask import g, jsonify
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from service import db
from service.auth import init_blueprint, require_role
from service.errors import error_response as error
from service.schemas import ErrorResponse
from service.state import current_state
from training import registry
from training.registry import RegistryError

admin_api = APIBlueprint(
    "admin_api",
    __name__,
    url_prefix="/v1",
    abp_tags=[Tag(name="admin", description="Tokens and promotions (role admin)")],
    abp_security=[{"bearer": []}],
    abp_responses={k: ErrorResponse for k in (400, 401, 403, 404, 409, 413, 415, 422)},
)
init_blueprint(admin_api)
ADMIN = "admin"

TokenName = Annotated[
    StrictStr, Field(min_length=1, max_length=db.MAX_NAME_CHARS, pattern=r"^[^\x00-\x1f]+$")
]


class TokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: TokenName = Field(description="Who will use the token; recorded on every confirmation it makes.")
    role: Literal["agent", "qa", "admin"] = "agent"


class RevokeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: TokenName


class PromoteRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: Annotated[StrictStr, Field(min_length=1, max_length=100)]


class TokenCreated(BaseModel):
    name: str
    role: str
    token: str = Field(description="Shown once: only its hash is stored.")


class TokenInfo(BaseModel):
    name: str
    role: Literal["agent", "qa", "admin"]
    created_at: str
    revoked_at: str | None


class TokenList(BaseModel):
    tokens: list[TokenInfo]


class Revoked(BaseModel):
    name: str
    revoked: int = Field(description="How many tokens of that name were revoked.")


class ServingVersion(BaseModel):
    version: str
    previous: str | None


@admin_api.get("/tokens", responses={200: TokenList})
def list_tokens():
    """Every token's name, role and dates (never a token or its hash)."""
    if denied := require_role(ADMIN):
        return denied
    return jsonify({"tokens": db.list_tokens(current_state().engine)})


@admin_api.post("/tokens", responses={201: TokenCreated})
def create_token(body: TokenRequest):
    """A new token for a name and role; the token is in this answer only."""
    if denied := require_role(ADMIN):
        return denied
    try:
        token = db.create_token(current_state().engine, body.name, body.role)
    except ValueError as problem:
        return error(422, "invalid request", [{"field": "name", "problem": str(problem)}])
    response = jsonify({"name": body.name.strip(), "role": body.role, "token": token})
    response.status_code = 201
    return response


@admin_api.post("/tokens/revoke", responses={200: Revoked})
def revoke_token(body: RevokeRequest):
    """Revoke every token of a name (takes effect within the token cache's lifetime)."""
    if denied := require_role(ADMIN):
        return denied
    count = db.revoke_token(current_state().engine, body.name)
    if not count:
        return error(404, f"no active token named {body.name!r}")
    return jsonify({"name": body.name, "revoked": count})


def _root() -> Path:
    model_dir = current_state().settings.model_dir
    return Path(model_dir) if model_dir else registry.registry_root()


@admin_api.post("/models/promote", responses={200: ServingVersion})
def promote(body: PromoteRequest):
    """Serve a registry version (verified first); every worker and instance picks it up within the poll interval."""
    if denied := require_role(ADMIN):
        return denied
    root = _root()
    if body.version not in registry.versions(root):  # a name, never a path
        return error(404, f"no model version {body.version!r} in the registry")
    previous = registry.current_version(root)
    try:
        registry.promote(body.version, root, reason=f"promoted by {g.token_name} through the API")
    except RegistryError as problem:
        return error(409, str(problem))
    return jsonify({"version": body.version, "previous": previous})


@admin_api.post("/models/rollback", responses={200: ServingVersion})
def rollback():
    """Serve again the version that served before the latest promotion."""
    if denied := require_role(ADMIN):
        return denied
    root = _root()
    previous = registry.current_version(root)
    try:
        version = registry.rollback(root)
    except RegistryError as problem:
        return error(409, str(problem))
    return jsonify({"version": version, "previous": previous})

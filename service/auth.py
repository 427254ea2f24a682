"""Who is calling /v1 and what they may do: bearer tokens, their roles, and the JSON body check.

Roles: `agent` (suggestions, its own confirmations), `qa` (may correct any form's
confirmation), `admin` (tokens and promotions). Both functions below run before every /v1
request of every blueprint.
"""

from __future__ import annotations

import time

from flask import Response, g, request

from service import db
from service.errors import error_response as error
from service.json_body import BodyError
from service.state import current_state


def authenticate() -> Response | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return error(
            401, "missing bearer token: send 'Authorization: Bearer <token>' (motivo tokens create NAME)"
        )
    identity = _token_identity(token.strip())
    if identity is None:
        return error(401, "invalid or revoked token")
    g.token_name = identity.name
    g.token_role = identity.role
    return None


def _token_identity(token: str) -> db.Identity | None:
    state = current_state()
    cache = state.token_cache
    key = db.hash_token(token)
    now = time.monotonic()
    hit = cache.get(key)
    if hit and hit[1] > now:
        return hit[0]
    identity = db.token_identity(state.engine, token)
    if len(cache) > 10_000:
        cache.clear()
    cache[key] = (identity, now + state.settings.token_cache_seconds)
    return identity


def require_role(*roles: str) -> Response | None:
    """A 403 naming the roles allowed, unless the caller's token has one of them."""
    if g.get("token_role") in roles:
        return None
    return error(
        403,
        f"this endpoint needs a token with role {' or '.join(roles)}; "
        f"{g.get('token_name')!r} has role {g.get('token_role')!r}",
    )


def parse_json_body() -> Response | None:
    """Refuse bodies that are not a JSON object within limits, naming why, before schema validation."""
    if request.method not in ("POST", "PUT", "PATCH"):
        return None
    if not request.is_json:
        return error(415, f"Content-Type must be application/json, not {request.content_type or 'missing'!r}")
    try:
        request.get_json()  # parsed once, by json_body.parse_object, and kept for the schema; 413 over the limit
    except BodyError as problem:
        problems = [{"field": problem.field, "problem": problem.message}] if problem.field else None
        return error(
            problem.status, problem.message if problem.status == 400 else "invalid request", problems
        )
    return None


def init_blueprint(blueprint) -> None:
    """Every /v1 blueprint authenticates first, then checks the body."""
    blueprint.before_request(authenticate)
    blueprint.before_request(parse_json_body)

"""What the app holds while it runs (settings, database, the served model, the token cache)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy.engine import Engine

from service import migrate
from service.config import Settings
from service.db import Identity
from service.model_holder import ModelHolder

EXTENSION = "motivo"


@dataclass
class ServiceState:
    settings: Settings
    engine: Engine
    models: ModelHolder
    # token sha256 -> (identity or None, monotonic expiry)
    token_cache: dict[str, tuple[Identity | None, float]] = field(default_factory=dict)


def init_app(app: Flask, settings: Settings, load_model: bool = True) -> ServiceState:
    """Attach the service's state to `app`; load the model now unless told not to."""
    holder = ModelHolder(
        Path(settings.model_dir) if settings.model_dir else None, settings.model_poll_seconds
    )
    # Refuses a database whose schema is not this release's (`motivo serve` upgrades it first).
    engine = migrate.open_current(settings.database_url)
    state = ServiceState(settings=settings, engine=engine, models=holder)
    app.extensions[EXTENSION] = state
    if load_model:
        holder.refresh()
    # The watcher thread must start in each worker process (threads do not survive gunicorn's
    # fork): start() is cheap once running and is called before every request.
    app.before_request(holder.start)
    return state


def current_state() -> ServiceState:
    return current_app.extensions[EXTENSION]

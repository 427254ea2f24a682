"""What the app holds while it runs (settings, database, the served model, the token cache)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy.engine import Engine

from service import db
from service.config import Settings
from service.model_holder import ModelHolder

EXTENSION = "motivo"


@dataclass
class ServiceState:
    settings: Settings
    engine: Engine
    models: ModelHolder
    # token sha256 -> (owner or None, monotonic expiry)
    token_cache: dict[str, tuple[str | None, float]] = field(default_factory=dict)


def init_app(app: Flask, settings: Settings, load_model: bool = True) -> ServiceState:
    """Attach the service's state to `app`; load the model now unless told not to."""
    holder = ModelHolder(
        Path(settings.model_dir) if settings.model_dir else None, settings.model_poll_seconds
    )
    state = ServiceState(settings=settings, engine=db.make_engine(settings.database_url), models=holder)
    app.extensions[EXTENSION] = state
    if load_model:
        holder.refresh()
    # The watcher thread must start in each worker process (threads do not survive gunicorn's
    # fork): start() is cheap once running and is called before every request.
    app.before_request(holder.start)
    return state


def current_state() -> ServiceState:
    return current_app.extensions[EXTENSION]

"""The live measures in the app: one recorder per app (and worker), switched by MOTIVO_LIVE_MEASURES."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app

from service.config import Settings
from service.monitoring.recorder import Recorder

EXTENSION = "motivo.live_measures"


def init_app(app: Flask, settings: Settings, engine) -> None:
    if settings.live_measures:
        app.extensions[EXTENSION] = Recorder(engine, settings.monitor_flush_seconds)


def recorder() -> Recorder | None:
    return current_app.extensions.get(EXTENSION)


def record_suggestion(
    version: str, suggestion: dict[str, Any], case: dict[str, Any], draft_id: str | None
) -> None:
    """Count one /v1/suggest answer; with a draft id, keep it as that draft's last suggestion."""
    measures = recorder()
    if measures is not None:
        chars = sum(len(note) for note in case["observations"]) + len(case["general_note"])
        measures.record_suggestion(version, suggestion, chars, draft_id)


def record_confirmed_draft(draft_id: str) -> None:
    measures = recorder()
    if measures is not None:
        measures.record_confirmed_draft(draft_id)


def flush() -> None:
    """Write this worker's batch now (before reading the figures it serves)."""
    measures = recorder()
    if measures is not None:
        measures.flush()

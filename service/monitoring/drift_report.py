"""Drift of the texts confirmed in the last days against the corpus train split, on demand
(normalising thousands of texts takes seconds: `motivo monitor drift`/`check`, not a request)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine

from service.confirmations import latest_confirmations
from service.monitoring.days import last_days, start_of
from training.corpus import load_split
from training.drift import drift


def drift_report(engine: Engine, days: int, data_root=None) -> dict[str, Any]:
    window = last_days(days)
    live = list(latest_confirmations(engine, since=start_of(window[0])))
    training = [c for c in load_split("train", data_root) if c.get("kind") != "short_note"]
    return {"days": [window[0], window[-1]], **drift(live, training)}

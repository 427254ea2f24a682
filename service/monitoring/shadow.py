"""The challenger's suggestions on confirmed forms, computed after the response is sent, stored
beside the champion's (computed on the same text), and their comparison."""

from __future__ import annotations

import json
import logging
import math
import threading
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Response
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from model.suggest import suggest_many
from service.monitoring.tables import shadow_results
from training import registry
from training.registry import LoadedModel
from training.shadow import shadow_version

log = logging.getLogger("motivo.monitoring")
_loaded: dict[int, LoadedModel] = {}  # the challenger this process holds: at most one
_lock = threading.Lock()


def _challenger(version: str, root: Path | None) -> LoadedModel:
    with _lock:
        held = _loaded.get(0)
        if held is None or held.version != version:
            _loaded.clear()  # the previous challenger's memory goes before the next one loads
            _loaded[0] = registry.load(version, root)
        return _loaded[0]


def ranked(suggestion: dict[str, Any]) -> list[str]:
    return [r["code"] for r in suggestion["reasons"] if r["suggested"]]


def after_confirmation(
    response: Response,
    engine: Engine,
    champion: LoadedModel | None,
    root: Path | None,
    form_id: str,
    case: dict[str, Any],
    confirmed: list[str],
) -> None:
    """When a challenger is in shadow, compute both suggestions once `response` has been sent."""
    version = shadow_version(root)
    if version is None or champion is None or version == champion.version:
        return

    def compute() -> None:
        try:
            challenger = _challenger(version, root)
            row = {
                "form_id": form_id,
                "created_at": datetime.now(UTC),
                "champion_version": champion.version,
                "shadow_version": challenger.version,
                "champion": json.dumps(ranked(suggest_many(champion.model, [case], champion.version)[0])),
                "shadow": json.dumps(ranked(suggest_many(challenger.model, [case], challenger.version)[0])),
                "confirmed": json.dumps(sorted(confirmed)),
            }
            with engine.begin() as connection:
                connection.execute(shadow_results.insert().values(**row))
        except Exception as error:  # the agent's confirmation is stored: the shadow must not matter
            log.error("shadow suggestion failed", extra={"version": version, "error": str(error)})

    response.call_on_close(compute)


def _interval(differences: list[int]) -> tuple[float, float, float] | None:
    """Mean paired difference and its 95 % normal-approximation interval."""
    n = len(differences)
    if n < 2:
        return None
    mean = sum(differences) / n
    variance = sum((d - mean) ** 2 for d in differences) / (n - 1)
    half = 1.96 * math.sqrt(variance / n)
    return round(mean, 4), round(mean - half, 4), round(mean + half, 4)


def _labels(pairs: list[tuple[list[str], set[str]]]) -> dict[str, dict[str, float | None]]:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: {"suggested": 0, "confirmed": 0, "accepted": 0})
    for suggested, confirmed in pairs:
        for code in set(suggested) | confirmed:
            counts[code]["suggested"] += code in suggested
            counts[code]["confirmed"] += code in confirmed
            counts[code]["accepted"] += code in suggested and code in confirmed
    return {
        code: {
            "precision": round(c["accepted"] / c["suggested"], 4) if c["suggested"] else None,
            "recall": round(c["accepted"] / c["confirmed"], 4) if c["confirmed"] else None,
        }
        for code, c in sorted(counts.items())
    }


def compare(engine: Engine, version: str) -> dict[str, Any]:
    """Champion and challenger on the same confirmed forms (each form's latest row)."""
    latest = (
        select(func.max(shadow_results.c.id))
        .where(shadow_results.c.shadow_version == version)
        .group_by(shadow_results.c.form_id)
    )
    with engine.connect() as connection:
        rows = connection.execute(select(shadow_results).where(shadow_results.c.id.in_(latest))).all()
    forms = [(json.loads(r.champion), json.loads(r.shadow), set(json.loads(r.confirmed))) for r in rows]

    def top1(suggested: list[str], confirmed: set[str]) -> int:
        return int(bool(suggested) and suggested[0] in confirmed)

    champion_hits = [top1(c, truth) for c, _, truth in forms]
    shadow_hits = [top1(s, truth) for _, s, truth in forms]
    interval = _interval([s - c for c, s in zip(champion_hits, shadow_hits, strict=True)])
    n = len(forms)
    return {
        "shadow_version": version,
        "forms": n,
        "champion_versions": sorted({r.champion_version for r in rows}),
        "top1": {
            "champion": round(sum(champion_hits) / n, 4) if n else None,
            "shadow": round(sum(shadow_hits) / n, 4) if n else None,
            "difference": interval[0] if interval else None,
            "difference_95": [interval[1], interval[2]] if interval else None,
        },
        "labels": {
            "champion": _labels([(c, truth) for c, _, truth in forms]),
            "shadow": _labels([(s, truth) for _, s, truth in forms]),
        },
    }

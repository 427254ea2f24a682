"""Drift of the texts confirmed in a window against the corpus train split.

Per day and model version: how many confirmed texts, their mean length and out-of-vocabulary
share; per model version over the whole window: the same plus the domain classifier's AUC (a
day rarely holds enough texts for one). The training side is summarised once per process; the
live side is each form's latest agent confirmation (masked, as stored; the forms the live
measures count as confirmed; erased texts left out), at most PER_DAY a day and over the last
MAX_DAYS days at most, so the figures answer within a request's budget.
"""

from __future__ import annotations

import random
import threading
import time
from collections import defaultdict
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy.engine import Engine

from model.cases import case_text
from service.confirmations import agent_confirmations, confirmations_fingerprint
from service.monitoring.days import day_of, last_days, start_of
from training.corpus import CorpusError, load_split
from training.drift import Profile, domain_auc, drift, mean_chars, oov_share, profile

PER_DAY = 200  # confirmed texts a day and version looked at (a seeded sample beyond that)
MAX_DAYS = 30  # a longer window gets drift figures for its last 30 days only
CACHE_SECONDS = 300.0  # a worker reuses its figures while no confirmation arrives, at most this long
_cache: dict[str, Any] = {}
_cache_lock = threading.Lock()


@lru_cache(maxsize=4)
def training_profile(data_root: str | None = None) -> Profile:
    """The corpus train split's full cases, summarised (seconds, once per process)."""
    cases = load_split("train", data_root)
    return profile([case_text(c) for c in cases if c.get("kind") != "short_note"])


def _confirmed_by_day(engine: Engine, window: list[str]) -> dict[tuple[str, str], list[dict[str, Any]]]:
    grouped: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for case in agent_confirmations(engine, since=start_of(window[0])):
        day = day_of(datetime.fromisoformat(case["created_at"]))
        if day in window:
            grouped[(day, case["model_version"])].append(case)
    for key, cases in grouped.items():
        if len(cases) > PER_DAY:
            grouped[key] = random.Random(f"{key}").sample(cases, PER_DAY)
    return grouped


def live_drift(engine: Engine, window: list[str], data_root: str | None = None) -> dict[str, Any]:
    """{"days": {(day, version): figures}, "versions": {version: figures with domain_auc}, "error"}
    over the last MAX_DAYS days of `window`; no figures, and the error, when the corpus is unreadable."""
    window = window[-MAX_DAYS:]
    try:
        reference = training_profile(data_root)
    except (CorpusError, OSError) as problem:
        return {"days": {}, "versions": None, "error": f"no training texts to compare with: {problem}"}
    grouped = _confirmed_by_day(engine, window)
    days = {}
    per_version: dict[str, list[str]] = defaultdict(list)
    for (day, version), cases in sorted(grouped.items()):
        texts = [case_text(c) for c in cases]
        per_version[version] += texts
        days[(day, version)] = {
            "texts": len(texts),
            "mean_chars": mean_chars(texts),
            "oov_share": oov_share(texts, reference.vocabulary),
        }
    versions = {
        version: {
            "live_texts": len(texts),
            "mean_chars": mean_chars(texts),
            "training_mean_chars": reference.mean_chars,
            "oov_share": oov_share(texts, reference.vocabulary),
            "domain_auc": domain_auc(texts, reference),
        }
        for version, texts in sorted(per_version.items())
    }
    return {"days": days, "versions": versions, "error": None}


def cached_live_drift(engine: Engine, window: list[str], data_root: str | None = None) -> dict[str, Any]:
    """live_drift, reused while the window and the confirmations are the same (a cheap count) and
    for at most CACHE_SECONDS."""
    key = (tuple(window[-MAX_DAYS:]), confirmations_fingerprint(engine), data_root)
    with _cache_lock:
        if _cache.get("key") == key and time.monotonic() - _cache["at"] < CACHE_SECONDS:
            return _cache["figures"]
    figures = live_drift(engine, window, data_root)
    with _cache_lock:
        _cache.update(key=key, at=time.monotonic(), figures=figures)
    return figures


def drift_report(engine: Engine, days: int, data_root: str | None = None) -> dict[str, Any]:
    """Every form agents confirmed in the last `days` (all versions together), for `motivo monitor drift`."""
    window = last_days(days)
    live = agent_confirmations(engine, since=start_of(window[0]))
    return {"days": [window[0], window[-1]], **drift(live, training_profile(data_root))}

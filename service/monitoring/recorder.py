"""Each worker's batch of live measures, written to the database every few seconds.

A suggestion costs the request a few dictionary updates; a background thread per worker
writes the batch in one transaction (one upsert per day and version, one per draft touched),
so the figures add up across workers and instances in the database, never in a worker's
memory. A worker that exits (recycled after max_requests, stopped) writes what it holds.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import logging
import os
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import case
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from service.monitoring.days import day_of
from service.monitoring.tables import monitor_confirmed_drafts, monitor_drafts, monitor_requests

log = logging.getLogger("motivo.monitoring")
_MAX_PENDING_DRAFTS = 5_000  # past this a request writes the batch itself: memory stays bounded


def draft_key(draft_id: str) -> str:
    """What is stored for a client's draft id: its hash (an id is the client's text)."""
    return hashlib.sha256(draft_id.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class DraftSnapshot:
    requests: int
    abstain: bool
    flag: bool
    chars: int
    suggested: list[str]
    probabilities: dict[str, float]
    updated_at: datetime

    def row(self) -> dict[str, Any]:
        """The columns, serialised only when written (most snapshots are replaced before that)."""
        return {
            **self.__dict__,
            "suggested": json.dumps(self.suggested),
            "probabilities": json.dumps(self.probabilities),
        }


def snapshot(suggestion: dict[str, Any], chars: int, now: datetime) -> DraftSnapshot:
    """What the measures keep of one suggestion: codes, probabilities, length; never the text."""
    reasons = suggestion["reasons"]
    flag = suggestion["judicializacao"]
    probabilities = {r["code"]: r["probability"] for r in reasons}
    probabilities["ameaca_judicializacao"] = flag["probability"]
    return DraftSnapshot(
        requests=1,
        abstain=bool(suggestion["abstain"]),
        flag=bool(flag["flag"]),
        chars=chars,
        suggested=[r["code"] for r in reasons if r["suggested"]],
        probabilities=probabilities,
        updated_at=now,
    )


class Recorder:
    """The live measures one worker has not written yet."""

    def __init__(self, engine: Engine, flush_seconds: float):
        self.engine = engine
        self.flush_seconds = flush_seconds
        self._lock = threading.Lock()
        self._requests: Counter[tuple[str, str]] = Counter()
        self._drafts: dict[tuple[str, str, str], DraftSnapshot] = {}
        self._confirmed: dict[str, datetime] = {}
        self._pid: int | None = None

    def record_suggestion(
        self, model_version: str, suggestion: dict[str, Any], chars: int, draft_id: str | None
    ) -> None:
        now = datetime.now(UTC)
        day = day_of(now)
        item = snapshot(suggestion, chars, now) if draft_id else None
        with self._lock:
            self._requests[(day, model_version)] += 1
            if item is not None:
                key = (day, model_version, draft_key(draft_id))
                earlier = self._drafts.get(key)
                if earlier is not None:
                    item.requests += earlier.requests
                self._drafts[key] = item
            full = len(self._drafts) >= _MAX_PENDING_DRAFTS
        self._ensure_writer()
        if full or self.flush_seconds <= 0:
            self.flush()

    def record_confirmed_draft(self, draft_id: str) -> None:
        with self._lock:
            self._confirmed[draft_key(draft_id)] = datetime.now(UTC)
        self._ensure_writer()
        if self.flush_seconds <= 0:
            self.flush()

    def flush(self) -> None:
        """Write the batch in one transaction; on failure it is logged and dropped (counts only)."""
        with self._lock:
            requests, self._requests = self._requests, Counter()
            drafts, self._drafts = self._drafts, {}
            confirmed, self._confirmed = self._confirmed, {}
        if not (requests or drafts or confirmed):
            return
        try:
            with self.engine.begin() as connection:
                _write(connection, requests, drafts, confirmed)
        except Exception as error:  # measures must never take a worker down
            log.error(
                "live measures not written", extra={"error": str(error), "requests": sum(requests.values())}
            )

    def _ensure_writer(self) -> None:
        # Threads do not survive gunicorn's fork: each worker starts its own writer.
        if self._pid == os.getpid() or self.flush_seconds <= 0:
            return
        with self._lock:
            if self._pid == os.getpid():
                return
            self._pid = os.getpid()
        atexit.register(self.flush)
        threading.Thread(target=self._run, name="motivo-live-measures", daemon=True).start()

    def _run(self) -> None:
        while True:
            time.sleep(self.flush_seconds)
            self.flush()


def _insert(connection: Connection, table):
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def _write(
    connection: Connection,
    requests: Counter[tuple[str, str]],
    drafts: dict[tuple[str, str, str], DraftSnapshot],
    confirmed: dict[str, datetime],
) -> None:
    for (day, version), count in sorted(requests.items()):
        insert = _insert(connection, monitor_requests).values(day=day, model_version=version, requests=count)
        connection.execute(
            insert.on_conflict_do_update(
                index_elements=["day", "model_version"],
                set_={"requests": monitor_requests.c.requests + insert.excluded.requests},
            )
        )
    for (day, version, key), item in sorted(drafts.items(), key=lambda pair: pair[0]):
        insert = _insert(connection, monitor_drafts).values(
            day=day, model_version=version, draft_key=key, **item.row()
        )
        # Another worker may have written a later suggestion of the same draft: the later one stays.
        newer = insert.excluded.updated_at >= monitor_drafts.c.updated_at
        latest = {
            name: case((newer, getattr(insert.excluded, name)), else_=monitor_drafts.c[name])
            for name in ("abstain", "flag", "chars", "suggested", "probabilities", "updated_at")
        }
        connection.execute(
            insert.on_conflict_do_update(
                index_elements=["day", "model_version", "draft_key"],
                set_={"requests": monitor_drafts.c.requests + insert.excluded.requests, **latest},
            )
        )
    for key, moment in sorted(confirmed.items()):
        connection.execute(
            _insert(connection, monitor_confirmed_drafts)
            .values(draft_key=key, confirmed_at=moment)
            .on_conflict_do_nothing(index_elements=["draft_key"])
        )

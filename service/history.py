"""The operator's imported history in the service's database: stored once per text, read back for
training, the report and the self-audit.

Storing, per record (texts already masked by training/history_import.py):
- a text not stored yet is inserted (labeled, or unlabeled: its boxes unknown);
- the same text again counts once: a duplicate; an unlabeled row gets the labels of a labeled
  copy, never the reverse;
- the same text with other labels is a conflict: the stored row is marked and leaves training
  (both sides are listed), whatever comes later.

History rows live in their own table, so `/v1/stats` (agents' acceptance of suggestions) never
sees them.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine

from service.db import history_cases
from training.history_import import HistoryRecord

BATCH_ROWS = 500


def _labels(reasons: list[str] | None, flag: bool | None) -> tuple[tuple[str, ...], bool] | None:
    return None if reasons is None else (tuple(sorted(reasons)), bool(flag))


@dataclass
class ImportCounts:
    """What one import did, by outcome; conflicts list (stored origin, new origin, both labels)."""

    counts: Counter = field(default_factory=Counter)
    conflicts: list[tuple[str, str, str, str]] = field(default_factory=list)


class HistoryWriter:
    """Stores records in transactions of BATCH_ROWS rows (memory does not grow with the import)."""

    def __init__(self, engine: Engine, source: str):
        self.engine, self.source = engine, source
        self.result = ImportCounts()
        self._pending: list[HistoryRecord] = []

    def add(self, record: HistoryRecord) -> None:
        self._pending.append(record)
        if len(self._pending) >= BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self._pending:
            return
        now = datetime.now(UTC)
        t = history_cases
        with self.engine.begin() as connection:
            for record in self._pending:
                stored = connection.execute(
                    select(t.c.id, t.c.origin, t.c.reasons, t.c.judicializacao, t.c.conflict).where(
                        t.c.text_sha256 == record.text_sha256
                    )
                ).first()
                outcome = self._outcome(stored, record)
                self.result.counts[outcome] += 1
                if outcome in ("labeled", "unlabeled"):
                    connection.execute(t.insert().values(**self._row(record), imported_at=now))
                elif outcome == "labeled later":
                    connection.execute(
                        update(t)
                        .where(t.c.id == stored.id)
                        .values(**{k: v for k, v in self._row(record).items() if k != "source"})
                    )
                elif outcome == "conflict":
                    connection.execute(update(t).where(t.c.id == stored.id).values(conflict=True))
        self._pending = []

    def _outcome(self, stored: Any, record: HistoryRecord) -> str:
        if stored is None:
            return "labeled" if record.labeled else "unlabeled"
        old = _labels(json.loads(stored.reasons) if stored.reasons else None, stored.judicializacao)
        new = _labels(record.reasons, record.judicializacao)
        if new is None or new == old:
            return "duplicate"
        if old is None:
            return "labeled later"
        self.result.conflicts.append((stored.origin, record.origin, str(old), str(new)))
        return "conflict"

    def _row(self, record: HistoryRecord) -> dict[str, Any]:
        return {
            "source": self.source,
            "origin": record.origin,
            "form_id": record.form_id,
            "text_sha256": record.text_sha256,
            "observations": json.dumps(record.observations, ensure_ascii=False),
            "general_note": record.general_note,
            "reasons": None if record.reasons is None else json.dumps(record.reasons),
            "judicializacao": record.judicializacao,
            "status": record.status,
            "form_version": record.form_version,
            "form_date": record.form_date,
        }


def _as_case(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "source": "history",
        "history_source": row.source,
        # The source system's ids are its own: scoped by the import's name, a text hash without one.
        "form_id": f"history:{row.source}:{row.form_id or row.text_sha256[:20]}",
        "origin": row.origin,
        "observations": json.loads(row.observations),
        "general_note": row.general_note,
        "reasons": None if row.reasons is None else json.loads(row.reasons),
        "judicializacao": row.judicializacao,
        "status": row.status,
        "form_version": row.form_version,
        "date": row.form_date.isoformat() if row.form_date else None,
        "conflict": row.conflict,
    }


def history(
    engine: Engine, source: str | None = None, labeled: bool | None = True, conflicts: bool = False
) -> Iterator[dict[str, Any]]:
    """Stored history cases, oldest import first: of one source or all; labeled only (default),
    unlabeled only (False) or both (None); conflicting texts left out unless `conflicts`."""
    t = history_cases
    query = select(t).order_by(t.c.id)
    if source is not None:
        query = query.where(t.c.source == source)
    if labeled is not None:
        query = query.where(t.c.reasons.is_not(None) if labeled else t.c.reasons.is_(None))
    if not conflicts:
        query = query.where(t.c.conflict.is_(False))
    with engine.connect() as connection:
        for row in connection.execute(query):
            yield _as_case(row)


def history_counts(engine: Engine) -> dict[str, dict[str, int]]:
    """Per source: labeled, unlabeled and conflicting rows stored."""
    t = history_cases
    labeled = t.c.reasons.is_not(None)
    query = select(t.c.source, labeled.label("labeled"), t.c.conflict, func.count()).group_by(
        t.c.source, labeled, t.c.conflict
    )
    found: dict[str, dict[str, int]] = {}
    with engine.connect() as connection:
        for source, is_labeled, conflict, count in connection.execute(query):
            counts = found.setdefault(source, {"labeled": 0, "unlabeled": 0, "conflict": 0})
            key = "conflict" if conflict else "labeled" if is_labeled else "unlabeled"
            counts[key] += count
    return found


def export_history(database_url: str, source: str | None = None) -> list[dict[str, Any]]:
    """The labeled, non-conflicting history, for training (refuses an out-of-date schema); none
    when the database is a SQLite file not created yet (a first `motivo train`)."""
    from sqlalchemy.engine import make_url

    from service.migrate import open_current

    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and not (url.database and Path(url.database).exists()):
        return []

    engine = open_current(database_url)
    try:
        return list(history(engine, source))
    finally:
        engine.dispose()

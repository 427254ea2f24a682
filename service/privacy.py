"""Personal data over time (LGPD): a form's texts forgotten on request, all texts after the retention period.

Removing a text keeps the row: its labels, who confirmed it and when, so statistics and the
acceptance of suggestions stay what they were; the notes become an empty list and the general
note an empty string (such a row no longer trains: the guard needs a text). On SQLite the
freed bytes are zeroed (secure_delete) and the write-ahead log truncated; on PostgreSQL the
table is vacuumed so the old row versions are no longer reachable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, or_, select, text, update
from sqlalchemy.engine import Engine

from service.db import confirmations, history_cases, review_items

NO_NOTES = "[]"


@dataclass(frozen=True)
class Removed:
    """What a removal touched: confirmation rows whose texts were emptied, their form ids, and
    the QA review findings (which keep a masked copy of the notes and their evidence) emptied too."""

    rows: int
    forms: list[str]
    review_items: int = 0
    history: int = 0  # imported history rows (`motivo history import`) emptied


def _has_text():
    c = confirmations.c
    return or_(c.observations != NO_NOTES, c.general_note != "")


def _remove_texts(engine: Engine, where, review_where, history_where) -> Removed:
    c, r, h = confirmations.c, review_items.c, history_cases.c
    with engine.begin() as connection:
        forms = sorted(
            {row.form_id for row in connection.execute(select(c.form_id).where(and_(where, _has_text())))}
        )
        result = connection.execute(
            update(confirmations)
            .where(and_(where, _has_text()))
            .values(observations=NO_NOTES, general_note="")
        )
        # A review finding quotes the notes (masked) and the words of its evidence: they go too;
        # the finding, its labels and its decision stay.
        reviews = connection.execute(
            update(review_items)
            .where(
                and_(review_where, or_(r.observations != NO_NOTES, r.general_note != "", r.evidence != "[]"))
            )
            .values(observations=NO_NOTES, general_note="", evidence="[]", instead="[]")
        )
        # Imported history: its fingerprint stays (a re-import is still a duplicate), never its text.
        history = connection.execute(
            update(history_cases)
            .where(and_(history_where, or_(h.observations != NO_NOTES, h.general_note != "")))
            .values(observations=NO_NOTES, general_note="")
        )
    _scrub(engine)
    return Removed(result.rowcount or 0, forms, reviews.rowcount or 0, history.rowcount or 0)


def _scrub(engine: Engine) -> None:
    """Make the old versions of the rows unreachable on disk too."""
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    elif engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM confirmations"))
            connection.execute(text("VACUUM review_items"))
            connection.execute(text("VACUUM history_cases"))


def forget_form(engine: Engine, form_id: str) -> Removed:
    """Empty the texts of every confirmation of `form_id` (the latest and those it replaced)."""
    return _remove_texts(
        engine,
        confirmations.c.form_id == form_id,
        review_items.c.form_id == form_id,
        history_cases.c.form_id == form_id,
    )


def purge_older_than(engine: Engine, days: float, now: datetime | None = None) -> Removed:
    """Empty the texts of confirmations, review findings and imported history stored more than `days` ago."""
    cutoff = (now or datetime.now(UTC)) - timedelta(days=days)
    return _remove_texts(
        engine,
        confirmations.c.created_at < cutoff,
        review_items.c.created_at < cutoff,
        history_cases.c.imported_at < cutoff,
    )

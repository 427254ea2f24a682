"""Confirmed cases: stored masked, one latest per form (enforced by the database), history kept.

A new confirmation of a form marks the form's latest row as superseded *before* inserting the
new one, in one transaction. The partial unique index `uq_confirmations_latest_form` refuses a
second latest row, so two concurrent replacements cannot both win: on PostgreSQL at READ
COMMITTED the second one's UPDATE waits for the first's row lock, finds nothing left to
supersede, and its INSERT then violates the index; it rolls back and tries again, now
superseding the first one's row. SQLite has one writer at a time and gets the same order.
"""

from __future__ import annotations

import json
import random
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from model.masking import mask
from service.db import confirmations

# Marks the row being replaced inside the replacing transaction, until the new row's id is known.
_PENDING = -1
_ATTEMPTS = 50


class NotOwner(Exception):
    """An agent tried to replace a confirmation made under another name."""

    def __init__(self, form_id: str, owner: str, owner_role: str):
        super().__init__(f"form {form_id!r} was confirmed by {owner!r} ({owner_role})")
        self.form_id, self.owner, self.owner_role = form_id, owner, owner_role


@dataclass(frozen=True)
class Stored:
    id: int
    form_id: str
    replaced: int | None


def new_form_id() -> str:
    """An id for a confirmation sent without one (returned to the client, which may reuse it)."""
    return f"auto-{uuid.uuid4().hex}"


def store_confirmation(
    engine: Engine,
    *,
    confirmed_by: str,
    observations: Sequence[str],
    general_note: str,
    model_version: str,
    suggested_reasons: Sequence[str],
    suggested_flag: bool,
    reasons: Sequence[str],
    judicializacao: bool,
    status: str | None = None,
    form_id: str | None = None,
    role: str = "agent",
    form_version: str | None = None,
) -> Stored:
    """Store a confirmation (texts masked) as its form's latest; an agent may replace only its own.

    Raises NotOwner when an agent would replace a confirmation made under another name.
    """
    form_id = form_id or new_form_id()
    row = {
        "form_id": form_id,
        "confirmed_by": confirmed_by,
        "role": role,
        "observations": json.dumps([mask(o) for o in observations], ensure_ascii=False),
        "general_note": mask(general_note),
        "model_version": model_version,
        "suggested_reasons": json.dumps(list(suggested_reasons)),
        "suggested_flag": suggested_flag,
        "reasons": json.dumps(list(reasons)),
        "judicializacao": judicializacao,
        "status": status,
        "form_version": form_version,
    }
    for attempt in range(_ATTEMPTS):
        try:
            with engine.begin() as connection:
                return _replace(connection, row)
        except IntegrityError:
            # Another transaction made its row the form's latest first: supersede that one.
            if attempt == _ATTEMPTS - 1:
                raise
            time.sleep(random.uniform(0, 0.005 * (attempt + 1)))
    raise AssertionError("unreachable")


def _replace(connection: Connection, row: dict[str, Any]) -> Stored:
    c = confirmations
    previous = connection.execute(
        update(c)
        .where(c.c.form_id == row["form_id"], c.c.superseded_by.is_(None))
        .values(superseded_by=_PENDING)
        .returning(c.c.id, c.c.confirmed_by, c.c.role)
    ).first()
    if previous and row["role"] == "agent" and previous.confirmed_by != row["confirmed_by"]:
        raise NotOwner(row["form_id"], previous.confirmed_by, previous.role)
    new_id = connection.execute(c.insert().values(**row, created_at=datetime.now(UTC))).inserted_primary_key[
        0
    ]
    if previous:
        connection.execute(update(c).where(c.c.id == previous.id).values(superseded_by=new_id))
    return Stored(new_id, row["form_id"], previous.id if previous else None)


def _as_case(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "form_id": row.form_id,
        "created_at": row.created_at.isoformat() if row.created_at else None,
        "confirmed_by": row.confirmed_by,
        "role": row.role,
        "source": "qa" if row.role == "qa" else "agent",
        "observations": json.loads(row.observations),
        "general_note": row.general_note,
        "model_version": row.model_version,
        "suggested_reasons": json.loads(row.suggested_reasons),
        "suggested_flag": row.suggested_flag,
        "reasons": json.loads(row.reasons),
        "judicializacao": row.judicializacao,
        "status": row.status,
        "form_version": row.form_version,
        "superseded_by": row.superseded_by,
    }


def latest_confirmations(engine: Engine, since: datetime | None = None) -> Iterator[dict[str, Any]]:
    """The latest confirmation of every form, oldest first."""
    query = select(confirmations).where(confirmations.c.superseded_by.is_(None)).order_by(confirmations.c.id)
    if since is not None:
        query = query.where(confirmations.c.created_at >= since)
    with engine.connect() as connection:
        for row in connection.execute(query):
            yield _as_case(row)


def confirmation_history(engine: Engine, form_id: str) -> list[dict[str, Any]]:
    """Every confirmation of one form, oldest first."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(confirmations).where(confirmations.c.form_id == form_id).order_by(confirmations.c.id)
        )
        return [_as_case(row) for row in rows]


def latest_agent_ids():
    """The id of each form's latest agent confirmation (even if a QA correction replaced it), as a
    subquery to join: what acceptance, the live measures and the confirmed-form tables read."""
    c = confirmations
    return select(func.max(c.c.id).label("id")).where(c.c.role == "agent").group_by(c.c.form_id).subquery()


def _latest_agent_confirmations(engine: Engine) -> Iterator[dict[str, Any]]:
    """Per form, the latest confirmation an agent made (even if a QA correction replaced it)."""
    c = confirmations
    newest = latest_agent_ids()
    query = select(c).join(newest, c.c.id == newest.c.id).order_by(c.c.id)
    with engine.connect() as connection:
        for row in connection.execute(query):
            yield _as_case(row)


def agent_confirmations(
    engine: Engine,
    since: datetime | None = None,
    model_version: str | None = None,
    newest: int | None = None,
) -> list[dict[str, Any]]:
    """Per form, the latest confirmation an agent made (what the model suggested and the agent
    ticked, on text the serving version never trained on), oldest first; forms whose texts were
    erased are left out. `newest`: only that many, the most recent."""
    c = confirmations
    latest = latest_agent_ids()
    query = select(c).join(latest, c.c.id == latest.c.id)
    if since is not None:
        query = query.where(c.c.created_at >= since)
    if model_version is not None:
        query = query.where(c.c.model_version == model_version)
    query = query.order_by(c.c.id.desc())
    if newest is not None:
        query = query.limit(newest)
    with engine.connect() as connection:
        cases = [_as_case(row) for row in connection.execute(query)]
    return [case for case in reversed(cases) if case["general_note"] or any(case["observations"])]


def confirmations_fingerprint(engine: Engine) -> tuple[int, int | None]:
    """(rows, newest id) of the confirmations table: what changes when a confirmation arrives."""
    with engine.connect() as connection:
        count, newest = connection.execute(select(func.count(), func.max(confirmations.c.id))).one()
    return int(count), newest


def confirmation_stats(engine: Engine) -> dict[str, Any]:
    """How often agents accepted the suggestions, overall and per label.

    Acceptance reads each form's latest *agent* confirmation: a QA correction says what the
    form should have been, not what the agent did with the suggestion it was shown.
    """
    total = top_accepted = 0
    per_label: dict[str, dict[str, int]] = {}
    for case in _latest_agent_confirmations(engine):
        total += 1
        suggested, confirmed = case["suggested_reasons"], set(case["reasons"])
        if suggested and suggested[0] in confirmed:
            top_accepted += 1
        for code in set(suggested) | confirmed:
            counts = per_label.setdefault(code, {"suggested": 0, "confirmed": 0, "accepted": 0})
            counts["suggested"] += code in suggested
            counts["confirmed"] += code in confirmed
            counts["accepted"] += code in suggested and code in confirmed
    for counts in per_label.values():
        counts["acceptance"] = (
            round(counts["accepted"] / counts["suggested"], 4) if counts["suggested"] else None
        )
    c = confirmations
    with engine.connect() as connection:
        stored = connection.execute(select(func.count()).select_from(c)).scalar_one()
        latest_by_role = dict(
            connection.execute(
                select(c.c.role, func.count()).where(c.c.superseded_by.is_(None)).group_by(c.c.role)
            ).all()
        )
    return {
        "confirmations": sum(latest_by_role.values()),
        "confirmations_including_replaced": stored,
        "latest_by_role": {role: latest_by_role.get(role, 0) for role in ("agent", "qa")},
        "agent_confirmations": total,
        "top_suggestion_accepted": round(top_accepted / total, 4) if total else None,
        "per_label": dict(sorted(per_label.items())),
    }


def export_confirmed(database_url: str, since: datetime | None = None) -> list[dict[str, Any]]:
    """The latest confirmation of every form, for retraining (refuses an out-of-date schema)."""
    from service.migrate import open_current

    engine = open_current(database_url)
    try:
        return list(latest_confirmations(engine, since))
    finally:
        engine.dispose()

"""The service's database: API tokens and confirmed cases (SQLite by default, any SQLAlchemy URL).

Texts are masked before they are stored. A confirmation for a form id that was confirmed
before replaces it as the form's latest and keeps the older rows as its history.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    func,
    select,
    update,
)
from sqlalchemy.engine import Engine, make_url

from model.masking import mask

metadata = MetaData()

tokens = Table(
    "tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("token_sha256", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
)

confirmations = Table(
    "confirmations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("form_id", String(200), index=True),
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
    Column("confirmed_by", String(200), nullable=False),
    Column("observations", Text, nullable=False),  # JSON list of masked notes
    Column("general_note", Text, nullable=False),  # masked
    Column("model_version", String(100), nullable=False),
    Column("suggested_reasons", Text, nullable=False),  # JSON list of codes
    Column("suggested_flag", Boolean, nullable=False),
    Column("reasons", Text, nullable=False),  # JSON list of codes the agent confirmed
    Column("judicializacao", Boolean, nullable=False),
    Column("status", String(40)),
    Column("superseded_by", Integer),  # set on older confirmations of the same form id
)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers run beside the writer; FULL syncs every commit, so a 201 is on disk.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for `url`, creating the SQLite file's folder and the tables if needed."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    metadata.create_all(engine)
    # No pooled connection may cross a fork (gunicorn --preload): each process opens its own.
    engine.dispose()
    return engine


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(engine: Engine, name: str) -> str:
    """A new random token for `name`; only its hash is stored, so it is shown once."""
    if not name.strip():
        raise ValueError("a token needs a name (who will use it)")
    token = secrets.token_urlsafe(32)
    with engine.begin() as connection:
        connection.execute(
            tokens.insert().values(
                name=name.strip(), token_sha256=hash_token(token), created_at=datetime.now(UTC)
            )
        )
    return token


def token_owner(engine: Engine, token: str) -> str | None:
    """The name of a valid (not revoked) token, or None."""
    with engine.connect() as connection:
        row = connection.execute(
            select(tokens.c.name).where(
                tokens.c.token_sha256 == hash_token(token), tokens.c.revoked_at.is_(None)
            )
        ).first()
    return row.name if row else None


def count_tokens(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(
            select(func.count()).select_from(tokens).where(tokens.c.revoked_at.is_(None))
        ).scalar_one()


def revoke_token(engine: Engine, name: str) -> int:
    with engine.begin() as connection:
        result = connection.execute(
            update(tokens)
            .where(tokens.c.name == name, tokens.c.revoked_at.is_(None))
            .values(revoked_at=datetime.now(UTC))
        )
    return result.rowcount


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
) -> tuple[int, int | None]:
    """Store a confirmation (texts masked); returns its id and the id it replaces, if any."""
    row = {
        "form_id": form_id,
        "created_at": datetime.now(UTC),
        "confirmed_by": confirmed_by,
        "observations": json.dumps([mask(o) for o in observations], ensure_ascii=False),
        "general_note": mask(general_note),
        "model_version": model_version,
        "suggested_reasons": json.dumps(list(suggested_reasons)),
        "suggested_flag": suggested_flag,
        "reasons": json.dumps(list(reasons)),
        "judicializacao": judicializacao,
        "status": status,
    }
    with engine.begin() as connection:
        new_id = connection.execute(confirmations.insert().values(**row)).inserted_primary_key[0]
        replaced = None
        if form_id is not None:
            previous = (
                connection.execute(
                    select(confirmations.c.id).where(
                        confirmations.c.form_id == form_id,
                        confirmations.c.superseded_by.is_(None),
                        confirmations.c.id != new_id,
                    )
                )
                .scalars()
                .all()
            )
            if previous:
                connection.execute(
                    update(confirmations).where(confirmations.c.id.in_(previous)).values(superseded_by=new_id)
                )
                replaced = max(previous)
    return new_id, replaced


def _as_case(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "form_id": row.form_id,
        "created_at": row.created_at.isoformat() if row.created_at else None,
        "confirmed_by": row.confirmed_by,
        "observations": json.loads(row.observations),
        "general_note": row.general_note,
        "model_version": row.model_version,
        "suggested_reasons": json.loads(row.suggested_reasons),
        "suggested_flag": row.suggested_flag,
        "reasons": json.loads(row.reasons),
        "judicializacao": row.judicializacao,
        "status": row.status,
        "superseded_by": row.superseded_by,
    }


def latest_confirmations(engine: Engine, since: datetime | None = None) -> Iterator[dict[str, Any]]:
    """The latest confirmation of every form (and every confirmation without a form id), oldest first."""
    query = select(confirmations).where(confirmations.c.superseded_by.is_(None)).order_by(confirmations.c.id)
    if since is not None:
        query = query.where(confirmations.c.created_at >= since)
    with engine.connect() as connection:
        for row in connection.execute(query):
            yield _as_case(row)


def export_confirmed(database_url: str, since: datetime | None = None) -> list[dict[str, Any]]:
    """The latest confirmation of every form, for retraining (opens and closes its own engine)."""
    engine = make_engine(database_url)
    try:
        return list(latest_confirmations(engine, since))
    finally:
        engine.dispose()


def confirmation_history(engine: Engine, form_id: str) -> list[dict[str, Any]]:
    """Every confirmation of one form, oldest first."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(confirmations).where(confirmations.c.form_id == form_id).order_by(confirmations.c.id)
        )
        return [_as_case(row) for row in rows]


def confirmation_stats(engine: Engine) -> dict[str, Any]:
    """How often agents accepted the suggestions, overall and per label (latest confirmations only)."""
    total = top_accepted = 0
    per_label: dict[str, dict[str, int]] = {}
    for case in latest_confirmations(engine):
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
    with engine.connect() as connection:
        stored = connection.execute(select(func.count()).select_from(confirmations)).scalar_one()
    return {
        "confirmations": total,
        "confirmations_including_replaced": stored,
        "top_suggestion_accepted": round(top_accepted / total, 4) if total else None,
        "per_label": dict(sorted(per_label.items())),
    }

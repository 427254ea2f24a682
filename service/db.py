"""The service's database: its tables, engines, and API tokens (SQLite by default, any SQLAlchemy URL).

The tables below are the schema at the newest migration (service/migrations/); a database is
created and upgraded by those migrations (`motivo db upgrade`), never by `create_all`.
Confirmations are stored and read by service/confirmations.py.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    false,
    func,
    select,
    update,
)
from sqlalchemy.engine import Engine, make_url

ROLES = ("agent", "qa", "admin")
MAX_NAME_CHARS = 200

metadata = MetaData()

tokens = Table(
    "tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(MAX_NAME_CHARS), nullable=False),
    Column("token_sha256", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
    Column("role", String(10), nullable=False, server_default="agent"),
)

confirmations = Table(
    "confirmations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("form_id", String(200), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
    Column("confirmed_by", String(MAX_NAME_CHARS), nullable=False),
    Column("observations", Text, nullable=False),  # JSON list of masked notes
    Column("general_note", Text, nullable=False),  # masked
    Column("model_version", String(100), nullable=False),
    Column("suggested_reasons", Text, nullable=False),  # JSON list of codes
    Column("suggested_flag", Boolean, nullable=False),
    Column("reasons", Text, nullable=False),  # JSON list of codes confirmed
    Column("judicializacao", Boolean, nullable=False),
    Column("status", String(40)),
    Column("superseded_by", Integer),  # set on older confirmations of the same form id
    Column("role", String(10), nullable=False, server_default="agent"),  # the confirming token's role
    Column("form_version", String(10)),  # v1 / v2 when the client said which form was filled
)

# The database itself keeps one latest confirmation per form: a second row without
# superseded_by for the same form_id is refused, whatever the isolation level.
LATEST_PER_FORM = Index(
    "uq_confirmations_latest_form",
    confirmations.c.form_id,
    unique=True,
    sqlite_where=confirmations.c.superseded_by.is_(None),
    postgresql_where=confirmations.c.superseded_by.is_(None),
)


# QA review: the findings of an audit stored as batch NAME (texts masked), and each decision.
review_items = Table(
    "review_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("batch", String(MAX_NAME_CHARS), nullable=False),
    Column("form_id", String(200), nullable=False, index=True),
    Column("text_sha256", String(64), nullable=False),  # the form's text when audited
    Column("code", String(40), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("probability", Float, nullable=False),
    Column("score", Float, nullable=False),
    Column("agent", String(MAX_NAME_CHARS)),
    Column("source", Text),
    Column("observations", Text, nullable=False),  # JSON list of masked notes
    Column("general_note", Text, nullable=False),  # masked
    Column("ticked_reasons", Text, nullable=False),  # JSON list of the codes the agent ticked
    Column("ticked_flag", Boolean),  # None: the export did not say
    Column("status", String(40)),
    Column("evidence", Text, nullable=False),  # JSON spans, offsets in the masked texts
    Column("instead", Text, nullable=False),  # JSON: the other side of the finding
    Column("model_version", String(100), nullable=False),
    Column("suggested_reasons", Text, nullable=False),  # JSON: what the model suggests
    Column("suggested_flag", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("decision", String(10)),  # upheld / rejected / unsure; None: not reviewed yet
    Column("decided_by", String(MAX_NAME_CHARS)),
    Column("decided_at", DateTime(timezone=True)),
    Column("corrected", Text),  # JSON {reasons, judicializacao, status} of an upheld finding
    UniqueConstraint("batch", "form_id", "code", "kind", name="uq_review_items_finding"),
)
Index("ix_review_items_batch_score", review_items.c.batch, review_items.c.score)


# The operator's past forms (`motivo history import`): labeled cases that no agent confirmed, so
# they never count as accepted or rejected suggestions. One row per text (masked, folded).
history_cases = Table(
    "history_cases",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source", String(MAX_NAME_CHARS), nullable=False, index=True),  # the import's --source
    Column("origin", Text, nullable=False),  # file, or file:row
    Column("form_id", String(200)),  # the source system's id, when the export has one
    Column("text_sha256", String(64), nullable=False, unique=True),
    Column("observations", Text, nullable=False),  # JSON list of masked notes
    Column("general_note", Text, nullable=False),  # masked
    Column("reasons", Text),  # JSON list of codes; None: the form carries no marks (unlabeled)
    Column("judicializacao", Boolean),
    Column("status", String(40)),
    Column("form_version", String(10)),  # v1 / v2; None: the export could not tell
    Column("form_date", Date),  # the form's own date, when it has one
    Column("conflict", Boolean, nullable=False, server_default=false()),  # same text, other labels
    Column("imported_at", DateTime(timezone=True), nullable=False),
)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers run beside the writer; FULL syncs every commit, so a 201 is on disk.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=30000")
    # Texts removed (motivo forget, the retention purge) are overwritten with zeros in the file.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def make_engine(url: str, pool_size: int = 5) -> Engine:
    """An engine for `url` (creating the SQLite file's folder); the schema comes from `service.migrate`."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True, pool_size=pool_size)
    return engine


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Identity:
    """Who a valid token belongs to, and what it may do."""

    name: str
    role: str


def check_token_name(name: str) -> str:
    """The name stripped, or ValueError saying why it cannot name a token."""
    name = name.strip()
    if not name:
        raise ValueError("a token needs a name (who will use it)")
    if len(name) > MAX_NAME_CHARS:
        raise ValueError(f"a token name has at most {MAX_NAME_CHARS} characters")
    if any(ord(ch) < 32 or 0xD800 <= ord(ch) <= 0xDFFF for ch in name):
        raise ValueError("a token name cannot hold control characters")
    return name


def create_token(engine: Engine, name: str, role: str = "agent") -> str:
    """A new random token for `name` with `role`; only its hash is stored, so it is shown once."""
    name = check_token_name(name)
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    token = secrets.token_urlsafe(32)
    with engine.begin() as connection:
        connection.execute(
            tokens.insert().values(
                name=name, role=role, token_sha256=hash_token(token), created_at=datetime.now(UTC)
            )
        )
    return token


def token_identity(engine: Engine, token: str) -> Identity | None:
    """The name and role of a valid (not revoked) token, or None."""
    with engine.connect() as connection:
        row = connection.execute(
            select(tokens.c.name, tokens.c.role).where(
                tokens.c.token_sha256 == hash_token(token), tokens.c.revoked_at.is_(None)
            )
        ).first()
    return Identity(row.name, row.role) if row else None


def count_tokens(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(
            select(func.count()).select_from(tokens).where(tokens.c.revoked_at.is_(None))
        ).scalar_one()


def list_tokens(engine: Engine) -> list[dict[str, Any]]:
    """Every token's name, role and dates (never the token or its hash), oldest first."""
    query = select(tokens.c.name, tokens.c.role, tokens.c.created_at, tokens.c.revoked_at).order_by(
        tokens.c.id
    )
    with engine.connect() as connection:
        return [
            {
                "name": row.name,
                "role": row.role,
                "created_at": row.created_at.isoformat(),
                "revoked_at": row.revoked_at.isoformat() if row.revoked_at else None,
            }
            for row in connection.execute(query)
        ]


def revoke_token(engine: Engine, name: str) -> int:
    with engine.begin() as connection:
        result = connection.execute(
            update(tokens)
            .where(tokens.c.name == name, tokens.c.revoked_at.is_(None))
            .values(revoked_at=datetime.now(UTC))
        )
    return result.rowcount


# The live measures' tables live beside their code; importing them here puts them in `metadata`.
from service.monitoring import tables as _monitoring_tables  # noqa: E402, F401

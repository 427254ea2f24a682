"""The database release 0.1 wrote (its `create_all` of these tables), with rows as it stored them.

Frozen here on purpose: the migrations must upgrade what was really deployed, whatever
service/db.py says today.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import Boolean, Column, DateTime, Integer, MetaData, String, Table, Text, create_engine

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
    Column("observations", Text, nullable=False),
    Column("general_note", Text, nullable=False),
    Column("model_version", String(100), nullable=False),
    Column("suggested_reasons", Text, nullable=False),
    Column("suggested_flag", Boolean, nullable=False),
    Column("reasons", Text, nullable=False),
    Column("judicializacao", Boolean, nullable=False),
    Column("status", String(40)),
    Column("superseded_by", Integer),
)


def write_release_database(url: str) -> dict:
    """Tables and rows as release 0.1 left them, including its race's two 'latest' rows for one form."""
    import hashlib

    engine = create_engine(url)
    metadata.create_all(engine)
    now = datetime.now(UTC)
    token_rows = [
        {"name": "ana", "token_sha256": hashlib.sha256(b"token-ana").hexdigest(), "created_at": now},
        {"name": "rui", "token_sha256": hashlib.sha256(b"token-rui").hexdigest(), "created_at": now},
    ]

    def row(form_id, reasons, superseded_by=None, status="desligamento"):
        return {
            "form_id": form_id,
            "created_at": now,
            "confirmed_by": "ana",
            "observations": json.dumps([f"Dra. fala sobre {reasons[0] if reasons else 'nada'}"]),
            "general_note": "",
            "model_version": "20261122-132100",
            "suggested_reasons": json.dumps(reasons),
            "suggested_flag": False,
            "reasons": json.dumps(reasons),
            "judicializacao": False,
            "status": status,
            "superseded_by": superseded_by,
        }

    confirmation_rows = [
        row("F-1", ["valores"], superseded_by=2),  # id 1, replaced by id 2
        row("F-1", ["glosas"]),  # id 2
        row(None, ["obito"], status=None),  # id 3: no form id, no status (0.1 allowed both)
        row("F-RACE", ["valores"]),  # id 4 and id 5: the PostgreSQL race left two latest rows
        row("F-RACE", ["glosas"]),
    ]
    with engine.begin() as connection:
        connection.execute(tokens.insert(), token_rows)
        connection.execute(confirmations.insert(), confirmation_rows)
    engine.dispose()
    return {"tokens": token_rows, "confirmations": confirmation_rows}

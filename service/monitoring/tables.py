"""The live measures' tables (no texts: codes, counts, probabilities, lengths).

Declared on the service's metadata so that the schema check (tests/service/test_migrations.py)
sees them; created by migration 0006.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Integer, PrimaryKeyConstraint, String, Table, Text

from service.db import metadata

DAY_CHARS = 10  # YYYY-MM-DD, America/Sao_Paulo
VERSION_CHARS = 100

# Raw /v1/suggest requests (keystroke pauses, not forms) per day and serving version.
monitor_requests = Table(
    "monitor_requests",
    metadata,
    Column("day", String(DAY_CHARS), nullable=False),
    Column("model_version", String(VERSION_CHARS), nullable=False),
    Column("requests", Integer, nullable=False),
    PrimaryKeyConstraint("day", "model_version", name="pk_monitor_requests"),
)

# The last suggestion of each draft (one form being written) per day and serving version.
monitor_drafts = Table(
    "monitor_drafts",
    metadata,
    Column("day", String(DAY_CHARS), nullable=False),
    Column("model_version", String(VERSION_CHARS), nullable=False),
    Column("draft_key", String(64), nullable=False),  # sha256 of the client's draft_id
    Column("requests", Integer, nullable=False),
    Column("abstain", Boolean, nullable=False),
    Column("flag", Boolean, nullable=False),
    Column("chars", Integer, nullable=False),  # characters of the notes (length drift)
    Column("suggested", Text, nullable=False),  # JSON list of codes suggested
    Column("probabilities", Text, nullable=False),  # JSON {code: calibrated probability}
    Column("updated_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("day", "model_version", "draft_key", name="pk_monitor_drafts"),
)

# Drafts that ended in a confirmation: the others are the "unconfirmed traffic".
monitor_confirmed_drafts = Table(
    "monitor_confirmed_drafts",
    metadata,
    Column("draft_key", String(64), primary_key=True),
    Column("confirmed_at", DateTime(timezone=True), nullable=False),
)

# A challenger's suggestion beside the champion's, on the text of each confirmed form.
shadow_results = Table(
    "shadow_results",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("form_id", String(200), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("champion_version", String(VERSION_CHARS), nullable=False),
    Column("shadow_version", String(VERSION_CHARS), nullable=False, index=True),
    Column("champion", Text, nullable=False),  # JSON codes suggested, most probable first
    Column("shadow", Text, nullable=False),
    Column("confirmed", Text, nullable=False),  # JSON codes confirmed
)

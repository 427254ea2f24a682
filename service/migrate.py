"""Schema migrations (Alembic, service/migrations/): apply them, or refuse to run on an old schema.

A database written by release 0.1 (tables created by `create_all`, no `alembic_version`) is
recognised and adopted as revision 0001, then upgraded like any other.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

MIGRATIONS = Path(__file__).parent / "migrations"
RELEASE_0_1 = "0001"
UPGRADE_COMMAND = "motivo db upgrade"
# Any constant: PostgreSQL advisory lock key that serialises concurrent upgrades (several servers).
_LOCK_KEY = 0x6D6F7469766F


class SchemaOutOfDate(RuntimeError):
    """The database's schema is older (or newer) than this motivo's."""


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head() -> str:
    return ScriptDirectory.from_config(_config()).get_current_head()


def current(connection: Connection) -> str | None:
    """The revision the database is at; RELEASE_0_1 for an unversioned 0.1 database, None if empty."""
    version = MigrationContext.configure(connection).get_current_revision()
    if version is None and {"tokens", "confirmations"} <= set(inspect(connection).get_table_names()):
        return RELEASE_0_1
    return version


@contextmanager
def _upgrade_lock(engine: Engine, connection: Connection) -> Iterator[None]:
    """One upgrade at a time, even from several servers starting together."""
    if engine.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
        yield
        return
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    with open(f"{database}.migrate-lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Apply every pending migration in one transaction; returns (revision before, revision after)."""
    with engine.begin() as connection, _upgrade_lock(engine, connection):
        before = current(connection)
        config = _config(connection)
        if before == RELEASE_0_1 and MigrationContext.configure(connection).get_current_revision() is None:
            command.stamp(config, RELEASE_0_1)
        command.upgrade(config, "head")
        after = MigrationContext.configure(connection).get_current_revision()
    return before, after


def require_current(engine: Engine) -> None:
    """Raise SchemaOutOfDate, naming the command to run, unless the schema is at this motivo's head."""
    with engine.connect() as connection:
        found = current(connection)
    wanted = head()
    if found == wanted:
        return
    url = engine.url.render_as_string(hide_password=True)
    if found is None:
        raise SchemaOutOfDate(f"the database {url} has no motivo tables yet: run `{UPGRADE_COMMAND}`")
    known = {script.revision for script in ScriptDirectory.from_config(_config()).walk_revisions()}
    if found not in known:
        raise SchemaOutOfDate(
            f"the database {url} is at revision {found}, which this motivo does not know "
            f"(written by a newer release?); this one needs {wanted}"
        )
    raise SchemaOutOfDate(
        f"the database {url} is at schema revision {found}; this motivo needs {wanted}: "
        f"run `{UPGRADE_COMMAND}` (`motivo serve` also upgrades it when it starts)"
    )


def open_current(url: str) -> Engine:
    """An engine for `url`, refusing an out-of-date schema."""
    from service.db import make_engine

    engine = make_engine(url)
    try:
        require_current(engine)
    finally:
        # No pooled connection may cross a fork (gunicorn --preload): each process opens its own.
        engine.dispose()
    return engine

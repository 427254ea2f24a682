"""`motivo db`: the database's schema revision, and upgrading it."""

from __future__ import annotations

import click

from service.cli.options import database_url


@click.group("db")
def db_group() -> None:
    """The service database's schema (Alembic migrations)."""


@db_group.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration (a release 0.1 database is recognised and upgraded)."""
    from service import migrate
    from service.db import make_engine

    engine = make_engine(database_url())
    try:
        before, after = migrate.upgrade(engine)
    finally:
        engine.dispose()
    if before == after:
        click.echo(f"database schema is current (revision {after})")
    else:
        click.echo(f"database schema upgraded from {before or 'empty'} to {after}")


@db_group.command("current")
def db_current() -> None:
    """The database's schema revision and this motivo's; exit 1 when they differ."""
    from service import migrate
    from service.db import make_engine

    engine = make_engine(database_url())
    try:
        with engine.connect() as connection:
            found = migrate.current(connection)
    finally:
        engine.dispose()
    wanted = migrate.head()
    click.echo(f"database: {found or 'empty'}; this motivo: {wanted}")
    if found != wanted:
        raise click.ClickException(f"run `{migrate.UPGRADE_COMMAND}`")

"""`motivo serve` and `motivo tokens`: the HTTP service and its API tokens."""

from __future__ import annotations

import click

from service.cli.options import engine, fail_cleanly


@click.command("serve")
@click.option("--bind", default="127.0.0.1:8000", show_default=True, help="HOST:PORT to listen on.")
@click.option(
    "--workers", default=2, show_default=True, type=click.IntRange(1, 64), help="gunicorn worker processes."
)
@click.option(
    "--threads",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Threads per worker; above 1, gthread workers (measured slower here: the model holds the GIL).",
)
@click.option(
    "--bootstrap", is_flag=True, help="First run: train the default model and create a token if missing."
)
@fail_cleanly
def serve_command(bind: str, workers: int, threads: int, bootstrap: bool) -> None:
    """Serve the HTTP API (and the agents' page) with gunicorn."""
    from service.config import Settings
    from service.serve import bootstrap as run_bootstrap
    from service.serve import exec_gunicorn, upgrade_database

    settings = Settings.from_env()
    upgrade_database(settings)  # here, in the master, once: never in each worker
    if bootstrap:
        run_bootstrap(settings)
    click.echo(f"serving on http://{bind} (API docs at /docs, OpenAPI at /openapi.json)", err=True)
    exec_gunicorn(
        bind,
        workers,
        threads,
        max_requests=settings.max_requests,
        max_requests_jitter=settings.max_requests_jitter,
    )


@click.group("tokens")
def tokens_group() -> None:
    """API tokens (each request to /v1 needs 'Authorization: Bearer <token>')."""


@tokens_group.command("create")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(["agent", "qa", "admin"]),
    default="agent",
    show_default=True,
    help="agent: suggestions and its own confirmations; qa: may correct any form; admin: tokens, promotions.",
)
@fail_cleanly
def tokens_create(name: str, role: str) -> None:
    """Create a token for NAME (recorded on every confirmation it makes); printed once, on the last line."""
    from service import db

    try:
        token = db.create_token(engine(), name, role)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{role} token for {name!r} (store it now: only its hash is kept):")
    click.echo(token)


@tokens_group.command("list")
@fail_cleanly
def tokens_list() -> None:
    """Every token's name, role and dates (tokens themselves are never stored)."""
    from service import db

    for token in db.list_tokens(engine()):
        revoked = f"  revoked {token['revoked_at']}" if token["revoked_at"] else ""
        click.echo(f"{token['name']}\t{token['role']}\tcreated {token['created_at']}{revoked}")


@tokens_group.command("revoke")
@click.argument("name")
@fail_cleanly
def tokens_revoke(name: str) -> None:
    """Revoke every token of NAME."""
    from service import db

    count = db.revoke_token(engine(), name)
    if not count:
        raise click.ClickException(f"no active token named {name!r}")
    click.echo(f"revoked {count} token(s) of {name!r}")

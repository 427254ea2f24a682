"""`motivo serve`: the service under gunicorn, with an optional first-run bootstrap."""

from __future__ import annotations

import os
import sys

import click

from service import db
from service.config import Settings


def upgrade_database(settings: Settings) -> None:
    """Apply pending schema migrations (several servers starting together take turns)."""
    from service import migrate

    engine = db.make_engine(settings.database_url)
    try:
        before, after = migrate.upgrade(engine)
    finally:
        engine.dispose()
    if before != after:
        click.echo(f"database schema upgraded from {before or 'empty'} to {after}", err=True)


def bootstrap(settings: Settings) -> None:
    """Train the default model if the registry has none, and create a first token if there is none."""
    from training import registry
    from training.train import train_from_corpus

    root = registry.registry_root()
    if registry.current_version(root) is None:
        click.echo(f"no model in {root}: training the default model from labeled_data/ ...", err=True)
        version, _, manifest = train_from_corpus(None, root)
        click.echo(f"trained {version} on {manifest['train_cases']} cases", err=True)
    engine = db.make_engine(settings.database_url)
    try:
        if db.count_tokens(engine) == 0:
            token = db.create_token(engine, "first-user")
            click.echo(
                "created the first API token (name 'first-user', role agent); it is shown only now:", err=True
            )
            click.echo(token)
    finally:
        engine.dispose()


def exec_gunicorn(
    bind: str,
    workers: int,
    threads: int = 1,
    timeout: int = 30,
    max_requests: int = 0,
    max_requests_jitter: int = 0,
) -> None:
    """Replace this process with gunicorn serving `service.app:create_app()`.

    With threads > 1 the workers are gthread workers, which keep client connections alive
    (sync workers close each one, and reconnecting costs more than a suggestion).
    A worker that has served `max_requests` (plus up to the jitter, so that workers do not all
    restart at once) finishes its request and is replaced: the safety net should anything
    still grow in a long-running worker.
    """
    arguments = [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--worker-class",
        "gthread" if threads > 1 else "sync",
        "--threads",
        str(threads),
        # Load the model once in the master: the workers share its memory pages after fork.
        "--preload",
        "--timeout",
        str(timeout),
        "--graceful-timeout",
        "10",
        "--max-requests",
        str(max_requests),
        "--max-requests-jitter",
        str(max_requests_jitter),
        "--error-logfile",
        "-",
        # gunicorn's control socket is one path per user: concurrent servers (tests, CI, a dev
        # server) would take it from each other, and motivo never uses it.
        "--no-control-socket",
        # Marks exited workers dead for /metrics (prometheus_client's multiprocess mode).
        "--config",
        "python:service.monitoring.gunicorn_hooks",
        "service.app:create_app()",
    ]
    from service.monitoring.metrics_dir import fresh_metrics_dir

    fresh_metrics_dir()  # before gunicorn imports prometheus_client: it reads the variable then
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, arguments)

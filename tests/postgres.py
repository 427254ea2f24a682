"""A throwaway PostgreSQL cluster for tests: initdb in a temporary folder, a unix socket, no network."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.system_packages import missing


def _binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _as_server_user(command: list[str]) -> list[str]:
    # initdb refuses to run as root: run it as the 'postgres' account the Debian package creates.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def _run(command: list[str]) -> None:
    result = subprocess.run(_as_server_user(command), capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f"{Path(command[0]).name} failed: {result.stderr.strip()[-500:]}")


@contextmanager
def postgres_cluster() -> Iterator[str]:
    """A running cluster in a fresh temporary folder; yields its SQLAlchemy URL, then removes it all.

    The folder is made directly under the temporary directory, not under pytest's (mode 0700,
    owned by the user running the tests), so that the 'postgres' account can reach it.
    """
    binaries = _binaries()
    if binaries is None:
        missing(
            "PostgreSQL server binaries not found: `make test` installs them (apt-get install postgresql)"
        )
    folder = Path(tempfile.mkdtemp(prefix="motivo-pg-"))
    data = folder / "pgdata"
    data.mkdir()
    if os.geteuid() == 0:
        account = pwd.getpwnam("postgres")
        for path in (folder, data):
            shutil.chown(path, account.pw_uid, account.pw_gid)
    try:
        _run([str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync"])
        options = f"-c listen_addresses='' -k {data} -c fsync=off"
        # -l: the server's output goes to a file; otherwise it inherits our pipes and run() never returns.
        log = folder / "server.log"
        _run([str(binaries / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "start"])
        try:
            yield f"postgresql+psycopg://postgres@/postgres?host={data}"
        finally:
            subprocess.run(
                _as_server_user([str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                capture_output=True,
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def new_database(cluster_url: str, name: str) -> str:
    """A new, empty database in the cluster at `cluster_url`; returns its URL."""
    from sqlalchemy import create_engine, text

    engine = create_engine(cluster_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return cluster_url.replace("@/postgres?", f"@/{name}?")


def on_both_databases():
    """Parametrize a test's `database_url` fixture: a fresh SQLite file, then a fresh PostgreSQL database."""
    import pytest

    return pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)

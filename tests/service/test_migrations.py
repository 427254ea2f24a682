"""Schema migrations: a release 0.1 database is upgraded with every row kept; old schemas are refused."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from service import confirmations, db, migrate
from service.app import create_app
from service.config import Settings
from tests.postgres import on_both_databases
from tests.service.release_0_1 import write_release_database

ROOT = Path(__file__).parents[2]


@on_both_databases()
def test_a_release_0_1_database_is_upgraded_with_every_token_and_confirmation(database_url):
    written = write_release_database(database_url)
    engine = db.make_engine(database_url)
    with pytest.raises(migrate.SchemaOutOfDate, match=r"at schema revision 0001.*motivo db upgrade"):
        migrate.require_current(engine)

    assert migrate.upgrade(engine) == ("0001", migrate.head())
    migrate.require_current(engine)
    tokens = db.list_tokens(engine)
    assert [(t["name"], t["role"]) for t in tokens] == [("ana", "agent"), ("rui", "agent")]
    assert db.token_identity(engine, "token-ana") == db.Identity("ana", "agent")

    with engine.connect() as connection:
        rows = connection.execute(db.confirmations.select().order_by(db.confirmations.c.id)).all()
    assert len(rows) == len(written["confirmations"])
    assert [r.reasons for r in rows] == [c["reasons"] for c in written["confirmations"]]
    assert {r.role for r in rows} == {"agent"}
    assert rows[2].form_id == "legacy-3"
    # The race's duplicate: the newest row stays latest, the older one is its history.
    assert [(r.id, r.superseded_by) for r in rows if r.form_id == "F-RACE"] == [(4, 5), (5, None)]
    latest = {c["form_id"]: c["reasons"] for c in confirmations.latest_confirmations(engine)}
    assert latest == {"F-1": ["glosas"], "legacy-3": ["obito"], "F-RACE": ["glosas"]}
    assert migrate.upgrade(engine) == (migrate.head(), migrate.head())  # nothing left to do
    engine.dispose()


@on_both_databases()
def test_migrations_build_exactly_the_tables_the_code_declares(database_url):
    engine = db.make_engine(database_url)
    assert migrate.upgrade(engine) == (None, migrate.head())
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []
    engine.dispose()


def test_the_app_refuses_an_out_of_date_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    write_release_database(url)
    with pytest.raises(migrate.SchemaOutOfDate, match="motivo db upgrade"):
        create_app(
            Settings(database_url=url, model_dir=str(tmp_path), model_poll_seconds=0), load_model=False
        )


def _motivo(*arguments: str, url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "MOTIVO_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "service.cli", *arguments],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_commands_refuse_an_old_schema_until_motivo_db_upgrade(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    write_release_database(url)
    for command in (["tokens", "create", "eva"], ["tokens", "list"], ["retrain", "--dry-run"]):
        result = _motivo(*command, url=url)
        assert result.returncode == 1, (command, result.stdout, result.stderr)
        assert "run `motivo db upgrade`" in result.stderr, (command, result.stderr)
    assert _motivo("db", "current", url=url).returncode == 1
    upgraded = _motivo("db", "upgrade", url=url)
    assert upgraded.returncode == 0 and f"from 0001 to {migrate.head()}" in upgraded.stdout
    assert _motivo("db", "current", url=url).returncode == 0
    created = _motivo("tokens", "create", "eva", "--role", "qa", url=url)
    assert created.returncode == 0, created.stderr
    assert "eva\tqa" in _motivo("tokens", "list", url=url).stdout


def test_motivo_serve_upgrades_a_release_0_1_database_before_serving(trained, tmp_path):
    from tests.service.conftest import LiveServer, free_port, server_env

    url = f"sqlite:///{tmp_path / 'release.db'}"
    write_release_database(url)
    server = LiveServer(f"http://127.0.0.1:{free_port()}", "token-ana", server_env(trained["root"], url))
    server.start()
    try:
        assert server.call("GET", "/v1/stats")[1]["confirmations"] == 3  # 0.1's token, 0.1's forms
    finally:
        server.stop()
    engine = db.make_engine(url)
    migrate.require_current(engine)
    engine.dispose()


def test_a_release_0_1_database_and_unsigned_registry_serve_after_motivo_models_sign(trained, tmp_path):
    """The upgrade path: the old registry is refused (not signed) until the operator adopts it."""
    from tests.service.conftest import LiveServer, free_port, server_env

    registry_copy = tmp_path / "registry"
    shutil.copytree(trained["root"], registry_copy)
    for signature in registry_copy.glob("*/manifest.sig"):
        signature.unlink()  # as the previous release wrote it
    url = f"sqlite:///{tmp_path / 'release.db'}"
    write_release_database(url)
    server = LiveServer(f"http://127.0.0.1:{free_port()}", "token-ana", server_env(registry_copy, url))
    server.start(ready_path="/healthz")
    try:
        status, body = server.call("GET", "/readyz", token=None)
        assert status == 503 and "not signed" in body["reason"] and "motivo models sign" in body["reason"]
        assert server.call("POST", "/v1/suggest", {"observations": ["Dra. vai se aposentar"]})[0] == 503
        signed = subprocess.run(
            [sys.executable, "-m", "service.cli", "models", "sign", "--all"],
            env={**server.env},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert signed.returncode == 0 and "checked, exercised and signed" in signed.stdout, signed.stderr
        deadline = time.monotonic() + 20
        while server.call("GET", "/readyz", token=None)[0] != 200:
            assert time.monotonic() < deadline, "not serving 20 s after motivo models sign"
            time.sleep(0.3)
        status, body = server.call("POST", "/v1/suggest", {"observations": ["Dra. vai se aposentar"]})
        assert status == 200 and body["model_version"] == trained["version"]
        assert server.call("GET", "/v1/stats")[1]["confirmations"] == 3
    finally:
        server.stop()

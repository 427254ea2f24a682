"""`motivo serve --bootstrap` on an empty database: schema created, a first token printed once."""

from __future__ import annotations

import select
import shutil

from service import db, migrate
from tests.service.conftest import LiveServer, free_port, server_env


def _serve(registry, url: str) -> LiveServer:
    server = LiveServer(
        f"http://127.0.0.1:{free_port()}",
        token="",
        env=server_env(registry, url),
        options=("--bootstrap",),
        capture_stdout=True,
    )
    server.start()
    return server


def _stdout_line(server: LiveServer) -> str:
    """The next line the server printed on stdout ("" if none came), without blocking on a silent server."""
    readable, _, _ = select.select([server.process.stdout], [], [], 5)
    return server.process.stdout.readline().decode().strip() if readable else ""


def test_bootstrap_migrates_an_empty_database_and_prints_a_first_token_once(trained, tmp_path):
    registry = tmp_path / "registry"
    shutil.copytree(trained["root"], registry)  # a model exists: bootstrap trains nothing
    url = f"sqlite:///{tmp_path / 'fresh' / 'motivo.db'}"

    first = _serve(registry, url)
    try:
        first.token = _stdout_line(first)
        status, stats = first.call("GET", "/v1/stats")
        assert status == 200 and stats["confirmations"] == 0, first.token
    finally:
        first.stop()
    assert first.process.stdout.read() == b""  # the token was the only line on stdout

    engine = db.make_engine(url)
    migrate.require_current(engine)
    assert [(t["name"], t["role"]) for t in db.list_tokens(engine)] == [("first-user", "agent")]
    assert db.token_identity(engine, first.token) == db.Identity("first-user", "agent")
    engine.dispose()

    again = _serve(registry, url)
    again.token = first.token
    try:
        assert again.call("GET", "/v1/labels")[0] == 200
    finally:
        again.stop()
    assert again.process.stdout.read() == b""  # a database with a token gets no new one

"""Service fixtures: an app for the Flask test client, and a real gunicorn server on a free port."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from service import db, migrate
from service.app import create_app
from service.config import Settings


def migrated(url: str):
    """An engine on `url` with the schema upgraded to this release's, as `motivo serve` leaves it."""
    engine = db.make_engine(url)
    migrate.upgrade(engine)
    return engine


@pytest.fixture
def settings(trained, tmp_path) -> Settings:
    database_url = f"sqlite:///{tmp_path / 'motivo.db'}"
    migrated(database_url).dispose()
    return Settings(
        database_url=database_url,
        model_dir=str(trained["root"]),
        model_poll_seconds=0,
        max_body_bytes=64 * 1024,
    )


@pytest.fixture
def app(settings):
    return create_app(settings)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def token(app) -> str:
    return db.create_token(app.extensions["motivo"].engine, "agente.ana")


@pytest.fixture
def auth(token) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    url: str
    token: str
    env: dict[str, str]
    process: subprocess.Popen | None = None
    options: tuple[str, ...] = ()  # more `motivo serve` options, e.g. ("--bootstrap",)
    capture_stdout: bool = False  # keep the server's stdout in `process.stdout` (the bootstrap token)

    def call(
        self,
        method: str,
        path: str,
        body=None,
        token: str | None = "default",
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 10,
    ) -> tuple[int, dict]:
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        request = urllib.request.Request(self.url + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {self.token if token == 'default' else token}")
        for key, value in (headers or {}).items():
            request.add_header(key, value)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            payload = error.read()
            try:
                return error.code, json.loads(payload)
            except json.JSONDecodeError:
                return error.code, {"raw": payload.decode(errors="replace")}

    def start(self, ready_path: str = "/readyz") -> None:
        """Start `motivo serve` and wait until `ready_path` answers 200 (/healthz: serving, model or not)."""
        command = [
            sys.executable,
            "-m",
            "service.cli",
            "serve",
            "--bind",
            self.url.removeprefix("http://"),
            "--workers",
            "2",
            *self.options,
        ]
        self.process = subprocess.Popen(
            command,
            env=self.env,
            start_new_session=True,
            stdout=subprocess.PIPE if self.capture_stdout else subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if self.call("GET", ready_path, token=None, timeout=1)[0] == 200:
                    return
            except OSError:
                pass
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.process.stderr.read().decode()[-2000:]}")
            time.sleep(0.2)
        raise RuntimeError("server did not become ready in 60 s")

    def kill(self) -> None:
        """SIGKILL the whole gunicorn process group: master and workers, no clean shutdown."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


def server_env(
    registry: Path, database: str, poll_seconds: float = 0.5, **environment: str
) -> dict[str, str]:
    """The server's environment; `environment` adds or overrides MOTIVO_* settings."""
    return {
        **os.environ,
        "MOTIVO_MODEL_DIR": str(registry),
        "MOTIVO_DATABASE_URL": database,
        "MOTIVO_MODEL_POLL_SECONDS": str(poll_seconds),
        "MOTIVO_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(Path(__file__).parents[2]),
        **environment,
    }


def start_live_server(trained, folder: Path, database_url: str, **environment: str) -> LiveServer:
    """`motivo serve` (gunicorn, 2 workers) started on a copy of the session's registry and a freshly
    migrated database; `environment` adds MOTIVO_* settings."""
    registry_copy = folder / "registry"
    shutil.copytree(trained["root"], registry_copy)
    token = db.create_token(migrated(database_url), "agente.live")
    env = server_env(registry_copy, database_url, **environment)
    server = LiveServer(f"http://127.0.0.1:{free_port()}", token, env)
    server.registry = registry_copy
    server.database = database_url
    server.start()
    return server


@pytest.fixture
def live_server(trained, tmp_path, database_url):
    """A live server on SQLite; on PostgreSQL when the test parametrizes `database_url` with 'postgresql'."""
    server = start_live_server(trained, tmp_path, database_url)
    yield server
    server.stop()

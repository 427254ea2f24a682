"""A schema-driven fuzz of the OpenAPI spec (schemathesis) against the real server: no request gets a 5xx.

Bounded (examples per operation and a time budget) so that it takes a minute or two. Agents'
and QA endpoints are fuzzed with a QA token (it may confirm any form), the admin endpoints with
an admin token.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from service import db

MAX_EXAMPLES = 40
MAX_SECONDS = 60


def _schemathesis(server, token: str, *selection: str, report: Path) -> subprocess.CompletedProcess:
    command = [
        str(Path(sys.executable).parent / "schemathesis"),
        "run",
        f"{server.url}/openapi.json",
        "--checks",
        "not_a_server_error",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--max-time",
        str(MAX_SECONDS),
        "--seed",
        "14",
        "--header",
        f"Authorization: Bearer {token}",
        "--report",
        "junit",
        "--report-junit-path",
        str(report),
        *selection,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=MAX_SECONDS * 3, env=server.env)


@pytest.mark.parametrize(
    ("role", "selection"),
    [("qa", ("--exclude-tag", "admin")), ("admin", ("--include-tag", "admin"))],
)
def test_no_fuzzed_request_gets_a_server_error(live_server, tmp_path, role, selection):
    token = db.create_token(db.make_engine(live_server.database), f"fuzz.{role}", role)
    result = _schemathesis(live_server, token, *selection, report=tmp_path / "junit.xml")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    assert "/v1/" in output and "Server error" not in output, output[-6000:]
    # The service is still whole afterwards.
    assert live_server.call("GET", "/readyz", token=None)[0] == 200

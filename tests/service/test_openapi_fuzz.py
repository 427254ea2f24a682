"""A schema-driven fuzz of the OpenAPI spec (schemathesis) against the real server: no request gets a 5xx.

The server stores in PostgreSQL, the stricter database (NUL, column lengths). Bounded
(examples per operation and a time budget) so that it takes a minute or two. Agents' and QA
endpoints are fuzzed with a QA token (it may confirm any form), the admin endpoints with an
admin token.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from service import db

MAX_EXAMPLES = 40


def _schemathesis(
    server, token: str, seconds: int, *selection: str, report: Path
) -> subprocess.CompletedProcess:
    command = [
        str(Path(sys.executable).parent / "schemathesis"),
        "run",
        f"{server.url}/openapi.json",
        "--checks",
        "not_a_server_error",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--max-time",
        str(seconds),
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
    # In the test's own folder: schemathesis keeps a crash cache (.schemathesis/) in its working
    # directory and replays it on the next run, which would make a run depend on the ones before.
    return subprocess.run(
        command, capture_output=True, text=True, timeout=seconds * 4, env=server.env, cwd=report.parent
    )


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_no_fuzzed_request_gets_a_server_error(live_server, tmp_path):
    engine = db.make_engine(live_server.database)
    runs = [("qa", 50, ("--exclude-tag", "admin")), ("admin", 15, ("--include-tag", "admin"))]
    for role, seconds, selection in runs:
        token = db.create_token(engine, f"fuzz.{role}", role)
        result = _schemathesis(live_server, token, seconds, *selection, report=tmp_path / f"{role}.xml")
        output = result.stdout + result.stderr
        assert result.returncode == 0, output[-6000:]
        assert "Tested: " in output and "Server error" not in output, output[-6000:]
    engine.dispose()
    # The service is still whole afterwards.
    assert live_server.call("GET", "/readyz", token=None)[0] == 200

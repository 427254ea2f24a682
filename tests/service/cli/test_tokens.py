"""`motivo tokens`: create with a role, list, revoke; bad names and roles get a one-line error."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from service import db
from service.cli import main
from tests.postgres import on_both_databases
from tests.service.conftest import migrated


@pytest.fixture
def database(database_url, monkeypatch):
    monkeypatch.setenv("MOTIVO_DATABASE_URL", database_url)
    engine = migrated(database_url)
    yield engine
    engine.dispose()


def motivo(*arguments: str):
    return CliRunner().invoke(main, list(arguments))


@on_both_databases()
def test_a_token_is_created_with_its_role_listed_and_revoked(database):
    created = motivo("tokens", "create", "maria.qa", "--role", "qa")
    assert created.exit_code == 0, created.output
    heading, token = created.stdout.strip().splitlines()
    assert heading.startswith("qa token for 'maria.qa'")
    assert db.token_identity(database, token) == db.Identity("maria.qa", "qa")

    plain = motivo("tokens", "create", "ana")
    assert plain.exit_code == 0
    assert db.token_identity(database, plain.stdout.strip().splitlines()[-1]) == db.Identity("ana", "agent")

    listed = motivo("tokens", "list")
    assert listed.exit_code == 0
    assert [line.split("\t")[:2] for line in listed.stdout.splitlines()] == [
        ["maria.qa", "qa"],
        ["ana", "agent"],
    ]
    assert token not in listed.stdout and db.hash_token(token) not in listed.stdout

    revoked = motivo("tokens", "revoke", "maria.qa")
    assert revoked.exit_code == 0 and "revoked 1 token(s) of 'maria.qa'" in revoked.stdout
    assert db.token_identity(database, token) is None
    listed = dict(line.split("\t", 1) for line in motivo("tokens", "list").stdout.splitlines())
    assert "revoked " in listed["maria.qa"] and "revoked " not in listed["ana"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["tokens", "create", "   "], "a token needs a name"),
        (["tokens", "create", "ana\tsilva"], "cannot hold control characters"),
        (["tokens", "create", "x" * 201], "at most 200 characters"),
        (["tokens", "create", "ana", "--role", "root"], "'root' is not one of 'agent', 'qa', 'admin'"),
        (["tokens", "revoke", "nobody"], "no active token named 'nobody'"),
    ],
)
def test_bad_names_roles_and_unknown_tokens_are_one_line_errors(database, arguments, message):
    result = motivo(*arguments)
    assert result.exit_code in (1, 2), result.output
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert db.list_tokens(database) == []

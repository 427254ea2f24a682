"""Tokens behave the same on SQLite (the default) and PostgreSQL: hashed, with a role, revocable."""

from __future__ import annotations

import pytest

from service import db
from tests.postgres import on_both_databases
from tests.service.conftest import migrated


@on_both_databases()
def test_tokens_are_stored_hashed_with_a_role_and_can_be_revoked(database_url):
    engine = migrated(database_url)
    token = db.create_token(engine, "rui", "qa")
    assert db.token_identity(engine, token) == db.Identity("rui", "qa")
    assert db.token_identity(engine, token + "x") is None
    assert token not in str(db.list_tokens(engine))
    assert [(t["name"], t["role"]) for t in db.list_tokens(engine)] == [("rui", "qa")]
    assert db.revoke_token(engine, "rui") == 1
    assert db.token_identity(engine, token) is None


def test_a_token_is_an_agent_unless_told_and_names_are_checked(tmp_path):
    engine = migrated(f"sqlite:///{tmp_path / 'x.db'}")
    assert db.token_identity(engine, db.create_token(engine, "ana")).role == "agent"
    for name, problem in [(" ", "needs a name"), ("x" * 201, "at most 200"), ("a\x00b", "control")]:
        with pytest.raises(ValueError, match=problem):
            db.create_token(engine, name)
    with pytest.raises(ValueError, match="role must be one of agent, qa, admin"):
        db.create_token(engine, "bob", "boss")

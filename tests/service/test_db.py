"""The database layer behaves the same on SQLite (the default) and PostgreSQL."""

from __future__ import annotations

import pytest

from service import db
from tests.postgres import postgres_cluster


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def engine(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(request.param)
    if request.param == "sqlite":
        yield db.make_engine(f"sqlite:///{folder / 'motivo.db'}")
        return
    with postgres_cluster() as url:
        engine = db.make_engine(url)
        yield engine
        engine.dispose()


def confirm(engine, form_id, reasons, text="Dra. ligou do 21 98765-4321 sobre glosas"):
    return db.store_confirmation(
        engine,
        confirmed_by="ana",
        observations=[text],
        general_note="e-mail ana@x.com.br",
        model_version="v1",
        suggested_reasons=["glosas"],
        suggested_flag=False,
        reasons=reasons,
        judicializacao=False,
        status="desligamento",
        form_id=form_id,
    )


def test_tokens_are_stored_hashed_and_can_be_revoked(engine):
    token = db.create_token(engine, "rui")
    assert db.token_owner(engine, token) == "rui"
    assert db.token_owner(engine, token + "x") is None
    assert db.revoke_token(engine, "rui") == 1
    assert db.token_owner(engine, token) is None


def test_confirmations_are_masked_replaced_by_form_and_keep_history(engine):
    first, replaced = confirm(engine, f"F-{engine.dialect.name}", ["valores"])
    assert replaced is None
    second, replaced = confirm(engine, f"F-{engine.dialect.name}", ["glosas"])
    assert replaced == first
    latest = [c for c in db.latest_confirmations(engine) if c["form_id"] == f"F-{engine.dialect.name}"]
    assert [c["reasons"] for c in latest] == [["glosas"]]
    assert latest[0]["observations"] == ["Dra. ligou do <PHONE> sobre glosas"]
    assert latest[0]["general_note"] == "e-mail <EMAIL>"
    history = db.confirmation_history(engine, f"F-{engine.dialect.name}")
    assert [(c["id"], c["superseded_by"]) for c in history] == [(first, second), (second, None)]


def test_stats_read_the_latest_confirmations(engine):
    confirm(engine, None, ["glosas"], text="outro caso")
    stats = db.confirmation_stats(engine)
    assert stats["confirmations"] >= 2 and stats["per_label"]["glosas"]["accepted"] >= 1

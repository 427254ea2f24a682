"""Confirmations on SQLite and PostgreSQL: masked, one latest per form under concurrency, history, owners."""

from __future__ import annotations

import random
import threading
from collections import Counter

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from service import confirmations as store
from service import db
from tests.postgres import on_both_databases
from tests.service.conftest import migrated


def confirm(
    engine, form_id, reasons=("glosas",), who="ana", role="agent", text="Dra. ligou do 21 98765-4321"
):
    return store.store_confirmation(
        engine,
        confirmed_by=who,
        role=role,
        observations=[text],
        general_note="e-mail ana@x.com.br",
        model_version="v1",
        suggested_reasons=["glosas"],
        suggested_flag=False,
        reasons=list(reasons),
        judicializacao=False,
        status="desligamento",
        form_id=form_id,
    )


@on_both_databases()
def test_confirmations_are_masked_replaced_by_form_and_keep_history(database_url):
    engine = migrated(database_url)
    first = confirm(engine, "F-1", ["valores"])
    assert first.replaced is None and first.form_id == "F-1"
    second = confirm(engine, "F-1", ["glosas"])
    assert second.replaced == first.id
    (latest,) = [c for c in store.latest_confirmations(engine) if c["form_id"] == "F-1"]
    assert latest["reasons"] == ["glosas"] and latest["role"] == "agent"
    assert latest["observations"] == ["Dra. ligou do <PHONE>"]
    assert latest["general_note"] == "e-mail <EMAIL>"
    history = store.confirmation_history(engine, "F-1")
    assert [(c["id"], c["superseded_by"]) for c in history] == [(first.id, second.id), (second.id, None)]


@on_both_databases()
def test_the_database_itself_refuses_a_second_latest_row_for_a_form(database_url):
    engine = migrated(database_url)
    confirm(engine, "F-2")
    row = {
        "form_id": "F-2",
        "created_at": func.now(),
        "confirmed_by": "x",
        "observations": "[]",
        "general_note": "",
        "model_version": "v",
        "suggested_reasons": "[]",
        "suggested_flag": False,
        "reasons": "[]",
        "judicializacao": False,
    }
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(db.confirmations.insert().values(**row))


def test_a_confirmation_without_form_id_gets_one_that_replaces_when_sent_again(tmp_path):
    engine = migrated(f"sqlite:///{tmp_path / 'x.db'}")
    first = confirm(engine, None)
    assert first.form_id.startswith("auto-") and len(first.form_id) > 20
    assert confirm(engine, None).form_id != first.form_id
    assert confirm(engine, first.form_id).replaced == first.id


@on_both_databases()
def test_an_agent_replaces_only_its_own_and_qa_corrects_any(database_url):
    engine = migrated(database_url)
    mine = confirm(engine, "F-3", who="ana")
    with pytest.raises(store.NotOwner) as refused:
        confirm(engine, "F-3", who="rui")
    assert refused.value.owner == "ana"
    correction = confirm(engine, "F-3", ["valores"], who="qa.maria", role="qa")
    assert correction.replaced == mine.id
    with pytest.raises(store.NotOwner) as refused:  # a QA correction stands against its agent
        confirm(engine, "F-3", who="ana")
    assert (refused.value.owner, refused.value.owner_role) == ("qa.maria", "qa")
    assert [c["confirmed_by"] for c in store.confirmation_history(engine, "F-3")] == ["ana", "qa.maria"]


@on_both_databases()
def test_stats_count_agents_confirmations_only(database_url):
    engine = migrated(database_url)
    confirm(engine, "A", ["glosas"])
    confirm(engine, "B", ["valores"])
    confirm(engine, "B", ["glosas"], who="qa.maria", role="qa")  # corrects B: the agent still rejected glosas
    confirm(engine, "C", ["glosas"], who="qa.maria", role="qa")  # a QA-only form: no suggestion was judged
    stats = store.confirmation_stats(engine)
    assert stats["confirmations"] == 3 and stats["latest_by_role"] == {"agent": 1, "qa": 2}
    assert stats["agent_confirmations"] == 2 and stats["top_suggestion_accepted"] == 0.5
    assert stats["per_label"]["glosas"] == {"suggested": 2, "confirmed": 1, "accepted": 1, "acceptance": 0.5}


def _race(engine, writers: int, forms: int, rounds: int) -> Counter:
    """`writers` threads each confirm every form `rounds` times, in their own shuffled order."""
    acknowledged: Counter = Counter()
    lock = threading.Lock()
    start = threading.Barrier(writers)

    def writer(number: int) -> None:
        order = [f"R-{f}" for f in range(forms)] * rounds
        random.Random(number).shuffle(order)
        start.wait()
        for form_id in order:
            confirm(engine, form_id, [random.choice(["glosas", "valores", "obito"])], who="ana")
            with lock:
                acknowledged[form_id] += 1

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return acknowledged


@on_both_databases()
def test_concurrent_replacements_leave_exactly_one_latest_row_per_form(database_url):
    writers, forms, rounds = 8, 30, 3
    engine = db.make_engine(database_url, pool_size=writers)
    migrated(database_url).dispose()
    acknowledged = _race(engine, writers, forms, rounds)
    assert sum(acknowledged.values()) == writers * forms * rounds

    c = db.confirmations
    with engine.connect() as connection:
        latest = Counter(
            dict(
                connection.execute(
                    select(c.c.form_id, func.count()).where(c.c.superseded_by.is_(None)).group_by(c.c.form_id)
                ).all()
            )
        )
    assert latest == Counter({f"R-{f}": 1 for f in range(forms)})
    exported = store.export_confirmed(database_url)
    assert sorted(case["form_id"] for case in exported) == sorted(f"R-{f}" for f in range(forms))
    for form in range(forms):  # every acknowledged row is kept, chained oldest to newest
        history = store.confirmation_history(engine, f"R-{form}")
        assert len(history) == writers * rounds
        assert [c["superseded_by"] for c in history] == [c["id"] for c in history[1:]] + [None]
    engine.dispose()

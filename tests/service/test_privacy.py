"""`motivo forget` and `motivo purge`: a form's texts leave the database (the file too, on SQLite);
labels and statistics stay."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select, update

from service import confirmations as store
from service import db
from service.cli import main
from tests.postgres import on_both_databases
from tests.service.conftest import migrated

SECRET = "Doutora relatou divergencia xyzzyplugh no repasse"


def confirm(engine, form_id, note, who="ana", role="agent"):
    return store.store_confirmation(
        engine,
        confirmed_by=who,
        role=role,
        observations=[note],
        general_note=f"obs {note}",
        model_version="v1",
        suggested_reasons=["valores"],
        suggested_flag=False,
        reasons=["valores"],
        judicializacao=False,
        status="desligamento",
        form_id=form_id,
    )


def review_item(engine, form_id, note, created_at=None):
    """A QA review finding quoting the note, as `motivo audit --review` stores one."""
    with engine.begin() as connection:
        connection.execute(
            db.review_items.insert(),
            {
                "batch": "lote-1",
                "form_id": form_id,
                "text_sha256": "0" * 64,
                "code": "valores",
                "kind": "unsupported",
                "probability": 0.1,
                "score": 0.9,
                "observations": json.dumps([note]),
                "general_note": f"obs {note}",
                "ticked_reasons": json.dumps(["valores"]),
                "evidence": json.dumps([{"text": note.split()[3], "start": 0, "end": 5}]),
                "instead": json.dumps([{"code": "glosas", "evidence": [{"text": note.split()[3]}]}]),
                "model_version": "v1",
                "suggested_reasons": "[]",
                "suggested_flag": False,
                "created_at": created_at or datetime.now(UTC),
            },
        )


def everything(engine) -> str:
    """Every value of every row of every table, as one text."""
    parts = []
    with engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            parts += [str(value) for row in connection.execute(select(table)) for value in row]
    return "\n".join(parts)


def run(database_url, *args):
    return CliRunner().invoke(main, list(args), env={"MOTIVO_DATABASE_URL": database_url})


@on_both_databases()
def test_forget_leaves_no_trace_of_the_forms_text(database_url):
    engine = migrated(database_url)
    confirm(engine, "F-1", SECRET)
    confirm(engine, "F-1", SECRET + " segunda versao")  # replaces the first; history kept
    confirm(engine, "F-2", "Outro dentista vai se aposentar em dezembro")
    review_item(engine, "F-1", SECRET)
    stats_before = store.confirmation_stats(engine)

    result = run(database_url, "forget", "F-1")
    assert result.exit_code == 0, result.output
    assert "2 confirmation(s)" in result.output and "1 QA review finding(s)" in result.output

    assert "xyzzyplugh" not in everything(engine)
    assert "aposentar" in everything(engine)
    assert store.confirmation_stats(engine) == stats_before  # labels and statistics stay
    if database_url.startswith("sqlite"):
        path = Path(database_url.removeprefix("sqlite:///"))
        for file in (path, path.with_name(path.name + "-wal")):
            assert not file.exists() or b"xyzzyplugh" not in file.read_bytes(), file
    again = run(database_url, "forget", "F-1")
    assert again.exit_code == 1 and "already forgotten" in again.output


@on_both_databases()
def test_purge_removes_texts_older_than_the_retention_period(database_url):
    engine = migrated(database_url)
    confirm(engine, "OLD-1", SECRET)
    confirm(engine, "NEW-1", "Dentista recente vai se aposentar em dezembro")
    review_item(engine, "OLD-1", SECRET, created_at=datetime.now(UTC) - timedelta(days=400))
    review_item(engine, "NEW-1", "Dentista recente vai se aposentar em dezembro")
    with engine.begin() as connection:
        connection.execute(
            update(db.confirmations)
            .where(db.confirmations.c.form_id == "OLD-1")
            .values(created_at=datetime.now(UTC) - timedelta(days=400))
        )
    result = CliRunner().invoke(
        main, ["purge"], env={"MOTIVO_DATABASE_URL": database_url, "MOTIVO_RETENTION_DAYS": "365"}
    )
    assert result.exit_code == 0, result.output
    assert "1 confirmation(s) of 1 form(s) and of 1 QA review finding(s)" in result.output
    text = everything(engine)
    assert "xyzzyplugh" not in text and "recente" in text
    (old,) = [c for c in store.latest_confirmations(engine) if c["form_id"] == "OLD-1"]
    assert old["reasons"] == ["valores"] and old["observations"] == []

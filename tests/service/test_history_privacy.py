"""motivo forget and purge reach the imported history too: its texts go, its fingerprint stays."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from service.history import HistoryWriter, history
from service.privacy import forget_form, purge_older_than
from tests.service.conftest import migrated
from training.history_import import HistoryRecord


def record(i: int) -> HistoryRecord:
    return HistoryRecord(
        f"crm.csv:{i + 2}",
        f"H-{i}",
        [f"Prestador {i} reclama das glosas"],
        "obs",
        ["glosas"],
        False,
        None,
        "v2",
        date(2024, 1, 1),
        f"{i:064d}",
    )


def test_forget_and_purge_empty_the_texts_of_imported_history(tmp_path):
    engine = migrated(f"sqlite:///{tmp_path / 'motivo.db'}")
    writer = HistoryWriter(engine, "crm")
    for i in range(3):
        writer.add(record(i))
    writer.flush()
    assert forget_form(engine, "H-1").history == 1
    texts = {c["form_id"]: (c["observations"], c["general_note"]) for c in history(engine)}
    assert texts["history:crm:H-1"] == ([], "") and texts["history:crm:H-0"][1] == "obs"
    assert purge_older_than(engine, 365).history == 0  # imported just now
    assert purge_older_than(engine, 365, now=datetime.now(UTC) + timedelta(days=400)).history == 2
    assert all(c["observations"] == [] and c["general_note"] == "" for c in history(engine))
    again = HistoryWriter(engine, "crm")
    again.add(record(0))
    again.flush()
    assert again.result.counts["duplicate"] == 1  # the fingerprint stays: a re-import adds nothing

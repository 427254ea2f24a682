"""Imported history never counts as an accepted or rejected suggestion in /v1/stats."""

from __future__ import annotations

from datetime import date

from service.history import HistoryWriter
from training.history_import import HistoryRecord

CONFIRMATION = {
    "form_id": "F-1",
    "observations": ["Dr. reclamou das glosas do mês e pediu o descredenciamento"],
    "general_note": "",
    "suggested": {"model_version": "v-test", "reasons": ["glosas"], "judicializacao": False},
    "confirmed": {"reasons": ["glosas"], "judicializacao": False, "status": "desligamento"},
}


def import_history(engine, forms: int) -> None:
    writer = HistoryWriter(engine, "crm")
    for i in range(forms):
        writer.add(
            HistoryRecord(
                origin=f"crm.csv:{i + 2}",
                form_id=f"H-{i}",
                observations=[f"Prestador {i} reclama dos valores da tabela e da burocracia"],
                general_note="",
                reasons=["valores", "burocracia_operadora"],
                judicializacao=False,
                status="desligamento",
                form_version="v2",
                form_date=date(2024, 1, 1),
                text_sha256=f"{i:064d}",
            )
        )
    writer.flush()


def test_stats_are_the_same_before_and_after_a_history_import(app, client, auth):
    assert client.post("/v1/confirmations", json=CONFIRMATION, headers=auth).status_code == 201
    before = client.get("/v1/stats", headers=auth).get_json()
    import_history(app.extensions["motivo"].engine, 30)
    after = client.get("/v1/stats", headers=auth).get_json()
    assert after == before
    assert after["confirmations"] == 1 and after["agent_confirmations"] == 1
    assert "valores" not in after["per_label"] and after["per_label"]["glosas"]["accepted"] == 1

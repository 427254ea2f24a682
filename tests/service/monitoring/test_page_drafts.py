"""The agents' page sends one draft_id per form being written: many pauses in typing, one draft,
and the confirmation names the same draft."""

from __future__ import annotations

import time

from sqlalchemy import select

from service import confirmations, db
from service.monitoring.recorder import draft_key
from service.monitoring.tables import monitor_confirmed_drafts, monitor_drafts
from tests.browser import browser_page
from tests.service.conftest import start_live_server

NOTE = "Dr. Paulo aqui. Tive 8 guias glosadas esse mês e o recurso de glosa foi negado. Vou processar a operadora."


def _rows(engine, table, wanted: int) -> list:
    deadline = time.monotonic() + 10
    while True:
        with engine.connect() as connection:
            rows = connection.execute(select(table)).all()
        if len(rows) >= wanted or time.monotonic() > deadline:
            return rows
        time.sleep(0.2)


def test_one_form_typed_in_pauses_is_one_draft(trained, tmp_path, database_url):
    server = start_live_server(trained, tmp_path, database_url, MOTIVO_MONITOR_FLUSH_SECONDS="0.2")
    try:
        with browser_page() as page:
            page.goto(server.url + "/")
            page.get_by_label("Token", exact=True).fill(server.token)
            page.get_by_role("button", name="Salvar token").click()
            note = page.get_by_label("1º contato — Obs.")
            for words in (NOTE, " Pediu retorno amanhã."):
                note.press_sequentially(words, delay=2)
                page.locator('.reason[data-code="glosas"] .badge').wait_for(state="visible", timeout=30_000)
                time.sleep(1.5)  # a pause: the page asks again
            page.get_by_label("Glosas", exact=True).check()
            page.get_by_label("Desligamento").check()
            page.get_by_role("button", name="Confirmar").click()
            page.get_by_text("Confirmação registrada").wait_for(timeout=30_000)
            assert not page.errors
        engine = db.make_engine(database_url)
        drafts = _rows(engine, monitor_drafts, 1)
        assert len(drafts) == 1 and drafts[0].requests >= 2
        confirmed = _rows(engine, monitor_confirmed_drafts, 1)
        assert [row.draft_key for row in confirmed] == [drafts[0].draft_key]
        (form,) = confirmations.latest_confirmations(engine)
        form_id = form["form_id"]  # the draft's id, no number typed
        assert draft_key(form_id) == drafts[0].draft_key
    finally:
        server.stop()

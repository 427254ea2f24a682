"""The agents' page in headless Chromium against the real server: suggest, highlight, confirm, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from service import confirmations as db
from service.db import confirmations, make_engine
from tests.browser import browser_page
from tests.service.conftest import start_live_server

ARTIFACTS = Path(__file__).parents[2] / "var" / "test-artifacts"
NOTE = (
    "[10:02, 14/3/2025] +55 21 98765-4321: Dr. Paulo aqui. Tive 8 guias glosadas esse mês 😡 "
    "e o recurso de glosa foi negado. Vou processar a operadora."
)


@pytest.fixture(scope="module")
def shared_server(trained, tmp_path_factory):
    """One server for the module: starting gunicorn and loading the model takes ~5 s a test."""
    folder = tmp_path_factory.mktemp("agents-page")
    server = start_live_server(trained, folder, f"sqlite:///{folder / 'motivo.db'}")
    yield server
    server.stop()


@pytest.fixture
def live_server(shared_server):
    """The module's server with no confirmation stored, as if each test had its own; every test
    opens a fresh browser, so nothing else of an earlier test reaches it."""
    with make_engine(shared_server.database).begin() as connection:
        connection.execute(confirmations.delete())
    return shared_server


@pytest.fixture
def page(live_server):
    with browser_page() as page:
        page.set_viewport_size({"width": 1300, "height": 1000})
        page.goto(live_server.url + "/")
        yield page


def save_token(page, token: str) -> None:
    page.get_by_label("Token", exact=True).fill(token)
    page.get_by_role("button", name="Salvar token").click()


def badge(page, code: str):
    return page.locator(f'.reason[data-code="{code}"] .badge')


def test_typing_shows_the_suggestion_and_its_evidence_and_confirming_stores_it(page, live_server):
    assert page.locator("#token-panel").is_visible()  # asked once, before anything else
    save_token(page, live_server.token)
    page.get_by_label("1º contato — Obs.").click()
    page.keyboard.type(NOTE, delay=3)

    badge(page, "glosas").wait_for(state="visible", timeout=15_000)
    assert badge(page, "glosas").inner_text().endswith("%")
    assert not page.get_by_label("Glosas", exact=True).is_checked()  # a badge, never a tick
    assert page.locator("#threat").is_visible()
    assert "ameaça de judicialização" in page.locator("#threat").inner_text()

    page.hover('label[for="reason-glosas"]')
    marks = page.locator("#hl-obs-0 mark").all_inner_texts()
    assert any("glosadas" in mark for mark in marks), marks
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "agents-page.png"))

    page.get_by_label("Nº do protocolo / identificação do formulário (opcional)").fill("PAGE-1")
    page.get_by_label("Glosas", exact=True).check()
    page.get_by_label("Ameaça Judicialização").check()
    page.get_by_label("Desligamento").check()
    page.get_by_role("button", name="Confirmar").click()
    page.locator("#confirm-result.ok").wait_for(timeout=10_000)
    assert "Confirmação registrada" in page.locator("#confirm-result").inner_text()
    assert page.get_by_label("1º contato — Obs.").input_value() == ""  # ready for the next case

    (stored,) = [
        c for c in db.latest_confirmations(make_engine(live_server.database)) if c["form_id"] == "PAGE-1"
    ]
    assert stored["reasons"] == ["glosas"] and stored["judicializacao"] is True
    assert stored["status"] == "desligamento" and stored["confirmed_by"] == "agente.live"
    assert "glosas" in stored["suggested_reasons"] and stored["suggested_flag"] is True
    assert "<PHONE>" in stored["observations"][0] and "98765" not in stored["observations"][0]


def test_a_wrong_token_is_explained_and_nothing_typed_is_lost(page):
    save_token(page, "token-errado")
    page.get_by_label("1º contato — Obs.").fill("Dra. vai se aposentar em dezembro.")
    page.locator("#message").wait_for(state="visible", timeout=10_000)
    assert "Token inválido ou ausente" in page.locator("#message").inner_text()
    assert page.get_by_label("1º contato — Obs.").input_value() == "Dra. vai se aposentar em dezembro."
    assert page.locator("#token-panel").is_visible()
    assert page.locator("#token-state").inner_text() == "Token recusado pelo serviço"
    page.screenshot(path=str(ARTIFACTS / "agents-page-401.png"))


def test_outros_without_justification_is_refused_with_the_forms_rule(page, live_server):
    save_token(page, live_server.token)
    page.get_by_label("1º contato — Obs.").fill("Dentista vai passar um ano em missão humanitária.")
    page.get_by_label("Outros", exact=True).check()
    page.get_by_role("button", name="Confirmar").click()
    assert 'OBRIGATÓRIO JUSTIFICATIVA CASO SELECIONE "OUTROS"' in page.locator("#confirm-result").inner_text()
    assert page.evaluate("document.activeElement.id") == "general-note"
    assert list(db.latest_confirmations(make_engine(live_server.database))) == []


def test_service_unreachable_keeps_the_text_and_a_reload_restores_it(page, live_server):
    save_token(page, live_server.token)
    page.route("**/v1/suggest", lambda route: route.abort())
    page.get_by_label("2º contato — Obs.").fill("Clínica vendida para uma rede de franquias.")
    page.locator("#message").wait_for(state="visible", timeout=10_000)
    assert "Não foi possível falar com o serviço" in page.locator("#message").inner_text()
    page.unroute("**/v1/suggest")
    page.reload()
    assert (
        page.get_by_label("2º contato — Obs.").input_value() == "Clínica vendida para uma rede de franquias."
    )
    badge(page, "franquia").wait_for(state="visible", timeout=15_000)


def test_a_note_that_states_no_reason_gets_no_badge_and_no_list_of_guesses(page, live_server):
    note = "ok, retorno amanhã"
    status, answer = live_server.call("POST", "/v1/suggest", {"observations": [note]})
    assert status == 200 and answer["abstain"]
    save_token(page, live_server.token)
    page.get_by_label("1º contato — Obs.").fill(note)
    page.locator("#model-version").filter(has_text="Modelo").wait_for(timeout=15_000)
    assert page.locator(".reason.suggested").count() == 0
    shown = page.locator("#abstain").inner_text() if page.locator("#abstain").is_visible() else ""
    # The page lists only reasons the model calls possible: never a near-zero guess.
    possible = [r["label"] for r in answer["reasons"] if r["possible"]]
    assert all(r["label"] not in shown for r in answer["reasons"] if not r["possible"])
    assert bool(shown) == bool(possible)
    if answer["no_reason"]:
        assert "Nenhum motivo identificado" in page.locator("#suggest-state").inner_text()


def test_the_form_works_from_the_keyboard_alone(page, live_server):
    unlabeled = page.evaluate(
        "Array.from(document.querySelectorAll('input, textarea')).filter(e => e.labels.length === 0).map(e => e.id)"
    )
    assert unlabeled == []
    page.keyboard.type(live_server.token)  # the token field has the focus when the page opens
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")  # "Trocar token" ...
    for _ in range(10):
        if page.evaluate("document.activeElement.id") == "obs-0":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "obs-0"
    page.keyboard.type("A dentista faleceu na semana passada, a filha avisou.")
    badge(page, "obito").wait_for(state="visible", timeout=15_000)
    page.get_by_label("Óbito").focus()  # focus, not hover, shows the evidence
    assert page.locator("#hl-obs-0 mark").count() > 0
    page.keyboard.press("Space")
    assert page.get_by_label("Óbito").is_checked()
    page.get_by_label("Desligamento").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Confirmar").focus()
    page.keyboard.press("Enter")
    page.locator("#confirm-result.ok").wait_for(timeout=10_000)
    (stored,) = list(db.latest_confirmations(make_engine(live_server.database)))
    assert stored["reasons"] == ["obito"]


def in_view(page, selector: str) -> bool:
    """The element's box lies inside the viewport (no scrolling needed to see it)."""
    return page.evaluate(
        """(selector) => { const r = document.querySelector(selector).getBoundingClientRect();
        return r.width > 0 && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth; }""",
        selector,
    )


def test_the_result_of_confirmar_is_shown_next_to_the_button_and_in_view(page, live_server):
    page.set_viewport_size({"width": 1300, "height": 800})
    save_token(page, live_server.token)
    for n in range(1, 6):  # a long form: the page is taller than the window
        page.get_by_label(f"{n}º contato — Obs.").fill("Tentativa de contato sem sucesso. " * 12)
    page.get_by_label("Obs. Geral").fill("Dr. vai se aposentar em dezembro, já avisou os pacientes.")
    page.get_by_label("Aposentou").check()
    page.get_by_label("Desligamento").check()
    assert in_view(page, "#confirm")  # the actions stay reachable without scrolling
    page.get_by_role("button", name="Confirmar").click()
    page.locator("#confirm-result.ok").wait_for(timeout=10_000)
    assert in_view(page, "#confirm-result")
    assert page.locator("#confirm-result").get_attribute("role") == "status"
    button, result = (page.locator(s).bounding_box() for s in ("#confirm", "#confirm-result"))
    assert 0 <= result["y"] - button["y"] < 150  # right under the button, not at the top of the page


@pytest.mark.parametrize("width", [768, 1024])
def test_at_tablet_width_the_suggestions_stay_beside_the_notes(page, live_server, width):
    page.set_viewport_size({"width": width, "height": 1024})
    save_token(page, live_server.token)
    note = page.get_by_label("1º contato — Obs.")
    note.click()
    page.keyboard.type("A dentista faleceu na semana passada, a filha avisou.", delay=2)
    badge(page, "obito").wait_for(state="visible", timeout=15_000)
    notes, boxes = page.locator("#case-form").bounding_box(), page.locator("aside.boxes").bounding_box()
    assert boxes["x"] >= notes["x"] + notes["width"] - 1  # a column of its own, to the right
    # While typing, the note, the summary of the suggestions and the actions are all in view.
    assert in_view(page, "#obs-0") and in_view(page, "#suggest-state") and in_view(page, "#confirm")
    assert "Óbito" in page.locator("#suggest-state").inner_text()


def test_no_badge_says_100_or_0_percent(page, live_server):
    note = "Dr. vai se aposentar. Aposentadoria confirmada, encerrou a carreira e aposentou de vez."
    status, answer = live_server.call("POST", "/v1/suggest", {"observations": [note]})
    assert status == 200 and max(r["probability"] for r in answer["reasons"]) > 0.995
    save_token(page, live_server.token)
    page.get_by_label("1º contato — Obs.").fill(note)
    badge(page, "aposentou").wait_for(state="visible", timeout=15_000)
    texts = page.locator(".reason .badge:not([hidden])").all_inner_texts()
    percents = [int(t.split()[-1].rstrip("%")) for t in texts]
    assert percents and all(1 <= p <= 99 for p in percents), texts


def candidate_notes(data: Path):
    """The first words of the test split's notes: what an agent has typed when a reason is only hinted."""
    for path in sorted((data / "cases").glob("t*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            words = json.loads(line)["observations"][0].split()
            for size in (6, 9, 12):
                yield " ".join(words[:size])


def test_a_reason_just_under_its_threshold_is_shown_as_possivel_with_its_evidence(page, live_server, trained):
    found = None
    for tried, note in enumerate(candidate_notes(trained["data"])):
        status, answer = live_server.call("POST", "/v1/suggest", {"observations": [note]})
        possible = [r for r in answer["reasons"] if r["possible"] and r["evidence"]]
        if status == 200 and possible and not any(r["suggested"] for r in answer["reasons"]):
            found = note, possible[0]
            break
        assert tried < 3000, "no half-typed test note gives a possible reason with evidence"
    assert found
    note, reason = found
    save_token(page, live_server.token)
    page.get_by_label("1º contato — Obs.").fill(note)
    row = page.locator(f'.reason.possible[data-code="{reason["code"]}"]')
    row.wait_for(timeout=15_000)
    assert row.locator(".badge").inner_text().startswith("possível")
    assert not row.locator("input").is_checked()
    row.locator("label").hover()
    assert page.locator("#hl-obs-0 mark").count() > 0


def test_limpar_asks_before_throwing_the_form_away(page, live_server):
    save_token(page, live_server.token)
    note = page.get_by_label("1º contato — Obs.")
    note.fill("Dra. vai se aposentar em dezembro.")
    page.get_by_role("button", name="Limpar formulário").click()
    assert page.locator("#clear-dialog").is_visible()
    page.get_by_role("button", name="Cancelar").click()
    assert note.input_value() == "Dra. vai se aposentar em dezembro."
    page.get_by_role("button", name="Limpar formulário").click()
    page.get_by_role("button", name="Limpar", exact=True).click()
    expect(note).to_have_value("", timeout=5_000)  # cleared when the dialog's close event runs


def test_the_servers_form_rules_are_shown_in_portuguese_and_nothing_is_stored(page, live_server):
    save_token(page, live_server.token)
    page.get_by_label("1º contato — Obs.").fill("Dra. vai se aposentar em dezembro.")
    page.get_by_label("Aposentou").check()
    page.get_by_role("button", name="Confirmar").click()  # no Status retenção ticked
    page.locator("#confirm-result").wait_for(state="visible", timeout=10_000)
    message = page.locator("#confirm-result").inner_text()
    assert "O formulário não atende às regras" in message and "marque o Status retenção" in message, message
    page.get_by_label("Aposentou").uncheck()
    page.get_by_label("Desligamento").check()
    page.get_by_role("button", name="Confirmar").click()
    page.wait_for_function(
        "document.querySelector('#confirm-result').innerText.includes('Motivo desligamento')"
    )
    assert "Ameaça Judicialização também conta" in page.locator("#confirm-result").inner_text()
    assert list(db.latest_confirmations(make_engine(live_server.database))) == []
    assert page.get_by_label("1º contato — Obs.").input_value() == "Dra. vai se aposentar em dezembro."


def test_a_second_confirmar_of_the_same_draft_replaces_it(page, live_server):
    save_token(page, live_server.token)
    page.get_by_label("1º contato — Obs.").fill("Dra. vai se aposentar em dezembro.")
    badge(page, "aposentou").wait_for(state="visible", timeout=15_000)
    page.get_by_label("Aposentou").check()
    page.get_by_label("Desligamento").check()

    def store_but_lose_the_answer(route):
        route.fetch()  # the service stores it ...
        route.abort()  # ... and the answer never reaches the page

    page.route("**/v1/confirmations", store_but_lose_the_answer)
    page.get_by_role("button", name="Confirmar").click()
    page.locator("#confirm-result").wait_for(state="visible", timeout=10_000)
    assert "Não foi possível falar com o serviço" in page.locator("#confirm-result").inner_text()
    page.unroute("**/v1/confirmations")
    page.get_by_role("button", name="Confirmar").click()
    page.locator("#confirm-result.ok").wait_for(timeout=10_000)
    assert "substitui a confirmação" in page.locator("#confirm-result").inner_text()

    engine = make_engine(live_server.database)
    (latest,) = list(db.latest_confirmations(engine))
    assert latest["form_id"].startswith("rascunho-")
    assert len(db.confirmation_history(engine, latest["form_id"])) == 2

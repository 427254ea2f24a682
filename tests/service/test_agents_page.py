"""The agents' page in headless Chromium against the real server: suggest, highlight, confirm, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from service import confirmations as db
from service.db import make_engine
from tests.browser import browser_page

ARTIFACTS = Path(__file__).parents[2] / "var" / "test-artifacts"
NOTE = (
    "[10:02, 14/3/2025] +55 21 98765-4321: Dr. Paulo aqui. Tive 8 guias glosadas esse mês 😡 "
    "e o recurso de glosa foi negado. Vou processar a operadora."
)


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
    page.locator("#message.ok").wait_for(timeout=10_000)
    assert "Confirmação registrada" in page.locator("#message").inner_text()
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
    assert 'OBRIGATÓRIO JUSTIFICATIVA CASO SELECIONE "OUTROS"' in page.locator("#message").inner_text()
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


def test_when_the_model_abstains_the_top_three_are_shown(page, live_server):
    save_token(page, live_server.token)
    page.get_by_label("1º contato — Obs.").fill("ok")
    page.locator("#abstain").wait_for(state="visible", timeout=15_000)
    assert "Mais prováveis:" in page.locator("#abstain").inner_text()
    assert page.locator(".reason .badge:not([hidden])").count() == 0


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
    page.locator("#message.ok").wait_for(timeout=10_000)
    (stored,) = list(db.latest_confirmations(make_engine(live_server.database)))
    assert stored["reasons"] == ["obito"]


def test_the_servers_form_rules_are_shown_in_portuguese_and_nothing_is_stored(page, live_server):
    save_token(page, live_server.token)
    page.get_by_label("1º contato — Obs.").fill("Dra. vai se aposentar em dezembro.")
    page.get_by_label("Aposentou").check()
    page.get_by_role("button", name="Confirmar").click()  # no Status retenção ticked
    page.locator("#message").wait_for(state="visible", timeout=10_000)
    message = page.locator("#message").inner_text()
    assert "O formulário não atende às regras" in message and "marque o Status retenção" in message, message
    page.get_by_label("Aposentou").uncheck()
    page.get_by_label("Desligamento").check()
    page.get_by_role("button", name="Confirmar").click()
    page.wait_for_function("document.querySelector('#message').innerText.includes('Motivo desligamento')")
    assert "Ameaça Judicialização também conta" in page.locator("#message").inner_text()
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
    page.locator("#message").wait_for(state="visible", timeout=10_000)
    assert "Não foi possível falar com o serviço" in page.locator("#message").inner_text()
    page.unroute("**/v1/confirmations")
    page.get_by_role("button", name="Confirmar").click()
    page.locator("#message.ok").wait_for(timeout=10_000)
    assert "substitui a confirmação" in page.locator("#message").inner_text()

    engine = make_engine(live_server.database)
    (latest,) = list(db.latest_confirmations(engine))
    assert latest["form_id"].startswith("rascunho-")
    assert len(db.confirmation_history(engine, latest["form_id"])) == 2

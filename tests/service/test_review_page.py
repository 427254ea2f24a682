"""The QA review page in headless Chromium against the real server, under a strict CSP: a reviewer
decides three findings from the keyboard, at desktop and tablet widths."""

from __future__ import annotations

import pytest

from service import confirmations, db, reviews
from service.db import make_engine
from tests.browser import browser_page
from tests.service.test_agents_page import ARTIFACTS
from tests.service.test_reviews_api import store_batch

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def with_csp(route):
    response = route.fetch()
    route.fulfill(response=response, headers={**response.headers, "content-security-policy": CSP})


@pytest.mark.parametrize(("width", "height"), [(1300, 1000), (800, 1100)], ids=["desktop", "tablet"])
def test_a_reviewer_decides_three_findings_from_the_keyboard(live_server, width, height):
    engine = make_engine(live_server.database)
    store_batch(engine)
    token = db.create_token(engine, "qa.maria", "qa")
    with browser_page() as page:
        page.set_viewport_size({"width": width, "height": height})
        page.route("**/revisao*", with_csp)
        page.goto(live_server.url + "/revisao")
        page.get_by_label("Token", exact=True).fill(token)
        page.keyboard.press("Enter")

        title = page.locator("#finding-title")
        page.locator("#position", has_text="Achado 1 de 3").wait_for(timeout=10_000)
        assert title.inner_text() == "Aposentou — não marcado, mas o texto indica"
        assert page.locator("#notes mark").all_inner_texts() == ["aposentar"]
        assert "<PHONE>" in page.locator("#notes").inner_text()
        assert page.locator("#ticked").inner_text() == "Glosas"

        # 1. Upheld: the correction opens with the finding applied; the reviewer also unticks Glosas.
        page.keyboard.press("p")
        assert page.locator("#correction").is_visible()
        assert page.get_by_label("Aposentou", exact=True).is_checked()
        page.get_by_label("Glosas", exact=True).press("Space")
        page.get_by_role("button", name="Salvar correção (Enter)").press("Enter")
        page.locator("#position", has_text="Achado 2 de 3").wait_for(timeout=10_000)
        assert "Decisão registrada no formulário F-1" in page.locator("#message").inner_text()

        # 2. Rejected, one key; the unsupported tick shows what the text supports instead.
        assert "o texto sustenta mais: Aposentou" in page.locator("#sides").inner_text()
        page.keyboard.press("n")
        page.locator("#position", has_text="Achado 3 de 3").wait_for(timeout=10_000)

        # 3. Unsure, one key; then back with K to see the earlier decision.
        page.keyboard.press("d")
        page.locator("#decision-state", has_text="dúvida").wait_for(timeout=10_000)
        page.keyboard.press("k")
        page.locator("#position", has_text="Achado 2 de 3").wait_for(timeout=10_000)
        assert page.locator("#decision-state").inner_text() == "não procede (o colaborador acertou)"
        page.locator("#batch-summary", has_text="3 decididos").wait_for(timeout=10_000)

        assert page.evaluate(
            "document.documentElement.scrollWidth <= window.innerWidth"
        )  # no sideways scroll
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"review-page-{width}.png"), full_page=True)
        assert page.errors == []  # no CSP violation, no script error
        # The policy was in force: an inline script is refused.
        assert page.evaluate(
            "() => { const s = document.createElement('script'); s.textContent = 'window.inlineRan = 1';"
            " document.body.appendChild(s); return window.inlineRan === undefined; }"
        )

    decided = [(i["code"], i["decision"]) for i in reviews.list_items(engine, "lote-1")]
    assert decided == [("aposentou", "upheld"), ("glosas", "rejected"), ("valores", "unsure")]
    (stored,) = confirmations.confirmation_history(engine, "F-1")
    assert (stored["role"], stored["confirmed_by"], stored["reasons"]) == ("qa", "qa.maria", ["aposentou"])
    assert confirmations.confirmation_history(engine, "F-2") == []


def test_an_agent_token_is_told_the_page_is_for_qa(live_server):
    engine = make_engine(live_server.database)
    store_batch(engine)
    with browser_page() as page:
        page.goto(live_server.url + "/revisao")
        page.get_by_label("Token", exact=True).fill(live_server.token)  # an agent's token
        page.keyboard.press("Enter")
        page.locator("#message").wait_for(state="visible", timeout=10_000)
        assert "tokens de QA ou de administrador" in page.locator("#message").inner_text()
        # Asked once: the token stays in this browser, under the key earlier pages stored it with.
        assert page.evaluate("localStorage.getItem('motivo.qa-token')") == live_server.token
        page.reload()
        page.locator("#message").wait_for(state="visible", timeout=10_000)
        assert not page.locator("#token-panel").is_visible()
        assert page.locator("#token-state").inner_text() == "Token configurado"
        assert page.errors == [] or all("403" in e for e in page.errors)

"""The model keeper's console (/painel) in Chromium at desktop and tablet widths: charts, tables,
alerts, timeline, the challenger, and a threshold change saved and undone from the page."""

from __future__ import annotations

from pathlib import Path

import pytest

from service import db
from tests.browser import browser_page
from tests.service.conftest import start_live_server
from training import registry

ARTIFACTS = Path(__file__).parents[3] / "var" / "test-artifacts"
CASE = {
    "observations": ["Dr. Paulo teve 4 guias glosadas e o recurso de glosa foi indeferido."],
    "general_note": "Desligamento por glosas.",
}


@pytest.fixture
def server(trained, tmp_path, database_url):
    live = start_live_server(
        trained,
        tmp_path,
        database_url,
        MOTIVO_DATA_DIR=str(trained["data"]),
        MOTIVO_MONITOR_FLUSH_SECONDS="0.2",
    )
    engine = db.make_engine(database_url)
    live.admin = db.create_token(engine, "guardiao", role="admin")
    live.qa = db.create_token(engine, "auditora", role="qa")
    for i in range(3):  # some traffic for the charts and tables
        status, answer = live.call("POST", "/v1/suggest", {**CASE, "draft_id": f"d-{i}"})
        assert status == 200
        confirmation = {
            **CASE,
            "form_id": f"P-{i}",
            "draft_id": f"d-{i}",
            "suggested": {
                "model_version": answer["model_version"],
                "reasons": ["glosas"],
                "judicializacao": False,
            },
            "confirmed": {"reasons": ["glosas"], "judicializacao": False, "status": "desligamento"},
        }
        assert live.call("POST", "/v1/confirmations", confirmation)[0] == 201
    yield live
    live.stop()


def _open(page, server, token: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 1000})
    page.goto(server.url + "/painel")
    page.get_by_label("Token", exact=True).fill(token)
    page.get_by_role("button", name="Salvar token").click()
    page.locator("#accept-chart svg circle.top1").first.wait_for(timeout=30_000)
    page.locator("#timeline li").first.wait_for(timeout=30_000)  # the last of the page's reads


@pytest.mark.parametrize("width", [1300, 800])  # desktop, tablet
def test_the_console_walks_through_at_desktop_and_tablet_widths(server, width):
    with browser_page() as page:
        _open(page, server, server.admin, width)
        glosas = page.locator("#labels tbody tr", has_text="Glosas")
        assert (
            glosas.locator("td").nth(3).inner_text() == "100.0 %"
        )  # precision: suggested and confirmed 3 times
        assert page.locator("#alerts li").count() >= 1
        assert page.locator("#timeline li").first.inner_text()  # the model's training and promotion
        assert "Nenhum desafiante" in page.locator("#shadow").inner_text()
        assert page.evaluate(
            "document.documentElement.scrollWidth <= window.innerWidth"
        )  # no sideways scroll

        row = page.locator("#thresholds tbody tr", has_text="Glosas")
        assert "(treino, fora da dobra)" in row.locator("td").nth(3).inner_text()  # 3 confirmations: too few
        page.get_by_label("Regra de Glosas", exact=True).select_option("desligado")
        page.get_by_label("Regra de Aposentou", exact=True).select_option("threshold")
        page.get_by_label("Valor da regra de Aposentou").fill("0.7")
        page.get_by_role("button", name="Salvar limiares").click()
        page.get_by_text("Limiares salvos").wait_for(timeout=15_000)
        assert registry.history(server.registry)[-1]["after"] == {
            "labels": {"glosas": {"mode": "desligado"}, "aposentou": {"threshold": 0.7}}
        }
        assert row.locator("td").nth(1).inner_text() == "desligado"
        aposentou = page.locator("#thresholds tbody tr", has_text="Aposentou")
        assert aposentou.locator("td").nth(1).inner_text() == "0.70"
        page.get_by_role("button", name="Desfazer última mudança").click()
        page.get_by_text("Última mudança desfeita").wait_for(timeout=15_000)
        assert registry.history(server.registry)[-1]["reason"] == "undo"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"painel-{width}.png"), full_page=True)
        assert not page.errors  # no CSP violation, no script error


def test_an_agent_token_is_told_the_console_is_for_keepers_and_a_wrong_one_is_asked_again(server):
    with browser_page() as page:
        page.goto(server.url + "/painel")
        page.get_by_label("Token", exact=True).fill(server.token)
        page.get_by_role("button", name="Salvar token").click()
        page.get_by_text("Este painel é para administradores e QA").wait_for(timeout=15_000)
        # A token the service refuses (401) is said beside "Trocar token", and asked again.
        page.get_by_role("button", name="Trocar token").click()
        page.get_by_label("Token", exact=True).fill("token-errado")
        page.get_by_role("button", name="Salvar token").click()
        page.get_by_text("Token recusado pelo serviço").wait_for(timeout=15_000)
        assert page.locator("#token-panel").is_visible()
        assert page.evaluate("document.activeElement.id") == "token-input"

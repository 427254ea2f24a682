"""Web hygiene: security headers and a CSP the page honours in Chromium, Allow on 405, a complete
OpenAPI spec, revocation within a second, and nothing of the agent's kept past the browser session."""

from __future__ import annotations

import time

from service import db
from tests.browser import browser_page
from tests.service.test_agents_page import NOTE, badge, save_token

CSP_LISTENER = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(e.violatedDirective + " " + e.blockedURI));
"""


def test_every_response_carries_the_security_headers(client, auth):
    for response in (client.get("/"), client.get("/v1/labels", headers=auth), client.get("/nowhere")):
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/v1/labels", headers=auth).headers["Cache-Control"] == "no-store"


def test_a_header_a_view_sets_itself_is_kept(app):
    @app.get("/v1/own-headers")
    def own_headers():
        return "", 204, {"Cache-Control": "max-age=60", "x-frame-options": "SAMEORIGIN"}

    response = app.test_client().get("/v1/own-headers")
    assert response.headers.getlist("Cache-Control") == ["max-age=60"]
    assert response.headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_405_names_the_allowed_methods(client, auth):
    response = client.get("/v1/suggest", headers=auth)
    assert response.status_code == 405 and "POST" in response.headers["Allow"]
    response = client.delete("/")
    assert response.status_code == 405 and "GET" in response.headers["Allow"]


def test_the_openapi_spec_lists_every_response(client):
    spec = client.get("/openapi.json").get_json()
    for path, operations in spec["paths"].items():
        if not path.startswith("/v1"):
            continue
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert codes & {"200", "201"}, (method, path, codes)
            assert {"400", "401", "403", "422"} <= codes, (method, path, codes)
    for path in ("/v1/suggest", "/v1/audit"):
        assert "503" in spec["paths"][path]["post"]["responses"]
    assert "503" in spec["paths"]["/v1/model"]["get"]["responses"]
    enums = [
        prop["items"]["enum"]
        for schema in spec["components"]["schemas"].values()
        for prop in schema.get("properties", {}).values()
        if "enum" in prop.get("items", {})
    ]
    assert enums and all(len(e) == 30 for e in enums)  # reason codes, wherever a list of them is taken


def test_tokens_are_read_from_the_database_at_most_once_per_cache_interval(client, auth, monkeypatch):
    from service import auth as auth_module

    reads = []
    real = db.token_identity
    monkeypatch.setattr(auth_module.db, "token_identity", lambda *a: reads.append(1) or real(*a))
    started = time.monotonic()
    for _ in range(30):
        assert client.get("/v1/labels", headers=auth).status_code == 200
    intervals = (time.monotonic() - started) / 0.5
    assert 1 <= len(reads) <= intervals + 1


def test_a_revoked_token_gets_401_within_a_second(live_server):
    s = live_server
    assert all(s.call("GET", "/v1/labels")[0] == 200 for _ in range(6))  # both workers cache it
    engine = db.make_engine(s.database)
    db.revoke_token(engine, "agente.live")
    engine.dispose()
    revoked = time.monotonic()
    time.sleep(1.0)
    statuses = [s.call("GET", "/v1/labels")[0] for _ in range(8)]
    assert statuses == [401] * 8, f"{time.monotonic() - revoked:.2f} s after revocation: {statuses}"


def test_the_page_passes_its_csp_and_keeps_nothing_past_the_session(live_server):
    with browser_page() as page:
        page.add_init_script(CSP_LISTENER)
        page.goto(live_server.url + "/")
        save_token(page, live_server.token)
        page.get_by_label("1º contato — Obs.").click()
        page.keyboard.type(NOTE, delay=2)
        badge(page, "glosas").wait_for(state="visible", timeout=15_000)
        page.get_by_label("1º contato — Obs.").press("End")  # a change, so the draft is saved
        storage = page.evaluate("({local: {...localStorage}, session: {...sessionStorage}})")
        assert storage["local"] == {}, storage["local"]  # no token, no draft beyond the session
        assert NOTE[:20] in storage["session"].get("motivo.draft", "") or storage["session"]["motivo.token"]
        page.get_by_label("Glosas", exact=True).check()
        page.get_by_label("Desligamento").check()
        page.get_by_role("button", name="Confirmar").click()
        page.locator("#confirm-result.ok").wait_for(timeout=10_000)
        assert page.evaluate("sessionStorage.getItem('motivo.draft')") is None
        assert page.evaluate("window.__csp") == [] and page.errors == [], page.errors

    with browser_page() as page:  # another browser session: the token is asked again
        page.goto(live_server.url + "/")
        assert page.locator("#token-panel").is_visible()
        page.get_by_label("Token", exact=True).fill(live_server.token)
        page.get_by_label("Lembrar neste computador (só se ele não for compartilhado)").check()
        page.get_by_role("button", name="Salvar token").click()
        assert page.evaluate("localStorage.getItem('motivo.token')") == live_server.token

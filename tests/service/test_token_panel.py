"""The access-token panel is one piece shared by the three pages: its markup comes from
templates/_token_panel.html, and static/token.js, loaded before each page's own script, keeps
the token for it; each page keeps only its own words and its own storage key."""

from __future__ import annotations

import re

import pytest

PAGES = {
    "/": {
        "template": "index.html",
        "script": "app.js",
        "key": "motivo.token",
        "words": {
            "help": "Informe o token que você recebeu. Ele fica guardado só até você fechar o "
            "navegador, a menos que marque “Lembrar”.",
            "remember": True,
        },
    },
    "/revisao": {
        "template": "review.html",
        "script": "review.js",
        "key": "motivo.qa-token",
        "words": {"help": "Informe o seu token de QA (pedido uma vez; fica guardado neste navegador)."},
    },
    "/painel": {
        "template": "painel.html",
        "script": "painel.js",
        "key": "motivo.token",
        "words": {"help": "Informe um token de administrador ou de QA.", "css_class": "panel"},
    },
}
# The panel's elements: only token.js reads or changes them.
PANEL_IDS = ("token-panel", "token-form", "token-input", "token-state", "token-change", "token-remember")


@pytest.fixture
def partial(app):
    with app.test_request_context():
        yield app.jinja_env.get_template("_token_panel.html").make_module()


@pytest.mark.parametrize("path", PAGES)
def test_each_page_shows_the_shared_panel_once_with_its_own_words(app, client, partial, path):
    page = PAGES[path]
    source, _, _ = app.jinja_env.loader.get_source(app.jinja_env, page["template"])
    assert "token_panel.panel(" in source and 'id="token-' not in source  # the partial, not a copy
    html = client.get(path).get_data(as_text=True)
    words = page["words"]
    assert html.count('id="token-panel"') == 1 and html.count('id="token-state"') == 1
    assert html.count(str(partial.status())) == 1
    assert html.count(str(partial.panel(**words))) == 1
    assert ('id="token-remember"' in html) == bool(words.get("remember"))


@pytest.mark.parametrize("path", PAGES)
def test_each_page_loads_token_js_before_its_own_script_which_leaves_the_token_to_it(client, path):
    script, key = PAGES[path]["script"], PAGES[path]["key"]
    html = client.get(path).get_data(as_text=True)
    sources = re.findall(r'<script src="([^"]+)"', html)
    assert len(sources) == 2 and sources[0] == "/static/token.js", sources
    assert sources[1].endswith("/" + script), sources

    shared = client.get(sources[0])
    assert shared.status_code == 200 and "javascript" in shared.content_type
    own = client.get(sources[1]).get_data(as_text=True)
    assert own.count("motivoToken.panel(") == 1
    assert f'key: "{key}"' in own  # the key a stored token was saved under: it still works
    assert not [i for i in PANEL_IDS if i in own], "the page script handles the token panel itself"
    assert "Bearer" not in own  # the Authorization header comes from token.js

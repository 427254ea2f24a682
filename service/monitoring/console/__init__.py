"""The model keeper's console at /painel (pt-BR, roles admin and qa): its page, script and style.
The page holds no data: its script reads the /v1 JSON with the keeper's token and draws SVG.
The token panel (_token_panel.html, token.js) is the other pages' own: Flask looks for templates
in the app's folder (service/templates) before any blueprint's, and serves service/static."""

from __future__ import annotations

from flask import Blueprint, render_template

console = Blueprint(
    "console",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static/painel",
)


@console.get("/painel")
def painel():
    return render_template("painel.html")

"""The model keeper's console at /painel (pt-BR, roles admin and qa): its page, script and style.
The page holds no data: its script reads the /v1 JSON with the keeper's token and draws SVG."""

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

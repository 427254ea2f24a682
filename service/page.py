"""The pages (pt-BR): the agents' form at / (suggestions as badges, confirmation) and the QA
review queue at /revisao (one key per decision)."""

from __future__ import annotations

from flask import Blueprint, render_template

from model.cases import MAX_CONTACTS
from model.taxonomy import load_taxonomy
from service.state import current_state

page = Blueprint(
    "page", __name__, template_folder="templates", static_folder="static", static_url_path="/static"
)


@page.get("/")
def index():
    taxonomy = load_taxonomy()
    return render_template(
        "index.html",
        reasons=taxonomy.reasons,
        flag=taxonomy.flag,
        statuses=taxonomy.statuses,
        contacts=range(1, MAX_CONTACTS + 1),
        max_field_chars=current_state().settings.max_field_chars,
    )


@page.get("/revisao")
def review():
    taxonomy = load_taxonomy()
    return render_template(
        "review.html", reasons=taxonomy.reasons, flag=taxonomy.flag, statuses=taxonomy.statuses
    )

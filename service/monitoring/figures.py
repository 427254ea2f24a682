"""The figures of /v1/monitoring, per São Paulo day and model version, read from the database.

Suggestion side (from the live measures): raw requests; drafts (forms being written) and, from
each draft's last suggestion of the day, the abstain and flag rates, mean length, what each
label was suggested for, and an estimate of precision and recall on the drafts never confirmed
from their calibrated probabilities (a label suggested with p is right with chance p).
Confirmation side (from the confirmations table): each form's latest agent confirmation, on the
day it was made, for the version that suggested: top-1 and top-3 accepted, per label suggested,
confirmed, accepted, precision and recall.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from service.confirmations import latest_agent_ids
from service.db import confirmations
from service.monitoring.days import day_of, last_days, start_of
from service.monitoring.tables import monitor_confirmed_drafts, monitor_drafts, monitor_requests

FLAG = "ameaca_judicializacao"


def ratio(part: float, whole: float) -> float | None:
    return round(part / whole, 4) if whole else None


def _empty_row(day: str, version: str) -> dict[str, Any]:
    return {
        "day": day,
        "model_version": version,
        "requests": 0,
        "drafts": 0,
        "abstain_rate": None,
        "flag_rate": None,
        "mean_chars": None,
        "confirmed": 0,
        "top1_accepted": None,
        "top3_accepted": None,
        "labels": {},
        "estimated": {"drafts": 0, "precision": None, "recall": None, "labels": {}},
        "text_drift": None,
    }


def attach_drift(report: dict[str, Any], drift: dict[str, Any]) -> dict[str, Any]:
    """Put live_drift's figures in a monitoring report: per row its confirmed texts' length and
    out-of-vocabulary share, and per model version the window's figures with the domain AUC."""
    rows = {(row["day"], row["model_version"]): row for row in report["rows"]}
    for (day, version), figures in drift["days"].items():
        rows.setdefault((day, version), _empty_row(day, version))["text_drift"] = figures
    report["rows"] = [rows[key] for key in sorted(rows)]
    report["drift"] = drift["versions"]
    report["drift_error"] = drift["error"]
    return report


def monitoring(engine: Engine, days: int, until: str | None = None) -> dict[str, Any]:
    """Every figure of the last `days` São Paulo days (ending `until`, default today)."""
    window = last_days(days, until)
    rows: dict[tuple[str, str], dict[str, Any]] = {}

    def row(day: str, version: str) -> dict[str, Any]:
        return rows.setdefault((day, version), _empty_row(day, version))

    with engine.connect() as connection:
        for r in connection.execute(select(monitor_requests).where(monitor_requests.c.day.in_(window))):
            row(r.day, r.model_version)["requests"] = r.requests
        confirmed_keys = select(monitor_confirmed_drafts.c.draft_key)
        drafts = connection.execute(
            select(
                monitor_drafts,
                monitor_drafts.c.draft_key.in_(confirmed_keys).label("was_confirmed"),
            ).where(monitor_drafts.c.day.in_(window))
        ).all()
        forms = _latest_agent_confirmations(connection, window)
    by_key: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for d in drafts:
        by_key[(d.day, d.model_version)].append(d)
    for (day, version), items in by_key.items():
        _draft_figures(row(day, version), items)
    by_form_key: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for form in forms:
        by_form_key[(day_of(form.created_at), form.model_version)].append(form)
    for (day, version), items in by_form_key.items():
        if day in window:
            _confirmation_figures(row(day, version), items)
    return {
        "timezone": "America/Sao_Paulo",
        "days": window,
        "rows": [rows[key] for key in sorted(rows)],
    }


def _latest_agent_confirmations(connection, window: list[str]) -> list[Any]:
    """Per form, the latest agent confirmation (as /v1/stats reads acceptance), made in the window."""
    c = confirmations
    newest = latest_agent_ids()
    query = (
        select(c.c.created_at, c.c.model_version, c.c.suggested_reasons, c.c.reasons)
        .join(newest, c.c.id == newest.c.id)
        .where(c.c.created_at >= start_of(window[0]))
    )
    return connection.execute(query).all()


def _draft_figures(row: dict[str, Any], drafts: list[Any]) -> None:
    count = len(drafts)
    row["drafts"] = count
    row["abstain_rate"] = ratio(sum(d.abstain for d in drafts), count)
    row["flag_rate"] = ratio(sum(d.flag for d in drafts), count)
    row["mean_chars"] = round(sum(d.chars for d in drafts) / count, 1)
    labels = row["labels"]
    for d in drafts:
        for code in json.loads(d.suggested):
            _label(labels, code)["drafts_suggested"] += 1
    row["estimated"] = estimate(
        (set(json.loads(d.suggested)), json.loads(d.probabilities)) for d in drafts if not d.was_confirmed
    )


def estimate(drafts: Iterable[tuple[set[str], dict[str, float]]]) -> dict[str, Any]:
    """Precision and recall expected from calibrated probabilities (no label needed).

    A label suggested with probability p is right with chance p, and one not suggested is a
    miss with chance p: expected precision = sum p over suggested / suggested; expected recall =
    sum p over suggested / sum p over all. Suggested means at or above the label's threshold,
    known here as the codes each draft was suggested. `drafts`: (codes suggested, probabilities).
    """
    count = 0
    per_label: dict[str, dict[str, float]] = defaultdict(lambda: {"hits": 0.0, "suggested": 0, "mass": 0.0})
    for suggested_codes, probabilities in drafts:
        count += 1
        for code, value in probabilities.items():
            if code == FLAG:
                continue
            figures = per_label[code]
            figures["mass"] += value
            if code in suggested_codes:
                figures["hits"] += value
                figures["suggested"] += 1
    hits = sum(f["hits"] for f in per_label.values())
    suggested = sum(f["suggested"] for f in per_label.values())
    mass = sum(f["mass"] for f in per_label.values())
    return {
        "drafts": count,
        "precision": ratio(hits, suggested),
        "recall": ratio(hits, mass),
        "labels": {
            code: {"precision": ratio(f["hits"], f["suggested"]), "recall": ratio(f["hits"], f["mass"])}
            for code, f in sorted(per_label.items())
            if f["suggested"]
        },
    }


def _label(labels: dict[str, dict[str, Any]], code: str) -> dict[str, Any]:
    return labels.setdefault(
        code,
        {
            "drafts_suggested": 0,
            "suggested": 0,
            "confirmed": 0,
            "accepted": 0,
            "precision": None,
            "recall": None,
        },
    )


def _confirmation_figures(row: dict[str, Any], forms: list[Any]) -> None:
    count = len(forms)
    top1 = top3 = 0
    labels = row["labels"]
    for form in forms:
        suggested = json.loads(form.suggested_reasons)  # most probable first, as the page sends them
        confirmed = set(json.loads(form.reasons))
        top1 += bool(suggested) and suggested[0] in confirmed
        top3 += any(code in confirmed for code in suggested[:3])
        for code in set(suggested) | confirmed:
            figures = _label(labels, code)
            figures["suggested"] += code in suggested
            figures["confirmed"] += code in confirmed
            figures["accepted"] += code in suggested and code in confirmed
    for figures in labels.values():
        figures["precision"] = ratio(figures["accepted"], figures["suggested"])
        figures["recall"] = ratio(figures["accepted"], figures["confirmed"])
    row["confirmed"] = count
    row["top1_accepted"] = ratio(top1, count)
    row["top3_accepted"] = ratio(top3, count)

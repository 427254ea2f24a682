"""The QA review queue: an audit's findings stored as a named batch (texts masked), the
reviewer's decision on each, and the QA confirmation each decision makes of its form.

- upheld: the agent was wrong; the reviewer's corrected boxes become the form's QA confirmation.
- rejected: the agent was right; the agent's ticks become the form's QA confirmation (unless
  a finding of the same form and text was upheld: that correction stands), and the audit
  does not raise the same finding for the same form and text again.
- unsure: recorded only.

QA confirmations train the model by the one rule of training/training_set.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine

from model.form_rules import form_rule_problems
from model.masking import mask
from service import confirmations
from service.db import review_items as items
from training.training_set import text_sha256

DECISIONS = ("upheld", "rejected", "unsure")
_INSERT_ROWS = 500


class DecisionRefused(ValueError):
    """A decision that cannot be recorded as sent: the field and the problem (and the form's rule)."""

    def __init__(self, field: str, problem: str, rule: str | None = None):
        super().__init__(problem)
        self.field, self.problem, self.rule = field, problem, rule


def _masked_span(span: dict[str, Any], text: str) -> dict[str, Any]:
    # Offsets of the original text, moved onto the masked text (masking keeps words outside personal data).
    start, end = len(mask(text[: span["start"]])), len(mask(text[: span["end"]]))
    masked = mask(text)
    start, end = min(start, len(masked)), min(max(end, start), len(masked))
    return {**span, "start": start, "end": end, "text": masked[start:end]}


def _masked_evidence(case: dict[str, Any], spans: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    fields = [*case["observations"], case.get("general_note") or ""]
    return [
        _masked_span(s, fields[-1] if s["field"] == "general_note" else fields[s["index"]]) for s in spans
    ]


def review_rows(
    batch: str,
    case: dict[str, Any],
    findings: Sequence[dict[str, Any]],
    suggested: Sequence[str],
    flag: bool,
    model_version: str,
    agent: str | None = None,
    source: str | None = None,
) -> list[dict[str, Any]]:
    """The rows that store one audited form's findings in batch `batch` (texts masked)."""
    shared = {
        "batch": batch,
        "form_id": str(case["id"]),
        "text_sha256": text_sha256(case),
        "agent": agent or None,
        "source": source,
        "observations": json.dumps([mask(o) for o in case["observations"]], ensure_ascii=False),
        "general_note": mask(case.get("general_note") or ""),
        "ticked_reasons": json.dumps(list(case["reasons"])),
        "ticked_flag": case.get("judicializacao"),
        "status": case.get("status"),
        "model_version": model_version,
        "suggested_reasons": json.dumps(list(suggested)),
        "suggested_flag": flag,
    }
    return [
        {
            **shared,
            "code": f["code"],
            "kind": f["kind"],
            "probability": f["probability"],
            "score": f["score"],
            "evidence": json.dumps(_masked_evidence(case, f["evidence"]), ensure_ascii=False),
            "instead": json.dumps(
                [{**b, "evidence": _masked_evidence(case, b["evidence"])} for b in f.get("instead", [])],
                ensure_ascii=False,
            ),
        }
        for f in findings
    ]


class BatchWriter:
    """Stores review rows in batches of a few hundred; a finding already in the batch is kept as
    it is (with its decision), so the same audit run twice adds nothing."""

    def __init__(self, engine: Engine, batch: str):
        self.engine, self.batch, self.pending, self.stored = engine, batch, [], 0
        with engine.connect() as connection:
            self.known = {
                tuple(row)
                for row in connection.execute(
                    select(items.c.form_id, items.c.code, items.c.kind).where(items.c.batch == batch)
                )
            }

    def add(self, rows: Iterable[dict[str, Any]]) -> None:
        for row in rows:
            key = (row["form_id"], row["code"], row["kind"])
            if key not in self.known:
                self.known.add(key)
                self.pending.append(row)
        if len(self.pending) >= _INSERT_ROWS:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            now = datetime.now(UTC)
            with self.engine.begin() as connection:
                connection.execute(items.insert(), [{**row, "created_at": now} for row in self.pending])
            self.stored += len(self.pending)
            self.pending = []


def rejected_findings(engine: Engine) -> set[tuple[str, str, str, str]]:
    """(form id, text hash, code, kind) of every finding QA rejected: not to be raised again."""
    query = select(items.c.form_id, items.c.text_sha256, items.c.code, items.c.kind).where(
        items.c.decision == "rejected"
    )
    with engine.connect() as connection:
        return {tuple(row) for row in connection.execute(query)}


def batches(engine: Engine) -> list[dict[str, Any]]:
    """Every batch: name, findings, decided, when it was stored; newest first."""
    query = (
        select(
            items.c.batch,
            func.count().label("findings"),
            func.count(items.c.decision).label("decided"),
            func.min(items.c.created_at).label("created_at"),
        )
        .group_by(items.c.batch)
        .order_by(func.min(items.c.created_at).desc())
    )
    with engine.connect() as connection:
        return [
            {
                "batch": row.batch,
                "findings": row.findings,
                "decided": row.decided,
                "created_at": row.created_at.isoformat(),
            }
            for row in connection.execute(query)
        ]


def list_items(engine: Engine, batch: str) -> list[dict[str, Any]]:
    """A batch's findings, most suspicious first."""
    query = (
        select(items.c.id, items.c.form_id, items.c.code, items.c.kind, items.c.score, items.c.decision)
        .where(items.c.batch == batch)
        .order_by(items.c.score.desc(), items.c.id)
    )
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(query)]


def _item(row: Any) -> dict[str, Any]:
    item = dict(row._mapping)
    for key in ("observations", "ticked_reasons", "evidence", "instead", "suggested_reasons", "corrected"):
        item[key] = json.loads(item[key]) if item[key] is not None else None
    for key in ("created_at", "decided_at"):
        item[key] = item[key].isoformat() if item[key] else None
    return item


def get_item(engine: Engine, item_id: int) -> dict[str, Any] | None:
    """One finding with everything the reviewer sees (masked texts, evidence, ticks, decision)."""
    with engine.connect() as connection:
        row = connection.execute(select(items).where(items.c.id == item_id)).first()
    return _item(row) if row else None


def _confirmed_ticks(item: dict[str, Any], decision: str, corrected: dict[str, Any] | None) -> dict[str, Any]:
    """The boxes the form's QA confirmation records for this decision (see the module doc)."""
    if decision == "upheld":
        if corrected is None:
            raise DecisionRefused("corrected", "an upheld finding needs the corrected boxes")
        return corrected
    ticks = {
        "reasons": item["ticked_reasons"],
        "judicializacao": item["ticked_flag"],
        "status": item["status"],
    }
    if corrected is not None:
        if sorted(corrected["reasons"]) != sorted(ticks["reasons"]) or (
            ticks["judicializacao"] is not None and corrected["judicializacao"] != ticks["judicializacao"]
        ):
            raise DecisionRefused(
                "corrected",
                "a rejected finding keeps the agent's boxes; to change them, uphold it with the corrected boxes",
            )
        ticks = {**ticks, "judicializacao": corrected["judicializacao"], "status": corrected.get("status")}
    for key in ("judicializacao", "status"):
        if ticks[key] is None:
            raise DecisionRefused(f"corrected.{key}", f"the audited form did not say its {key}: send it")
    return ticks


def _upheld_on_same_form(engine: Engine, item: dict[str, Any]) -> bool:
    query = select(func.count()).where(
        items.c.form_id == item["form_id"],
        items.c.text_sha256 == item["text_sha256"],
        items.c.decision == "upheld",
        items.c.id != item["id"],
    )
    with engine.connect() as connection:
        return connection.execute(query).scalar_one() > 0


def decide(
    engine: Engine,
    item_id: int,
    decision: str,
    corrected: dict[str, Any] | None,
    reviewer: str,
) -> dict[str, Any] | None:
    """Record a reviewer's decision and make the form's QA confirmation; None: no such finding.

    Raises DecisionRefused (nothing stored) when the decision lacks what it needs or the
    confirmation it makes would break the form's rules.
    """
    if decision not in DECISIONS:
        raise DecisionRefused("decision", f"must be one of {', '.join(DECISIONS)}")
    item = get_item(engine, item_id)
    if item is None:
        return None
    confirmation = None
    if decision != "unsure":
        ticks = _confirmed_ticks(item, decision, corrected)
        broken = form_rule_problems(
            ticks["reasons"], ticks["judicializacao"], ticks["status"], item["general_note"], None
        )
        if broken:
            first = broken[0]
            raise DecisionRefused(f"corrected.{first.field}", first.message, first.rule)
        if decision == "upheld" or not _upheld_on_same_form(engine, item):
            confirmation = confirmations.store_confirmation(
                engine,
                confirmed_by=reviewer,
                role="qa",
                observations=item["observations"],
                general_note=item["general_note"],
                model_version=item["model_version"],
                suggested_reasons=item["suggested_reasons"],
                suggested_flag=item["suggested_flag"],
                reasons=ticks["reasons"],
                judicializacao=ticks["judicializacao"],
                status=ticks["status"],
                form_id=item["form_id"],
            )
    with engine.begin() as connection:
        connection.execute(
            update(items)
            .where(items.c.id == item_id)
            .values(
                decision=decision,
                decided_by=reviewer,
                decided_at=datetime.now(UTC),
                corrected=json.dumps(corrected) if decision == "upheld" else None,
            )
        )
    return {**get_item(engine, item_id), "confirmation_id": confirmation.id if confirmation else None}

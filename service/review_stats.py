"""Statistics of a review batch: per agent and per label, findings, decided and upheld share."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from service.db import review_items as items


@dataclass
class _Tally:
    findings: int = 0
    decided: int = 0
    upheld: int = 0
    rejected: int = 0

    def add(self, decision: str | None) -> None:
        self.findings += 1
        self.decided += decision is not None
        self.upheld += decision == "upheld"
        self.rejected += decision == "rejected"

    def as_dict(self) -> dict[str, Any]:
        judged = self.upheld + self.rejected
        return {
            "findings": self.findings,
            "decided": self.decided,
            "upheld": self.upheld,
            "rejected": self.rejected,
            "upheld_share": round(self.upheld / judged, 4) if judged else None,
        }


def review_stats(engine: Engine, batch: str) -> dict[str, Any]:
    """Per agent and per label: findings, decided, upheld share (upheld / (upheld + rejected))."""
    query = select(items.c.agent, items.c.code, items.c.decision).where(items.c.batch == batch)
    total, by_agent, by_label = _Tally(), {}, {}
    decisions: Counter = Counter()
    with engine.connect() as connection:
        for agent, code, decision in connection.execute(query):
            total.add(decision)
            by_agent.setdefault(agent or "", _Tally()).add(decision)
            by_label.setdefault(code, _Tally()).add(decision)
            decisions[decision or "pending"] += 1
    return {
        "batch": batch,
        **total.as_dict(),
        "decisions": dict(decisions),
        "by_agent": {k: v.as_dict() for k, v in sorted(by_agent.items())},
        "by_label": {k: v.as_dict() for k, v in sorted(by_label.items())},
    }

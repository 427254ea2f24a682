"""Days as the operator counts them: in America/Sao_Paulo, whatever the server's clock zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("America/Sao_Paulo")


def day_of(moment: datetime) -> str:
    """The São Paulo date (YYYY-MM-DD) of an aware moment (a naive one is read as UTC, as stored)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZONE).date().isoformat()


def today() -> str:
    return day_of(datetime.now(UTC))


def last_days(count: int, until: str | None = None) -> list[str]:
    """The `count` São Paulo dates ending with `until` (default today), oldest first."""
    end = date.fromisoformat(until or today())
    return [(end - timedelta(days=back)).isoformat() for back in range(count - 1, -1, -1)]


def start_of(day: str) -> datetime:
    """The UTC moment a São Paulo date begins."""
    return datetime.combine(date.fromisoformat(day), datetime.min.time(), ZONE).astimezone(UTC)

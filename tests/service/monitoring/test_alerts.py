"""`motivo monitor check`: exit 1 and say why when an alert holds; the same alert logged at WARNING."""

from __future__ import annotations

import json
import logging
from datetime import date, timedelta

from click.testing import CliRunner

from service.cli import main
from service.monitoring.alerts import Limits, abstain_doubled, check, no_confirmation, top1_drop
from tests.service.conftest import migrated

WEDNESDAY = date(2026, 3, 11)


def _report(rows: list[dict], until: date = WEDNESDAY) -> dict:
    days = [(until - timedelta(days=back)).isoformat() for back in range(29, -1, -1)]
    return {"days": days, "rows": rows}


def _day(back: int, until: date = WEDNESDAY, **figures) -> dict:
    row = {"model_version": "v1", "drafts": 0, "abstain_rate": None, "confirmed": 0, "top1_accepted": None}
    return {**row, "day": (until - timedelta(days=back)).isoformat(), **figures}


def test_top1_alert_when_the_week_is_more_than_five_points_under_the_month():
    month = [_day(back, confirmed=20, top1_accepted=0.9) for back in range(7, 30)]
    fine = [_day(back, confirmed=20, top1_accepted=0.86) for back in range(7)]  # 30-day mean 0.89: 3 points
    bad = [_day(back, confirmed=20, top1_accepted=0.80) for back in range(7)]  # 0.877 - 0.80 = 7.7 points
    assert top1_drop(_report(month + fine), Limits()) is None
    assert "top-1 acceptance" in top1_drop(_report(month + bad), Limits()).message
    assert top1_drop(_report(month + bad), Limits(top1_drop=0.1)) is None  # the keeper's own limit
    few = [_day(back, confirmed=2, top1_accepted=0.5) for back in range(7)]
    assert top1_drop(_report(month + few), Limits()) is None  # 14 forms: too few to judge


def test_abstain_alert_against_the_serving_versions_first_week():
    first_week = [_day(back, drafts=50, abstain_rate=0.1) for back in range(20, 27)]
    doubled = [_day(back, drafts=50, abstain_rate=0.2) for back in range(7)]
    steady = [_day(back, drafts=50, abstain_rate=0.15) for back in range(7)]
    assert "abstain rate of v1" in abstain_doubled(_report(first_week + doubled), "v1", Limits()).message
    assert abstain_doubled(_report(first_week + steady), "v1", Limits()) is None
    assert abstain_doubled(_report(first_week + doubled), "v2", Limits()) is None  # not the serving one


def test_no_confirmation_alert_on_a_silent_working_day_only():
    busy_before = [_day(back, confirmed=5) for back in range(2, 10)]
    assert "2026-03-10" in no_confirmation(_report(busy_before)).message  # Tuesday, nothing confirmed
    monday = date(2026, 3, 9)  # the last working day before Monday is Friday
    friday_busy = [_day(back, until=monday, confirmed=5) for back in range(3, 10)]
    assert no_confirmation(_report(friday_busy, until=monday)) is None
    assert no_confirmation(_report([])) is None  # never used: nothing to miss
    assert check(_report(busy_before), "v1", Limits()) == [no_confirmation(_report(busy_before))]


def test_monitor_check_exits_1_and_logs_the_alert(tmp_path, monkeypatch, caplog):
    from service import confirmations
    from service.db import confirmations as table

    url = f"sqlite:///{tmp_path / 'motivo.db'}"
    engine = migrated(url)
    monkeypatch.setenv("MOTIVO_DATABASE_URL", url)
    # Forms confirmed over the last two weeks, none in the last four days: a working day is silent.
    for back in range(4, 14):
        stored = confirmations.store_confirmation(
            engine,
            confirmed_by="agente.ana",
            observations=["Dra. vai se aposentar"],
            general_note="",
            model_version="v1",
            suggested_reasons=["aposentou"],
            suggested_flag=False,
            reasons=["aposentou"],
            judicializacao=False,
            status="desligamento",
        )
        with engine.begin() as connection:
            moment = connection.execute(table.select().where(table.c.id == stored.id)).one().created_at
            connection.execute(
                table.update().where(table.c.id == stored.id).values(created_at=moment - timedelta(days=back))
            )
    # The service's own log setup stops propagation at "motivo": listen on the logger itself.
    logger = logging.getLogger("motivo.monitoring")
    logger.addHandler(caplog.handler)
    try:
        result = CliRunner().invoke(main, ["monitor", "check", "--no-drift"])
    finally:
        logger.removeHandler(caplog.handler)
    assert result.exit_code == 1, result.output
    assert "ALERT: no form confirmed on" in result.output
    assert any(r.levelno == logging.WARNING and "no form confirmed" in r.alert for r in caplog.records)
    shown = json.loads(CliRunner().invoke(main, ["monitor", "show", "--days", "20"]).output)
    assert sum(row["confirmed"] for row in shown["rows"]) == 10

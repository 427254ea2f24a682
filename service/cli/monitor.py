"""`motivo monitor`: the live measures from the command line, and their alerts."""

from __future__ import annotations

import json
import logging

import click

from service.cli.options import engine, fail_cleanly

log = logging.getLogger("motivo.monitoring")


@click.group("monitor")
def monitor_group() -> None:
    """The live measures (per São Paulo day and model version) and alerts on them."""


@monitor_group.command("show")
@click.option("--days", default=30, show_default=True, type=click.IntRange(1, 366))
@fail_cleanly
def monitor_show(days: int) -> None:
    """The figures of GET /v1/monitoring, as JSON."""
    from service.monitoring.figures import monitoring

    click.echo(json.dumps(monitoring(engine(), days), ensure_ascii=False, indent=1))


@monitor_group.command("drift")
@click.option("--days", default=30, show_default=True, type=click.IntRange(1, 366))
@fail_cleanly
def monitor_drift(days: int) -> None:
    """Length, out-of-vocabulary share and domain-classifier AUC of the forms confirmed in the
    last DAYS against the corpus train split, as JSON (takes seconds)."""
    from service.monitoring.drift_report import drift_report

    click.echo(json.dumps(drift_report(engine(), days), ensure_ascii=False, indent=1))


@monitor_group.command("check")
@click.option(
    "--top1-drop",
    default=0.05,
    show_default=True,
    type=click.FloatRange(0, 1),
    help="Alert when top-1 acceptance of 7 days is this much under the 30-day mean.",
)
@click.option(
    "--abstain-factor",
    default=2.0,
    show_default=True,
    type=click.FloatRange(1),
    help="Alert when the serving version's abstain rate is this many times its first week's.",
)
@click.option(
    "--min-forms",
    default=30,
    show_default=True,
    type=click.IntRange(1),
    help="Fewer confirmed forms (or drafts) than this in a week: too few to judge.",
)
@click.option(
    "--drift-auc",
    default=0.9,
    show_default=True,
    type=click.FloatRange(0.5, 1),
    help="Alert when a domain classifier tells the last 30 days' confirmed texts from the "
    "training texts with an AUC above this.",
)
@click.option("--no-drift", is_flag=True, help="Skip the drift check (it takes seconds).")
@fail_cleanly
def monitor_check(
    top1_drop: float, abstain_factor: float, min_forms: int, drift_auc: float, no_drift: bool
) -> None:
    """Exit 1, printing why, when an alert holds (each also logged at WARNING); 0 otherwise."""
    from service.logs import configure_logging
    from service.monitoring.alerts import Limits, check
    from service.monitoring.alerts import drift_auc as drift_alert
    from service.monitoring.drift_report import drift_report
    from service.monitoring.figures import monitoring
    from training import registry

    configure_logging("INFO")
    report = monitoring(engine(), 30)
    alerts = check(report, registry.current_version(), Limits(top1_drop, abstain_factor, min_forms))
    if not no_drift:
        alerts += [a for a in [drift_alert(drift_report(engine(), 30), drift_auc)] if a]
    for alert in alerts:
        log.warning("monitoring alert", extra={"alert": alert.message})
        click.echo(f"ALERT: {alert.message}")
    if alerts:
        raise SystemExit(1)
    click.echo(f"ok: no alert on the last 30 days ({report['days'][0]} to {report['days'][-1]})")

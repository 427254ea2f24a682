"""`motivo forget` and `motivo purge`: stored texts removed on request or after the retention period."""

from __future__ import annotations

import os

import click

from service.cli.options import engine, fail_cleanly

DEFAULT_RETENTION_DAYS = 365


def retention_days() -> float:
    value = os.environ.get("MOTIVO_RETENTION_DAYS") or str(DEFAULT_RETENTION_DAYS)
    try:
        days = float(value)
    except ValueError as error:
        raise click.ClickException(
            f"MOTIVO_RETENTION_DAYS must be a number of days, not {value!r}"
        ) from error
    if days <= 0:
        raise click.ClickException("MOTIVO_RETENTION_DAYS must be positive")
    return days


@click.command("forget")
@click.argument("form_id")
@fail_cleanly
def forget_command(form_id: str) -> None:
    """Remove FORM_ID's texts from every stored confirmation of it (labels and statistics stay)."""
    from service.privacy import forget_form

    removed = forget_form(engine(), form_id)
    if not removed.rows and not removed.review_items and not removed.history:
        raise click.ClickException(f"no stored text of form {form_id!r} (unknown, or already forgotten)")
    click.echo(
        f"form {form_id!r}: removed the notes and general note of {removed.rows} confirmation(s) "
        f"(the latest and those it replaced), of {removed.review_items} QA review finding(s) and of "
        f"{removed.history} imported history form(s); "
        "labels, decisions, dates and names of who confirmed are kept"
    )


@click.command("purge")
@click.option(
    "--days", type=float, default=None, help="Retention in days (default: MOTIVO_RETENTION_DAYS or 365)."
)
@fail_cleanly
def purge_command(days: float | None) -> None:
    """Remove the texts of confirmations older than the retention period (run it daily, e.g. from cron)."""
    from service.privacy import purge_older_than

    days = days if days is not None else retention_days()
    removed = purge_older_than(engine(), days)
    click.echo(
        f"removed the texts of {removed.rows} confirmation(s) of {len(removed.forms)} form(s) and of "
        f"{removed.review_items} QA review finding(s) and of {removed.history} imported history form(s) "
        f"stored more than {days:g} days ago; labels and "
        "statistics are kept"
    )

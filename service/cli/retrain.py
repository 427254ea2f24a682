"""`motivo retrain`: retrain from confirmed cases, promote only what is not worse."""

from __future__ import annotations

from pathlib import Path

import click

from service.cli.options import data_option, fail_cleanly, history_options, progress


def _tolerances(values: tuple[str, ...]) -> dict[str, float]:
    from training.retrain import DEFAULT_TOLERANCES

    tolerances = dict(DEFAULT_TOLERANCES)
    for item in values:
        name, _, number = item.partition("=")
        if name not in DEFAULT_TOLERANCES:
            raise click.BadParameter(
                f"{name!r}: gated metrics are {sorted(DEFAULT_TOLERANCES)}", param_hint="--tolerance"
            )
        try:
            tolerances[name] = float(number)
        except ValueError as error:
            raise click.BadParameter(f"{item!r} is not METRIC=NUMBER", param_hint="--tolerance") from error
    return tolerances


@click.command("retrain")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]),
    default=None,
    help="Only confirmations made since this date.",
)
@click.option("--dry-run", is_flag=True, help="Train and compare, write nothing, promote nothing.")
@click.option(
    "--holdout",
    default=0.2,
    show_default=True,
    type=click.FloatRange(0, 0.9),
    help="Share of confirmed cases (by form id hash) kept for the confirmed test set.",
)
@click.option(
    "--tolerance",
    multiple=True,
    metavar="METRIC=NUMBER",
    help="How much a gated metric may fall: macro_f1 (0.01), top1 (0.01), flag_recall (0.02).",
)
@click.option(
    "--min-confirmed-test",
    default=100,
    show_default=True,
    type=click.IntRange(0),
    help="Refuse, before training, when the confirmed test set has fewer cases (see the README); "
    "0 with --holdout 0 trains on every confirmation, judged on the corpus test split only.",
)
@history_options
@data_option
@fail_cleanly
def retrain_command(
    since,
    dry_run: bool,
    holdout: float,
    tolerance: tuple[str, ...],
    min_confirmed_test: int,
    data: Path | None,
    history: bool,
    test_since,
    corpus_weight: float,
) -> None:
    """Retrain from confirmed cases + imported history + the corpus; promote only if not worse."""
    from service.config import Settings
    from service.confirmations import export_confirmed
    from service.history import export_history
    from training.retrain import comparison_table, retrain

    tolerances = _tolerances(tolerance)
    url = Settings.from_env().database_url
    confirmed = export_confirmed(url, since)
    past = export_history(url) if history else []
    click.echo(f"{len(confirmed)} confirmed cases and {len(past)} labeled history cases exported", err=True)
    with progress("retraining", 1) as bar:
        result = retrain(
            confirmed,
            data,
            holdout=holdout,
            tolerances=tolerances,
            dry_run=dry_run,
            min_confirmed_test=min_confirmed_test,
            history=past,
            test_since=test_since.date().isoformat() if test_since else None,
            corpus_weight=corpus_weight,
        )
        bar.update(1)
    click.echo(comparison_table(result))

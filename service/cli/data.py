"""`motivo data check`, `train`, `evaluate`, `predict`: the corpus and the model built from it."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from service.cli.options import (
    data_option,
    database_url,
    fail_cleanly,
    history_options,
    model_option,
    out_option,
    progress,
)


@click.group("data")
def data_group() -> None:
    """The labeled corpus."""


@data_group.command("check")
@data_option
@click.option("--no-quotas", is_flag=True, help="Check schema and duplicates only (a partial corpus).")
def data_check_command(data: Path | None, no_quotas: bool) -> None:
    """Validate the corpus: schema, codes, unique ids, quotas, duplicates, template smell; print the label table."""
    import pandas as pd

    from training.corpus import CorpusError
    from training.data_check import check_corpus

    try:
        report = check_corpus(data, quotas=not no_quotas)
    except CorpusError as error:
        raise click.ClickException(str(error)) from error
    if report.table is not None:
        with pd.option_context("display.max_rows", 100, "display.width", 120):
            click.echo(report.table.to_string())
        click.echo("")
        for key, value in report.summary.items():
            click.echo(f"{key:38s} {value}")
    for a, b, similarity in report.near_duplicates[:20]:
        click.echo(f"near duplicate: {a} ~ {b} ({similarity:.2f})")
    for error in report.errors:
        click.echo(f"error: {error}", err=True)
    if not report.ok:
        click.echo(f"corpus check failed: {len(report.errors)} error(s)", err=True)
        sys.exit(1)
    click.echo("corpus check passed")


@click.command("train")
@data_option
@out_option("Model registry folder (default: var/models or MOTIVO_MODEL_DIR).")
@click.option("--promote", is_flag=True, help="Make the new version CURRENT (the first version always is).")
@history_options
@fail_cleanly
def train_command(
    data: Path | None, out: Path | None, promote: bool, history: bool, test_since, corpus_weight: float
) -> None:
    """Train on the corpus `train` split (and the imported history), measure on the test sets,
    and write a new registry version."""
    from service.history import export_history
    from training import registry
    from training.history_training import train_with_history
    from training.retrain import source_table
    from training.train import train_from_corpus

    past = export_history(database_url()) if history else []
    with progress("training", 1) as bar:
        if past:
            since = test_since.date().isoformat() if test_since else None
            version, manifest, used, measured = train_with_history(
                past, data, out, test_since=since, corpus_weight=corpus_weight
            )
            click.echo("\n".join(source_table(used)))
            for name, m in measured.items():
                click.echo(
                    f"{name}: {m['cases']} cases, top-1 {m['top1']:.3f} macro F1 {m['macro_f1']:.3f} "
                    f"flag recall {m['flag_recall']:.3f}"
                )
        else:
            version, _, manifest = train_from_corpus(data, out)
        bar.update(1)
    if promote and registry.current_version(out) != version:
        registry.promote(version, out, reason="motivo train --promote")
    metrics = manifest.get("metrics", {})
    click.echo(f"trained {version} on {manifest['train_cases']} cases in {manifest['training_seconds']} s")
    if metrics:
        flag = metrics["flag"]
        click.echo(
            f"test split: top-1 {metrics['top1']:.3f} top-3 {metrics['top3']:.3f} macro F1 {metrics['macro_f1']:.3f} "
            f"flag precision {flag['precision']:.3f} recall {flag['recall']:.3f}"
        )
    click.echo(f"current model: {registry.current_version(out)}")


@click.command("evaluate")
@model_option
@click.option(
    "--data",
    "data_file",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help="JSON lines of labeled cases (default: the corpus test split).",
)
@out_option("Folder for metrics.json and report.html (default: var/reports/VERSION).")
@click.option("--no-peers", is_flag=True, help="Skip training the keyword and spaCy peers.")
@fail_cleanly
def evaluate_command(version: str | None, data_file: Path | None, out: Path | None, no_peers: bool) -> None:
    """Write metrics.json and an HTML report: per-label metrics, peers, calibration, worst errors."""
    from training.corpus import load_split
    from training.evaluate import evaluate_version
    from training.labeled_file import read_labeled_file

    test_cases = read_labeled_file(data_file) if data_file else load_split("test")
    train_cases = [] if no_peers else load_split("train")
    with progress("evaluating", 1) as bar:
        folder, metrics = evaluate_version(
            version, test_cases, str(data_file or "corpus test split"), out, train_cases
        )
        bar.update(1)
    for name, m in metrics["peers"].items():
        click.echo(
            f"{name:34s} top-1 {m['top1']:.3f} top-3 {m['top3']:.3f} micro F1 {m['micro_f1']:.3f} "
            f"macro F1 {m['macro_f1']:.3f} flag P {m['flag']['precision']:.3f} R {m['flag']['recall']:.3f}"
        )
    if len(metrics["by_batch"]) > 1:
        for name, m in metrics["by_batch"].items():
            click.echo(
                f"  batch {name:32s} {m['cases']:5d} cases  top-1 {m['top1']:.3f} top-3 {m['top3']:.3f} "
                f"micro F1 {m['micro_f1']:.3f} flag P {m['flag']['precision']:.3f} R {m['flag']['recall']:.3f}"
            )
    for cut, m in metrics["typing"].items():
        click.echo(
            f"  typing, cut at {float(cut):.0%}: precision {m['precision']:.3f} recall {m['recall']:.3f} "
            f"confident false/100 {m['confident_false_per_100']:.2f} flag FPR {m['flag_false_positive_rate']:.3f}"
        )
    if "short_notes" in metrics:
        m = metrics["short_notes"]
        click.echo(
            f"  short notes ({m['notes']}): top-1 {m['top1_where_stated']:.3f} suggested where stated "
            f"{m['suggested_where_stated']:.3f} silent where none {m['silent_where_none']:.3f} "
            f"precision {m['precision']:.3f} confident false/100 {m['confident_false_per_100']:.2f} "
            f"flag P {m['flag_precision']:.3f} R {m['flag_recall']:.3f}"
        )
    for name, m in metrics.get("batch_sets", {}).items():
        low, high = m["macro_f1_ci"]
        click.echo(
            f"  set {name} ({m['cases']} cases): top-1 {m['top1']:.3f} top-3 {m['top3']:.3f} "
            f"micro F1 {m['micro_f1']:.3f} macro F1 {m['macro_f1']:.3f} [{low:.2f}-{high:.2f}] "
            f"second reasons {m['second_reason_recall']:.3f} of {m['second_reasons']} "
            f"flag P {m['flag']['precision']:.3f} R {m['flag']['recall']:.3f}"
        )
    click.echo(f"wrote {folder / 'metrics.json'} and {folder / 'report.html'}")


@click.command("predict")
@model_option
@click.option("--batch-size", default=256, show_default=True, help="Cases per batch.")
@fail_cleanly
def predict_command(version: str | None, batch_size: int) -> None:
    """Read cases as JSON lines on stdin, write one suggestion per line (errors as error objects)."""
    from training import registry
    from training.predict import predict_lines

    loaded = registry.load(version)
    for line in predict_lines(loaded, sys.stdin, batch_size):
        sys.stdout.write(line + "\n")
    sys.stdout.flush()

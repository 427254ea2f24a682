"""The `motivo` command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from model.form_files import FailedImport, import_forms


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """motivo: suggests the 'Motivo desligamento' boxes of retention forms from their notes."""


@main.command("import-forms")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out", type=click.File("w", encoding="utf-8"), default="-", help="JSON lines output (default stdout)."
)
@click.option("--encoding", default="utf-8", show_default=True, help="Encoding of .txt exports.")
def import_forms_command(paths: tuple[Path, ...], out, encoding: str) -> None:
    """Read retention forms (.txt exports, .docx; files or folders) and write one JSON line per form.

    Files that fail are named on stderr; the others are still written. Exit code 1 if any failed.
    """
    failed = 0
    for result in import_forms(paths, encoding=encoding):
        if isinstance(result, FailedImport):
            failed += 1
            click.echo(f"error: {result.source}: {result.message}", err=True)
        else:
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
    out.flush()
    if failed:
        click.echo(f"{failed} file(s) failed", err=True)
        sys.exit(1)


@main.group("data")
def data_group() -> None:
    """The labeled corpus."""


@data_group.command("check")
@click.option(
    "--data",
    "data",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Labeled data folder (default: labeled_data/ or MOTIVO_DATA_DIR).",
)
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


def _data_option(function):
    return click.option(
        "--data",
        "data",
        type=click.Path(path_type=Path, file_okay=False),
        default=None,
        help="Labeled data folder (default: labeled_data/ or MOTIVO_DATA_DIR).",
    )(function)


def _fail_cleanly(function):
    """Turn the library's expected errors into one-line messages and exit code 1."""
    import functools

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        from model.taxonomy import UnknownLabelError
        from training.corpus import CorpusError
        from training.registry import RegistryError

        try:
            return function(*args, **kwargs)
        except (RegistryError, CorpusError, UnknownLabelError) as error:
            raise click.ClickException(str(error)) from error

    return wrapper


@main.command("train")
@_data_option
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Model registry folder (default: var/models or MOTIVO_MODEL_DIR).",
)
@click.option("--promote", is_flag=True, help="Make the new version CURRENT (the first version always is).")
@_fail_cleanly
def train_command(data: Path | None, out: Path | None, promote: bool) -> None:
    """Train on the corpus `train` split, measure on `test`, and write a new registry version."""
    from training import registry
    from training.train import train_from_corpus

    with _progress("training", 1) as bar:
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


@main.command("evaluate")
@click.option("--model", "version", default=None, help="Registry version (default: CURRENT).")
@click.option(
    "--data",
    "data_file",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help="JSON lines of labeled cases (default: the corpus test split).",
)
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder for metrics.json and report.html (default: var/reports/VERSION).",
)
@click.option("--no-peers", is_flag=True, help="Skip training the keyword and spaCy peers.")
@_fail_cleanly
def evaluate_command(version: str | None, data_file: Path | None, out: Path | None, no_peers: bool) -> None:
    """Write metrics.json and an HTML report: per-label metrics, peers, calibration, worst errors."""
    from training.corpus import load_split
    from training.evaluate import evaluate_version
    from training.labeled_file import read_labeled_file

    test_cases = read_labeled_file(data_file) if data_file else load_split("test")
    train_cases = [] if no_peers else load_split("train")
    with _progress("evaluating", 1) as bar:
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
    click.echo(f"wrote {folder / 'metrics.json'} and {folder / 'report.html'}")


@main.command("predict")
@click.option("--model", "version", default=None, help="Registry version (default: CURRENT).")
@click.option("--batch-size", default=256, show_default=True, help="Cases per batch.")
@_fail_cleanly
def predict_command(version: str | None, batch_size: int) -> None:
    """Read cases as JSON lines on stdin, write one suggestion per line (errors as error objects)."""
    from training import registry
    from training.predict import predict_lines

    loaded = registry.load(version)
    for line in predict_lines(loaded, sys.stdin, batch_size):
        sys.stdout.write(line + "\n")
    sys.stdout.flush()


@main.group("models")
def models_group() -> None:
    """The model registry: list, promote, rollback, history."""


@models_group.command("list")
@_fail_cleanly
def models_list() -> None:
    """Every version with its metrics; * marks CURRENT."""
    from training import registry

    current = registry.current_version()
    for version in registry.versions():
        manifest = registry.read_manifest(version)
        m = manifest.get("metrics") or {}
        summary = (
            f"top-1 {m['top1']:.3f} macro F1 {m['macro_f1']:.3f} flag R {m['flag']['recall']:.3f}"
            if m
            else "no metrics"
        )
        click.echo(
            f"{'*' if version == current else ' '} {version}  {manifest.get('train_cases', '?')} cases  {summary}"
        )


@models_group.command("promote")
@click.argument("version")
@_fail_cleanly
def models_promote(version: str) -> None:
    """Make VERSION the serving model (it is verified first)."""
    from training import registry

    registry.promote(version, reason="motivo models promote")
    click.echo(f"current model: {version}")


@models_group.command("rollback")
@_fail_cleanly
def models_rollback() -> None:
    """Serve again the version that served before the latest promotion."""
    from training import registry

    click.echo(f"current model: {registry.rollback()}")


@models_group.command("history")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per event.")
@_fail_cleanly
def models_history(as_json: bool) -> None:
    """Every registry event: trainings (with their data), promotions, rollbacks, retrain decisions."""
    from training import registry

    for event in registry.history():
        if as_json:
            click.echo(json.dumps(event, ensure_ascii=False))
            continue
        kind = event.get("event", "?")
        line = f"{event.get('at')}  {kind:12s} {event.get('version') or '-'}"
        if kind == "trained":
            line += f"  data {str(event.get('data_hash'))[:12]}"
        elif kind in ("promoted", "rolled_back"):
            line += f"  (was {event.get('previous') or 'none'})" + (
                f"  {event['reason']}" if event.get("reason") else ""
            )
        elif kind == "retrain":
            data = event.get("data", {})
            line += (
                f"  {event.get('decision', '?').upper()} vs {event.get('current') or 'none'}; confirmed "
                f"train {data.get('confirmed_train')} test {data.get('confirmed_test')}, "
                f"conflicts {data.get('conflicts')}"
            )
            for name, metrics in (event.get("metrics", {}).get("candidate") or {}).items():
                current = (event.get("metrics", {}).get("current") or {}).get(name, {})
                line += f"\n      {name}: " + ", ".join(
                    f"{m} {current.get(m, float('nan')):.3f}->{metrics.get(m, float('nan')):.3f}"
                    for m in ("macro_f1", "top1", "flag_recall")
                )
            for reason in event.get("why", []):
                line += f"\n      refused: {reason}"
        click.echo(line)


def _progress(label: str, total: int):
    from tqdm import tqdm

    return tqdm(total=total, desc=label, disable=not sys.stderr.isatty(), file=sys.stderr)


@main.command("audit")
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--self", "self_audit", is_flag=True, help="Audit the labeled corpus with cross-validated probabilities."
)
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("var/audit"),
    show_default=True,
    help="Folder for findings.csv, errors.csv and report.html.",
)
@click.option("--model", "version", default=None, help="Registry version (default: CURRENT).")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64), help="Worker processes.")
@click.option("--id", "id_column", default=None, help="CSV/XLSX column with the form id.")
@click.option("--notes", default=None, help="CSV/XLSX contact-note columns, comma-separated, in order.")
@click.option("--general", default=None, help="CSV/XLSX column with the general note.")
@click.option(
    "--reasons", default=None, help="CSV/XLSX column with the ticked reasons (codes or printed texts)."
)
@click.option("--flag", default=None, help="CSV/XLSX column with the 'Ameaça Judicialização' tick.")
@click.option("--agent", default=None, help="CSV/XLSX column with the agent's name.")
@click.option(
    "--separator", default=";", show_default=True, help="Separator of the ticked reasons in one cell."
)
@_fail_cleanly
def audit_command(
    inputs, self_audit, out, version, workers, id_column, notes, general, reasons, flag, agent, separator
) -> None:
    """Rank the boxes that look wrongly ticked or missing in filled forms (JSONL, CSV, XLSX, form folders)."""
    from tqdm import tqdm

    from training import registry
    from training.audit_inputs import Columns, read_audit_input
    from training.audit_report import render_audit_report
    from training.audit_run import audited_rows, write_audit

    if self_audit == bool(inputs):
        raise click.UsageError("give INPUT files/folders, or --self (and not both)")
    bar = tqdm(desc="auditing", unit=" forms", disable=not sys.stderr.isatty(), file=sys.stderr)
    if self_audit:
        from training.self_audit import self_audit as run_self_audit

        folds = tqdm(total=5, desc="cross-validating", disable=not sys.stderr.isatty(), file=sys.stderr)
        results = run_self_audit(progress=folds.update)
        model_version, described = "5-fold cross-validation on the corpus", "labeled corpus (--self)"
    else:
        loaded = registry.load(version)
        columns = Columns(
            id=id_column,
            notes=tuple(n.strip() for n in notes.split(",")) if notes else None,
            general=general,
            reasons=reasons,
            flag=flag,
            agent=agent,
            separator=separator,
        )
        results = audited_rows(read_audit_input(list(inputs), columns), loaded.model, workers=workers)
        model_version, described = loaded.version, ", ".join(str(i) for i in inputs)
    summary = write_audit(results, out, progress=bar.update)
    bar.close()
    (out / "report.html").write_text(render_audit_report(summary, model_version, described), encoding="utf-8")
    click.echo(
        f"audited {summary.forms_audited} forms ({summary.bad_rows} bad rows) in {summary.seconds:.1f} s: "
        f"{summary.findings} findings " + ", ".join(f"{k} {n}" for k, n in summary.by_kind.most_common())
    )
    click.echo(f"wrote {out / 'findings.csv'}, {out / 'errors.csv'} and {out / 'report.html'}")


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


@main.command("retrain")
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
@_data_option
@_fail_cleanly
def retrain_command(
    since, dry_run: bool, holdout: float, tolerance: tuple[str, ...], data: Path | None
) -> None:
    """Retrain from confirmed cases + the corpus; promote the candidate only if it is not worse."""
    from service.config import Settings
    from training.retrain import comparison_table, export_confirmed, retrain

    tolerances = _tolerances(tolerance)
    confirmed = export_confirmed(Settings.from_env().database_url, since)
    click.echo(f"{len(confirmed)} confirmed cases exported", err=True)
    with _progress("retraining", 1) as bar:
        result = retrain(confirmed, data, holdout=holdout, tolerances=tolerances, dry_run=dry_run)
        bar.update(1)
    click.echo(comparison_table(result))


@main.command("serve")
@click.option("--bind", default="127.0.0.1:8000", show_default=True, help="HOST:PORT to listen on.")
@click.option(
    "--workers", default=2, show_default=True, type=click.IntRange(1, 64), help="gunicorn worker processes."
)
@click.option(
    "--threads",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Threads per worker; above 1, gthread workers (measured slower here: the model holds the GIL).",
)
@click.option(
    "--bootstrap", is_flag=True, help="First run: train the default model and create a token if missing."
)
@_fail_cleanly
def serve_command(bind: str, workers: int, threads: int, bootstrap: bool) -> None:
    """Serve the HTTP API (and the agents' page) with gunicorn."""
    from service.config import Settings
    from service.serve import bootstrap as run_bootstrap
    from service.serve import exec_gunicorn

    if bootstrap:
        run_bootstrap(Settings.from_env())
    click.echo(f"serving on http://{bind} (API docs at /docs, OpenAPI at /openapi.json)", err=True)
    exec_gunicorn(bind, workers, threads)


@main.group("tokens")
def tokens_group() -> None:
    """API tokens (each request to /v1 needs 'Authorization: Bearer <token>')."""


def _engine():
    from service import db
    from service.config import Settings

    return db.make_engine(Settings.from_env().database_url)


@tokens_group.command("create")
@click.argument("name")
def tokens_create(name: str) -> None:
    """Create a token for NAME (recorded on every confirmation it makes); printed once, on the last line."""
    from service import db

    try:
        token = db.create_token(_engine(), name)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"token for {name!r} (store it now: only its hash is kept):")
    click.echo(token)


@tokens_group.command("revoke")
@click.argument("name")
def tokens_revoke(name: str) -> None:
    """Revoke every token of NAME."""
    from service import db

    count = db.revoke_token(_engine(), name)
    if not count:
        raise click.ClickException(f"no active token named {name!r}")
    click.echo(f"revoked {count} token(s) of {name!r}")


if __name__ == "__main__":
    main()

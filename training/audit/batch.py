"""The audit's one entry point: audit forms (or the corpus) and write findings.csv, errors.csv, report.html."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from training import registry
from training.audit.findings import CaseAudit
from training.audit.inputs import AuditRow, Columns, read_audit_input
from training.audit.report import render_audit_report
from training.audit.run import AuditSummary, audited_rows, write_audit
from training.audit.self_audit import history_self_audit, self_audit


def run_audit(
    out_dir: Path,
    *,
    inputs: Sequence[Path] = (),
    version: str | None = None,
    columns: Columns | None = None,
    workers: int = 2,
    corpus: bool = False,
    data_dir: Path | None = None,
    progress: Callable[[int], None] | None = None,
    fold_progress: Callable[[int], None] | None = None,
    suppress: Callable[[dict[str, Any], dict[str, Any]], bool] | None = None,
    on_case: Callable[[AuditRow, CaseAudit], None] | None = None,
    history: Sequence[dict[str, Any]] | None = None,
    history_name: str = "",
) -> AuditSummary:
    """Audit `inputs` with a registry version (default CURRENT), or with `corpus=True` the labeled
    corpus by cross-validation; write findings.csv, suggestions.csv, errors.csv and report.html
    into `out_dir` and return the summary. `suppress` and `on_case`: see `write_audit`."""
    if history is not None:
        results = history_self_audit(history, data_dir, progress=fold_progress)
        model_version = "5-fold cross-validation on the history (+ the corpus train split)"
        described = f"imported history {history_name!r} (--self --source)"
    elif corpus:
        results = self_audit(data_dir, progress=fold_progress)
        model_version, described = "5-fold cross-validation on the corpus", "labeled corpus (--self)"
    else:
        loaded = registry.load(version)
        results = audited_rows(read_audit_input(list(inputs), columns), loaded.model, workers=workers)
        model_version, described = loaded.version, ", ".join(str(i) for i in inputs)
    summary = write_audit(results, out_dir, progress=progress, suppress=suppress, on_case=on_case)
    (out_dir / "report.html").write_text(
        render_audit_report(summary, model_version, described), encoding="utf-8"
    )
    return summary

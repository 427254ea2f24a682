"""`motivo audit`: findings for many forms, ranked, with bounded memory and all cores.

Forms are audited in chunks by worker processes (forked after the model is loaded, so they
share it); at most a few chunks are in flight, so a large input never sits in memory. Each
chunk's findings are sorted and spilled to a file; the spills are merged into the ranked
`findings.csv`. Bad rows go to `errors.csv`; the rest of the audit goes on.
"""

from __future__ import annotations

import collections
import heapq
import itertools
import json
import multiprocessing
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from model.motivo_model import MotivoModel
from model.suggest import warm_up
from training.audit.findings import SUGGESTION_KINDS, CaseAudit, audit_cases
from training.audit.inputs import AuditRow, BadRow
from training.safe_csv import SafeWriter

FINDING_COLUMNS = [
    "rank",
    "form_id",
    "code",
    "label",
    "kind",
    "probability",
    "score",
    "evidence",
    "instead",
    "agent",
    "source",
]
SUGGESTION_COLUMNS = ["form_id", "code", "label", "probability", "evidence", "agent", "source"]
ERROR_COLUMNS = ["source", "id", "reason"]
CHUNK_SIZE = 400
REPORT_TOP = 300

_worker_model: MotivoModel | None = None
_worker_confident: np.ndarray | None = None


def _audit_chunk(cases: list[dict[str, Any]]) -> list[CaseAudit]:
    return audit_cases(_worker_model, cases, _worker_confident)


def evidence_text(evidence: list[dict[str, Any]], top: int = 3) -> str:
    """A finding's evidence as one CSV cell: 'observations[1]: «text» | general_note: «text»'."""
    parts = []
    for span in evidence[:top]:
        where = span["field"] if span["index"] is None else f"{span['field']}[{span['index']}]"
        parts.append(f"{where}: «{span['text']}»")
    return " | ".join(parts)


@dataclass
class AuditSummary:
    out_dir: Path
    forms_read: int = 0
    forms_audited: int = 0
    forms_without_ticks: int = 0
    bad_rows: int = 0
    findings: int = 0
    suggestions: int = 0
    suppressed: int = 0
    seconds: float = 0.0
    unread: list[str] = field(default_factory=list)  # inputs (files) that could not be read, with why
    by_kind: collections.Counter = field(default_factory=collections.Counter)
    by_label: dict[str, collections.Counter] = field(default_factory=dict)
    by_agent: dict[str, collections.Counter] = field(default_factory=dict)
    top: list[tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    top_suggestions: list[tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=list)

    @property
    def has_agents(self) -> bool:
        return any(agent for agent in self.by_agent)

    def failure(self) -> str | None:
        """Why the run failed as a whole (an input not read, nothing audited), in one line, or None."""
        if self.unread:
            more = f" (and {len(self.unread) - 1} more inputs)" if len(self.unread) > 1 else ""
            return f"could not read {self.unread[0]}{more}; see errors.csv"
        if not self.forms_audited:
            return f"nothing audited: {self.bad_rows} rows could not be audited; see errors.csv"
        return None


def audited_rows(
    rows: Iterable[AuditRow | BadRow],
    model: MotivoModel,
    workers: int = 2,
    chunk_size: int = CHUNK_SIZE,
    confident: np.ndarray | None = None,
) -> Iterator[tuple[AuditRow | BadRow, CaseAudit | None]]:
    """Each input row with its findings (None for a bad row), in input order."""
    global _worker_model, _worker_confident
    _worker_model, _worker_confident = model, confident
    chunks = _chunks(rows, chunk_size)
    if workers <= 1:
        for chunk in chunks:
            yield from _pair(chunk, _audit_chunk([r.case for r in chunk if isinstance(r, AuditRow)]))
        return
    # fork: the workers inherit the loaded model (and, warmed up, its lazy tables) instead of
    # each loading its own.
    warm_up(model)
    pool = multiprocessing.get_context("fork").Pool(workers)
    try:
        in_flight: collections.deque = collections.deque()
        for chunk in chunks:
            in_flight.append(
                (chunk, pool.apply_async(_audit_chunk, ([r.case for r in chunk if isinstance(r, AuditRow)],)))
            )
            if len(in_flight) >= workers * 2:
                done, result = in_flight.popleft()
                yield from _pair(done, result.get())
        while in_flight:
            done, result = in_flight.popleft()
            yield from _pair(done, result.get())
    finally:
        # Close, not terminate (what `with Pool()` does): a worker killed while it sends a result
        # leaves the pool's result thread waiting for the rest of that message forever, so an
        # audit stopped early (its reader closed) could hang. At most 2 x workers chunks are in
        # flight, so letting them finish is short.
        pool.close()
        pool.join()


def _chunks(rows: Iterable[AuditRow | BadRow], size: int) -> Iterator[list[AuditRow | BadRow]]:
    chunk: list[AuditRow | BadRow] = []
    good = 0
    for row in rows:
        chunk.append(row)
        good += isinstance(row, AuditRow)
        if good >= size:
            yield chunk
            chunk, good = [], 0
    if chunk:
        yield chunk


def _pair(chunk: list[AuditRow | BadRow], findings: list[CaseAudit]):
    results = iter(findings)
    for row in chunk:
        yield row, (next(results) if isinstance(row, AuditRow) else None)


def instead_text(boxes: list[dict[str, Any]]) -> str:
    """The other side of a finding as one CSV cell: 'valores (0.91) | glosas (0.40)'."""
    return " | ".join(f"{box['code']} ({box['probability']:.2f})" for box in boxes)


class _Ranked:
    """The `size` highest-scoring (finding, case) pairs seen, ties kept in input order."""

    def __init__(self, size: int):
        self.size, self.heap = size, []

    def offer(self, score: float, n: int, finding: dict[str, Any], case: dict[str, Any]) -> None:
        entry = (score, -n, finding, case)
        if len(self.heap) < self.size:
            heapq.heappush(self.heap, entry)
        elif entry[:2] > self.heap[0][:2]:
            heapq.heapreplace(self.heap, entry)

    def best_first(self) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        return [(f, c) for _, _, f, c in sorted(self.heap, key=lambda e: (-e[0], -e[1]))]


def write_audit(
    results: Iterable[tuple[AuditRow | BadRow, CaseAudit | None]],
    out_dir: Path,
    report_top: int = REPORT_TOP,
    progress: Callable[[int], None] | None = None,
    suppress: Callable[[dict[str, Any], dict[str, Any]], bool] | None = None,
    on_case: Callable[[AuditRow, CaseAudit], None] | None = None,
) -> AuditSummary:
    """findings.csv (ranked, most suspicious first), suggestions.csv (forms whose boxes are
    unknown) and errors.csv from audited rows.

    `suppress(case, finding)` True drops a finding (QA already rejected it); `on_case` sees every
    audited form with its remaining findings (e.g. to store a review batch).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = AuditSummary(out_dir)
    started = time.perf_counter()
    spill_dir = Path(tempfile.mkdtemp(prefix=".spill-", dir=out_dir))
    spills: list[Path] = []
    buffer: list[tuple[float, int, list[Any]]] = []
    top, top_suggestions = _Ranked(report_top), _Ranked(report_top)
    sequence = itertools.count()
    try:
        with (
            open(out_dir / "errors.csv", "w", newline="", encoding="utf-8") as errors_file,
            open(out_dir / "suggestions.csv", "w", newline="", encoding="utf-8") as suggestions_file,
        ):
            errors, suggestions = SafeWriter(errors_file), SafeWriter(suggestions_file)
            errors.writerow(ERROR_COLUMNS)
            suggestions.writerow(SUGGESTION_COLUMNS)
            for row, audited in results:
                summary.forms_read += 1
                if progress:
                    progress(1)
                if isinstance(row, BadRow):
                    summary.bad_rows += 1
                    if row.whole_input:
                        summary.unread.append(f"{row.source}: {row.reason}")
                    errors.writerow([row.source, row.extra.get("id", ""), row.reason])
                    continue
                summary.forms_audited += 1
                summary.forms_without_ticks += row.case.get("reasons") is None
                agent = str(row.agent) if row.agent else ""
                by_agent = summary.by_agent.setdefault(agent, collections.Counter())
                by_agent["forms"] += 1
                kept = []
                for finding in audited.findings:
                    case = {**row.case, "agent": agent, "source": row.source}
                    n = next(sequence)
                    if finding["kind"] in SUGGESTION_KINDS:
                        summary.suggestions += 1
                        suggestions.writerow(
                            [
                                row.case.get("id"),
                                finding["code"],
                                finding["label"],
                                finding["probability"],
                                evidence_text(finding["evidence"]),
                                agent,
                                row.source,
                            ]
                        )
                        top_suggestions.offer(finding["score"], n, finding, case)
                        continue
                    if suppress and suppress(row.case, finding):
                        summary.suppressed += 1
                        continue
                    kept.append(finding)
                    summary.findings += 1
                    summary.by_kind[finding["kind"]] += 1
                    summary.by_label.setdefault(finding["code"], collections.Counter())[finding["kind"]] += 1
                    by_agent["findings"] += 1
                    by_agent[finding["kind"]] += 1
                    buffer.append(
                        (
                            finding["score"],
                            n,
                            [
                                row.case.get("id"),
                                finding["code"],
                                finding["label"],
                                finding["kind"],
                                finding["probability"],
                                finding["score"],
                                evidence_text(finding["evidence"]),
                                instead_text(finding["instead"]),
                                agent,
                                row.source,
                            ],
                        )
                    )
                    top.offer(finding["score"], n, finding, case)
                if on_case and kept:
                    on_case(row, CaseAudit(kept, audited.suggested, audited.flag))
                if len(buffer) >= 20_000:
                    spills.append(_spill(buffer, spill_dir, len(spills)))
                    buffer = []
        if buffer:
            spills.append(_spill(buffer, spill_dir, len(spills)))
        _merge(spills, out_dir / "findings.csv")
    finally:
        shutil.rmtree(spill_dir, ignore_errors=True)
    summary.top, summary.top_suggestions = top.best_first(), top_suggestions.best_first()
    summary.seconds = time.perf_counter() - started
    return summary


def _spill(buffer: list[tuple[float, int, list[Any]]], folder: Path, index: int) -> Path:
    path = folder / f"{index:06d}.jsonl"
    buffer.sort(key=lambda item: (-item[0], item[1]))
    with open(path, "w", encoding="utf-8") as handle:
        for score, n, values in buffer:
            handle.write(json.dumps([score, n, values], ensure_ascii=False) + "\n")
    return path


def _merge(spills: list[Path], target: Path) -> None:
    files = [open(path, encoding="utf-8") for path in spills]  # noqa: SIM115 - closed below
    try:
        streams = [(json.loads(line) for line in handle) for handle in files]
        merged = heapq.merge(*streams, key=lambda item: (-item[0], item[1]))
        with open(target, "w", newline="", encoding="utf-8") as out:
            writer = SafeWriter(out)
            writer.writerow(FINDING_COLUMNS)
            for rank, (_, _, values) in enumerate(merged, 1):
                writer.writerow([rank, *values])
    finally:
        for handle in files:
            handle.close()

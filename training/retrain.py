"""`motivo retrain`: learn from confirmed cases, and promote the result only if it is not worse.

1. The latest confirmation of every form (agents' and QA corrections, already masked), the
   imported history (`motivo history import`) and the corpus `train` split make the training
   set by the one rule of training/training_set.py (the guard, QA over agent for a form,
   confirmed over history over corpus for a text). `corpus_weight` sets how much a corpus case
   counts against the operator's own.
2. A fixed share of the confirmed cases and of the history, chosen by a hash of the form id, is
   the "confirmed test" and "history test" sets and never trains; with `test_since`, the history
   dated from then on is the "history since" set. With fewer than `min_confirmed_test` cases in
   the confirmed test set, the gate refuses before training: a handful of cases cannot tell a
   better model from a worse one.
3. A candidate is trained; it and the current model are measured on every test set.
4. The candidate is promoted only if, on every set, no gated metric falls by more than its
   tolerance. Decision, metrics and data hashes go into the registry's history.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from model.masking import mask
from training import registry
from training.corpus import load_split
from training.train import data_hash, fit_model, test_metrics, train_version
from training.training_set import RECENT, SOURCES, TrainingSet, build

DEFAULT_TOLERANCES = {"macro_f1": 0.01, "top1": 0.01, "flag_recall": 0.02}
DEFAULT_HOLDOUT = 0.2
# Below 100 cases one changed prediction moves top-1 by more than its 0.01 tolerance, and most
# of the 30 labels have no case at all: the gate would pass or refuse by chance.
MIN_CONFIRMED_TEST = 100
# The hand-written corpus counts as much as the operator's own cases by default (see the README:
# `motivo history report` shows what this does on the history test set).
DEFAULT_CORPUS_WEIGHT = 1.0


@dataclass
class RetrainResult:
    data: TrainingSet
    candidate: dict[str, dict[str, float]]
    current: dict[str, dict[str, float]] | None
    current_version: str | None
    promote: bool
    reasons: list[str]
    version: str | None = None
    trained: bool = True
    min_test: int = MIN_CONFIRMED_TEST  # a history test set smaller than this is shown, not gated


def too_small(data: TrainingSet, minimum: int) -> str | None:
    """Why the confirmed test set cannot judge a candidate trained on confirmations, or None."""
    confirmed = len(data.confirmed_train) + len(data.confirmed_test)
    if confirmed and len(data.confirmed_test) < minimum:
        return (
            f"the confirmed test set has {len(data.confirmed_test)} cases; at least {minimum} are needed to "
            f"judge a model trained on confirmations ({confirmed} usable confirmed forms so far)"
        )
    return None


def test_sets(data: TrainingSet, test_since: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """Every set a candidate is judged on: the corpus test split, the held-out confirmations,
    the held-out history (by a hash of its id) and, with `test_since`, the history from then on."""
    sets = {
        "corpus test": data.corpus_test,
        "confirmed test": data.confirmed_test,
        "history test": data.held_out.get("history", []),
    }
    if test_since:
        sets[f"history since {test_since}"] = data.held_out.get(RECENT, [])
    return sets


def gated_metrics(model, cases: Sequence[dict[str, Any]]) -> dict[str, float]:
    if not cases:
        return {}
    metrics = test_metrics(model, cases)
    return {
        "cases": len(cases),
        "macro_f1": metrics["macro_f1"],
        "top1": metrics["top1"],
        "flag_recall": metrics["flag"]["recall"] if metrics["flag"]["support"] else float("nan"),
    }


def gated_sets(metrics: dict[str, dict[str, float]], minimum: int) -> dict[str, dict[str, float]]:
    """The sets that judge a candidate: the corpus and confirmed test sets, and a history set once
    it holds `minimum` cases (fewer would pass or refuse by chance; it is still shown)."""
    return {
        name: m
        for name, m in metrics.items()
        if not name.startswith("history") or m.get("cases", 0) >= minimum
    }


def gate(
    candidate: dict[str, dict[str, float]], current: dict[str, dict[str, float]], tolerances: dict[str, float]
) -> list[str]:
    """Why the candidate is worse than the current model (empty: it may be promoted)."""
    reasons = []
    for dataset, metrics in candidate.items():
        for name, tolerance in tolerances.items():
            new, old = metrics.get(name, math.nan), current.get(dataset, {}).get(name, math.nan)
            if math.isnan(new) or math.isnan(old):
                continue
            if new < old - tolerance:
                reasons.append(
                    f"{name} on {dataset} fell from {old:.4f} to {new:.4f} (tolerance {tolerance})"
                )
    return reasons


def retrain(
    confirmed: Sequence[dict[str, Any]],
    data_dir: Path | None = None,
    root: Path | None = None,
    holdout: float = DEFAULT_HOLDOUT,
    tolerances: dict[str, float] | None = None,
    dry_run: bool = False,
    min_confirmed_test: int = MIN_CONFIRMED_TEST,
    history: Sequence[dict[str, Any]] = (),
    test_since: str | None = None,
    corpus_weight: float = DEFAULT_CORPUS_WEIGHT,
) -> RetrainResult:
    """Train a candidate on corpus + confirmed cases + imported history, compare it with CURRENT on
    every test set, promote if not worse."""
    tolerances = tolerances or DEFAULT_TOLERANCES
    data = build(
        load_split("train", data_dir),
        load_split("test", data_dir),
        [*confirmed, *history],
        holdout,
        test_since=test_since,
    )
    sets = test_sets(data, test_since)
    current_version = registry.current_version(root)
    data_info = {
        "corpus_weight": corpus_weight,
        "test_since": test_since,
        "history_train": sum(c["source"] == "history" for c in data.train),
        "history_test": len(data.held_out.get("history", [])),
        "history_recent_test": len(data.held_out.get(RECENT, [])),
        "corpus_train_hash": data_hash([c for c in data.train if c["source"] == "corpus"]),
        "confirmed_train_hash": data_hash(data.confirmed_train),
        "confirmed_test_hash": data_hash(data.confirmed_test),
        "history_train_hash": data_hash([c for c in data.train if c["source"] == "history"]),
        "history_test_hash": data_hash(data.held_out.get("history", [])),
        "confirmed_train": len(data.confirmed_train),
        "confirmed_test": len(data.confirmed_test),
        "overridden_corpus_cases": data.counts["corpus"]["replaced"],
        "conflicts": len(data.conflicts),
        "left_out": len(data.left_out),
        "sources": {source: dict(data.counts[source]) for source in SOURCES},
    }
    refusal = too_small(data, min_confirmed_test)
    if refusal:
        if not dry_run:
            registry.append_history(
                {
                    "event": "retrain",
                    "version": None,
                    "current": current_version,
                    "decision": "refused",
                    "why": [refusal],
                    "tolerances": tolerances,
                    "metrics": {"candidate": None, "current": None},
                    "data": data_info,
                },
                root,
            )
        return RetrainResult(data, {}, None, current_version, False, [refusal], None, trained=False)
    current_model = registry.load(current_version, root).model if current_version else None
    if dry_run:
        model, version = fit_model(data.train, corpus_weight), None
    else:
        version, model, _ = train_version(
            data.train,
            data.corpus_test,
            root,
            {"data": "+".join(s for s in SOURCES[::-1] if data.counts[s]["train"]), **data_info},
            corpus_weight=corpus_weight,
        )
    candidate = {name: gated_metrics(model, cases) for name, cases in sets.items() if cases}
    current = (
        {name: gated_metrics(current_model, cases) for name, cases in sets.items() if cases}
        if current_model
        else None
    )
    reasons = gate(gated_sets(candidate, min_confirmed_test), current, tolerances) if current else []
    promote = not reasons
    if not dry_run:
        registry.append_history(
            {
                "event": "retrain",
                "version": version,
                "current": current_version,
                "decision": "promoted" if promote else "refused",
                "why": reasons,
                "tolerances": tolerances,
                "metrics": {"candidate": candidate, "current": current},
                "data": data_info,
            },
            root,
        )
        if promote:
            registry.promote(version, root, reason="retrain: not worse than the current model")
    return RetrainResult(
        data, candidate, current, current_version, promote, reasons, version, min_test=min_confirmed_test
    )


_COUNT_COLUMNS = (
    "offered",
    "guarded out",
    "replaced",
    "same text",
    "conflicting",
    "in corpus test",
    "train",
    "test",
    "recent test",
)


def source_table(data: TrainingSet) -> list[str]:
    """Per source: how many cases were offered and where each went."""
    header = f"{'source':8s}" + "".join(f"{name:>15s}" for name in _COUNT_COLUMNS)
    lines = [header, "-" * len(header)]
    for source in SOURCES:
        counts = data.counts.get(source, {})
        if any(counts.values()):
            lines.append(f"{source:8s}" + "".join(f"{counts.get(name, 0):>15d}" for name in _COUNT_COLUMNS))
    return lines


def comparison_table(result: RetrainResult) -> str:
    """The readable report `motivo retrain` prints: sources, cases left out (by id), metrics, decision."""
    data = result.data
    lines = [
        f"data: {len(data.train)} training cases ({len(data.confirmed_train)} confirmed); "
        f"confirmed test {len(data.confirmed_test)}; history test {len(data.held_out.get('history', []))}; "
        f"history recent test {len(data.held_out.get(RECENT, []))}; left out by the guard {len(data.left_out)}; "
        f"conflicts {len(data.conflicts)}",
        "",
        *source_table(data),
    ]
    for item in data.left_out[:20]:
        # Cases by id, never by text; a form number an agent typed may be a CPF, so it is masked.
        lines.append(
            f"  left out: {item.source} case {item.case_id} (form {mask(str(item.form_id))}): {item.why}"
        )
    if len(data.left_out) > 20:
        lines.append(f"  ... and {len(data.left_out) - 20} more left out")
    for conflict in data.conflicts[:10]:
        lines.append(
            f"  conflict: {conflict['source']} forms {[mask(str(f)) for f in conflict['form_ids']]} "
            f"(cases {conflict['case_ids']}) disagree: {conflict['labels']}"
        )
    header = f"{'set':28s} {'metric':12s} {'current':>9s} {'candidate':>10s} {'change':>8s}"
    lines += ["", header, "-" * len(header)]
    for dataset, metrics in result.candidate.items():
        if dataset.startswith("history") and metrics.get("cases", 0) < result.min_test:
            lines.append(
                f"{dataset}: {metrics.get('cases', 0)} cases, shown but not gated (< {result.min_test})"
            )
        for name in ("macro_f1", "top1", "flag_recall"):
            new = metrics.get(name, math.nan)
            old = (result.current or {}).get(dataset, {}).get(name, math.nan)
            change = "" if math.isnan(new) or math.isnan(old) else f"{new - old:+.4f}"
            shown_old = "n/a" if math.isnan(old) else f"{old:.4f}"
            shown_new = "n/a" if math.isnan(new) else f"{new:.4f}"
            lines.append(f"{dataset:28s} {name:12s} {shown_old:>9s} {shown_new:>10s} {change:>8s}")
    lines.append("")
    if not result.trained:
        lines.append(f"REFUSED before training; {result.current_version or 'nothing'} keeps serving")
    elif result.version is None:
        verdict = "would be PROMOTED" if result.promote else "would be REFUSED"
        lines.append(f"dry run: nothing written; the candidate {verdict}")
    elif result.promote:
        lines.append(f"PROMOTED {result.version} (was {result.current_version or 'none'})")
    else:
        lines.append(f"REFUSED {result.version}; {result.current_version} keeps serving")
    lines += [f"  - {reason}" for reason in result.reasons]
    return "\n".join(lines)

"""`motivo retrain`: learn from confirmed cases, and promote the result only if it is not worse.

1. The latest confirmation of every form is exported (already masked) and merged with the
   corpus `train` split; a confirmed case replaces a corpus case with the same text.
   Confirmations of the same text that disagree are reported and left out.
2. A fixed share of the confirmed cases, chosen by a hash of the form id, is the "confirmed
   test" set and never trains.
3. A candidate is trained; it and the current model are measured on the corpus `test` split
   and on the confirmed test set.
4. The candidate is promoted only if, on both sets, no gated metric falls by more than its
   tolerance. Decision, metrics and data hashes go into the registry's history.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from model.cases import case_text
from model.masking import mask
from model.normalize import fold
from training import registry
from training.corpus import load_split
from training.train import data_hash, fit_model, test_metrics, train_version

DEFAULT_TOLERANCES = {"macro_f1": 0.01, "top1": 0.01, "flag_recall": 0.02}
DEFAULT_HOLDOUT = 0.2


@dataclass
class RetrainData:
    train: list[dict[str, Any]]
    corpus_test: list[dict[str, Any]]
    confirmed_train: list[dict[str, Any]]
    confirmed_test: list[dict[str, Any]]
    overridden: int = 0
    conflicts: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class RetrainResult:
    data: RetrainData
    candidate: dict[str, dict[str, float]]
    current: dict[str, dict[str, float]] | None
    current_version: str | None
    promote: bool
    reasons: list[str]
    version: str | None = None


def text_key(case: dict[str, Any]) -> str:
    """What makes two cases 'the same text': masked, folded, whitespace-insensitive."""
    return " ".join(fold(mask(case_text(case))).split())


def in_holdout(case: dict[str, Any], share: float) -> bool:
    """Stable choice of the confirmed test set: a hash of the form id (or of the text)."""
    key = case.get("form_id") or text_key(case)
    return int(hashlib.sha256(str(key).encode("utf-8")).hexdigest()[:8], 16) / 0xFFFFFFFF < share


def _labels(case: dict[str, Any]) -> tuple[tuple[str, ...], bool]:
    return tuple(sorted(case["reasons"])), bool(case["judicializacao"])


def merge(
    corpus_train: Sequence[dict[str, Any]],
    corpus_test: Sequence[dict[str, Any]],
    confirmed: Iterable[dict[str, Any]],
    holdout: float = DEFAULT_HOLDOUT,
) -> RetrainData:
    """Training and test sets from the corpus and the confirmed cases (see the module doc)."""
    by_text: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for case in confirmed:
        by_text[text_key(case)].append(case)
    conflicts, agreed = [], {}
    for key, cases in by_text.items():
        if len({_labels(c) for c in cases}) > 1:
            conflicts.append(
                {
                    "form_ids": [c.get("form_id") for c in cases],
                    "confirmation_ids": [c.get("id") for c in cases],
                    "labels": sorted({str(_labels(c)) for c in cases}),
                    "text": key[:120],
                }
            )
        else:
            agreed[key] = cases[-1]
    test_keys = {text_key(c) for c in corpus_test}
    kept_train = [c for c in corpus_train if text_key(c) not in agreed]
    confirmed_cases = [
        {
            "id": f"confirmed-{case.get('id')}",
            "form_id": case.get("form_id"),
            "observations": case["observations"],
            "general_note": case["general_note"],
            "reasons": case["reasons"],
            "judicializacao": case["judicializacao"],
            "status": case.get("status"),
        }
        for key, case in agreed.items()
        if key not in test_keys  # the corpus test split stays as written
    ]
    confirmed_test = [c for c in confirmed_cases if in_holdout(c, holdout)]
    confirmed_train = [c for c in confirmed_cases if not in_holdout(c, holdout)]
    return RetrainData(
        train=kept_train + confirmed_train,
        corpus_test=list(corpus_test),
        confirmed_train=confirmed_train,
        confirmed_test=confirmed_test,
        overridden=len(corpus_train) - len(kept_train),
        conflicts=conflicts,
    )


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
) -> RetrainResult:
    """Train a candidate on corpus + confirmed cases, compare it with CURRENT, promote if not worse."""
    tolerances = tolerances or DEFAULT_TOLERANCES
    data = merge(load_split("train", data_dir), load_split("test", data_dir), confirmed, holdout)
    sets = {"corpus test": data.corpus_test, "confirmed test": data.confirmed_test}
    current_version = registry.current_version(root)
    current_model = registry.load(current_version, root).model if current_version else None
    data_info = {
        "corpus_train_hash": data_hash([c for c in data.train if not str(c["id"]).startswith("confirmed-")]),
        "confirmed_train_hash": data_hash(data.confirmed_train),
        "confirmed_test_hash": data_hash(data.confirmed_test),
        "confirmed_train": len(data.confirmed_train),
        "confirmed_test": len(data.confirmed_test),
        "overridden_corpus_cases": data.overridden,
        "conflicts": len(data.conflicts),
    }
    if dry_run:
        model, version = fit_model(data.train), None
    else:
        version, model, _ = train_version(
            data.train, data.corpus_test, root, {"data": "corpus+confirmed", **data_info}
        )
    candidate = {name: gated_metrics(model, cases) for name, cases in sets.items() if cases}
    current = (
        {name: gated_metrics(current_model, cases) for name, cases in sets.items() if cases}
        if current_model
        else None
    )
    reasons = gate(candidate, current, tolerances) if current else []
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
    return RetrainResult(data, candidate, current, current_version, promote, reasons, version)


def comparison_table(result: RetrainResult) -> str:
    """The readable comparison `motivo retrain` prints."""
    lines = []
    data = result.data
    lines.append(
        f"data: {len(data.train)} training cases ({len(data.confirmed_train)} confirmed, "
        f"{data.overridden} corpus cases replaced by confirmations); confirmed test {len(data.confirmed_test)}; "
        f"conflicting confirmations left out: {len(data.conflicts)}"
    )
    for conflict in data.conflicts[:10]:
        lines.append(
            f"  conflict: forms {conflict['form_ids']} labels {conflict['labels']}: {conflict['text']!r}"
        )
    header = f"{'set':16s} {'metric':12s} {'current':>9s} {'candidate':>10s} {'change':>8s}"
    lines += ["", header, "-" * len(header)]
    for dataset, metrics in result.candidate.items():
        for name in ("macro_f1", "top1", "flag_recall"):
            new = metrics.get(name, math.nan)
            old = (result.current or {}).get(dataset, {}).get(name, math.nan)
            change = "" if math.isnan(new) or math.isnan(old) else f"{new - old:+.4f}"
            shown_old = "n/a" if math.isnan(old) else f"{old:.4f}"
            shown_new = "n/a" if math.isnan(new) else f"{new:.4f}"
            lines.append(f"{dataset:16s} {name:12s} {shown_old:>9s} {shown_new:>10s} {change:>8s}")
    lines.append("")
    if result.version is None:
        verdict = "would be PROMOTED" if result.promote else "would be REFUSED"
        lines.append(f"dry run: nothing written; the candidate {verdict}")
    elif result.promote:
        lines.append(f"PROMOTED {result.version} (was {result.current_version or 'none'})")
    else:
        lines.append(f"REFUSED {result.version}; {result.current_version} keeps serving")
    lines += [f"  - {reason}" for reason in result.reasons]
    return "\n".join(lines)

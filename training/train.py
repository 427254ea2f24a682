"""Training a model version from the labeled corpus."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from model.cases import is_short_note
from model.motivo_model import MotivoModel
from model.taxonomy import load_taxonomy
from training import registry
from training.corpus import load_split
from training.known_labels import known_label_matrix, printed_only
from training.metrics import evaluate_predictions


def data_hash(cases: Sequence[dict[str, Any]]) -> str:
    """sha256 of the cases' texts and labels, independent of order and of bookkeeping keys."""
    keys = ("observations", "general_note", "reasons", "judicializacao", "status")
    canonical = sorted(
        json.dumps({k: c.get(k) for k in keys}, ensure_ascii=False, sort_keys=True) for c in cases
    )
    return hashlib.sha256("\n".join(canonical).encode("utf-8")).hexdigest()


def _params(model: MotivoModel) -> dict[str, Any]:
    """The model's parameters and those of the vectorizer it actually used, as JSON values."""
    used = model.used_params()
    plain = (str, int, float, bool, tuple, type(None))
    return {k: list(v) if isinstance(v, tuple) else v for k, v in used.items() if isinstance(v, plain)}


def writer_groups(cases: Sequence[dict[str, Any]]) -> list[str]:
    """Each case's batch (its writer); a case without one (a confirmed case) is a group of its own."""
    return [case.get("batch") or f"#{i}" for i, case in enumerate(cases)]


def case_weights(cases: Sequence[dict[str, Any]], corpus_weight: float = 1.0) -> np.ndarray | None:
    """How much each case counts: a hand-written corpus case `corpus_weight`, any other 1."""
    if corpus_weight == 1.0:
        return None
    return np.array([corpus_weight if c.get("source", "corpus") == "corpus" else 1.0 for c in cases])


def fit_model(cases: Sequence[dict[str, Any]], corpus_weight: float = 1.0, **params: Any) -> MotivoModel:
    """Fit on `cases`; a box a case cannot speak for (an older form's) is left out of that label's fit."""
    taxonomy = load_taxonomy()
    codes = taxonomy.reason_codes
    # The taxonomy's neighbouring pairs go with the model; `neighbour_share` decides whether they count.
    params = {"neighbours": taxonomy.neighbours, **params}
    model = MotivoModel(reason_codes=codes, flag_code=taxonomy.flag.code, **params)
    return model.fit(
        list(cases),
        known_label_matrix(cases, codes),
        writer_groups(cases),
        case_weights(cases, corpus_weight),
    )


def test_metrics(model: MotivoModel, cases: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The full-case figures of `cases` (short notes are measured on their own, by evaluate)."""
    cases = [case for case in cases if not is_short_note(case)]
    codes = list(model.reason_codes)
    # A box the case's form did not print (the older form's) is neither true nor predicted.
    Y, P = printed_only(known_label_matrix(cases, codes), model.predict_proba(cases))
    return evaluate_predictions(Y, P, model.decision_thresholds, codes, model.decide(P).suggested)


def train_version(
    train_cases: Sequence[dict[str, Any]],
    test_cases: Sequence[dict[str, Any]] = (),
    root: Path | None = None,
    extra_manifest: dict[str, Any] | None = None,
    **params: Any,
) -> tuple[str, MotivoModel, dict[str, Any]]:
    """Fit on `train_cases`, measure on `test_cases`, write a new registry version (CURRENT unchanged)."""
    started = time.perf_counter()
    model = fit_model(train_cases, **params)
    seconds = time.perf_counter() - started
    metrics = test_metrics(model, test_cases) if test_cases else {}
    manifest = {
        "data_hash": data_hash(train_cases),
        "train_cases": len(train_cases),
        "test_cases": len(test_cases),
        "training_seconds": round(seconds, 2),
        # Thresholds and calibration come from out-of-fold scores; "writer" folds keep batches whole.
        "oof_folds": model.oof_folds,
        "params": _params(model),
        "metrics": {k: metrics[k] for k in ("top1", "top3", "micro_f1", "macro_f1", "abstain_rate", "flag")}
        if metrics
        else {},
        **(extra_manifest or {}),
    }
    version = registry.save_version(model, manifest, root)
    return version, model, registry.read_manifest(version, root)


def train_from_corpus(
    data_dir: Path | None = None, root: Path | None = None, **params: Any
) -> tuple[str, MotivoModel, dict]:
    """Train on the corpus `train` split, measure on its `test` split, register; promote if nothing serves yet."""
    train_cases = load_split("train", data_dir)
    test_cases = load_split("test", data_dir)
    version, model, manifest = train_version(train_cases, test_cases, root, {"data": "corpus"}, **params)
    if registry.current_version(root) is None:
        registry.promote(version, root, reason="first model")
    return version, model, manifest


# A neighbour share of 1 is the rule off; past 4 a neighbour of the leader is all but never shown.
MIN_NEIGHBOUR_SHARE, MAX_NEIGHBOUR_SHARE = 1.0, 4.0


def retune_version(
    version: str,
    changes: dict[str, float],
    test_cases: Sequence[dict[str, Any]] = (),
    root: Path | None = None,
    neighbour_share: float | None = None,
) -> tuple[str, dict[str, Any]]:
    """Write a new version: `version`'s model with some thresholds moved, or its neighbour share
    (README, "Choosing the model") set, measured again on `test_cases` (CURRENT unchanged).
    Thresholds are part of a signed version, so a change is promoted, and rolled back, like any
    other version."""
    if not changes and neighbour_share is None:
        raise ValueError("nothing to change: give thresholds or a neighbour share")
    loaded = registry.load(version, root)
    model = loaded.model.with_thresholds(changes)
    decision_changed = {}
    if neighbour_share is not None:
        if not MIN_NEIGHBOUR_SHARE <= neighbour_share <= MAX_NEIGHBOUR_SHARE:
            raise ValueError(
                f"neighbour share must be from {MIN_NEIGHBOUR_SHARE} (off) to {MAX_NEIGHBOUR_SHARE}, "
                f"got {neighbour_share}"
            )
        if neighbour_share > 1.0 and not len(model.neighbours):
            raise ValueError(
                f"{version} was trained without neighbouring pairs: retrain it to use a neighbour share"
            )
        decision_changed["neighbour_share"] = {"from": model.neighbour_share, "to": neighbour_share}
        model.set_params(neighbour_share=neighbour_share)
    metrics = test_metrics(model, test_cases) if test_cases else {}
    before = dict(zip(model.labels, loaded.model.decision_thresholds.round(4).tolist(), strict=True))
    manifest = {
        **{k: loaded.manifest[k] for k in ("data_hash", "train_cases", "oof_folds") if k in loaded.manifest},
        # Read from the model written, as at training: its neighbour share included.
        "params": _params(model),
        "test_cases": len(test_cases),
        "derived_from": version,
        "thresholds_changed": {
            code: {"from": before[code], "to": round(float(v), 4)} for code, v in changes.items()
        },
        "decision_changed": decision_changed,
        "metrics": {k: metrics[k] for k in ("top1", "top3", "micro_f1", "macro_f1", "abstain_rate", "flag")}
        if metrics
        else {},
    }
    new_version = registry.save_version(model, manifest, root)
    return new_version, registry.read_manifest(new_version, root)

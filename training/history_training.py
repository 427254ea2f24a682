"""`motivo train` with the operator's imported history: the corpus `train` split and the history
make one training set by the rule of training/training_set.py; the history's held-out share (and
its most recent period, with `test_since`) is measured next to the corpus test split."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from training import registry
from training.corpus import load_split
from training.retrain import DEFAULT_HOLDOUT, gated_metrics, test_sets
from training.train import data_hash, train_version
from training.training_set import SOURCES, TrainingSet, build


def train_with_history(
    history: Sequence[dict[str, Any]],
    data_dir: Path | None = None,
    root: Path | None = None,
    holdout: float = DEFAULT_HOLDOUT,
    test_since: str | None = None,
    corpus_weight: float = 1.0,
) -> tuple[str, dict[str, Any], TrainingSet, dict[str, dict[str, float]]]:
    """Train and register a version on corpus + history; (version, manifest, data, metrics per test set).
    The first version ever becomes CURRENT, as with the corpus alone."""
    data = build(
        load_split("train", data_dir), load_split("test", data_dir), history, holdout, test_since=test_since
    )
    info = {
        "data": "corpus+history",
        "corpus_weight": corpus_weight,
        "test_since": test_since,
        "history_train_hash": data_hash([c for c in data.train if c["source"] == "history"]),
        "sources": {source: dict(data.counts[source]) for source in SOURCES},
    }
    version, model, manifest = train_version(
        data.train, data.corpus_test, root, info, corpus_weight=corpus_weight
    )
    if registry.current_version(root) is None:
        registry.promote(version, root, reason="first model")
    measured = {
        name: gated_metrics(model, cases) for name, cases in test_sets(data, test_since).items() if cases
    }
    return version, manifest, data, measured

"""`motivo audit --self`: the labeled corpus audited with cross-validated probabilities.

Each case is judged by a model that did not train on it (k folds); the confident-learning
thresholds come from those out-of-fold probabilities. Findings point at our own labeling
mistakes; `--self --source NAME` does the same for an imported history, before training on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.model_selection import KFold

from model.taxonomy import load_taxonomy
from training.audit.findings import CaseAudit, audit_cases
from training.audit.inputs import AuditRow
from training.corpus import CorpusError, load_split, read_cases
from training.known_labels import known_label_matrix
from training.train import fit_model


def cross_validated_audit(
    cases: Sequence[dict[str, Any]],
    always_train: Sequence[dict[str, Any]] = (),
    folds: int = 5,
    progress: Callable[[int], None] | None = None,
) -> Iterator[tuple[AuditRow, CaseAudit]]:
    """Every case with its findings, judged by the fold model that did not see it (trained on the
    other folds and on `always_train`). A box a case cannot speak for (an older form's) is
    neither fitted nor ever reported missing."""
    codes = load_taxonomy().reason_codes
    Y = known_label_matrix(cases, codes)
    splitter = KFold(folds, shuffle=True, random_state=0)
    fold_models = []
    proba = np.zeros(Y.shape)
    for train_index, held_index in splitter.split(cases):
        model = fit_model([*always_train, *(cases[i] for i in train_index)])
        proba[held_index] = model.predict_proba([cases[i] for i in held_index])
        fold_models.append((model, held_index))
        if progress:
            progress(1)
    # Mean out-of-fold probability of each label where it is ticked (flag last).
    confident = np.array(
        [proba[Y[:, j] == 1, j].mean() if (Y[:, j] == 1).any() else 1.0 for j in range(Y.shape[1])]
    )
    results: dict[int, CaseAudit] = {}
    for model, held_index in fold_models:
        held = [cases[i] for i in held_index]
        for i, audited in zip(held_index, audit_cases(model, held, confident), strict=True):
            results[int(i)] = audited
    for i, case in enumerate(cases):
        where = case.get("_where") or case.get("origin") or str(case.get("id"))
        yield (
            AuditRow({k: v for k, v in case.items() if k != "_where"}, where, case.get("batch")),
            results[i],
        )


def self_audit(
    data_dir: Path | None = None, folds: int = 5, progress: Callable[[int], None] | None = None
) -> Iterator[tuple[AuditRow, CaseAudit]]:
    """Every corpus case with its findings, judged by the fold model that did not see it."""
    cases, problems = read_cases(data_dir)
    if problems:
        raise CorpusError(f"{len(problems)} unreadable corpus lines, first: {problems[0]}")
    return cross_validated_audit(cases, folds=folds, progress=progress)


def history_self_audit(
    history: Sequence[dict[str, Any]],
    data_dir: Path | None = None,
    folds: int = 5,
    progress: Callable[[int], None] | None = None,
) -> Iterator[tuple[AuditRow, CaseAudit]]:
    """An imported history's forms, each judged by a model trained on the corpus `train` split and
    the other folds of the history: the likely mislabeled forms, to clean before training on them."""
    if len(history) < folds:
        raise CorpusError(
            f"{len(history)} labeled history forms: at least {folds} are needed to cross-validate"
        )
    # Findings name a form by the operator's own id (`history:SOURCE:ID` -> ID), as its export did.
    named = [{**case, "id": str(case.get("form_id") or case.get("id")).split(":", 2)[-1]} for case in history]
    return cross_validated_audit(named, load_split("train", data_dir), folds, progress)

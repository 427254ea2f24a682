"""`motivo audit --self`: the labeled corpus audited with cross-validated probabilities.

Each case is judged by a model that did not train on it (k folds); the confident-learning
thresholds come from those out-of-fold probabilities. Findings point at our own labeling
mistakes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
from sklearn.model_selection import KFold

from model.motivo_model import label_matrix
from model.taxonomy import load_taxonomy
from training.audit.findings import CaseAudit, audit_cases
from training.audit.inputs import AuditRow
from training.corpus import CorpusError, read_cases
from training.train import fit_model


def self_audit(
    data_dir: Path | None = None, folds: int = 5, progress: Callable[[int], None] | None = None
) -> Iterator[tuple[AuditRow, CaseAudit]]:
    """Every corpus case with its findings, judged by the fold model that did not see it."""
    cases, problems = read_cases(data_dir)
    if problems:
        raise CorpusError(f"{len(problems)} unreadable corpus lines, first: {problems[0]}")
    codes = load_taxonomy().reason_codes
    Y = label_matrix(cases, codes)
    splitter = KFold(folds, shuffle=True, random_state=0)
    fold_models = []
    proba = np.zeros(Y.shape)
    for train_index, held_index in splitter.split(cases):
        model = fit_model([cases[i] for i in train_index])
        proba[held_index] = model.predict_proba([cases[i] for i in held_index])
        fold_models.append((model, held_index))
        if progress:
            progress(1)
    # Mean out-of-fold probability of each label where it is ticked (flag last).
    confident = np.array([proba[Y[:, j] == 1, j].mean() if Y[:, j].any() else 1.0 for j in range(Y.shape[1])])
    results: dict[int, CaseAudit] = {}
    for model, held_index in fold_models:
        held = [cases[i] for i in held_index]
        for i, audited in zip(held_index, audit_cases(model, held, confident), strict=True):
            results[int(i)] = audited
    for i, case in enumerate(cases):
        yield (
            AuditRow({k: v for k, v in case.items() if k != "_where"}, case["_where"], case.get("batch")),
            results[i],
        )

"""The calibrated one-vs-rest logistic regression: folds by writer, and when it falls back."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from model.calibrated_linear import CalibratedLinearOVR

rng = np.random.default_rng(0)
N = 120
GROUPS = np.repeat([f"batch-{g}" for g in range(8)], N // 8)
Y = np.column_stack([np.tile([1, 0, 0], N // 3), np.tile([0, 1, 1, 0], N // 4)])
X = sp.csr_matrix(np.hstack([Y + rng.normal(0, 0.3, Y.shape), rng.normal(0, 1, (N, 5))]))


def test_with_groups_no_group_is_split_between_training_and_held_out_cases():
    folds, grouped = CalibratedLinearOVR(cv=4)._folds(Y, GROUPS)
    assert grouped
    for train, held in folds:
        assert not set(GROUPS[train]) & set(GROUPS[held])
    assert sorted(np.concatenate([held for _, held in folds]).tolist()) == list(range(N))


def test_a_label_seen_in_one_group_only_falls_back_to_shuffled_folds():
    lonely = np.zeros((N, 1), dtype=int)
    lonely[GROUPS == "batch-3"] = 1  # held out with its group, a training fold would never see it
    folds, grouped = CalibratedLinearOVR(cv=4)._folds(np.hstack([Y, lonely]), GROUPS)
    assert not grouped
    assert any(set(GROUPS[train]) & set(GROUPS[held]) for train, held in folds)


def test_fit_records_which_folds_it_used_and_scores_every_case_out_of_fold():
    by_writer = CalibratedLinearOVR(cv=4).fit(X, Y, GROUPS)
    shuffled = CalibratedLinearOVR(cv=4).fit(X, Y)
    assert by_writer.grouped_folds_ and not shuffled.grouped_folds_
    assert by_writer.oof_proba_.shape == Y.shape
    assert not np.allclose(by_writer.oof_proba_, shuffled.oof_proba_)
    # The final weights are fitted on every case either way; the folds change only the out-of-fold
    # scores, hence each label's Platt scale: per label, the weights are proportional.
    assert np.allclose(
        by_writer.coef_ / by_writer.coef_[:, :1], shuffled.coef_ / shuffled.coef_[:, :1], rtol=1e-4
    )


def test_fewer_groups_than_folds_use_shuffled_folds():
    _, grouped = CalibratedLinearOVR(cv=5)._folds(Y, np.repeat(["a", "b", "c"], N // 3))
    assert not grouped

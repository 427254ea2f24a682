"""The precision/coverage table and precision targets: from the model's own out-of-fold labels,
unknown boxes left out, the lowest threshold that reaches a target."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from training.corpus import load_split
from training.threshold_table import TableUnavailable, oof_labels, precision_table, threshold_for_precision


def _lowest_reaching(truth, proba, target):
    """The definition, one threshold at a time."""
    known = truth >= 0
    truth, proba = truth[known], proba[known]
    for threshold in np.unique(proba):
        chosen = proba >= threshold
        if (truth[chosen] == 1).mean() >= target and 0 < threshold < 1:
            return float(threshold)
    return 0.99


@pytest.mark.parametrize("seed", range(5))
def test_the_threshold_for_a_target_is_the_lowest_that_reaches_it(seed):
    rng = np.random.default_rng(seed)
    proba = np.round(rng.random(400), 2)  # ties on purpose
    truth = (rng.random(400) < proba).astype(int)
    truth[rng.random(400) < 0.1] = -1  # unknown boxes
    for target in (0.5, 0.8, 0.9, 0.97, 0.999):
        assert threshold_for_precision(truth, proba, target) == _lowest_reaching(truth, proba, target)


def test_unknown_boxes_count_neither_for_nor_against():
    proba = np.array([0.9, 0.8, 0.7, 0.6])
    assert threshold_for_precision(np.array([1, -1, 1, 0]), proba, 0.99) == 0.7
    assert threshold_for_precision(np.array([1, 0, 1, 0]), proba, 0.99) == 0.9


def test_a_model_keeps_the_labels_of_its_out_of_fold_probabilities(trained):
    model = trained["model"]
    truth, proba = oof_labels(model)
    assert truth.shape == proba.shape and set(np.unique(truth)) <= {-1, 0, 1}
    column = model.labels.index("glosas")
    cases = load_split("train", trained["data"])
    assert truth[:, column].sum() == sum("glosas" in c["reasons"] for c in cases)
    older = copy.copy(model)
    older.oof_truth_ = None  # a model fitted before it kept them: rebuilt from its training cases
    assert precision_table(older, cases) == precision_table(model)
    with pytest.raises(TableUnavailable):
        precision_table(older)
    with pytest.raises(TableUnavailable):
        precision_table(older, cases[:-1])

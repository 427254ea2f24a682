"""The calibrated one-vs-rest logistic regression: folds by writer, and when it falls back."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from model.calibrated_linear import MIN_SLOPE, CalibratedLinearOVR, evidence_amount, sigmoid

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
    # scores, hence each label's calibration, which stays out of the raw weights.
    np.testing.assert_allclose(by_writer.coef_, shuffled.coef_, rtol=1e-4)
    assert not np.allclose(by_writer.calibrators_, shuffled.calibrators_)


def test_fewer_groups_than_folds_use_shuffled_folds():
    _, grouped = CalibratedLinearOVR(cv=5)._folds(Y, np.repeat(["a", "b", "c"], N // 3))
    assert not grouped


def logit(p: np.ndarray) -> np.ndarray:
    return np.log(p / (1 - p))


# Rows resting on 1 to 7 features: the evidence calibrator has different amounts of text to read.
SPARSE_X = sp.csr_matrix(X.toarray() * (rng.random(X.shape) < np.linspace(0.15, 1, N)[:, None]))


def test_the_amount_of_evidence_is_log_one_plus_the_number_of_features_in_the_row():
    rows = sp.csr_matrix(np.array([[0, 0, 0], [0, 2.0, 0], [1.0, 0.5, 3.0]]))
    np.testing.assert_allclose(evidence_amount(rows), np.log1p([0, 1, 3]))


def test_an_unknown_calibration_is_refused():
    with pytest.raises(ValueError, match="calibration must be one of"):
        CalibratedLinearOVR(cv=3, calibration="isotonic").fit(X, Y)


def test_coef_holds_the_raw_weights_whatever_the_calibration():
    """Calibration no longer folds into the weights: they are the plain logistic regression's."""
    platt = CalibratedLinearOVR(cv=4).fit(SPARSE_X, Y)
    evidence = CalibratedLinearOVR(cv=4, calibration="evidence").fit(SPARSE_X, Y)
    np.testing.assert_allclose(platt.coef_, evidence.coef_)
    np.testing.assert_allclose(platt.intercept_, evidence.intercept_)
    np.testing.assert_allclose(
        platt.decision_function(SPARSE_X), SPARSE_X @ platt.coef_.T + platt.intercept_, rtol=1e-5
    )
    assert not np.allclose(
        platt.predict_proba(SPARSE_X), sigmoid(platt.decision_function(SPARSE_X)), atol=1e-3
    )


def test_platt_calibration_is_one_slope_and_offset_per_label_for_every_row():
    model = CalibratedLinearOVR(cv=4).fit(SPARSE_X, Y)
    slopes = model.slopes(SPARSE_X)
    assert slopes.shape == Y.shape
    assert np.allclose(slopes, slopes[0])
    offsets = logit(model.predict_proba(SPARSE_X)) - slopes * model.decision_function(SPARSE_X)
    assert np.allclose(offsets, offsets[0], atol=1e-4)


def test_evidence_calibration_moves_slope_and_offset_with_the_amount_of_text():
    model = CalibratedLinearOVR(cv=4, calibration="evidence").fit(SPARSE_X, Y)
    amount = evidence_amount(SPARSE_X)
    a, b, c, d = model.calibrators_.T
    slopes = model.slopes(SPARSE_X)
    np.testing.assert_allclose(slopes, np.maximum(a + c * amount[:, None], MIN_SLOPE))
    assert not np.allclose(slopes, slopes[0])
    # logit(p) = slope(amount) x raw score + offset(amount): the offset is affine in the amount.
    offsets = logit(model.predict_proba(SPARSE_X)) - slopes * model.decision_function(SPARSE_X)
    np.testing.assert_allclose(offsets, b + d * amount[:, None], atol=1e-4)


def test_a_slope_never_turns_evidence_for_a_label_into_evidence_against_it():
    model = CalibratedLinearOVR(cv=4, calibration="evidence").fit(SPARSE_X, Y)
    model.calibrators_ = model.calibrators_.copy()
    model.calibrators_[:, 2] = -100.0  # a slope falling steeply with the amount of text
    assert np.all(model.slopes(SPARSE_X) >= MIN_SLOPE)


def test_calibration_only_rows_change_the_calibration_but_not_the_weights_nor_the_out_of_fold_rows():
    # Each case cut to its first feature, with its case's labels: most of them say little.
    first = SPARSE_X.copy().tolil()
    for i, row in enumerate(first.rows):
        first.rows[i], first.data[i] = row[:1], first.data[i][:1]
    extra = (first.tocsr(), Y, np.arange(N))
    plain = CalibratedLinearOVR(cv=4, calibration="evidence").fit(SPARSE_X, Y, GROUPS)
    with_extra = CalibratedLinearOVR(cv=4, calibration="evidence").fit(SPARSE_X, Y, GROUPS, extra)
    np.testing.assert_allclose(with_extra.coef_, plain.coef_)
    assert with_extra.oof_proba_.shape == Y.shape
    assert not np.allclose(with_extra.calibrators_, plain.calibrators_)


def test_calibration_only_rows_are_scored_by_the_fold_model_that_did_not_see_their_case():
    """Copies of the training rows, scored out of fold like their owners, repeat the out-of-fold
    scores exactly: the calibration barely moves. Scored by a model that saw them, it would."""
    plain = CalibratedLinearOVR(cv=4).fit(X, Y, GROUPS)
    copies = CalibratedLinearOVR(cv=4).fit(X, Y, GROUPS, (X, Y, np.arange(N)))
    np.testing.assert_allclose(copies.calibrators_, plain.calibrators_, rtol=0.02)
    # Owners shifted by one group: each copy is scored by a model that trained on it.
    shifted = CalibratedLinearOVR(cv=4).fit(X, Y, GROUPS, (X, Y, np.roll(np.arange(N), N // 8)))
    assert not np.allclose(shifted.calibrators_, plain.calibrators_, rtol=0.02)


def test_a_row_whose_label_is_unknown_is_left_out_of_that_labels_fit_only():
    unknown = Y.copy()
    hidden = np.arange(N) % 5 == 0
    unknown[hidden, 1] = -1  # these rows cannot speak for label 1 (an older form without the box)
    fitted = CalibratedLinearOVR(cv=4).fit(X, unknown)
    without = CalibratedLinearOVR(cv=4).fit(X[~hidden], Y[~hidden])
    negatives = Y.copy()
    negatives[hidden, 1] = 0  # what "not ticked" would have taught instead
    as_negatives = CalibratedLinearOVR(cv=4).fit(X, negatives)
    assert np.allclose(fitted.coef_[1], without.coef_[1], atol=1e-5)
    assert not np.allclose(fitted.coef_[1], as_negatives.coef_[1], atol=1e-3)
    assert np.allclose(fitted.coef_[0], CalibratedLinearOVR(cv=4).fit(X, Y).coef_[0], atol=1e-5)


def test_unit_sample_weights_change_nothing_and_heavier_rows_pull_the_weights():
    plain = CalibratedLinearOVR(cv=4).fit(X, Y)
    ones = CalibratedLinearOVR(cv=4).fit(X, Y, sample_weight=np.ones(N))
    assert np.allclose(plain.coef_, ones.coef_, atol=1e-5)
    assert np.allclose(plain.oof_proba_, ones.oof_proba_, atol=1e-5)
    lighter = np.where(np.arange(N) < N // 2, 0.1, 1.0)
    assert not np.allclose(plain.coef_, CalibratedLinearOVR(cv=4).fit(X, Y, sample_weight=lighter).coef_)

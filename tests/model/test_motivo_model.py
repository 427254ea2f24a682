"""MotivoModel follows scikit-learn's conventions and calibrates its probabilities."""

from __future__ import annotations

import pickle
import re

import numpy as np
import pytest
from sklearn.base import clone

from model.motivo_model import MotivoModel, label_matrix
from model.taxonomy import load_taxonomy


def test_constructor_only_stores_parameters_and_clone_works():
    model = MotivoModel(reason_codes=("a", "b"), flag_code="f", C=3.0)
    assert not hasattr(model, "vectorizer_")
    copy = clone(model)
    assert copy.get_params() == model.get_params()


def test_fit_refuses_a_label_matrix_of_the_wrong_shape():
    codes = load_taxonomy().reason_codes
    with pytest.raises(ValueError, match="one column per reason"):
        MotivoModel(reason_codes=codes, flag_code="f").fit([{"observations": ["x"]}], np.zeros((1, 3)))


def test_a_pickled_model_predicts_the_same(trained):
    model = trained["model"]
    cases = [
        {"observations": ["vai fechar a clínica e se aposentar"]},
        {"observations": ["o portal não funciona"]},
    ]
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_allclose(again.predict_proba(cases), model.predict_proba(cases))


def test_probabilities_are_calibrated_on_the_test_split(trained):
    from training.corpus import load_split

    model = trained["model"]
    cases = load_split("test", trained["data"])
    Y = label_matrix(cases, model.reason_codes)
    P = model.predict_proba(cases)
    # Predicted and observed rates agree overall (a miscalibrated model misses by far more).
    assert abs(P[:, :-1].mean() - Y[:, :-1].mean()) < 0.02
    assert abs(P[:, -1].mean() - Y[:, -1].mean()) < 0.08


def test_confident_thresholds_are_each_labels_mean_out_of_fold_probability(trained):
    model = trained["model"]
    assert model.confident_thresholds.shape == (31,)
    assert np.all((model.confident_thresholds > 0.3) & (model.confident_thresholds <= 1))


def test_a_label_without_examples_is_never_suggested_instead_of_failing(trained):
    """An operator's history from the older form has no Migração, Outros or Falta de Reajuste."""
    from training.corpus import load_split

    codes = load_taxonomy().reason_codes
    missing = {"migracao", "outros", "falta_de_reajuste"}
    cases = [c for c in load_split("train", trained["data"]) if not missing & set(c["reasons"])][:500]
    model = MotivoModel(reason_codes=codes, flag_code="ameaca_judicializacao", cv=3).fit(
        cases, label_matrix(cases, codes)
    )
    columns = [codes.index(c) for c in missing]
    assert not model.reasons_.learnable_[columns].any()
    proba = model.predict_proba([{"observations": ["vai migrar do CPF para o CNPJ, sem reajuste há anos"]}])
    assert np.all(proba[0, columns] < model.thresholds_[columns])
    assert np.all(model.confident_thresholds[columns] == 1.0)


def deciding_model(thresholds, flag_threshold) -> MotivoModel:
    """A model that only decides: its thresholds set by hand, nothing fitted."""
    model = MotivoModel(reason_codes=("a", "b", "c"), flag_code="f")
    model.thresholds_ = np.array(thresholds)
    model.flag_threshold_ = flag_threshold
    return model


# Thresholds a 0.6, b 0.8, c 0.5; the flag at 0.7. Columns: a, b, c, then the flag.
PROBA = np.array(
    [
        [0.6, 0.39, 0.25, 0.7],  # a at its threshold; b under half of it; c at exactly half
        [0.59, 0.4, 0.2, 0.69],  # a and b possible, c under half; the flag just under
        [0.29, 0.1, 0.24, 0.99],  # nothing even possible: a bare threat
    ]
)


def test_decide_suggests_each_reason_at_its_threshold_and_flags_at_the_flags():
    decisions = deciding_model([0.6, 0.8, 0.5], 0.7).decide(PROBA)
    assert decisions.suggested.tolist() == [
        [True, False, False],
        [False, False, False],
        [False, False, False],
    ]
    assert decisions.flagged.tolist() == [True, False, True]


def test_a_reason_from_half_its_threshold_up_to_it_is_possible_not_suggested():
    decisions = deciding_model([0.6, 0.8, 0.5], 0.7).decide(PROBA)
    assert decisions.possible.tolist() == [[False, False, True], [True, True, False], [False, False, False]]
    assert not (decisions.possible & decisions.suggested).any()


def test_no_reason_means_nothing_suggested_and_nothing_possible_whatever_the_flag():
    decisions = deciding_model([0.6, 0.8, 0.5], 0.7).decide(PROBA)
    assert decisions.no_reason.tolist() == [False, False, True]
    assert decisions.abstain.tolist() == [False, True, True]


def test_decide_takes_one_case_as_a_single_row():
    decisions = deciding_model([0.6, 0.8, 0.5], 0.7).decide(PROBA[1])
    assert decisions.possible.shape == (1, 3)
    assert decisions.possible.tolist() == [[True, True, False]]


def test_predict_is_the_suggestions_then_the_flag():
    model = deciding_model([0.6, 0.8, 0.5], 0.7)
    model.predict_proba = lambda cases: PROBA[: len(cases)]
    assert model.predict([{}, {}, {}]).tolist() == [[1, 0, 0, 1], [0, 0, 0, 0], [0, 0, 0, 1]]


def test_beside_a_suggested_reason_a_lesser_one_needs_only_its_share_of_the_threshold():
    model = deciding_model([0.6, 0.8, 0.5], 0.7).set_params(second_share=0.5)
    decisions = model.decide(PROBA)
    # Row 0: a is suggested, so b (0.39 < 0.4) stays out and c (0.25 = half of 0.5) comes in.
    # Row 1: nothing reaches its own threshold, so nothing is lowered.
    assert decisions.suggested.tolist() == [[True, False, True], [False, False, False], [False, False, False]]
    assert not (decisions.possible & decisions.suggested).any()


def test_above_one_the_share_asks_more_of_every_reason_but_the_most_probable_suggested_one():
    model = deciding_model([0.3, 0.2, 0.5], 0.7).set_params(second_share=1.5)
    proba = np.array([[0.40, 0.35, 0.70, 0.1], [0.50, 0.25, 0.10, 0.1], [0.20, 0.10, 0.40, 0.1]])
    decisions = model.decide(proba)
    # Row 0: c (0.70) leads; a (0.40 < 1.5 x 0.3) drops to possible, b (0.35 >= 1.5 x 0.2) stays.
    # Row 1: a alone is suggested and leads, whatever the share. Row 2: nothing is suggested.
    assert decisions.suggested.tolist() == [[False, True, True], [True, False, False], [False, False, False]]
    assert decisions.possible.tolist()[0] == [True, False, False]


def test_beside_the_most_probable_suggested_reason_only_its_neighbours_need_more():
    model = deciding_model([0.3, 0.2, 0.5], 0.7).set_params(neighbours=[("c", "a")], neighbour_share=1.5)
    proba = np.array([[0.40, 0.25, 0.70, 0.1], [0.80, 0.25, 0.60, 0.1], [0.46, 0.10, 0.76, 0.1]])
    decisions = model.decide(proba)
    # Row 0: c leads; its neighbour a (0.40 < 1.5 x 0.3) drops to possible, b (not a neighbour) stays.
    # Row 1: a leads; its neighbour c (0.60 < 1.5 x 0.5) drops, b stays.
    # Row 2: c leads; its neighbour a (0.46 >= 1.5 x 0.3) has enough and stays.
    assert decisions.suggested.tolist() == [[False, True, True], [True, True, False], [True, False, True]]
    assert decisions.possible.tolist()[:2] == [[True, False, False], [False, False, True]]


def test_the_neighbour_rule_is_off_without_pairs_or_a_share_above_one():
    # c leads and its neighbour a is over its threshold but under 1.5 x it; b is under its own.
    proba = np.array([[0.40, 0.15, 0.70, 0.1]])
    plain = deciding_model([0.3, 0.2, 0.5], 0.7).decide(proba).suggested.tolist()
    assert plain == [[True, False, True]]
    for params in (
        {"neighbour_share": 1.5},
        {"neighbours": [("c", "a")]},
        # Below one it lowers nothing: a neighbour under its threshold stays out.
        {"neighbours": [("c", "b")], "neighbour_share": 0.5},
    ):
        model = deciding_model([0.3, 0.2, 0.5], 0.7).set_params(**params)
        assert model.decide(proba).suggested.tolist() == plain


def test_the_leader_is_chosen_at_the_thresholds_whatever_the_other_share_lets_in():
    # a is over its threshold; c (0.70) is only let in by second_share 0.7 (0.63 of its 0.9), yet
    # c is more probable. The leader is a, so c, its neighbour, needs 1.5 x 0.9 and stays out.
    model = deciding_model([0.3, 0.2, 0.9], 0.7).set_params(
        second_share=0.7, neighbours=[("a", "c")], neighbour_share=1.5
    )
    decisions = model.decide(np.array([[0.35, 0.05, 0.70, 0.1]]))
    assert decisions.suggested.tolist() == [[True, False, False]]
    assert decisions.possible.tolist() == [[False, False, True]]


@pytest.mark.parametrize("pair", [("c", "z"), ("c", "c")])
def test_a_neighbour_pair_that_is_not_two_of_the_models_reasons_is_refused_by_name(pair):
    model = deciding_model([0.3, 0.2, 0.5], 0.7).set_params(neighbours=[pair], neighbour_share=1.5)
    with pytest.raises(ValueError, match=re.escape(str(list(pair)))):
        model.decide(np.array([[0.40, 0.25, 0.70, 0.1]]))


def test_a_pickle_from_before_the_neighbour_rule_loads_and_decides_with_it_off():
    model = deciding_model([0.3, 0.2, 0.5], 0.7)
    del model.neighbours, model.neighbour_share  # what an older pickle holds
    old = pickle.loads(pickle.dumps(model))
    assert old.get_params()["neighbour_share"] == 1.0
    assert old.decide(np.array([[0.40, 0.25, 0.70, 0.1]])).suggested.tolist() == [[True, True, True]]

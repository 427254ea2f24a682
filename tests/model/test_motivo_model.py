"""MotivoModel follows scikit-learn's conventions and calibrates its probabilities."""

from __future__ import annotations

import pickle

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

"""Training from the corpus: thresholds and calibration come from folds that keep each writer whole."""

from __future__ import annotations

import copy

import numpy as np

from model.taxonomy import load_taxonomy
from training.train import writer_groups


def test_each_case_is_grouped_by_its_batch_and_an_unbatched_case_stands_alone():
    cases = [{"batch": "w01"}, {"batch": "w02"}, {}, {"batch": "w01"}, {"batch": ""}]
    groups = writer_groups(cases)
    assert groups[0] == groups[3] != groups[1]
    assert len({groups[2], groups[4], groups[0], groups[1]}) == 4


def test_a_corpus_model_tunes_on_folds_that_keep_each_writer_whole(trained):
    assert trained["manifest"]["oof_folds"] == "writer"
    assert trained["model"].oof_folds == "writer"


def test_a_trained_model_carries_the_taxonomys_neighbours_and_uses_them_only_when_asked(trained):
    model = trained["model"]
    assert tuple(model.neighbours) == load_taxonomy().neighbours
    assert model.neighbour_share == 1.0
    # The leader near certain, a neighbour of it and an unrelated reason just over their
    # thresholds: only the neighbour drops when the rule is on.
    codes = list(model.reason_codes)
    lead, near = codes.index("negativa_de_atendimento"), codes.index("prazo_liberacao_de_guias")
    far = codes.index("obito")
    limits = model.decision_thresholds
    proba = np.zeros((1, len(codes) + 1))
    proba[0, lead] = 0.99
    proba[0, [near, far]] = 1.1 * limits[[near, far]]
    assert model.decide(proba).suggested[0, [lead, near, far]].tolist() == [True, True, True]
    ruled = copy.copy(model).set_params(neighbour_share=1.5)
    assert ruled.decide(proba).suggested[0, [lead, near, far]].tolist() == [True, False, True]

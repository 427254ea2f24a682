"""A case's sentences, and reasons scored on each sentence's own row as well as on the case's."""

from __future__ import annotations

import copy
from functools import lru_cache

import numpy as np
import pytest

from model.features import Occurrences
from model.motivo_model import MotivoModel, label_matrix
from model.sentences import sentence_occurrences, sentence_spans
from model.taxonomy import load_taxonomy
from model.tokens import case_tokens
from tests.model.tiny_model import synthetic_cases, tiny_model


def words(tokens, spans):
    return [" ".join(t.word for t in tokens[a:b]) for a, b in spans]


def test_sentences_end_at_stops_and_semicolons_and_at_every_new_field():
    tokens = case_tokens(["Vai fechar. Sem pendências; agradeceu! Tudo certo", "e a nota geral"])
    assert words(tokens, sentence_spans(tokens)) == [
        "vai fechar .",
        "sem pendencias ;",
        "agradeceu !",
        "tudo certo",
        "e a nota geral",
    ]
    assert sentence_spans([]) == []


def test_each_sentence_keeps_only_the_occurrences_inside_it_with_offsets_from_its_start():
    occurrences = Occurrences(np.array([5, 6, 7, 8]), np.array([0, 1, 3, 2]), np.array([1, 3, 4, 4]), 5)
    first, second = sentence_occurrences(occurrences, [(0, 2), (2, 5)])
    assert first.columns.tolist() == [5] and first.n_tokens == 2  # [1, 3) crosses the boundary
    assert second.columns.tolist() == [7, 8]
    assert second.starts.tolist() == [1, 0] and second.ends.tolist() == [2, 2]


def sentence_model(**params):
    model = copy.copy(tiny_model())
    return model.set_params(sentences="max", **params)


CASES = [
    {
        "observations": [
            "Falei com o Dr., ele disse que decidiu se aposentar este ano. Os valores são baixos."
        ]
    },
    {"observations": ["Dra. disse que as glosas de tratamento não param."]},
    {"observations": ["Agradeceu a parceria. Vai processar a operadora na justiça."]},
]


def test_with_sentences_each_reason_gets_the_best_of_the_case_and_of_its_sentences():
    whole = tiny_model().predict_proba(CASES)
    both = sentence_model().predict_proba(CASES)
    assert (both[:, :-1] >= whole[:, :-1] - 1e-12).all()
    np.testing.assert_allclose(both[:, -1], whole[:, -1])  # the flag reads the whole case
    np.testing.assert_allclose(both[1], whole[1])  # one sentence: nothing changes
    valores = list(tiny_model().reason_codes).index("valores")
    alone = tiny_model().predict_proba([{"observations": ["Os valores são baixos."]}])[0, valores]
    assert both[0, valores] == alone > whole[0, valores]


def test_a_lower_sentence_floor_lets_a_sentence_weigh_more():
    valores = list(tiny_model().reason_codes).index("valores")
    floored = sentence_model().predict_proba(CASES)[0, valores]
    assert sentence_model(sentence_floor=5.0).predict_proba(CASES)[0, valores] > floored


def test_analyze_and_predict_proba_agree_with_sentences():
    model = sentence_model(sentence_floor=10.0)
    np.testing.assert_allclose(model.analyze(CASES).proba, model.predict_proba(CASES))


@lru_cache(maxsize=1)
def stacked_model() -> MotivoModel:
    codes = load_taxonomy().reason_codes
    cases = synthetic_cases()
    return MotivoModel(reason_codes=codes, flag_code="ameaca_judicializacao", cv=3, sentences="stacked").fit(
        cases, label_matrix(cases, codes)
    )


def test_the_second_stage_weighs_the_best_sentence_and_keeps_no_training_scores():
    model = stacked_model()
    learnable = model.reasons_.learnable_
    assert learnable.sum() == 3
    assert (model.stage_[learnable, 1] > 0).all()  # the best sentence counts for its reason
    assert (model.stage_[~learnable] == [1.0, 0.0, 0.0]).all()  # the others: their base rate
    assert not hasattr(model.reasons_, "scored_oof_")
    np.testing.assert_allclose(model.analyze(CASES).proba, model.predict_proba(CASES))


def test_stacked_probabilities_come_from_the_case_and_its_best_sentence_scores():
    model = stacked_model()
    features = model.features(CASES)
    whole = model.reasons_.decision_function(features)
    sentences = model.features([{"observations": ["Os valores são baixos."]}])
    valores = list(model.reason_codes).index("valores")
    best = max(whole[0, valores], model.reasons_.decision_function(sentences)[0, valores])
    a, b, c = model.stage_[valores]
    expected = 1 / (1 + np.exp(-(a * whole[0, valores] + b * best + c)))
    assert model.predict_proba(CASES)[0, valores] == pytest.approx(expected, rel=1e-5)
    np.testing.assert_allclose(model.predict_proba(CASES)[:, -1], model.flag_.predict_proba(features)[:, 0])


def test_an_unknown_sentence_mode_is_refused():
    with pytest.raises(ValueError, match="sentences must be one of"):
        MotivoModel(reason_codes=load_taxonomy().reason_codes, flag_code="f", sentences="all").fit(
            synthetic_cases(), label_matrix(synthetic_cases(), load_taxonomy().reason_codes)
        )


def test_the_second_stage_leaves_out_boxes_a_form_did_not_print():
    from model.sentence_stage import fit_stage

    rng = np.random.default_rng(0)
    whole, best = rng.normal(size=(200, 1)), rng.normal(size=(200, 1))
    y = (whole[:, 0] + best[:, 0] > 0).astype(int)
    unknown = y.copy()
    unknown[::4] = -1  # an older form's box: neither ticked nor unticked
    fitted = fit_stage(whole, best, unknown[:, None], np.array([True]))
    known = unknown >= 0
    alone = fit_stage(whole[known], best[known], y[known, None], np.array([True]))
    assert np.allclose(fitted, alone)  # as if those rows were not there, not a third class

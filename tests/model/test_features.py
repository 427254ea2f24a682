"""Text features: the fast TF-IDF rows equal sklearn's, and evidence attribution adds up."""

from __future__ import annotations

import pickle

import numpy as np

from model.features import CaseVectorizer, FeatureSpec
from model.tokens import case_tokens

CASES = [
    {"observations": ["Dra. disse que a glosa da guia 1540203 foi injusta.", ""], "general_note": "glosas"},
    {"observations": ["[10:00, 1/2/2025] +55 21 98888-7777: não vou processar ninguém"], "general_note": ""},
    {"observations": ["vai se aposentar", "aposentadoria confirmada"], "general_note": "Aposentou."},
    "o valor da tabela está baixo e não tem reajuste",
]


def test_without_a_norm_floor_the_fast_rows_equal_sklearn_tfidf():
    vectorizer = CaseVectorizer(min_df=1, norm_floor=0.0).fit(CASES)
    tokens = [vectorizer.tokens(c) for c in CASES]
    ours = vectorizer.transform_tokens(tokens).toarray()
    reference = vectorizer.tfidf_.transform(tokens).toarray()
    np.testing.assert_allclose(ours, reference, atol=1e-6)


def test_a_row_shorter_than_the_norm_floor_is_not_stretched_to_unit_length():
    """A note of a few words keeps small values; a row whose norm passes the floor is unit length."""
    vectorizer = CaseVectorizer(min_df=1, norm_floor=0.0).fit(CASES)
    raw_norms = np.linalg.norm(
        CaseVectorizer(min_df=1, norm_floor=1e6).fit(CASES).transform(CASES).toarray() * 1e6, axis=1
    )
    floor = float(np.median(raw_norms))
    floored = CaseVectorizer(min_df=1, norm_floor=floor).fit(CASES)
    unit = vectorizer.transform(CASES).toarray()
    rows = floored.transform(CASES).toarray()
    for raw, row, reference in zip(raw_norms, rows, unit, strict=True):
        if raw < floor:
            np.testing.assert_allclose(row, reference * raw / floor, rtol=1e-5)
            assert np.linalg.norm(row) < 1.0
        else:
            np.testing.assert_allclose(np.linalg.norm(row), 1.0, rtol=1e-5)


def test_token_contributions_add_up_to_each_labels_linear_score():
    vectorizer = CaseVectorizer(min_df=1).fit(CASES)
    weights = np.random.default_rng(0).normal(size=(3, len(vectorizer.feature_names_out_)))
    for case in CASES:
        occurrences = vectorizer.encode(vectorizer.tokens(case))
        row = vectorizer.rows([occurrences])
        # Only the weights of the case's own columns are handed over.
        contributions = occurrences.contributions(row.indices, row.data, weights[:, occurrences.grouped[0]])
        assert contributions.shape == (occurrences.n_tokens, 3)
        np.testing.assert_allclose(
            contributions.sum(axis=0), row.toarray()[0] @ weights.T, rtol=1e-5, atol=1e-6
        )


def test_negated_words_and_agent_turns_get_their_own_features():
    spec = FeatureSpec(char_ngrams=None, bigrams=False, roles=True)
    note = (
        "[16:44, 9/10/2024] Retenção OdontoVida: ofereço reajuste [16:50, 9/10/2024] Dra: não vou processar"
    )
    features = spec(case_tokens([note]))
    assert "w=ag:reajuste" in features
    assert "w=neg:processar" in features
    assert "w=processar" not in features


def test_numbers_and_personal_data_do_not_become_words():
    features = FeatureSpec(char_ngrams=None, bigrams=False)(
        case_tokens(["ligar 21 98888-7777 dia 12/03 às 10:30"])
    )
    assert all(not any(ch.isdigit() for ch in f) for f in features)
    assert "w=phone" in features


def test_unknown_lemmatizer_is_refused():
    import pytest

    with pytest.raises(ValueError, match="lemmatizer"):
        CaseVectorizer(lemmatizer="magic").fit(CASES)


def test_a_note_written_with_slash_abbreviations_gives_the_features_of_the_words_spelled_out():
    short = FeatureSpec()(case_tokens(["Dr. quer sair p/ atender s/ plano, c/ pcts particulares"]))
    spelled = FeatureSpec()(
        case_tokens(["Doutor quer sair para atender sem plano, com pacientes particulares"])
    )
    assert short == spelled


def test_abbreviations_keep_the_offsets_of_what_the_agent_wrote():
    note = "saiu p/ clinica"
    tokens = case_tokens([note])
    assert [(t.word, note[t.start : t.end]) for t in tokens] == [
        ("saiu", "saiu"),
        ("para", "p/"),
        ("clinica", "clinica"),
    ]


def test_a_cases_occurrences_are_its_fields_put_end_to_end_and_cached_per_field():
    vectorizer = CaseVectorizer(min_df=1).fit(CASES)
    for case in CASES:
        expected_tokens = vectorizer.tokens(case)
        expected = vectorizer.encode(expected_tokens)
        for _ in range(2):  # the second time from the cache
            tokens, occurrences = vectorizer.analyze_case(case)
            assert tokens == expected_tokens
            np.testing.assert_array_equal(occurrences.columns, expected.columns)
            np.testing.assert_array_equal(occurrences.starts, expected.starts)
            np.testing.assert_array_equal(occurrences.ends, expected.ends)
            assert occurrences.n_tokens == expected.n_tokens


def test_the_occurrence_cache_is_not_pickled_with_the_vectorizer():
    vectorizer = CaseVectorizer(min_df=1).fit(CASES)
    vectorizer.analyze_case(CASES[0])
    assert "_occurrence_cache" in vectorizer.__dict__
    assert "_occurrence_cache" not in pickle.loads(pickle.dumps(vectorizer)).__dict__

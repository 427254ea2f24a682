"""Lemmas: simplemma's low-memory backend reads the same table as its default one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import simplemma

from model.normalize import fold
from model.tokens import case_tokens, lemma_of

BATCH = Path(__file__).parents[2] / "labeled_data" / "cases" / "w03-terse-nordeste.jsonl"


def test_the_lemmas_are_simplemmas_default_backends_on_a_whole_batch():
    words = {
        word.lower()
        for line in BATCH.read_text(encoding="utf-8").splitlines()
        for note in json.loads(line)["observations"]
        for word in note.split()
        if word.isalpha()
    }
    assert len(words) > 1000
    differing = [w for w in words if lemma_of(w, "simplemma") != fold(simplemma.lemmatize(w, lang="pt"))]
    assert not differing, differing[:10]


def test_portuguese_plurals_and_verb_forms_reach_their_folded_lemma():
    assert lemma_of("glosas", "simplemma") == "glosa"
    assert lemma_of("clínicas", "simplemma") == "clinica"
    assert lemma_of("descredenciando", "simplemma") == "descredenciar"


def words_of(text: str) -> list[tuple[str, str]]:
    """(word, lemma) of every token read as a word."""
    return [(t.word, t.lemma) for t in case_tokens([text]) if t.is_word]


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Pediu raio-x de novo", "raio-x"),
        ("Mandou e-mail ontem", "e-mail"),
        ("Vai reclamar no consumidor.gov.br", "consumidor.gov"),
        ("Denúncia no CRO-RS", "cro"),
        ("Abriu queixa no Procon-SP", "procon"),
        ("Ligou pro CRO-MG", "cro"),
    ],
)
def test_hyphenated_and_dotted_tokens_are_words(text, word):
    """A council or agency with its state is the body alone; an address loses its country suffix."""
    assert word in [w for w, _ in words_of(text)]


def test_a_compound_word_keeps_its_hyphen_in_the_lemma():
    assert ("raio-x", "raio-x") in words_of("raio-x")
    assert ("e-mail", "e-mail") in words_of("e-mail")


def test_a_hyphen_before_something_other_than_a_state_is_kept():
    assert [w for w, _ in words_of("guarda-chuva")] == ["guarda-chuva"]


@pytest.mark.parametrize("number", ["12.5", "1.000", "3-4", "10-x"])
def test_numbers_and_number_shapes_are_not_words(number):
    tokens = case_tokens([f"pagou {number} reais"])
    assert [t.word for t in tokens if t.is_word] == ["pagou", "reais"]


def test_a_compound_word_yields_a_feature_like_any_word():
    from model.features import FeatureSpec

    features = FeatureSpec(bigrams=False, roles=False)(
        case_tokens(["Queixa no Procon-SP e no consumidor.gov.br"])
    )
    assert {"w=procon", "w=consumidor.gov"} <= set(features)


def test_a_fresh_tokenizer_splits_text_as_the_blank_portuguese_pipeline_does():
    import spacy

    from model.tokenizer import reset_tokenizer, token_table

    texts = [
        json.loads(line)["general_note"].lower() for line in BATCH.read_text(encoding="utf-8").splitlines()
    ] + [
        "absurdo!!! (00) 0000-0000 dr. <name> e-mail: <email> www.ans.gov.br raio-x c/ 00% r$ 00,00 :) 😡 ..."
    ]
    blank = spacy.blank("pt").tokenizer
    reset_tokenizer()
    for text in texts:
        expected = [(t.idx, len(t), t.is_space, t.is_punct) for t in blank(text)]
        assert [tuple(row) for row in token_table(text)] == [
            (i, n, bool(space), bool(punct)) for i, n, space, punct in expected
        ], text


def test_a_long_run_of_symbols_is_one_token_standing_for_the_whole_run():
    text = "absurdo " + "!@#$%&*" * 3000 + " quero sair"
    tokens = case_tokens([text])
    assert [t.word for t in tokens if t.is_word] == ["absurdo", "quero", "sair"]
    symbols = [t for t in tokens if not t.is_word]
    assert len(symbols) == 1
    assert (symbols[0].start, symbols[0].end) == (8, 8 + 7 * 3000)

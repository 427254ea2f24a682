"""The model's one text path: masked, lower case, abbreviations spelled out, digits shaped, offsets kept."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from model.alignment import AlignedText
from model.normalize import fold, match_key, normalize


def test_fold_removes_accents_and_case():
    assert fold("Régras Técnicas ÓBITO Ação") == "regras tecnicas obito acao"


def test_fold_handles_decomposed_accents_and_compatibility_forms():
    assert fold("e\u0301tica") == "etica"
    assert fold("ﬁm") == "fim"


def test_match_key_ignores_punctuation_and_spacing():
    assert match_key("  T.I. ") == match_key("T.I") == "t i"
    assert match_key("Beneficiário   Grossoeiro") == "beneficiario grossoeiro"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("vc tb pode", "voce tambem pode"),
        ("pq q a dra disse", "porque que a doutora disse"),
        ("o dr. e os pcts", "o doutor e os pacientes"),
        ("tbm falei c/ a clin", "tambem falei com  a clinica"),
        ("vcs p/ ele", "voces para  ele"),
        ("VC TBM", "voce tambem"),
    ],
)
def test_chat_abbreviations_are_spelled_out(text, expected):
    assert normalize(text).text == expected


def test_words_that_contain_abbreviations_are_left_alone():
    assert normalize("quando drama pctx tbx").text == "quando drama pctx tbx"


def test_a_slash_after_a_longer_word_or_a_number_is_not_an_abbreviation():
    assert normalize("e/ou km/h 10/12").text == "e/ou km/h 00/00"


def test_accents_stay_for_the_lemmatizer():
    assert normalize("Clínica SAÚDE").text == "clínica saúde"


def test_digits_become_shapes_and_personal_data_placeholders():
    assert (
        normalize("[13:52, 9/10/2024] +55 21 96753-4227: R$ 45,00").text
        == "[00:00, 0/00/0000] <phone>: r$ 00,00"
    )


def test_a_normalised_word_maps_back_to_the_words_written():
    text = "A Dra. disse q a CLÍNICA vai fechar"
    aligned = normalize(text)
    for word, original in [("clínica", "CLÍNICA"), ("que", "q"), ("doutora", "Dra.")]:
        start = aligned.text.index(word)
        assert text[slice(*aligned.original_span(start, start + len(word)))] == original


def test_aligned_text_refuses_spans_outside_it():
    with pytest.raises(IndexError):
        AlignedText.of("abc").original_span(2, 5)


@given(st.text(max_size=200))
def test_normalize_never_crashes_and_every_span_maps_into_the_original(text):
    aligned = normalize(text)
    assert len(aligned.starts) == len(aligned.text)
    for match in re.finditer(r"\w+", aligned.text):
        start, end = aligned.original_span(*match.span())
        assert 0 <= start <= end <= len(text)


def test_folding_by_table_gives_what_folding_each_character_gives():
    import random
    import unicodedata

    def by_character(text: str) -> str:
        decomposed = unicodedata.normalize("NFKD", text)
        return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()

    rng = random.Random(3)
    alphabet = [chr(code) for code in range(0x20, 0x600)] + list("ÉçãõßŁøæœİıﬁ²½")
    for _ in range(5_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12)))
        assert fold(text) == "".join(by_character(ch) for ch in text), text
    assert fold("Régras DESCREDENCIAMENTO Açúcar") == "regras descredenciamento acucar"

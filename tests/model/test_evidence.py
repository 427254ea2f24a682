"""Evidence spans carry content words: never a filler (function word, title, verb of saying) at either end."""

from __future__ import annotations

import numpy as np
import pytest

from model.evidence import FILLERS, evidence_spans
from model.tokens import case_tokens
from tests.model.tiny_model import tiny_model

NOTE = "Dr. informou que vai se aposentar no fim do ano."


def spans_for(text: str, weight_of) -> list[dict]:
    """Evidence spans of a one-field case whose word tokens weigh `weight_of(token)`."""
    tokens = case_tokens([text])
    contributions = np.array([weight_of(t) if t.is_word else 0.0 for t in tokens])
    return evidence_spans(tokens, contributions, [text])


def is_filler(token) -> bool:
    return token.word in FILLERS or token.lemma in FILLERS


def edge_tokens(text: str, span: dict):
    tokens = case_tokens([text])
    first = next(t for t in tokens if t.start == span["start"])
    last = next(t for t in tokens if t.end == span["end"])
    return first, last


def test_words_that_say_nothing_are_fillers_as_folded_forms_and_lemmas():
    assert {"se", "doutor", "doutora", "sr", "informou", "informar", "disse", "dizer", "vai", "ir"} <= FILLERS
    assert not {"nao", "aposentar", "glosa", "processar", "justica"} & FILLERS


def test_with_every_word_weighing_the_same_no_span_starts_or_ends_with_a_filler():
    spans = spans_for(NOTE, lambda t: 1.0)
    assert spans
    for span in spans:
        first, last = edge_tokens(NOTE, span)
        assert not is_filler(first) and not is_filler(last), span["text"]
    texts = [s["text"] for s in spans]
    assert texts == ["aposentar no fim do ano"]
    assert not any(text.startswith("Dr") or "informou" in text for text in texts)


def test_a_heavy_filler_neither_becomes_evidence_nor_hides_the_content_word():
    """The title and the verb of saying carry most of the score (through bigrams); only the
    content word is shown, and it is not dropped for being far lighter than them."""
    heavy = {"doutor": 10.0, "informou": 10.0, "aposentar": 1.0}
    spans = spans_for(NOTE, lambda t: heavy.get(t.word, 0.0))
    assert [s["text"] for s in spans] == ["aposentar"]
    assert spans[0]["weight"] == 1.0


@pytest.mark.parametrize(
    "note, phrase",
    [
        ("Reclamou do excesso de glosas no último mês.", "excesso de glosas"),
        ("Dra. disse que não vai processar ninguém.", "não vai processar"),
    ],
)
def test_fillers_between_two_evidence_words_keep_the_phrase_whole(note, phrase):
    words = {"excesso", "glosas", "nao", "processar"}
    spans = spans_for(note, lambda t: 1.0 if t.word in words else 0.0)
    assert [s["text"] for s in spans] == [phrase]


def test_more_than_two_fillers_split_the_phrase():
    note = "Excesso que ela disse de glosas."
    spans = spans_for(note, lambda t: 1.0 if t.word in {"excesso", "glosas"} else 0.0)
    assert sorted(s["text"] for s in spans) == ["Excesso", "glosas"]


def test_a_note_of_fillers_only_has_no_evidence():
    assert spans_for("Dr. disse que ele vai", lambda t: 5.0) == []


def test_a_negation_is_content_and_can_be_evidence():
    spans = spans_for("Dr. disse que não vai processar", lambda t: 1.0)
    assert any("não" in s["text"] for s in spans)
    assert any("processar" in s["text"] for s in spans)


@pytest.mark.parametrize(
    "note",
    [
        "Dr. informou que vai se aposentar no fim do ano.",
        "Dra. disse que teve muitas guias glosadas e vai processar a operadora.",
        "O Sr. relatou que a tabela de valores está muito baixa.",
    ],
)
def test_a_fitted_models_evidence_never_starts_or_ends_with_a_filler(note):
    model = tiny_model()
    analysis = model.analyze([{"observations": [note], "general_note": ""}])
    explained = model.explain(analysis, 0, list(range(len(model.labels))))
    spans = [span for spans in explained.values() for span in spans]
    assert spans
    for span in spans:
        first, last = edge_tokens(note, span)
        assert not is_filler(first) and not is_filler(last), span["text"]

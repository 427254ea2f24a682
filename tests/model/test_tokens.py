"""Lemmas: simplemma's low-memory backend reads the same table as its default one."""

from __future__ import annotations

import json
from pathlib import Path

import simplemma

from model.normalize import fold
from model.tokens import lemma_of

BATCH = Path(__file__).parents[2] / "labeled_data" / "cases" / "w03-terse-nordeste.jsonl"


def test_the_low_memory_backend_gives_the_default_backends_lemmas_on_a_whole_batch():
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

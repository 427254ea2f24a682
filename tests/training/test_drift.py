"""Drift figures: texts like the training texts look alike; texts of another world do not."""

from __future__ import annotations

from training.corpus import load_split
from training.drift import domain_auc, drift, oov_share, vocabulary

# A cattle farm's log: bank notes share too many words with a clinic's business (fundo,
# financiamento, tarifa, boleto, senha), a farm's words are foreign to dental notes.
OTHER_WORLD = [
    f"Produtor {i} vacinou o rebanho de gado nelore contra aftosa, vendeu a safra de milho e sorgo "
    f"e comprou ração e sal mineral para os bezerros do curral {i} antes da ordenha"
    for i in range(60)
]


def test_two_halves_of_the_train_split_do_not_drift(small_corpus):
    train = [c for c in load_split("train", small_corpus) if c.get("kind") != "short_note"]
    figures = drift(train[::2], train[1::2])
    assert figures["live_texts"] == len(train[::2])
    assert figures["domain_auc"] < 0.75 and figures["oov_share"] < 0.1


def test_texts_of_another_world_are_found(small_corpus):
    train = [c["observations"][0] for c in load_split("train", small_corpus) if c["observations"]]
    assert domain_auc(OTHER_WORLD, train) > 0.95
    known = vocabulary(train[1::2])
    assert oov_share(OTHER_WORLD, known) > 2 * oov_share(train[::2], known)
    assert domain_auc(OTHER_WORLD[:5], train) is None  # too few to judge

"""simplemma's lemmas from a trie built once per machine: the same lemmas as simplemma's own table."""

from __future__ import annotations

import random

import simplemma
from simplemma.strategies import DefaultStrategy

from model import lemmas

WORDS = [
    "glosas",
    "clínicas",
    "descredenciando",
    "aposentou",
    "disse-lhe",
    "reajustes",
    "cobranças",
    "mudou-se",
    "tabelas",
    "atendimentos",
    "procon",
]


def _made_up(count: int) -> list[str]:
    rng = random.Random(7)
    return [
        "".join(rng.choice("bcdfglmnprstv") + rng.choice("aeiouáãé") for _ in range(rng.randint(1, 4)))
        + rng.choice(["", "s", "ção", "mente", "ado", "ndo", "-lhe"])
        for _ in range(count)
    ]


def _lemmas(strategy, words: list[str]) -> list[str]:
    lemmatizer = simplemma.Lemmatizer(cache_max_size=0, lemmatization_strategy=strategy)
    return [lemmatizer.lemmatize(word, lang="pt") for word in words]


def test_the_trie_gives_simplemmas_own_lemmas_for_known_and_made_up_words():
    words = WORDS + _made_up(2_000)
    assert [lemmas.simplemma_lemma(w) for w in words] == _lemmas(DefaultStrategy(low_memory=True), words)


def test_the_trie_is_built_once_into_the_var_folder_and_reused(tmp_path, monkeypatch):
    monkeypatch.setenv("MOTIVO_VAR_DIR", str(tmp_path))
    first = lemmas._strategy()
    built = lemmas.trie_dir() / "pt.dic"
    assert built.is_file() and str(built).startswith(str(tmp_path))
    assert not [p for p in built.parent.iterdir() if p.name.startswith(".build-")]  # no leftovers
    stamp = built.stat().st_mtime_ns
    second = lemmas._strategy()
    assert built.stat().st_mtime_ns == stamp  # read, not rebuilt
    assert _lemmas(first, WORDS) == _lemmas(second, WORDS)


def test_where_the_var_folder_cannot_be_written_the_low_memory_table_gives_the_same_lemmas(
    tmp_path, monkeypatch, caplog
):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder would go")
    monkeypatch.setenv("MOTIVO_VAR_DIR", str(blocked))
    strategy = lemmas._strategy()
    assert "simplemma trie unavailable" in caplog.text
    assert _lemmas(strategy, WORDS) == _lemmas(DefaultStrategy(low_memory=True), WORDS)

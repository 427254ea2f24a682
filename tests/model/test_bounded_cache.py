"""The request path's caches hold at most their byte budget, whatever arrives."""

from __future__ import annotations

import random
import string

from model import tokenizer, tokens
from model.bounded_cache import ByteBoundedCache


def test_the_cache_never_holds_more_than_its_budget():
    cache: ByteBoundedCache[int, str] = ByteBoundedCache(10_000, lambda key, value: len(value))
    rng = random.Random(3)
    for key in range(5_000):
        cache.put(key, "x" * rng.randint(1, 3_000))
        assert cache.bytes <= 10_000
    assert 0 < len(cache) < 5_000


def test_entries_in_use_survive_and_oversized_ones_are_not_kept():
    cache: ByteBoundedCache[str, str] = ByteBoundedCache(1_000, lambda key, value: len(value))
    cache.put("kept", "k" * 100)
    for key in range(100):
        assert cache.get("kept") == "k" * 100
        cache.put(f"other {key}", "o" * 100)
    cache.put("huge", "h" * 501)  # more than half the budget
    assert cache.get("huge") is None
    assert cache.get("kept") == "k" * 100


def _unique_note(rng: random.Random, words: int) -> str:
    return " ".join("".join(rng.choices(string.ascii_lowercase, k=rng.randint(4, 12))) for _ in range(words))


def test_tokenizing_unique_text_keeps_the_token_caches_within_their_budget(monkeypatch):
    field_cache, part_cache = ByteBoundedCache(200_000), ByteBoundedCache(400_000)
    monkeypatch.setattr(tokens, "_field_cache", field_cache)
    monkeypatch.setattr(tokens, "_part_cache", part_cache)
    monkeypatch.setattr(tokens, "WORD_CACHE_BYTES", 100_000)
    monkeypatch.setattr(tokens, "_word_caches", {})
    rng = random.Random(5)
    for _ in range(60):
        # Sentences of 20 words, so that the note is read in parts (model.segments).
        tokens.case_tokens([". ".join(_unique_note(rng, 20) for _ in range(10))], lemmatizer="none")
    word_cache = tokens._word_cache("none")
    assert 0 < field_cache.bytes <= 200_000 and 0 < word_cache.bytes <= 100_000
    assert 0 < part_cache.bytes <= 400_000
    assert len(word_cache) < 60 * 200  # it forgot words: the budget, not the vocabulary, bounds it


def test_spacy_vocabulary_is_started_over_after_enough_new_strings(monkeypatch):
    monkeypatch.setattr(tokenizer, "MAX_NEW_STRINGS", 500)
    tokenizer.reset_tokenizer()
    rng = random.Random(8)
    sizes = []
    for _ in range(40):
        tokenizer.token_table(_unique_note(rng, 100))
        sizes.append(len(tokenizer.tokenizer().vocab.strings))
    tokenizer.reset_tokenizer()
    # 4,000 new words were read; the string store never held more than its limit past a fresh one.
    assert max(sizes) - min(sizes) <= 500 + 100
    assert max(sizes) < min(sizes) + 4_000

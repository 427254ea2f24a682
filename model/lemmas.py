"""simplemma's Portuguese lemmas, read from a MARISA trie built once per machine.

simplemma's default backend unpacks its table into a dict (~90 MB per process); its low-memory
backend reads the compressed stream in place (~13 MB) but a lookup decodes up to 32 records in
Python, ~15 us, and a word missing from the table costs several lookups (clitics, prefixes,
rules): ~30 us. A request of unique made-up words spent most of its CPU there. The trie
backend (marisa-trie, the same table) answers in ~1 us from ~20 MB of C memory that forked
workers share. Building it takes ~4 s and ~230 MB once, so it is built into
`var/cache/simplemma-VERSION/` and written atomically; every later process maps the file.
Where that folder cannot be written, the low-memory backend is used: the lemmas are the same.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from model.paths import var_dir

log = logging.getLogger("motivo.model")

LANG = "pt"


def trie_dir() -> Path:
    """Where the built trie is kept: per simplemma version, since its table may change."""
    from simplemma.__metadata__ import __version__

    return var_dir() / "cache" / f"simplemma-{__version__}"


def _build_trie(folder: Path) -> None:
    """Build the trie in a private folder and move it into place in one step, so that a
    process never loads a half-written file (simplemma writes it in place)."""
    from simplemma.strategies.dictionaries import TrieDictionaryFactory

    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder, prefix=".build-") as private:
        TrieDictionaryFactory(disk_cache_dir=private).get_dictionary(LANG)
        os.replace(Path(private) / f"{LANG}.dic", folder / f"{LANG}.dic")


def _build_in_child(folder: Path) -> None:
    # The build's ~230 MB peak stays out of the long-lived process (a gunicorn master) that asks.
    subprocess.run([sys.executable, "-m", "model.lemmas", str(folder)], check=True, capture_output=True)


def _strategy() -> Any:
    from simplemma.strategies import DefaultStrategy
    from simplemma.strategies.dictionaries import TrieDictionaryFactory

    folder = trie_dir()
    try:
        if not (folder / f"{LANG}.dic").exists():
            _build_in_child(folder)
        factory = TrieDictionaryFactory(disk_cache_dir=str(folder))
        factory.get_dictionary(LANG)  # load it now: a bad file is rebuilt here, not mid-request
        return DefaultStrategy(dictionary_factory=factory)
    except (OSError, subprocess.CalledProcessError) as error:
        log.warning(
            "simplemma trie unavailable, using the slower low-memory table",
            extra={"folder": str(folder), "error": str(error)},
        )
        return DefaultStrategy(low_memory=True)


@lru_cache(maxsize=1)
def lemmatizer() -> Any:
    """simplemma's Lemmatizer on the trie; its own cache (by count, 65,536 words of any length)
    is off: `model.tokens` keeps a cache bounded by bytes."""
    import simplemma

    return simplemma.Lemmatizer(cache_max_size=0, lemmatization_strategy=_strategy())


def simplemma_lemma(word: str) -> str:
    """simplemma's lemma of a lowercase word (the word itself when it knows none)."""
    return lemmatizer().lemmatize(word, lang=LANG)


if __name__ == "__main__":
    _build_trie(Path(sys.argv[1]))

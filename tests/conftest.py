"""Shared fixtures: the two real seed forms, copied into tests/fixtures/forms."""

from __future__ import annotations

import json
import os
import random
import shutil
import tempfile
import uuid
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SEED_NEW = FIXTURES / "forms" / "000_adf6e87cc6378ee1.txt"
SEED_OLD = FIXTURES / "forms" / "001_2f660eb100fe042a.txt"


def pytest_configure(config) -> None:
    """The session's model-signing key pair lives in a temporary folder, never in the project's var/.

    Set in the environment so that every child (servers, CLI runs, the exercise process) uses it.
    """
    keys = Path(tempfile.mkdtemp(prefix="motivo-keys-"))
    os.environ.setdefault("MOTIVO_SIGNING_KEY", str(keys / "model-signing.key"))
    os.environ.setdefault("MOTIVO_TRUSTED_KEYS", str(keys / "trusted-keys.pub"))


@pytest.fixture
def seed_new_text() -> str:
    return SEED_NEW.read_text(encoding="utf-8")


@pytest.fixture
def seed_old_text() -> str:
    return SEED_OLD.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def small_corpus(tmp_path_factory) -> Path:
    """A labeled-data folder with a deterministic third of the corpus: enough to learn every label."""
    source = Path(__file__).parents[1] / "labeled_data"
    folder = tmp_path_factory.mktemp("labeled_data")
    shutil.copy(source / "taxonomy.yaml", folder / "taxonomy.yaml")
    (folder / "cases").mkdir()
    rng = random.Random(7)
    for path in sorted((source / "cases").glob("*.jsonl")):
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        keep = [line for line in lines if json.loads(line)["split"] == "test" or rng.random() < 0.4]
        (folder / "cases" / path.name).write_text("\n".join(keep) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def trained(small_corpus, tmp_path_factory):
    """A small model trained once for the whole session, registered in a temporary registry."""
    from training.train import train_from_corpus

    root = tmp_path_factory.mktemp("registry")
    version, model, manifest = train_from_corpus(small_corpus, root)
    return {"version": version, "model": model, "manifest": manifest, "root": root, "data": small_corpus}


@pytest.fixture(scope="session")
def postgres_url():
    """One throwaway PostgreSQL cluster for the session; tests make their own databases in it."""
    from tests.postgres import postgres_cluster

    with postgres_cluster() as url:
        yield url


@pytest.fixture
def database_url(request, tmp_path) -> str:
    """A fresh, empty database: SQLite unless the test is parametrized with 'postgresql'."""
    backend = getattr(request, "param", "sqlite")
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'motivo.db'}"
    from tests.postgres import new_database

    return new_database(request.getfixturevalue("postgres_url"), f"t_{uuid.uuid4().hex[:12]}")

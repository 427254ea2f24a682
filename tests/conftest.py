"""Shared fixtures: the two real seed forms, copied into tests/fixtures/forms."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SEED_NEW = FIXTURES / "forms" / "000_adf6e87cc6378ee1.txt"
SEED_OLD = FIXTURES / "forms" / "001_2f660eb100fe042a.txt"


@pytest.fixture
def seed_new_text() -> str:
    return SEED_NEW.read_text(encoding="utf-8")


@pytest.fixture
def seed_old_text() -> str:
    return SEED_OLD.read_text(encoding="utf-8")

"""CLI fixtures: the MOTIVO_* environment pointed at the session's small trained registry."""

from __future__ import annotations

import pytest


@pytest.fixture
def registry_env(trained, monkeypatch):
    monkeypatch.setenv("MOTIVO_MODEL_DIR", str(trained["root"]))
    monkeypatch.setenv("MOTIVO_DATA_DIR", str(trained["data"]))
    return trained

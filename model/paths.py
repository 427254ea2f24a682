"""Where the project's data and runtime state live (overridable from the environment)."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def data_dir() -> Path:
    """The labeled data folder (taxonomy and corpus): `MOTIVO_DATA_DIR` or `labeled_data/`."""
    return Path(os.environ.get("MOTIVO_DATA_DIR") or PROJECT_ROOT / "labeled_data")


def var_dir() -> Path:
    """Runtime state (registry, database): `MOTIVO_VAR_DIR` or `var/`."""
    return Path(os.environ.get("MOTIVO_VAR_DIR") or PROJECT_ROOT / "var")

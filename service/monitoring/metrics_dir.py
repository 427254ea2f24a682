"""The folder where gunicorn's workers write their Prometheus samples, empty at each start."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


def fresh_metrics_dir() -> Path:
    """PROMETHEUS_MULTIPROC_DIR emptied (samples of a previous run would be summed in), or a new
    temporary folder; set in the environment so that gunicorn and its workers inherit it."""
    configured = os.environ.get(VARIABLE)
    if configured:
        folder = Path(configured)
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
    else:
        folder = Path(tempfile.mkdtemp(prefix="motivo-metrics-"))
    os.environ[VARIABLE] = str(folder)
    return folder

"""The threshold policy in each worker: re-read when its file changes (like a promotion, within
MOTIVO_MODEL_POLL_SECONDS), applied to the served model, labels switched off hidden."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Any

from flask import Flask, current_app

from training.corpus import load_split
from training.registry import LoadedModel, registry_root
from training.threshold_policy import POLICY, PolicyError, read_policy, resolve
from training.threshold_table import TableUnavailable

log = logging.getLogger("motivo.model")
EXTENSION = "motivo.thresholds"


class PolicyHolder:
    def __init__(self, root: Path | None, poll_seconds: float):
        self.root = root
        self.poll_seconds = poll_seconds
        self._lock = threading.Lock()
        self._next_check = 0.0
        self._file_state: tuple | None = None
        self._key: tuple | None = None
        self._applied: tuple[Any, frozenset[str], dict[str, Any] | None] | None = None

    def expire(self) -> None:
        """Look at the file on the next request (this worker just wrote it)."""
        self._next_check = 0.0

    def path(self) -> Path:
        return (self.root or registry_root()) / POLICY

    def applied(self, loaded: LoadedModel) -> tuple[Any, frozenset[str], dict[str, Any] | None]:
        """(the model with the policy's thresholds, labels switched off, the policy) for `loaded`."""
        now = time.monotonic()
        if now >= self._next_check:
            try:
                stat = self.path().stat()
                self._file_state = (stat.st_size, stat.st_mtime_ns, stat.st_ino)
            except FileNotFoundError:
                self._file_state = None
            self._next_check = now + self.poll_seconds
        key = (loaded.version, self._file_state)
        if key != self._key:
            with self._lock:
                if key != self._key:
                    self._applied = self._apply(loaded)
                    self._key = key
        return self._applied

    def _apply(self, loaded: LoadedModel) -> tuple[Any, frozenset[str], dict[str, Any] | None]:
        model = loaded.model
        try:
            policy = read_policy(model.labels, self.root)
            if policy is None:
                return model, frozenset(), None
            changes, off = resolve(policy, model, training_cases(model), loaded.version)
        except (PolicyError, TableUnavailable, OSError, ValueError) as error:
            # A bad policy file is refused (logged); the model's own thresholds serve.
            log.error("threshold policy refused", extra={"error": str(error)})
            return model, frozenset(), None
        log.info("threshold policy applied", extra={"version": loaded.version, "changed": sorted(changes)})
        return (model.with_thresholds(changes) if changes else model), frozenset(off), policy


def training_cases(model: Any) -> list[dict[str, Any]] | None:
    """The corpus train split, for a model that keeps no out-of-fold labels of its own."""
    return load_split("train") if model.oof_truth is None else None


def switch_off(suggestion: dict[str, Any], off: frozenset[str]) -> dict[str, Any]:
    """Labels the policy switched off are never suggested nor possible."""
    for reason in suggestion["reasons"]:
        if reason["code"] in off:
            reason["suggested"] = reason["possible"] = False
            reason["evidence"] = []
    if "ameaca_judicializacao" in off:
        suggestion["judicializacao"]["flag"] = False
        suggestion["judicializacao"]["evidence"] = []
    suggestion["abstain"] = not any(r["suggested"] for r in suggestion["reasons"])
    suggestion["no_reason"] = suggestion["abstain"] and not any(r["possible"] for r in suggestion["reasons"])
    return suggestion


def init_app(app: Flask, model_dir: str | None, poll_seconds: float) -> None:
    app.extensions[EXTENSION] = PolicyHolder(Path(model_dir) if model_dir else None, poll_seconds)


def holder() -> PolicyHolder:
    return current_app.extensions[EXTENSION]

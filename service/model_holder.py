"""The model a worker serves, swapped for the registry's CURRENT version while the worker runs."""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path

from model.suggest import warm_up
from training import registry
from training.registry import LoadedModel, RegistryError

log = logging.getLogger("motivo.model")


class ModelHolder:
    """Holds the loaded model; once `start()`ed, a background thread loads a new CURRENT within
    `poll_seconds`.

    A request takes a reference to the model once and keeps it, so a swap never changes the
    model under a request in flight. A version that fails to load or verify is refused (logged
    once) and the old one keeps serving.
    """

    def __init__(self, root: Path | None, poll_seconds: float):
        self.root = root
        self.poll_seconds = poll_seconds
        self._loaded: LoadedModel | None = None
        # The version refused and the state of its files then: the same files stay refused
        # (logged once), a repaired version is tried again.
        self._refused: tuple[str, tuple] | None = None
        self._lock = threading.Lock()
        self._watcher_pid: int | None = None
        self.last_error: str | None = None

    @property
    def loaded(self) -> LoadedModel | None:
        """The served model (loaded now if none is yet), or None if none can be loaded."""
        if self._loaded is None:
            self.refresh()
        return self._loaded

    def start(self) -> None:
        """Start this process's watcher thread, once per process (a no-op when it runs already).

        Threads do not survive gunicorn's fork, so each worker starts its own; with
        `poll_seconds` <= 0 there is no watcher.
        """
        if self._watcher_pid == os.getpid() or self.poll_seconds <= 0:
            return
        self._watcher_pid = os.getpid()
        threading.Thread(target=self._watch, name="motivo-model-watcher", daemon=True).start()

    def refresh(self) -> bool:
        """Load CURRENT if it names another version than the one served; True if swapped."""
        try:
            current = registry.current_version(self.root)
        except (OSError, RegistryError) as error:
            self.last_error = f"cannot read the registry: {error}"
            return False
        if current is None:
            self.last_error = "no current model in the registry: run `motivo train`"
            return False
        if self._loaded and self._loaded.version == current:
            return False
        if self._refused == (current, _files_state(self.root, current)):
            return False
        with self._lock:
            if self._loaded and self._loaded.version == current:
                return False
            state = _files_state(self.root, current)
            try:
                new = registry.load(current, self.root)
                warm_up(new.model)
            except Exception as error:  # whatever a bad version does, the old one keeps serving
                self._refused = (current, state)
                self.last_error = f"refused model {current}: {error}"
                log.error("model version refused", extra={"version": current, "error": str(error)})
                return False
            previous = self._loaded.version if self._loaded else None
            self._loaded = new
            self._refused = None
            self.last_error = None
        log.info("model loaded", extra={"version": new.version, "previous": previous})
        return True

    def _watch(self) -> None:
        while True:
            time.sleep(self.poll_seconds)
            try:
                self.refresh()
            except Exception:  # the watcher must outlive any surprise
                log.exception("model refresh failed")


def _files_state(root: Path | None, version: str) -> tuple:
    """Size and modification time of a version's files: changes when the version is repaired."""
    folder = (root or registry.registry_root()) / version
    state = []
    for name in (registry.MANIFEST, registry.SIGNATURE, registry.ARTIFACT):
        try:
            stat = (folder / name).stat()
            state.append((stat.st_size, stat.st_mtime_ns, stat.st_ino))
        except OSError:
            state.append(None)
    return tuple(state)

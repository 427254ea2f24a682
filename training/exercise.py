"""Load a version and run one suggestion in a separate process, before it may become CURRENT.

Whatever a bad artifact does when loaded (crash, hang, raise on first use) happens to a
throw-away child, never to the command that promotes or to the servers.

    python -m training.exercise ROOT VERSION [--unsigned]
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from training.artifact import RegistryError, unpickle_model, verified_bytes

TIMEOUT_SECONDS = 180


def exercise(version: str, root: Path, signed: bool = True) -> None:
    """In this process: verify, load, and suggest once; raises RegistryError on any failure."""
    from model.suggest import WARM_UP_CASE, suggest

    manifest, data = verified_bytes(version, root, signed=signed)
    loaded = unpickle_model(version, manifest, data)
    try:
        result = suggest(loaded.model, WARM_UP_CASE, version)
    except Exception as error:
        raise RegistryError(f"version {version!r} loads but cannot suggest ({error!r})") from error
    if len(result.get("reasons", [])) != len(manifest["labels"]) - 1:
        raise RegistryError(f"version {version!r}: its suggestion does not list every reason")


def exercise_in_child(version: str, root: Path, signed: bool = True) -> None:
    """Run `exercise` in a child process; raises RegistryError with the child's reason if it fails."""
    command = [sys.executable, "-m", "training.exercise", str(root), version]
    if not signed:
        command.append("--unsigned")
    env = {k: v for k, v in os.environ.items() if k != "MOTIVO_KILL_AT"}
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired as error:
        raise RegistryError(f"version {version!r} did not load within {TIMEOUT_SECONDS} s") from error
    if done.returncode != 0:
        lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
        why = lines[-1] if lines else f"exit status {done.returncode}"
        raise RegistryError(why.removeprefix("error: "))


def main(argv: list[str]) -> int:
    root, version = Path(argv[0]), argv[1]
    try:
        exercise(version, root, signed="--unsigned" not in argv[2:])
    except RegistryError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

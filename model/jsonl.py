"""JSON lines: one object per line, each bad line named with why it is bad."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any


def json_object(line: str) -> dict[str, Any]:
    """The JSON object on one line; raises ValueError saying why there is none."""
    try:
        value = json.loads(line)
    except json.JSONDecodeError as error:
        raise ValueError(f"not JSON: {error.msg} at column {error.colno}") from error
    if not isinstance(value, dict):
        raise ValueError(f"not a JSON object but a {type(value).__name__}")
    return value


def json_objects(lines: Iterable[str]) -> Iterator[tuple[int, dict[str, Any] | None, str | None]]:
    """(line number, object or None, problem or None) for every non-blank line."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            yield number, json_object(line), None
        except ValueError as error:
            yield number, None, str(error)

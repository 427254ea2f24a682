"""`motivo predict`: JSON lines in, one suggestion (or error object) per line out, in order."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from model.cases import check_texts
from model.suggest import suggest_many
from training.registry import LoadedModel


def parse_case_line(line: str) -> dict[str, Any]:
    """The case of one input line; raises ValueError naming the problem."""
    try:
        case = json.loads(line)
    except json.JSONDecodeError as error:
        raise ValueError(f"not JSON: {error.msg} at column {error.colno}") from error
    if not isinstance(case, dict):
        raise ValueError(f"expected a JSON object, got {type(case).__name__}")
    case = {
        "id": case.get("id"),
        "observations": case.get("observations", []),
        "general_note": case.get("general_note", ""),
    }
    problems = check_texts(case)
    if problems:
        raise ValueError("; ".join(problems))
    return case


def predict_lines(loaded: LoadedModel, lines: Iterable[str], batch_size: int = 256) -> Iterator[str]:
    """Suggestions for each non-blank input line; a bad line yields {"line", "id", "error"}."""
    numbered = ((n, line) for n, line in enumerate(lines, 1) if line.strip())
    while chunk := list(islice(numbered, batch_size)):
        parsed: list[tuple[int, dict[str, Any] | str, Any]] = []
        for number, line in chunk:
            try:
                parsed.append((number, parse_case_line(line), None))
            except ValueError as error:
                identifier = None
                try:
                    raw = json.loads(line)
                    identifier = raw.get("id") if isinstance(raw, dict) else None
                except json.JSONDecodeError:
                    pass
                parsed.append((number, str(error), identifier))
        cases = [item for _, item, _ in parsed if isinstance(item, dict)]
        results = iter(suggest_many(loaded.model, cases, loaded.version))
        for number, item, identifier in parsed:
            if isinstance(item, dict):
                yield json.dumps(next(results), ensure_ascii=False)
            else:
                yield json.dumps({"line": number, "id": identifier, "error": item}, ensure_ascii=False)

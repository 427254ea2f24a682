"""`motivo predict`: JSON lines in, one suggestion (or error object) per line out, in order."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from model.cases import check_texts
from model.jsonl import json_objects
from model.suggest import suggest_many
from training.registry import LoadedModel


def case_from(raw: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """The case an input object describes (other keys ignored), and what is wrong with it, if anything."""
    case = {
        "id": raw.get("id"),
        "observations": raw.get("observations", []),
        "general_note": raw.get("general_note", ""),
    }
    return case, "; ".join(check_texts(case)) or None


def predict_lines(loaded: LoadedModel, lines: Iterable[str], batch_size: int = 256) -> Iterator[str]:
    """Suggestions for each non-blank input line; a bad line yields {"line", "id", "error"}."""
    objects = json_objects(lines)
    while chunk := list(islice(objects, batch_size)):
        items = []
        for number, raw, problem in chunk:
            case = None
            if raw is not None:
                case, problem = case_from(raw)
            items.append((number, raw, case, problem))
        good = [case for _, _, case, problem in items if problem is None]
        results = iter(suggest_many(loaded.model, good, loaded.version))
        for number, raw, _, problem in items:
            if problem is None:
                yield json.dumps(next(results), ensure_ascii=False)
            else:
                identifier = raw.get("id") if raw else None
                yield json.dumps({"line": number, "id": identifier, "error": problem}, ensure_ascii=False)

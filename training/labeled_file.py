"""Reading a JSON-lines file of labeled cases (for `motivo evaluate --data`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from model.cases import check_labels, check_texts
from model.jsonl import json_objects
from training.corpus import CorpusError


def read_labeled_file(path: Path) -> list[dict[str, Any]]:
    """Every case of the file; refuses the file, naming the line, if any case is malformed."""
    cases = []
    with open(path, encoding="utf-8") as handle:
        for number, case, problem in json_objects(handle):
            problems = [problem] if problem else check_texts(case) or check_labels(case)
            if problems:
                raise CorpusError(f"{path}:{number}: {problems[0]}")
            cases.append(case)
    if not cases:
        raise CorpusError(f"{path}: no cases")
    return cases

"""Reading a JSON-lines file of labeled cases (for `motivo evaluate --data`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from model.cases import check_labels, check_texts
from training.corpus import CorpusError


def read_labeled_file(path: Path) -> list[dict[str, Any]]:
    """Every case of the file; refuses the file, naming the line, if any case is malformed."""
    cases = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                case = json.loads(line)
            except json.JSONDecodeError as error:
                raise CorpusError(f"{path}:{number}: not JSON ({error.msg})") from error
            problems = check_texts(case) or check_labels(case)
            if problems:
                raise CorpusError(f"{path}:{number}: {problems[0]}")
            cases.append(case)
    if not cases:
        raise CorpusError(f"{path}: no cases")
    return cases

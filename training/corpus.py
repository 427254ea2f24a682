"""Loading the labeled corpus (`labeled_data/cases/*.jsonl`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from model.jsonl import json_objects
from model.paths import data_dir

SPLITS = ("train", "test")


class CorpusError(ValueError):
    """The corpus cannot be read."""


def cases_dir(root: Path | None = None) -> Path:
    return (root or data_dir()) / "cases"


def read_cases(root: Path | None = None) -> tuple[list[dict[str, Any]], list[str]]:
    """Every case of the corpus (with `_where` = file:line), and the lines that are not JSON objects."""
    folder = cases_dir(root)
    files = sorted(folder.glob("*.jsonl"))
    if not files:
        raise CorpusError(f"no *.jsonl case files in {folder}")
    cases: list[dict[str, Any]] = []
    problems: list[str] = []
    for path in files:
        with open(path, encoding="utf-8") as handle:
            for number, case, problem in json_objects(handle):
                where = f"{path.name}:{number}"
                if problem:
                    problems.append(f"{where}: {problem}")
                else:
                    cases.append({**case, "_where": where})
    return cases, problems


def load_split(split: str, root: Path | None = None) -> list[dict[str, Any]]:
    """The cases of one split, for training and evaluation; refuses a corpus with unreadable lines."""
    if split not in SPLITS:
        raise CorpusError(f"unknown split {split!r}; expected one of {SPLITS}")
    cases, problems = read_cases(root)
    if problems:
        raise CorpusError(f"{len(problems)} unreadable corpus lines, first: {problems[0]}")
    return [c for c in cases if c.get("split") == split]

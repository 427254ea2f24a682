"""The case schema shared by the importer, the corpus, the CLI and the service."""

from __future__ import annotations

import math
import re
from typing import Any

from model.taxonomy import Taxonomy, load_taxonomy

MAX_CONTACTS = 5
MAX_FIELD_CHARS = 20_000
# A short note is the first sentence an agent types (`"kind": "short_note"` in the corpus): its
# labels are what that sentence states, often no reason yet. It is measured on its own, never
# among the full cases.
SHORT_NOTE = "short_note"
_WORD = re.compile(r"\S+")


class CaseError(ValueError):
    """A case that breaks the schema; the message names the field and the problem."""


def text_fields(case: dict[str, Any] | str) -> list[str]:
    """The case's free texts in form order: the contact notes, then the general note.

    A bare string is one note (the general note), so a single text can be scored as a case.
    """
    if isinstance(case, str):
        return [case]
    return [*case.get("observations", []), case.get("general_note", "")]


def is_short_note(case: dict[str, Any]) -> bool:
    return case.get("kind") == SHORT_NOTE


def case_text(case: dict[str, Any]) -> str:
    """All the case's free text in one string (for checks and similarity, not for evidence)."""
    return "\n".join(t for t in text_fields(case) if t)


def check_texts(case: Any) -> list[str]:
    """Problems with a case's text fields, each naming the field."""
    if not isinstance(case, dict):
        return [f"case must be a JSON object, not {type(case).__name__}"]
    problems = []
    observations = case.get("observations")
    if not isinstance(observations, list):
        problems.append("observations: must be a list of strings")
    else:
        if len(observations) > MAX_CONTACTS:
            problems.append(
                f"observations: {len(observations)} contacts; the form has at most {MAX_CONTACTS}"
            )
        for i, note in enumerate(observations):
            if not isinstance(note, str):
                problems.append(f"observations[{i}]: must be a string, not {type(note).__name__}")
            elif len(note) > MAX_FIELD_CHARS:
                problems.append(f"observations[{i}]: {len(note)} characters; at most {MAX_FIELD_CHARS}")
    general = case.get("general_note", "")
    if not isinstance(general, str):
        problems.append(f"general_note: must be a string, not {type(general).__name__}")
    elif len(general) > MAX_FIELD_CHARS:
        problems.append(f"general_note: {len(general)} characters; at most {MAX_FIELD_CHARS}")
    if not problems and not any(t.strip() for t in text_fields(case)):
        problems.append("observations: no text: every contact note and the general note are empty")
    return problems


def check_labels(case: dict[str, Any], taxonomy: Taxonomy | None = None, required: bool = True) -> list[str]:
    """Problems with a case's labels (reasons, judicializacao, status); None is 'unknown' unless required."""
    taxonomy = taxonomy or load_taxonomy()
    problems = []
    reasons = case.get("reasons")
    if reasons is None:
        if required:
            problems.append("reasons: missing")
    elif not isinstance(reasons, list) or not all(isinstance(r, str) for r in reasons):
        problems.append("reasons: must be a list of reason codes")
    else:
        unknown = [r for r in reasons if r not in taxonomy.reason_codes]
        if unknown:
            problems.append(f"reasons: unknown codes {unknown}")
        if len(set(reasons)) != len(reasons):
            problems.append("reasons: a code is repeated")
    flag = case.get("judicializacao")
    if (flag is None and required) or (flag is not None and not isinstance(flag, bool)):
        problems.append("judicializacao: must be true or false")
    status = case.get("status")
    if (status is None and required) or (status is not None and status not in taxonomy.status_codes):
        problems.append(f"status: must be one of {list(taxonomy.status_codes)}")
    return problems


def truncate_case(case: dict[str, Any], share: float) -> dict[str, Any]:
    """The case as it stood when `share` of its words (contact notes, then the general note) were typed."""
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"share must be between 0 and 1, got {share}")
    fields = text_fields(case)
    ends = [(i, m.end()) for i, text in enumerate(fields) for m in _WORD.finditer(text)]
    if not ends:
        return dict(case)
    # Rounded first: 0.07 * 100 is 7.000000000000001, and its ceiling would keep a word too many.
    field, end = ends[max(1, math.ceil(round(share * len(ends), 9))) - 1]
    cut = [text if i < field else text[:end] if i == field else "" for i, text in enumerate(fields)]
    return {**case, "observations": cut[:-1], "general_note": cut[-1]}

"""What may train the model: a case passes only if it is a plausible, well-formed, rule-abiding note.

Applied to every source but the hand-checked corpus (confirmations, QA corrections, imported
history). Each case left out is listed with why. The same form rules as the API
(model/form_rules.py) apply, so a case stored before a rule existed is judged by it too.

Plausibility (thresholds set on the corpus: every corpus case passes them):
- at least MIN_WORDS words of two letters or more and MIN_LETTERS letters in all;
- letters are at least MIN_LETTER_SHARE of the non-space characters (not symbol or digit soup);
- at least MIN_KNOWN_SHARE of its words are words the corpus uses (a Portuguese note shares
  its function words and the domain's words with the corpus; fuzzed or random text does not).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from model.cases import case_text, check_labels, check_texts
from model.form_rules import form_rule_problems
from model.masking import mask
from model.normalize import fold

MIN_WORDS = 3
MIN_LETTERS = 12
MIN_LETTER_SHARE = 0.4
MIN_KNOWN_SHARE = 0.5  # corpus test notes score 0.8 or more against the train split's words
_WORD = re.compile(r"[^\W\d_]{2,}")


@dataclass(frozen=True)
class LeftOut:
    case_id: Any
    form_id: str | None
    source: str
    why: str


def words(text: str) -> list[str]:
    """The words of a text as the guard counts them: masked, accents folded, lower case."""
    return _WORD.findall(fold(mask(text)).lower())


def vocabulary(cases: Iterable[dict[str, Any]]) -> frozenset[str]:
    """Every word the given (corpus) cases use."""
    return frozenset(word for case in cases for word in words(case_text(case)))


def implausible(text: str, known: frozenset[str]) -> str | None:
    """Why `text` is not a plausible contact note, or None."""
    found = words(text)
    letters = sum(ch.isalpha() for ch in text)
    if len(found) < MIN_WORDS or letters < MIN_LETTERS:
        return (
            f"too little text ({len(found)} words, {letters} letters; at least {MIN_WORDS} and {MIN_LETTERS})"
        )
    visible = sum(not ch.isspace() for ch in text)
    if letters < MIN_LETTER_SHARE * visible:
        return f"not a note: only {letters} of {visible} characters are letters"
    share = sum(word in known for word in found) / len(found)
    if share < MIN_KNOWN_SHARE:
        return f"not a note: {share:.0%} of its words are Portuguese words the corpus uses (at least {MIN_KNOWN_SHARE:.0%})"
    return None


def problems(case: dict[str, Any], known: frozenset[str]) -> list[str]:
    """Everything that keeps `case` out of training (empty: it may train)."""
    # Exports of past forms often leave the status out; the model does not learn it, so an
    # imported history case may train without one (a confirmation may not).
    no_status_needed = case.get("source") == "history" and case.get("status") is None
    found = check_texts(case)
    found += [
        p for p in check_labels(case, required=True) if not (no_status_needed and p.startswith("status:"))
    ]
    if found:
        return found
    found += [
        f"{p.field}: {p.message}"
        for p in form_rule_problems(
            case["reasons"],
            case["judicializacao"],
            case["status"],
            case.get("general_note", ""),
            case.get("form_version"),
        )
        if not (no_status_needed and p.rule == "status_required")
    ]
    reason = implausible(case_text(case), known)
    return [*found, reason] if reason else found


def screen(
    cases: Sequence[dict[str, Any]], known: frozenset[str]
) -> tuple[list[dict[str, Any]], list[LeftOut]]:
    """The cases that may train, and the others with why."""
    kept, left_out = [], []
    for case in cases:
        found = problems(case, known)
        if found:
            left_out.append(
                LeftOut(case.get("id"), case.get("form_id"), case.get("source", "?"), "; ".join(found))
            )
        else:
            kept.append(case)
    return kept, left_out

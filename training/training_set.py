"""The one rule for what trains the model, from every source of labeled cases.

Sources, strongest first: `qa` (a QA reviewer's correction), `agent` (an agent's
confirmation), `history` (the operator's past forms, `motivo history import`),
`corpus` (the hand-written labeled corpus).

1. Guard: every case but the corpus's must pass training/guard.py (well-formed, known codes,
   the form's rules, a plausible note); the others are listed and left out.
2. Same form: of a form's cases, a QA correction beats an agent confirmation; among equals
   the latest (highest id) wins.
3. Same text (masked, folded, whitespace-insensitive): the strongest source present wins, so a
   confirmed form beats a history case, and both beat a corpus case. Cases of the winning
   source that disagree are listed as a conflict and left out; the next source then speaks.
4. A case whose text is in the corpus test split never trains: the test split stays as written.
   A history case of such a text joins the history test set instead (it measures, never trains).
5. Hold-out: a case is held out for testing when a hash of its form id falls under the share,
   whatever its source, so a form stays on the same side however it arrives. History cases
   dated from `test_since` on are all held out, as the most recent period's test set.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from model.cases import case_text
from model.masking import mask
from model.normalize import fold
from training import guard

SOURCES = ("qa", "agent", "history", "corpus")
_RANK = {source: rank for rank, source in enumerate(SOURCES)}
CONFIRMED = ("qa", "agent")
RECENT = "history recent"  # the held-out history dated from --test-since on


@dataclass
class TrainingSet:
    train: list[dict[str, Any]]
    corpus_test: list[dict[str, Any]]
    held_out: dict[str, list[dict[str, Any]]]  # per source (not the corpus)
    left_out: list[guard.LeftOut] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    # per source: offered, guarded out, replaced (same form / same text), in corpus test, train, test
    counts: dict[str, Counter] = field(default_factory=dict)

    @property
    def confirmed_test(self) -> list[dict[str, Any]]:
        return [c for source in CONFIRMED for c in self.held_out.get(source, [])]

    @property
    def confirmed_train(self) -> list[dict[str, Any]]:
        return [c for c in self.train if c["source"] in CONFIRMED]


def text_key(case: dict[str, Any]) -> str:
    """What makes two cases 'the same text': masked, folded, whitespace-insensitive."""
    return " ".join(fold(mask(case_text(case))).split())


def text_sha256(case: dict[str, Any]) -> str:
    """A stable fingerprint of a case's text (see `text_key`): names a form that has no id, and
    tells whether a form's text changed since a QA decision."""
    return hashlib.sha256(text_key(case).encode("utf-8")).hexdigest()


def in_holdout(case: dict[str, Any], share: float) -> bool:
    """Stable choice of the test share: a hash of the form id (of the text when there is none)."""
    key = case.get("form_id") or text_key(case)
    return int(hashlib.sha256(str(key).encode("utf-8")).hexdigest()[:8], 16) / 0xFFFFFFFF < share


def _labels(case: dict[str, Any]) -> tuple[tuple[str, ...], bool]:
    return tuple(sorted(case["reasons"])), bool(case["judicializacao"])


def _as_training_case(case: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": f"{case['source']}-{case.get('id')}",
        "source": case["source"],
        "form_id": case.get("form_id"),
        "observations": case["observations"],
        "general_note": case["general_note"],
        "reasons": case["reasons"],
        "judicializacao": case["judicializacao"],
        "status": case.get("status"),
        # What the older form did not print stays unknown (training/known_labels.py); the date
        # makes the most-recent-period test set.
        "form_version": case.get("form_version"),
        "date": case.get("date"),
    }


def _recent(case: dict[str, Any], test_since: str | None) -> bool:
    """A history case dated from `test_since` (ISO) on: the most recent period's test set."""
    return bool(test_since and (case.get("date") or "") >= test_since)


def _one_per_form(cases: Iterable[dict[str, Any]], counts: dict[str, Counter]) -> list[dict[str, Any]]:
    by_form: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for case in cases:
        # History ids are the source system's, not the service's: never "the same form" as a confirmation.
        scope = "confirmed" if case["source"] in CONFIRMED else case["source"]
        by_form[(scope, case.get("form_id") or f"no-form-{id(case)}")].append(case)
    winners = []
    for group in by_form.values():
        group.sort(key=lambda c: (-_RANK[c["source"]], c.get("id") or 0))
        winners.append(group[-1])
        for beaten in group[:-1]:
            counts[beaten["source"]]["replaced"] += 1
    return winners


def build(
    corpus_train: Sequence[dict[str, Any]],
    corpus_test: Sequence[dict[str, Any]],
    cases: Iterable[dict[str, Any]],
    holdout: float,
    known: frozenset[str] | None = None,
    test_since: str | None = None,
) -> TrainingSet:
    """Training and test sets from the corpus and the other sources' cases (see the module doc).

    `known`: the words a plausible note shares with the corpus (default: the given corpus's).
    `test_since` (ISO date): history cases dated from then on never train; they are the
    "history recent" test set (how the model does on this year's notes).
    """
    counts: dict[str, Counter] = {source: Counter() for source in SOURCES}
    offered = []
    for case in cases:
        source = case.get("source") or ("qa" if case.get("role") == "qa" else "agent")
        if source not in _RANK or source == "corpus":
            raise ValueError(f"unknown case source {source!r}; expected one of {SOURCES[:-1]}")
        offered.append({**case, "source": source})
        counts[source]["offered"] += 1
    if known is None:
        known = guard.vocabulary([*corpus_train, *corpus_test])
    kept, left_out = guard.screen(offered, known)
    for item in left_out:
        counts[item.source]["guarded out"] += 1

    by_text: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for case in corpus_train:  # first, so that the corpus keeps its order
        by_text[text_key(case)].append({**case, "source": "corpus"})
    for case in _one_per_form(kept, counts):
        by_text[text_key(case)].append(case)
    counts["corpus"]["offered"] = len(corpus_train)
    test_keys = {text_key(c) for c in corpus_test}

    chosen, conflicts = [], []
    held_out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for key, group in by_text.items():
        for rank in sorted({_RANK[c["source"]] for c in group}):
            source = SOURCES[rank]
            speakers = [c for c in group if _RANK[c["source"]] == rank]
            if source != "corpus" and len({_labels(c) for c in speakers}) > 1:
                conflicts.append(
                    {
                        "source": source,
                        "form_ids": [c.get("form_id") for c in speakers],
                        "case_ids": [c.get("id") for c in speakers],
                        "labels": sorted({str(_labels(c)) for c in speakers}),
                    }
                )
                counts[source]["conflicting"] += len(speakers)
                continue
            # The corpus keeps all its cases; another source's agreeing cases of one text count once.
            winners = speakers if source == "corpus" else speakers[-1:]
            counts[source]["same text"] += len(speakers) - len(winners)
            for case in group:
                counts[case["source"]]["replaced"] += _RANK[case["source"]] > rank
            if source != "corpus" and key in test_keys:
                counts[source]["in corpus test"] += 1
                for case in winners if source == "history" else ():  # never trains, still measures
                    held_out[RECENT if _recent(case, test_since) else "history"].append(
                        _as_training_case(case)
                    )
            else:
                chosen.extend(winners)
            break

    train: list[dict[str, Any]] = []
    for case in chosen:
        if case["source"] == "corpus":
            train.append(case)
            counts["corpus"]["train"] += 1
            continue
        prepared = _as_training_case(case)
        if case["source"] == "history" and _recent(case, test_since):
            counts["history"]["recent test"] += 1
            held_out[RECENT].append(prepared)
            continue
        side = "test" if in_holdout(prepared, holdout) else "train"
        counts[case["source"]][side] += 1
        (held_out[case["source"]] if side == "test" else train).append(prepared)
    return TrainingSet(train, list(corpus_test), dict(held_out), left_out, conflicts, counts)

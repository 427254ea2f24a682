"""`motivo data check`: the corpus against its schema and the quotas of the corpus issue."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import CountVectorizer

from model.cases import SHORT_NOTE, case_text, check_labels, check_texts
from model.normalize import fold
from model.taxonomy import Taxonomy, load_taxonomy
from training.corpus import SPLITS, read_cases

# What the corpus must hold (the corpus issue's "Deliver" and "Done when").
MIN_CASES = 2400
MIN_TRUE_PER_REASON = 60
MIN_MAIN_PER_REASON = 40
MIN_FLAG_TRUE = 450
MIN_HARD_NEGATIVES = 200
MIN_MULTI_SHARE = 0.25
MIN_STATUS_SHARE = {"retencao_efetiva": 0.10, "nao_se_trata_de_retencao": 0.04}
TEST_SHARE_RANGE = (0.15, 0.30)
# A short note (model.cases.SHORT_NOTE) is one field of a few words; its status is usually unknown.
SHORT_NOTE_WORDS = (3, 20)
NEAR_DUPLICATE_JACCARD = 0.6
MAX_NEAR_DUPLICATE_SHARE = 0.01
LONG_SENTENCE_CHARS = 60
MAX_CASES_PER_LONG_SENTENCE = 5
REQUIRED_KEYS = (
    "id",
    "observations",
    "general_note",
    "reasons",
    "judicializacao",
    "status",
    "split",
    "batch",
)

# Words that make a flag-false case a hard negative. "CRO" counts only as the council (not a
# registration number) and "processo" not as the leaving process itself.
HARD_NEGATIVE_WORDS = re.compile(
    r"\b(?:ans|nip|advogad\w*|justica|judicia\w*|juridic\w*|procon|denuncia\w*|tribunal|"
    r"processar|processo(?! de (?:descredenciamento|desligamento|retencao|credenciamento|recadastramento))|"
    r"cro(?![\s\-/]*(?:[a-z]{2}\b)?[\s\-/:]*(?:n[o.]*\s*)?\d))"
)
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\n+")


@dataclass
class CheckReport:
    errors: list[str] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    table: pd.DataFrame | None = None
    near_duplicates: list[tuple[str, str, float]] = field(default_factory=list)
    repeated_sentences: list[tuple[str, int]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def is_hard_negative(case: dict[str, Any]) -> bool:
    return case.get("judicializacao") is False and bool(HARD_NEGATIVE_WORDS.search(fold(case_text(case))))


def _schema_errors(cases: list[dict[str, Any]], taxonomy: Taxonomy) -> list[str]:
    errors = []
    ids = Counter(c.get("id") for c in cases)
    errors += [f"id {i!r} is used {n} times" for i, n in ids.items() if n > 1]
    for case in cases:
        where = f"{case['_where']} ({case.get('id')})"
        missing = [k for k in REQUIRED_KEYS if k not in case]
        if missing:
            errors.append(f"{where}: missing keys {missing}")
            continue
        short = case.get("kind") == SHORT_NOTE
        if case.get("kind") not in (None, SHORT_NOTE):
            errors.append(f"{where}: kind: must be {SHORT_NOTE!r} or absent")
        problems = check_texts(case) + check_labels(case, taxonomy, required=not short)
        if short:
            problems += _short_note_problems(case)
        if case["split"] not in SPLITS:
            problems.append(f"split: must be one of {list(SPLITS)}")
        if not isinstance(case["batch"], str) or not case["batch"]:
            problems.append("batch: must name who or what wrote the case")
        # A short note has no general note yet: its one sentence is the justification.
        if (
            "outros" in (case.get("reasons") or [])
            and not short
            and not str(case.get("general_note", "")).strip()
        ):
            problems.append("reasons: 'outros' needs its justification in general_note")
        errors += [f"{where}: {p}" for p in problems]
    return errors


def _short_note_problems(case: dict[str, Any]) -> list[str]:
    problems = []
    if not isinstance(case.get("reasons"), list):
        problems.append("reasons: a short note needs its list of reasons ([] when it states none)")
    if not isinstance(case.get("judicializacao"), bool):
        problems.append("judicializacao: must be true or false")
    texts = [t for t in [*case.get("observations", []), case.get("general_note", "")] if t.strip()]
    words = len(texts[0].split()) if len(texts) == 1 else 0
    low, high = SHORT_NOTE_WORDS
    if len(texts) != 1 or not low <= words <= high:
        problems.append(f"observations: a short note is one field of {low} to {high} words")
    return problems


def _label_table(cases: list[dict[str, Any]], taxonomy: Taxonomy) -> pd.DataFrame:
    rows = []
    for code in taxonomy.reason_codes:
        having = [c for c in cases if code in c["reasons"]]
        rows.append(
            {
                "code": code,
                "cases": len(having),
                "main": sum(c["reasons"][0] == code for c in having),
                "multi": sum(len(c["reasons"]) > 1 for c in having),
                "flag": sum(c["judicializacao"] for c in having),
                "train": sum(c["split"] == "train" for c in having),
                "test": sum(c["split"] == "test" for c in having),
            }
        )
    return pd.DataFrame(rows).set_index("code")


def _near_duplicates(cases: list[dict[str, Any]]) -> list[tuple[int, int, float]]:
    """Pairs whose character 5-gram sets have a Jaccard similarity of at least the threshold."""
    texts = [" ".join(case_text(c).lower().split()) for c in cases]
    grams = CountVectorizer(analyzer="char", ngram_range=(5, 5), binary=True, lowercase=False).fit_transform(
        texts
    )
    sizes = np.asarray(grams.sum(axis=1)).ravel()
    shared = (grams @ grams.T).tocoo()
    pairs = []
    for i, j, inter in zip(shared.row, shared.col, shared.data, strict=True):
        if i < j:
            jaccard = inter / (sizes[i] + sizes[j] - inter)
            if jaccard >= NEAR_DUPLICATE_JACCARD:
                pairs.append((int(i), int(j), float(jaccard)))
    return sorted(pairs, key=lambda p: -p[2])


def _sentence_reuse(cases: list[dict[str, Any]]) -> tuple[float, list[tuple[str, int]]]:
    """Share of sentences (30+ chars) found in more than one case, and the long ones reused most."""
    in_cases: dict[str, set[int]] = defaultdict(set)
    for index, case in enumerate(cases):
        for sentence in _SENTENCE_BREAK.split(case_text(case)):
            key = " ".join(sentence.lower().split())
            if len(key) >= 30:
                in_cases[key].add(index)
    if not in_cases:
        return 0.0, []
    shared = sum(len(ids) > 1 for ids in in_cases.values()) / len(in_cases)
    long_reused = sorted(
        ((s, len(ids)) for s, ids in in_cases.items() if len(s) >= LONG_SENTENCE_CHARS and len(ids) > 1),
        key=lambda item: -item[1],
    )
    return shared, long_reused


def _quota_errors(cases: list[dict[str, Any]], table: pd.DataFrame, taxonomy: Taxonomy) -> list[str]:
    errors = []
    total = len(cases)
    if total < MIN_CASES:
        errors.append(f"{total} cases; at least {MIN_CASES} are needed")
    for code, row in table.iterrows():
        if row["cases"] < MIN_TRUE_PER_REASON:
            errors.append(f"{code}: true in {row['cases']} cases; at least {MIN_TRUE_PER_REASON} needed")
        if row["main"] < MIN_MAIN_PER_REASON:
            errors.append(
                f"{code}: main reason of {row['main']} cases; at least {MIN_MAIN_PER_REASON} needed"
            )
        if row["test"] == 0:
            errors.append(f"{code}: no case in the test split")
    flagged = sum(c["judicializacao"] for c in cases)
    if flagged < MIN_FLAG_TRUE:
        errors.append(f"judicializacao true in {flagged} cases; at least {MIN_FLAG_TRUE} needed")
    if not any(c["judicializacao"] for c in cases if c["split"] == "test"):
        errors.append("judicializacao: no flagged case in the test split")
    hard = sum(is_hard_negative(c) for c in cases)
    if hard < MIN_HARD_NEGATIVES:
        errors.append(f"{hard} hard negatives for the flag; at least {MIN_HARD_NEGATIVES} needed")
    multi = sum(len(c["reasons"]) > 1 for c in cases) / max(total, 1)
    if multi < MIN_MULTI_SHARE:
        errors.append(f"multi-reason share {multi:.1%}; at least {MIN_MULTI_SHARE:.0%} needed")
    statuses = Counter(c["status"] for c in cases)
    for status, share in MIN_STATUS_SHARE.items():
        if statuses[status] / max(total, 1) < share:
            errors.append(
                f"status {status}: {statuses[status] / max(total, 1):.1%}; at least {share:.0%} needed"
            )
    batches_by_split: dict[str, set[str]] = defaultdict(set)
    for case in cases:
        batches_by_split[case["batch"]].add(case["split"])
    errors += [
        f"batch {b!r} is in both splits: a test batch must be whole"
        for b, s in batches_by_split.items()
        if len(s) > 1
    ]
    test_share = sum(c["split"] == "test" for c in cases) / max(total, 1)
    if not TEST_SHARE_RANGE[0] <= test_share <= TEST_SHARE_RANGE[1]:
        errors.append(
            f"test split is {test_share:.1%} of cases; expected {TEST_SHARE_RANGE[0]:.0%}-"
            f"{TEST_SHARE_RANGE[1]:.0%}"
        )
    return errors


def check_corpus(root: Path | None = None, quotas: bool = True) -> CheckReport:
    """Validate the corpus; `quotas=False` checks schema and duplicates only (for partial corpora)."""
    taxonomy = load_taxonomy()
    report = CheckReport()
    cases, report.errors = read_cases(root)
    report.errors += _schema_errors(cases, taxonomy)
    if report.errors:
        return report
    report.table = _label_table(cases, taxonomy)
    pairs = _near_duplicates(cases)
    report.near_duplicates = [(cases[i]["id"], cases[j]["id"], s) for i, j, s in pairs]
    crossing = [
        (cases[i]["id"], cases[j]["id"]) for i, j, _ in pairs if cases[i]["split"] != cases[j]["split"]
    ]
    shared_share, long_reused = _sentence_reuse(cases)
    report.repeated_sentences = long_reused
    total = len(cases)
    report.summary = {
        "cases": total,
        "train": sum(c["split"] == "train" for c in cases),
        "test": sum(c["split"] == "test" for c in cases),
        "batches": len({c["batch"] for c in cases}),
        "multi_reason": sum(len(c["reasons"]) > 1 for c in cases),
        "flag_true": sum(c["judicializacao"] for c in cases),
        "hard_negatives": sum(is_hard_negative(c) for c in cases),
        **{
            f"status_{s or 'unknown'}": n
            for s, n in sorted(Counter(c["status"] or "" for c in cases).items())
        },
        "short_notes": sum(c.get("kind") == SHORT_NOTE for c in cases),
        "near_duplicate_pairs": len(pairs),
        "near_duplicate_pairs_across_splits": len(crossing),
        "sentences_shared_by_cases": f"{shared_share:.2%}",
        "max_cases_per_long_sentence": max((n for _, n in long_reused), default=1),
    }
    if crossing:
        report.errors.append(f"{len(crossing)} near-duplicate pairs cross the splits, e.g. {crossing[0]}")
    if len(pairs) >= MAX_NEAR_DUPLICATE_SHARE * total:
        report.errors.append(
            f"{len(pairs)} near-duplicate pairs; must be under {MAX_NEAR_DUPLICATE_SHARE:.0%} "
            f"of cases ({MAX_NEAR_DUPLICATE_SHARE * total:.0f})"
        )
    overused = [(s, n) for s, n in long_reused if n > MAX_CASES_PER_LONG_SENTENCE]
    report.errors += [
        f"sentence in {n} cases (max {MAX_CASES_PER_LONG_SENTENCE}): {s[:90]!r}" for s, n in overused
    ]
    if quotas:
        report.errors += _quota_errors(cases, report.table, taxonomy)
    return report

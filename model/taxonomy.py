"""The form's labels, loaded once from `labeled_data/taxonomy.yaml`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from model.normalize import match_key
from model.paths import data_dir


class UnknownLabelError(ValueError):
    """A text or code that names no label of the taxonomy."""


@dataclass(frozen=True)
class Label:
    code: str
    label: str
    meaning: str
    spellings: tuple[str, ...] = ()
    forms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Taxonomy:
    reasons: tuple[Label, ...]
    flag: Label
    statuses: tuple[Label, ...]
    form_versions: dict[str, str]
    spellings: dict[str, str] = field(default_factory=dict, repr=False)
    labels: dict[str, str] = field(default_factory=dict, repr=False)
    # Pairs of reason codes that are easily confused (GUIDELINES.md tells each pair apart).
    neighbours: tuple[tuple[str, str], ...] = ()

    @property
    def reason_codes(self) -> tuple[str, ...]:
        """The 30 reason codes, in the form's order."""
        return tuple(r.code for r in self.reasons)

    @property
    def status_codes(self) -> tuple[str, ...]:
        return tuple(s.code for s in self.statuses)

    def label(self, code: str) -> str:
        """The form's printed text for a reason, flag or status code."""
        try:
            return self.labels[code]
        except KeyError:
            raise UnknownLabelError(f"unknown label code {code!r}") from None

    def code(self, text: str) -> str:
        """The code for any printed or corrected spelling of a label (or the code itself)."""
        found = self.spellings.get(match_key(text))
        if found is None:
            raise UnknownLabelError(f"no label is spelled {text!r}")
        return found

    def reason_code(self, text: str) -> str:
        """Like `code`, but only reasons are accepted."""
        code = self.code(text)
        if code not in self.reason_codes:
            raise UnknownLabelError(f"{text!r} is not a 'Motivo desligamento' reason")
        return code

    def codes_of_version(self, version: str) -> tuple[str, ...]:
        """The reason codes a form version prints, in the form's order."""
        if version not in self.form_versions:
            raise UnknownLabelError(f"unknown form version {version!r}; known: {sorted(self.form_versions)}")
        return tuple(r.code for r in self.reasons if version in r.forms)

    def _all(self) -> tuple[Label, ...]:
        return (*self.reasons, self.flag, *self.statuses)


def _spelling_index(labels: tuple[Label, ...]) -> dict[str, str]:
    index: dict[str, str] = {}
    for item in labels:
        for spelling in (item.code, item.label, *item.spellings):
            key = match_key(spelling)
            if index.setdefault(key, item.code) != item.code:
                raise ValueError(f"spelling {spelling!r} names both {index[key]} and {item.code}")
    return index


def _label(entry: dict) -> Label:
    return Label(
        code=entry["code"],
        label=entry["label"],
        meaning=entry.get("meaning", ""),
        spellings=tuple(entry.get("spellings", ())),
        forms=tuple(entry.get("forms", ())),
    )


def parse_taxonomy(raw: dict) -> Taxonomy:
    """Build a Taxonomy from the YAML structure, checking it is consistent."""
    reasons = tuple(_label(e) for e in raw["reasons"])
    flag = _label(raw["flag"])
    statuses = tuple(_label(e) for e in raw["statuses"])
    taxonomy = Taxonomy(
        reasons=reasons,
        flag=flag,
        statuses=statuses,
        form_versions=dict(raw["form_versions"]),
        spellings=_spelling_index((*reasons, flag, *statuses)),
        labels={item.code: item.label for item in (*reasons, flag, *statuses)},
        neighbours=_neighbour_pairs(raw.get("neighbours") or []),
    )
    codes = [item.code for item in taxonomy._all()]
    if len(codes) != len(set(codes)):
        raise ValueError("taxonomy codes are not unique")
    for reason in taxonomy.reasons:
        unknown = set(reason.forms) - set(taxonomy.form_versions)
        if unknown:
            raise ValueError(f"reason {reason.code} names unknown form versions {sorted(unknown)}")
    check_neighbours(taxonomy.neighbours, taxonomy.reason_codes)
    return taxonomy


def _neighbour_pairs(entries: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(entries, list):
        raise ValueError(f"neighbours must be a list of [code, code] pairs, not {entries!r}")
    for entry in entries:
        if not (isinstance(entry, list) and len(entry) == 2 and all(isinstance(c, str) for c in entry)):
            raise ValueError(f"neighbours entry {entry!r} must be a pair of two reason codes")
    return tuple((a, b) for a, b in entries)


def check_neighbours(pairs: Sequence[Sequence[str]], codes: Sequence[str]) -> None:
    """Refuse, by name, a neighbour pair that is not two different codes among `codes`."""
    known = set(codes)
    for pair in pairs:
        if len(pair) != 2 or pair[0] == pair[1] or not set(pair) <= known:
            raise ValueError(f"neighbours {list(pair)} must be two different reason codes")


@lru_cache(maxsize=4)
def load_taxonomy(path: Path | None = None) -> Taxonomy:
    """The taxonomy from `path` (default: `taxonomy.yaml` in the data folder), read once."""
    path = path or data_dir() / "taxonomy.yaml"
    with open(path, encoding="utf-8") as handle:
        return parse_taxonomy(yaml.safe_load(handle))

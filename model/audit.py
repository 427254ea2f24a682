"""Which ticked boxes the notes do not support, and which supported boxes were not ticked.

Listing follows confident learning (Northcutt et al.), on calibrated out-of-sample
probabilities: a ticked box is listed when its probability is below what its label usually
gets when truly ticked (the model's `confident_thresholds_`); an unticked box is listed when
the model would suggest it. The score is the calibrated chance that the tick is wrong: 1 - p
for a ticked box, p for an unticked one, so findings of every kind rank on one scale.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from model.motivo_model import MotivoModel
from model.suggest import suggest_many
from model.taxonomy import load_taxonomy


def findings_for(
    model: MotivoModel, suggestion: dict[str, Any], ticked: Sequence[str] | None, flag_ticked: bool | None
) -> list[dict[str, Any]]:
    """Findings for one case from its suggestion (made with evidence for the ticked codes).

    `ticked`/`flag_ticked` None means the form's boxes are unknown: only the model's own
    suggestions are listed, as `missing` / `flag_missed`.
    """
    taxonomy = load_taxonomy()
    codes = list(model.reason_codes)
    confident = dict(zip(codes, model.confident_thresholds_[:-1], strict=True))
    ticked_set = set(ticked or ())
    findings = []
    for reason in suggestion["reasons"]:
        code, p = reason["code"], reason["probability"]
        if code in ticked_set and p < confident[code]:
            findings.append(_finding(code, reason["label"], "unsupported", p, 1 - p, reason["evidence"]))
        elif code not in ticked_set and reason["suggested"]:
            findings.append(_finding(code, reason["label"], "missing", p, p, reason["evidence"]))
    flag = suggestion["judicializacao"]
    p = flag["probability"]
    if flag_ticked is not True and flag["flag"]:
        findings.append(
            _finding(taxonomy.flag.code, taxonomy.flag.label, "flag_missed", p, p, flag["evidence"])
        )
    elif flag_ticked is True and p < model.confident_thresholds_[-1] and not flag["flag"]:
        findings.append(
            _finding(taxonomy.flag.code, taxonomy.flag.label, "flag_unsupported", p, 1 - p, flag["evidence"])
        )
    findings.sort(key=lambda f: -f["score"])
    return findings


def _finding(code: str, label: str, kind: str, p: float, score: float, evidence: list) -> dict[str, Any]:
    return {
        "code": code,
        "label": label,
        "kind": kind,
        "probability": p,
        "score": round(score, 4),
        "evidence": evidence,
    }


def audit_cases(
    model: MotivoModel,
    model_version: str,
    cases: Sequence[dict[str, Any]],
) -> list[list[dict[str, Any]]]:
    """Findings for each case; a case's `reasons`/`judicializacao` are what was ticked (None: unknown)."""
    flag_code = load_taxonomy().flag.code
    evidence_for = [
        [*(case.get("reasons") or ()), *([flag_code] if case.get("judicializacao") else [])] for case in cases
    ]
    suggestions = suggest_many(model, cases, model_version, evidence_for=evidence_for)
    return [
        findings_for(model, suggestion, case.get("reasons"), case.get("judicializacao"))
        for case, suggestion in zip(cases, suggestions, strict=True)
    ]

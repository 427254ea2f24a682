"""The admin's threshold policy: a JSON document in the registry, validated on load (never
unpickled), every change a history event (who, when, before, after), undoable.

    {"all": {"target_precision": 0.9},
     "labels": {"glosas": {"threshold": 0.6}, "outros": {"mode": "desligado"},
                "valores": {"mode": "sugerir"}}}

Per label, its own rule, else "all", else the model's own threshold. A rule is one of
`target_precision` (the lowest threshold reaching it: on the forms confirmed while the model
served, once a label has enough of them, else on its out-of-fold probabilities),
`threshold` (in (0, 1)), or `mode`: "sugerir" (the model's own threshold) or "desligado" (never
suggested nor shown as possible).

Thresholds found on confirmed forms are computed when the policy is saved and kept in it, with
the model version they belong to, so every worker applies the same numbers without reading the
database:

    "resolved": {"model_version": "20261207-153347", "forms": 812,
                 "thresholds": {"glosas": 0.41}}

For another model version they are ignored (its out-of-fold probabilities serve).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from training import registry
from training.registry import append_history, history, registry_root

POLICY = "threshold-policy.json"
MODES = ("sugerir", "desligado")
MAX_BYTES = 64 * 1024


class PolicyError(ValueError):
    """A policy document that breaks the schema; the message names where."""


def _rule(where: str, rule: Any) -> dict[str, Any]:
    if not isinstance(rule, dict) or len(rule) != 1:
        raise PolicyError(f"{where}: one of {{'target_precision': p}}, {{'threshold': t}}, {{'mode': m}}")
    ((key, value),) = rule.items()
    if key in ("target_precision", "threshold"):
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise PolicyError(f"{where}.{key}: a number, not {value!r}")
        if not 0 < value < 1:
            raise PolicyError(f"{where}.{key}: between 0 and 1 (exclusive), not {value!r}")
        return {key: float(value)}
    if key == "mode":
        if value not in MODES:
            raise PolicyError(f"{where}.mode: one of {', '.join(MODES)}, not {value!r}")
        return {key: value}
    raise PolicyError(f"{where}: unknown rule {key!r} (target_precision, threshold or mode)")


def _resolved(block: Any, labels: Sequence[str]) -> dict[str, Any]:
    if not isinstance(block, dict) or set(block) != {"model_version", "forms", "thresholds"}:
        raise PolicyError("resolved: an object with model_version, forms and thresholds")
    version, forms, thresholds = block["model_version"], block["forms"], block["thresholds"]
    if not isinstance(version, str) or not version or len(version) > 100:
        raise PolicyError("resolved.model_version: a version name")
    if isinstance(forms, bool) or not isinstance(forms, int) or forms < 0:
        raise PolicyError("resolved.forms: a count of forms")
    if not isinstance(thresholds, dict):
        raise PolicyError("resolved.thresholds: an object {code: threshold}")
    for code, value in thresholds.items():
        if code not in labels:
            raise PolicyError(f"resolved.thresholds.{code}: unknown label")
        _rule(f"resolved.thresholds.{code}", {"threshold": value})
    return {
        "model_version": version,
        "forms": forms,
        "thresholds": {k: float(v) for k, v in thresholds.items()},
    }


def validate(document: Any, labels: Sequence[str]) -> dict[str, Any]:
    """The policy, normalised; PolicyError naming the first problem."""
    if not isinstance(document, dict):
        raise PolicyError("the policy must be a JSON object")
    unknown = set(document) - {"all", "labels", "resolved"}
    if unknown:
        raise PolicyError(f"unknown keys {sorted(unknown)}: only 'all', 'labels' and 'resolved'")
    policy: dict[str, Any] = {"labels": {}}
    if document.get("resolved") is not None:
        policy["resolved"] = _resolved(document["resolved"], labels)
    if document.get("all") is not None:
        policy["all"] = _rule("all", document["all"])
    per_label = document.get("labels") or {}
    if not isinstance(per_label, dict):
        raise PolicyError("labels: an object {code: rule}")
    for code, rule in per_label.items():
        if code not in labels:
            raise PolicyError(f"labels.{code}: unknown label (see GET /v1/labels)")
        policy["labels"][code] = _rule(f"labels.{code}", rule)
    return policy


def read_policy(labels: Sequence[str], root: Path | None = None) -> dict[str, Any] | None:
    """The policy in force (None: the model's own thresholds); PolicyError if the file is bad."""
    path = (root or registry_root()) / POLICY
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    if len(raw) > MAX_BYTES:
        raise PolicyError(f"{path} is larger than {MAX_BYTES} bytes")
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise PolicyError(f"{path} is not JSON: {error}") from error
    return validate(document, labels) if document is not None else None


def write_policy(
    policy: dict[str, Any] | None,
    by: str,
    labels: Sequence[str],
    root: Path | None = None,
    reason: str = "set",
) -> dict[str, Any] | None:
    """Put `policy` in force (validated; None: back to the model's thresholds), recorded in the history."""
    root = root or registry_root()
    after = validate(policy, labels) if policy is not None else None
    try:
        before = read_policy(labels, root)
    except PolicyError:
        before = None
    registry.write_atomic(root / POLICY, json.dumps(after, ensure_ascii=False, indent=1) + "\n")
    append_history(
        {"event": "thresholds", "by": by, "reason": reason, "before": before, "after": after}, root
    )
    return after


def undo(by: str, labels: Sequence[str], root: Path | None = None) -> dict[str, Any] | None:
    """Put back the policy in force before the latest change (undoing an undo redoes)."""
    changes = [e for e in history(root) if e.get("event") == "thresholds"]
    if not changes:
        raise PolicyError("no threshold change to undo")
    return write_policy(changes[-1]["before"], by, labels, root, reason="undo")


def resolve(
    policy: dict[str, Any],
    model: Any,
    cases: Sequence[dict[str, Any]] | None = None,
    version: str | None = None,
) -> tuple[dict[str, float], set[str]]:
    """(thresholds to set, labels switched off) for `model` (registry `version`). A precision
    target takes the threshold resolved on confirmed forms for this version, else the model's
    out-of-fold probabilities (`cases`: its training cases, for a model that keeps no labels)."""
    from training.threshold_table import oof_labels, threshold_for_precision

    changes: dict[str, float] = {}
    off: set[str] = set()
    resolved = policy.get("resolved") or {}
    confirmed = resolved.get("thresholds", {}) if version and resolved.get("model_version") == version else {}
    oof = None
    for column, code in enumerate(model.labels):
        rule = policy["labels"].get(code) or policy.get("all")
        if rule is None or rule.get("mode") == "sugerir":
            continue
        if rule.get("mode") == "desligado":
            off.add(code)
        elif "threshold" in rule:
            changes[code] = rule["threshold"]
        elif code in confirmed:
            changes[code] = confirmed[code]
        else:
            oof = oof if oof is not None else oof_labels(model, cases)
            changes[code] = threshold_for_precision(
                oof[0][:, column], oof[1][:, column], rule["target_precision"]
            )
    return changes, off

"""Alerts on the live measures, for `motivo monitor check` (cron, any monitoring system).

Defaults, each a command-line option:
- top-1 acceptance: the 7-day mean more than 5 points under the 30-day mean. Top-1 runs near
  0.9; with ~100 confirmed forms a week its standard error is ~3 points, so 5 points is a
  drop unlikely to be noise yet small enough to catch a model or a process gone wrong early.
  Judged only with at least `min_forms` (30) confirmed forms in the 7 days.
- abstain rate doubled: the last 7 days of the serving version against its first 7 days (its
  own baseline: each version abstains at its own rate), with at least `min_forms` drafts in
  each. Doubling means agents see no suggestion twice as often: notes changed, or a feature broke.
- no confirmation at all on the last working day (Monday to Friday, São Paulo), when forms
  were confirmed in the 30 days before: agents stopped confirming, or the page broke.
- drift: a domain classifier tells the confirmed texts from the training texts with an AUC
  above 0.9 (see `drift_auc` for why not the textbook 0.75).

Each alert is said twice: in English for logs and the command line, in Brazilian Portuguese for
the console page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple


class Alert(NamedTuple):
    message: str  # English: logs, the command line
    message_pt_br: str  # the console page


@dataclass(frozen=True)
class Limits:
    top1_drop: float = 0.05
    abstain_factor: float = 2.0
    min_forms: int = 30
    drift_auc: float = 0.9


def _pooled(rows: list[dict[str, Any]], days: set[str], rate: str, weight: str) -> tuple[float | None, int]:
    """The rate over those days, each day weighted by its count; and that count."""
    chosen = [r for r in rows if r["day"] in days and r[rate] is not None and r[weight]]
    total = sum(r[weight] for r in chosen)
    return (sum(r[rate] * r[weight] for r in chosen) / total if total else None), total


def top1_drop(report: dict[str, Any], limits: Limits) -> Alert | None:
    days = report["days"]
    mean_7, forms_7 = _pooled(report["rows"], set(days[-7:]), "top1_accepted", "confirmed")
    mean_30, _ = _pooled(report["rows"], set(days[-30:]), "top1_accepted", "confirmed")
    if mean_7 is None or mean_30 is None or forms_7 < limits.min_forms:
        return None
    if mean_30 - mean_7 > limits.top1_drop:
        points = 100 * (mean_30 - mean_7)
        return Alert(
            f"top-1 acceptance of the last 7 days {mean_7:.3f} is {points:.1f} points "
            f"under the 30-day mean {mean_30:.3f} (limit {100 * limits.top1_drop:.1f} points, {forms_7} forms)",
            f"aceitação top-1 dos últimos 7 dias ({100 * mean_7:.1f} %) está {points:.1f} pontos abaixo da "
            f"média de 30 dias ({100 * mean_30:.1f} %); limite {100 * limits.top1_drop:.1f} pontos, "
            f"{forms_7} formulários",
        )
    return None


def abstain_doubled(report: dict[str, Any], serving: str | None, limits: Limits) -> Alert | None:
    rows = [r for r in report["rows"] if r["model_version"] == serving and r["drafts"]]
    if not rows:
        return None
    served = sorted({r["day"] for r in rows})
    first, _ = _pooled(rows, set(served[:7]), "abstain_rate", "drafts")
    first_drafts = sum(r["drafts"] for r in rows if r["day"] in served[:7])
    last, last_drafts = _pooled(rows, set(report["days"][-7:]), "abstain_rate", "drafts")
    if len(served) < 8 or first is None or last is None or min(first_drafts, last_drafts) < limits.min_forms:
        return None
    if first > 0 and last >= limits.abstain_factor * first:
        return Alert(
            f"abstain rate of {serving} in the last 7 days {last:.3f} is {last / first:.1f} times its first "
            f"week's {first:.3f} (limit {limits.abstain_factor:g} times)",
            f"o modelo {serving} ficou sem sugestão em {100 * last:.1f} % dos rascunhos nos últimos 7 dias, "
            f"{last / first:.1f} vezes a sua primeira semana ({100 * first:.1f} %); limite "
            f"{limits.abstain_factor:g} vezes",
        )
    return None


def no_confirmation(report: dict[str, Any]) -> Alert | None:
    days = report["days"]
    working = [d for d in days[:-1] if date.fromisoformat(d).weekday() < 5]
    if not working:
        return None
    last = working[-1]
    confirmed = {d: sum(r["confirmed"] for r in report["rows"] if r["day"] == d) for d in days}
    before = sum(confirmed[d] for d in days if d < last)
    if confirmed[last] == 0 and before > 0:
        return Alert(
            f"no form confirmed on {last}, a working day ({before} in the days before)",
            f"nenhum formulário confirmado em {last}, dia útil ({before} nos dias anteriores)",
        )
    return None


def check(report: dict[str, Any], serving: str | None, limits: Limits) -> list[Alert]:
    """Every alert that holds on a 30-day report (figures.monitoring), most important first."""
    found = [top1_drop(report, limits), abstain_doubled(report, serving, limits), no_confirmation(report)]
    return [alert for alert in found if alert]


def drift_auc(report: dict[str, Any], limit: float) -> Alert | None:
    """A domain classifier tells live texts from training texts with AUC above `limit`.

    Default 0.9, not the textbook 0.75: writers have styles a classifier finds. Two halves of
    the corpus train split score 0.51, but its test split (writers never seen in training, the
    same kind of notes) scores 0.83 against it; new agents would pass 0.75 from their first day.
    0.9 leaves room for them and still catches notes that changed in kind.
    """
    auc = report.get("domain_auc")
    if auc is not None and auc > limit:
        return Alert(
            f"live texts drift from the training texts: domain classifier AUC {auc:.3f} over "
            f"{report['live_texts']} confirmed forms (limit {limit:g})",
            f"os textos confirmados se afastam dos textos de treino: AUC do classificador de domínio "
            f"{auc:.3f} em {report['live_texts']} formulários (limite {limit:g})",
        )
    return None

"""The published shape of /v1/monitoring."""

from __future__ import annotations

from pydantic import BaseModel, Field


class LabelFigures(BaseModel):
    drafts_suggested: int = Field(description="Drafts whose last suggestion held the label.")
    suggested: int = Field(description="Confirmed forms where it was suggested.")
    confirmed: int
    accepted: int = Field(description="Suggested and confirmed.")
    precision: float | None
    recall: float | None


class EstimatedLabel(BaseModel):
    precision: float | None
    recall: float | None


class Estimated(BaseModel):
    drafts: int = Field(description="Drafts never confirmed, whose figures are estimated.")
    precision: float | None
    recall: float | None
    labels: dict[str, EstimatedLabel]


class TextDrift(BaseModel):
    texts: int = Field(description="Forms confirmed that day (latest confirmation each; at most 200 read).")
    mean_chars: float | None = Field(description="Mean characters of their notes.")
    oov_share: float | None = Field(description="Share of their words never seen in the training texts.")


class VersionDrift(BaseModel):
    live_texts: int = Field(description="Confirmed forms of the window read (at most 200 a day).")
    mean_chars: float | None
    training_mean_chars: float | None
    oov_share: float | None
    domain_auc: float | None = Field(
        description="Cross-validated AUC of a classifier telling these texts from the training texts "
        "(0.5: alike; 1: two worlds); null under 20 texts."
    )


class DayFigures(BaseModel):
    day: str = Field(description="YYYY-MM-DD in America/Sao_Paulo.")
    model_version: str
    requests: int = Field(description="Raw /v1/suggest requests (pauses in typing).")
    drafts: int = Field(description="Forms being written (distinct draft_id).")
    abstain_rate: float | None
    flag_rate: float | None
    mean_chars: float | None
    confirmed: int = Field(description="Forms whose latest agent confirmation was made that day.")
    top1_accepted: float | None
    top3_accepted: float | None
    labels: dict[str, LabelFigures]
    estimated: Estimated
    text_drift: TextDrift | None = Field(description="Drift of the texts confirmed that day; null if none.")


class MonitoringResponse(BaseModel):
    timezone: str
    days: list[str]
    rows: list[DayFigures]
    drift: dict[str, VersionDrift] | None = Field(
        default=None,
        description="Per model version, drift of the texts confirmed in the window's last 30 days "
        "(absent with drift=false; null when the training texts cannot be read).",
    )
    drift_error: str | None = Field(default=None, description="Why there are no drift figures.")
    drift_auc_limit: float | None = Field(
        default=None, description="The domain AUC above which the drift alert holds."
    )

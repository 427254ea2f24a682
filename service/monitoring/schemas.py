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


class MonitoringResponse(BaseModel):
    timezone: str
    days: list[str]
    rows: list[DayFigures]

"""Request and response schemas of the HTTP API: declared once, validated on the way in, published as OpenAPI."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from flask import has_app_context
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictStr,
    field_validator,
    model_validator,
)

from model.cases import MAX_CONTACTS, MAX_FIELD_CHARS
from model.taxonomy import load_taxonomy
from service.state import current_state


def _within_field_limit(note: str) -> str:
    """The configured limit (MOTIVO_MAX_FIELD_CHARS), read when a request is validated."""
    limit = current_state().settings.max_field_chars if has_app_context() else MAX_FIELD_CHARS
    if len(note) > limit:
        raise ValueError(f"{len(note)} characters; at most {limit}")
    return note


Note = Annotated[
    StrictStr,
    AfterValidator(_within_field_limit),
    Field(description="Free text; at most MOTIVO_MAX_FIELD_CHARS characters (default 20000)."),
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CaseText(Strict):
    observations: list[Note] = Field(
        default_factory=list, max_length=MAX_CONTACTS, description="Contact notes in order (at most 5)."
    )
    general_note: Note = Field(default="", description="The form's 'Obs. Geral'.")

    @model_validator(mode="after")
    def _some_text(self) -> CaseText:
        if not any(t.strip() for t in [*self.observations, self.general_note]):
            raise ValueError("no text: every contact note and the general note are empty")
        return self


_query_schemas: dict[tuple, dict[str, Any]] = {}


class QueryModel(BaseModel):
    """The base of every query-string model. flask-openapi3 reads a query model's JSON schema on
    every request (for its field types): built once per class, not each time (~0.5 ms a request)."""

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        key = (cls, args, tuple(sorted(kwargs.items())))
        if key not in _query_schemas:
            _query_schemas[key] = super().model_json_schema(*args, **kwargs)
        return _query_schemas[key]


class SuggestQuery(QueryModel):
    model_config = ConfigDict(extra="forbid")

    top: int | None = Field(
        default=None, ge=1, le=30, description="List only the N most probable reasons (default: all 30)."
    )
    evidence: Literal["suggested", "none"] = Field(
        default="suggested",
        description="'suggested' (default): evidence for the suggested and possible reasons, the top "
        "reason when none is suggested and the flag when raised; 'none': probabilities only.",
    )


def _known_reasons(codes: list[str]) -> list[str]:
    known = set(load_taxonomy().reason_codes)
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ValueError(f"unknown reason codes {unknown}; see GET /v1/labels")
    if len(set(codes)) != len(codes):
        raise ValueError("a reason code is repeated")
    return codes


def _reason_codes_schema(schema: dict) -> None:
    # Published for clients and schema-driven fuzzers; validation stays in _known_reasons (its message).
    schema["items"] = {"type": "string", "enum": list(load_taxonomy().reason_codes)}


DraftId = Annotated[
    StrictStr,
    Field(
        min_length=1,
        max_length=100,
        description="One id per form being written (the page makes one per draft): the live "
        "measures count each draft's last suggestion, not every pause in typing. Stored hashed.",
    ),
]


class SuggestRequest(CaseText):
    draft_id: DraftId | None = None


class Ticks(Strict):
    reasons: list[StrictStr] = Field(
        description="Reason codes ticked.", json_schema_extra=_reason_codes_schema
    )
    judicializacao: StrictBool = Field(description="'Ameaça Judicialização' ticked.")

    _check = field_validator("reasons")(_known_reasons)


class AuditRequest(CaseText):
    checked: Ticks


class Suggested(Strict):
    model_version: Annotated[StrictStr, Field(min_length=1, max_length=100)] = Field(
        description="The version that made the suggestion (as /v1/suggest returned it)."
    )
    reasons: list[StrictStr] = Field(
        description="Reason codes the model suggested, most probable first (as /v1/suggest ranks them): "
        "the live measures read the first as the top suggestion.",
        json_schema_extra=_reason_codes_schema,
    )
    judicializacao: StrictBool

    _check = field_validator("reasons")(_known_reasons)


class Confirmed(Ticks):
    status: Literal["retencao_efetiva", "desligamento", "nao_se_trata_de_retencao"] | None = None


class ConfirmationRequest(CaseText):
    form_id: Annotated[StrictStr, Field(min_length=1, max_length=200)] | None = Field(
        default=None,
        description="The form's id; a repeated id replaces that form's confirmation. "
        "Without one, an id is generated and returned: send it again to replace.",
    )
    form_version: Literal["v1", "v2"] | None = Field(
        default=None,
        description="The form filled: v1 (older, without Migração, Outros, Falta de Reajuste) or v2 (newer).",
    )
    draft_id: DraftId | None = Field(
        default=None, description="The draft whose suggestions led here (as sent to /v1/suggest)."
    )
    suggested: Suggested
    confirmed: Confirmed


class EvidenceSpan(BaseModel):
    field: Literal["observations", "general_note"]
    index: int | None = Field(description="Contact note index, null for the general note.")
    start: int
    end: int
    text: str
    weight: float


class ReasonSuggestion(BaseModel):
    code: str
    label: str
    probability: float
    suggested: bool
    possible: bool = Field(description="Not suggested, but at least half of its threshold: a hint.")
    evidence: list[EvidenceSpan]


class FlagSuggestion(BaseModel):
    probability: float
    flag: bool
    evidence: list[EvidenceSpan]


class SuggestResponse(BaseModel):
    id: str | None = None
    model_version: str
    abstain: bool = Field(description="No reason suggested; the reasons are still ranked.")
    no_reason: bool = Field(description="The notes state no reason yet: nothing suggested or possible.")
    reasons: list[ReasonSuggestion]
    judicializacao: FlagSuggestion


class Box(BaseModel):
    code: str
    label: str
    probability: float
    evidence: list[EvidenceSpan]


class Finding(Box):
    kind: Literal["unsupported", "missing", "flag_missed", "flag_unsupported"]
    score: float
    instead: list[Box] = Field(
        description="The other side: for a tick the text does not support, the reasons it supports "
        "instead; for a supported box left unticked, the boxes ticked instead."
    )


class AuditResponse(BaseModel):
    model_version: str
    findings: list[Finding]


class ConfirmationCreated(BaseModel):
    id: int
    form_id: str = Field(description="The form's id, generated when the request had none.")
    role: Literal["agent", "qa"] = Field(description="qa: a QA correction.")
    replaced: int | None = Field(description="Id of the confirmation of the same form this one replaces.")


class Problem(BaseModel):
    field: str
    problem: str
    rule: str | None = Field(default=None, description="The form's rule broken, when it is one.")


class ErrorResponse(BaseModel):
    error: str
    problems: list[Problem] = []


class Label(BaseModel):
    code: str
    label: str = Field(description="The form's printed text.")
    meaning: str
    forms: list[str] = Field(description="Form versions that print it.")


class LabelsResponse(BaseModel):
    reasons: list[Label]
    flag: Label
    statuses: list[Label]


class ModelInfo(BaseModel):
    version: str
    created_at: str
    data_hash: str | None
    train_cases: int | None
    thresholds: dict[str, float]
    metrics: dict[str, object]
    libraries: dict[str, str]


class LabelAcceptance(BaseModel):
    suggested: int
    confirmed: int
    accepted: int
    acceptance: float | None


class StatsResponse(BaseModel):
    confirmations: int
    confirmations_including_replaced: int
    latest_by_role: dict[Literal["agent", "qa"], int]
    agent_confirmations: int
    top_suggestion_accepted: float | None
    per_label: dict[str, LabelAcceptance]

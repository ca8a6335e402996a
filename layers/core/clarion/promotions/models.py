"""Promotions on the wire: what a bonus engine writes and what clients read."""

import json
from datetime import datetime
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, AwareDatetime, Field, StringConstraints, ValidationInfo, field_validator

from clarion.models import Model, Name, Request

PromotionStatus = Literal["draft", "active", "paused", "ended"]
ExternalId = Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=r"^[^\x00-\x1f\x7f/\\#\s]+$")]
MAX_METADATA_BYTES = 16 * 1024
MAX_BULK = 100


def _https(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.hostname:
        raise ValueError("must be an https URL")
    return value


def _small(metadata: dict[str, Any]) -> dict[str, Any]:
    if len(json.dumps(metadata)) > MAX_METADATA_BYTES:
        raise ValueError(f"metadata is larger than {MAX_METADATA_BYTES} bytes of JSON")
    return metadata


class PromotionRequest(Request):
    """A promotion as the bonus engine has it: a PUT replaces it whole, so a field left out is cleared."""

    name: Name
    description: Annotated[str, StringConstraints(max_length=2000)] | None = None
    type: Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[\w.:-]+$")] | None = Field(
        default=None, description="The engine's kind of promotion, e.g. deposit_bonus, free_spins, cashback"
    )
    status: PromotionStatus = Field(default="active", description="draft, active, paused or ended")
    startsAt: AwareDatetime | None = Field(default=None, description="ISO 8601 instant it starts (none: already)")
    endsAt: AwareDatetime | None = Field(default=None, description="ISO 8601 instant it ends (none: never)")
    terms: Annotated[str, StringConstraints(max_length=10_000)] | None = Field(
        default=None, description="The terms and conditions, as text"
    )
    url: Annotated[str, StringConstraints(max_length=2048), AfterValidator(_https)] | None = Field(
        default=None, description="https URL of the promotion's page"
    )
    metadata: Annotated[dict[str, Any], AfterValidator(_small)] = Field(
        default_factory=dict, description="The engine's own fields (at most 16 KB of JSON)"
    )

    @field_validator("endsAt")
    @classmethod
    def _ends_after_it_starts(cls, ends: datetime | None, info: ValidationInfo) -> datetime | None:
        starts = info.data.get("startsAt")
        if starts and ends and ends <= starts:
            raise ValueError("must be after startsAt")
        return ends


class BulkPromotion(PromotionRequest):
    externalId: ExternalId


class BulkPromotionsRequest(Request):
    promotions: list[BulkPromotion] = Field(min_length=1, max_length=MAX_BULK, description="1 to 100 promotions")


class Promotion(Model):
    externalId: str
    name: str
    description: str | None = None
    type: str | None = None
    status: str
    startsAt: str | None = None
    endsAt: str | None = None
    terms: str | None = None
    url: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)
    active: bool = Field(description="Live now: status active, started and not ended")
    createdAt: str
    updatedAt: str


class PromotionWritten(Model):
    externalId: str
    result: Literal["created", "updated"]


class DeletedPromotion(Model):
    acknowledged: bool = True
    status: Literal["deleted"] = "deleted"

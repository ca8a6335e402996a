"""Journeys on the wire: the cancel-journey and runs replies (the steps' own fields are `journeys.step_models`, the
hits a journey can wait for `journeys.hits`)."""

from typing import Any, Literal

from pydantic import Field, model_validator

from clarion.models import Model, Request, SubscriberId
from clarion.subscribers.validation import Email, Phone

RUN_STATUSES = ("running", "completed", "exited", "digested", "throttled", "cancelled", "failed")


# cancel journey


class CancelTarget(Request):
    """One of subscriberId, email or phone."""

    subscriberId: SubscriberId | None = None
    email: Email | None = None
    phone: Phone | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> "CancelTarget":
        if sum(value is not None for value in (self.subscriberId, self.email, self.phone)) != 1:
            raise ValueError("give exactly one of subscriberId, email or phone")
        return self


class CancelJourneyRequest(Request):
    targets: list[CancelTarget] = Field(min_length=1, max_length=100)


class CancelJourneyResult(Model):
    cancelled: int = Field(description="Runs stopped by this request")
    alreadyCancelled: int
    alreadyCompleted: int = Field(description="Runs that had already ended (completed, exited, digested, ...)")
    subscribers: int = Field(description="Subscribers the targets matched")


class RunHistoryEntry(Model):
    step: str
    status: str
    at: str
    detail: dict[str, Any] | None = None


class JourneyRun(Model):
    campaignId: str
    subscriberId: str
    transactionId: str
    version: int = Field(description="The campaign version the run follows to its end")
    status: Literal["running", "completed", "exited", "digested", "throttled", "cancelled", "failed"]
    currentStep: str | None = Field(description="The step a running run is at")
    history: list[RunHistoryEntry]
    createdAt: str
    updatedAt: str

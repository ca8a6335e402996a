"""Journeys on the wire: the step fields beyond a channel send (waits, branches, digests, throttles, exits), the
cancel-journey and runs replies, and the hits a journey can wait for."""

from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, model_validator

from clarion.conditions import MAX_CHILDREN, MAX_GROUPS, Condition, ConditionGroup
from clarion.journeys.units import MAX_WAIT_SECONDS, UNIT_SECONDS, DurationUnit
from clarion.models import Model, Request, SubscriberId
from clarion.subscribers.validation import Email, Phone, Timezone

# a state name and a JSONPath member without quoting
StepId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_]{0,63}$")]
StepType = Literal["send", "wait", "branch", "digest", "throttle", "exit"]
EventName = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f#]+$")]
PayloadPath = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^\s.][^\s]*$")]
RUN_STATUSES = ("running", "completed", "exited", "digested", "throttled", "cancelled", "failed")


class Duration(Request):
    amount: int = Field(ge=1, description="How many `unit`s")
    unit: DurationUnit = "seconds"

    def seconds(self) -> int:
        return self.amount * UNIT_SECONDS[self.unit]

    @model_validator(mode="after")
    def _at_most_a_year(self) -> "Duration":
        if self.seconds() > MAX_WAIT_SECONDS:
            raise ValueError("at most 365 days")
        return self


class WaitSpec(Request):
    """Exactly one of: `amount`+`unit` (a delay), `until` (an instant), `timeOfDay` (the next such local time of
    the subscriber), `event` (until the subscriber's event arrives, at most `amount`+`unit`, then `onTimeout`)."""

    amount: int | None = Field(default=None, ge=1, description="A delay, or an event wait's timeout")
    unit: DurationUnit = "seconds"
    until: str | None = Field(default=None, max_length=40, description="ISO 8601 instant with an offset or `Z`")
    timeOfDay: Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")] | None = Field(
        default=None, description="`HH:MM` in the subscriber's timezone (the next one after now)"
    )
    timezone: Timezone | None = Field(default=None, description="For `timeOfDay` when the subscriber has none; UTC")
    event: EventName | None = Field(default=None, description="Wait for this event of the subscriber (hits API)")
    onTimeout: StepId | None = Field(default=None, description="Event waits: the step taken when no event came")

    def seconds(self) -> int | None:
        return None if self.amount is None else self.amount * UNIT_SECONDS[self.unit]


class JourneyCondition(Condition):
    """A branch rule: also `on: steps`, a path into earlier steps' outcomes (`welcome.status` EQUAL `sent`)."""

    on: Literal["subscriber", "payload", "steps"] = "payload"  # type: ignore[assignment]


class JourneyConditionGroup(ConditionGroup):
    children: list[JourneyCondition] = Field(default_factory=list, max_length=MAX_CHILDREN)  # type: ignore[assignment]


class BranchRule(Request):
    conditions: list[JourneyConditionGroup] = Field(min_length=1, max_length=MAX_GROUPS)
    next: StepId


class DigestSpec(Duration):
    """Novu's digest: the subscriber's events (same `key`) within the window become one message."""

    key: PayloadPath | None = Field(default=None, description="A payload path whose value separates digests")


class ThrottleSpec(Duration):
    """Novu's throttle: at most `limit` runs pass per window (and `key`) for a subscriber; the others end."""

    limit: int = Field(ge=1, le=1000)
    key: PayloadPath | None = Field(default=None, description="A payload path whose value separates counters")


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


# hits


class HitEventRequest(Request):
    subscriberId: SubscriberId
    name: EventName = Field(description="The event's name, as a journey's event wait names it")
    properties: dict[str, Any] = Field(default_factory=dict)
    timestamp: str | None = Field(default=None, max_length=40, description="When it happened (ISO 8601); now if absent")


class HitEventResult(Model):
    acknowledged: bool = True
    resumedRuns: int = Field(description="Journey runs that were waiting for this event and now go on")

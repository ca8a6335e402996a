"""A journey's steps on the wire: the fields beyond a channel send (waits, branches, digests, throttles, exits). Apart
from the runs' and hits' models, so the campaigns' and workflows' models name them without creating those."""

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from clarion.conditions import MAX_CHILDREN, MAX_GROUPS, Condition, ConditionGroup
from clarion.journeys.names import EventName
from clarion.journeys.units import MAX_WAIT_SECONDS, UNIT_SECONDS, DurationUnit
from clarion.models import Request
from clarion.subscribers.validation import Timezone

# a state name and a JSONPath member without quoting
StepId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_]{0,63}$")]
StepType = Literal["send", "wait", "branch", "digest", "throttle", "exit"]
PayloadPath = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^\s.][^\s]*$")]


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

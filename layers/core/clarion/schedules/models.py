"""A campaign's schedule on the wire: an absolute `sendAt`, or a `localTime` delivered in each subscriber's zone."""

from datetime import date as Date
from typing import Any, Literal

from pydantic import AwareDatetime, ConfigDict, Field

from clarion.models import Model, Request
from clarion.subscribers.validation import Timezone

ScheduleStatus = Literal["planning", "scheduled", "sent", "cancelled"]


class ScheduleRequest(Request):
    """Exactly one of `sendAt` and `localTime`; `date` and `defaultTimezone` go with `localTime`."""

    sendAt: AwareDatetime | None = Field(
        default=None, description="When to send, ISO 8601 with an offset or Z; in the future, at most a year ahead"
    )
    localTime: str | None = Field(
        default=None,
        pattern=r"^([01]\d|2[0-3]):[0-5]\d$",
        description="HH:MM: each subscriber receives the campaign at this time of day in its own timezone",
    )
    date: Date | None = Field(
        default=None, description="The day of `localTime` (YYYY-MM-DD); default: its next occurrence in defaultTimezone"
    )
    defaultTimezone: Timezone | None = Field(
        default=None, description="IANA zone of the subscribers without a timezone (default UTC)"
    )
    payload: dict[str, Any] = Field(default_factory=dict, description="The payload templates see as `payload`")


class ZoneSchedule(Model):
    """One EventBridge Scheduler schedule: the subscribers of one zone (`default`: also those without a zone)."""

    name: str = Field(description="The schedule's name in the schedule group")
    timezone: str
    default: bool = Field(description="Also takes the subscribers without a timezone (or in a zone with no schedule)")
    scheduleExpression: str = Field(description="`at(yyyy-mm-ddThh:mm:ss)` in `timezone`")
    dueAt: str = Field(description="When it fires, UTC")
    localDueAt: str = Field(description="When it fires, in `timezone` (ISO 8601 with the offset)")


class CampaignSchedule(Model):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    id: str = Field(alias="_id")
    campaignId: str
    transactionId: str = Field(description="The transaction of the messages it sends (see /v1/notifications)")
    status: ScheduleStatus = Field(
        description="planning (local time: finding the audience's zones), scheduled, sent (every schedule fired), "
        "cancelled"
    )
    sendAt: str | None = None
    localTime: str | None = None
    date: str | None = None
    defaultTimezone: str | None = None
    schedules: list[ZoneSchedule]
    createdAt: str
    updatedAt: str

"""A subscriber's event as the hits API takes it: stored, counted on the profile, and sent to the journey runs
waiting for it. Apart from the journeys' service, so the hits function loads no journey definition or state machine."""

from datetime import datetime
from typing import Any

from pydantic import Field

from clarion import clock
from clarion.clock import timestamp_now
from clarion.errors import ValidationFailed
from clarion.journeys.events import EventWaits, record_hit
from clarion.journeys.names import EventName
from clarion.models import Model, Request, SubscriberId
from clarion.principal import Principal


class HitEventRequest(Request):
    subscriberId: SubscriberId
    name: EventName = Field(description="The event's name, as a journey's event wait names it")
    properties: dict[str, Any] = Field(default_factory=dict)
    timestamp: str | None = Field(default=None, max_length=40, description="When it happened (ISO 8601); now if absent")


class HitEventResult(Model):
    acknowledged: bool = True
    resumedRuns: int = Field(description="Journey runs that were waiting for this event and now go on")


def track_event(caller: Principal, request: HitEventRequest) -> HitEventResult:
    at = _instant(request.timestamp) if request.timestamp else timestamp_now()
    record_hit(caller.environment_id, request.subscriberId, request.name, request.properties, at)
    event = {"name": request.name, "properties": request.properties, "timestamp": at}
    resumed = EventWaits().resume(
        caller.environment_id, request.subscriberId, request.name, {"status": "received", "event": event}
    )
    return HitEventResult(resumedRuns=resumed)


def _instant(text: str) -> str:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as error:
        raise ValidationFailed("not an ISO 8601 instant", field="timestamp", value=text) from error
    if moment.tzinfo is None:
        raise ValidationFailed("give the instant's offset or Z", field="timestamp", value=text)
    return clock.timestamp(moment)

"""/v1/campaigns/{campaignId}/schedule: a campaign's scheduled send on EventBridge Scheduler (clarion.schedules)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.api import caller, endpoint
from clarion.limits import RouteClass
from clarion.models import Envelope, ObjectId
from clarion.schedules.models import CampaignSchedule, ScheduleRequest

router = APIGatewayHttpRouter()
CampaignId = Annotated[ObjectId, Path(description="The campaign's id")]
SCHEDULE = "/v1/campaigns/{campaignId}/schedule"


@endpoint(
    router,
    f"POST {SCHEDULE}",
    scope="campaign:schedule",
    rate=RouteClass.CONFIGURATION,
    status_code=201,
    summary="Schedule the campaign's send (409 if one is pending)",
)
def create_schedule(campaignId: CampaignId, body: ScheduleRequest) -> Envelope[CampaignSchedule]:
    """Schedules one send to the campaign's audience at `sendAt` (ISO 8601 with an offset), or at `localTime` in each
    subscriber's own timezone; its `transactionId` is the schedule's id. A schedule already pending, or a campaign that
    is not active, is a 409; a time in the past or more than 366 days ahead a 422."""
    from clarion.schedules import service  # noqa: PLC0415 - the dispatch jobs and journeys, off the cold start

    return Envelope(data=service.schedule_campaign(caller(router), campaignId, body, replace=False))


@endpoint(
    router,
    f"PUT {SCHEDULE}",
    scope="campaign:schedule",
    rate=RouteClass.CONFIGURATION,
    summary="Reschedule: replace the pending schedule (404 if none)",
)
def replace_schedule(campaignId: CampaignId, body: ScheduleRequest) -> Envelope[CampaignSchedule]:
    """Replaces every pending schedule of the campaign with this one; the old ones are cancelled and send nothing. With
    no schedule pending it is a 404."""
    from clarion.schedules import service  # noqa: PLC0415 - the dispatch jobs and journeys, off the cold start

    return Envelope(data=service.schedule_campaign(caller(router), campaignId, body, replace=True))


@endpoint(
    router,
    f"GET {SCHEDULE}",
    scope="info:campaign",
    rate=RouteClass.GLOBAL,
    summary="The campaign's schedule and each zone's due time (UTC and local)",
)
def get_schedule(campaignId: CampaignId) -> Envelope[CampaignSchedule]:
    """The campaign's latest schedule: its status (`planning`, `scheduled`, `sent`, `cancelled`) and, for a local-time
    send, each timezone's due time in UTC and local time. A campaign never scheduled is a 404."""
    from clarion.schedules import service  # noqa: PLC0415 - the dispatch jobs and journeys, off the cold start

    return Envelope(data=service.get_schedule(caller(router), campaignId))


@endpoint(
    router,
    f"DELETE {SCHEDULE}",
    scope="campaign:schedule",
    rate=RouteClass.CONFIGURATION,
    summary="Cancel the pending schedule: nothing of it is sent",
)
def cancel_schedule(campaignId: CampaignId) -> Envelope[CampaignSchedule]:
    """Cancels the pending schedule: nothing of it is sent. With no schedule pending it is a 404."""
    from clarion.schedules import service  # noqa: PLC0415 - the dispatch jobs and journeys, off the cold start

    return Envelope(data=service.cancel_schedule(caller(router), campaignId))

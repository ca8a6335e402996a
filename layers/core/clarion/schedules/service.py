"""Scheduling a campaign's send: create, replace, read and cancel its EventBridge Scheduler schedules.

An absolute `sendAt` is one schedule, created here. A `localTime` needs one schedule per timezone of the audience,
which cannot be listed inside an API call (the audience may be millions): the call stores the schedule as
`planning` and queues a planning job; the dispatcher streams the audience once, collects its distinct zones and
creates their schedules (clarion.schedules.planner). Each schedule's dispatch job sends only its zone's subscribers.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from clarion import clock
from clarion.engine.dispatch_jobs import PlanJob, SendJob, dispatch_body
from clarion.engine.dispatch_queue import send_dispatch_job
from clarion.engine.job_types import SegmentTarget, Targets, ZonePlan
from clarion.engine.notifications import Notifications
from clarion.errors import Conflict, NotFound, ValidationFailed
from clarion.ids import new_id
from clarion.journeys.service import cancel_trigger
from clarion.lists.repository import require_lists
from clarion.principal import Principal
from clarion.schedules import scheduler
from clarion.schedules.models import CampaignSchedule, ScheduleRequest, ZoneSchedule
from clarion.schedules.zones import due_at, iso_utc, zone_schedule
from clarion.segments.repository import SegmentsRepository
from clarion.store.campaigns import CampaignsRepository
from clarion.store.schedules import SchedulesRepository

if TYPE_CHECKING:
    from clarion.store import entities

MAX_AHEAD = timedelta(days=366)
MAX_INPUT_BYTES = 6 * 1024  # EventBridge Scheduler's target Input holds 8 KB; the rest is the job's own fields
DEFAULT_TIMEZONE = "UTC"


def schedule_campaign(
    caller: Principal, campaign_id: str, request: ScheduleRequest, *, replace: bool
) -> CampaignSchedule:
    """POST (replace=False: 409 when one is pending) or PUT (replace=True: 404 when none is pending)."""
    environment_id = caller.environment_id
    campaign = _active_campaign(environment_id, campaign_id)
    repository = SchedulesRepository()
    current = repository.get(environment_id, campaign_id)
    pending = current is not None and is_pending(current)
    if replace and not pending:
        raise NotFound(f"campaign '{campaign_id}' has no pending schedule", field="campaignId")
    if not replace and pending:
        raise Conflict(
            f"campaign '{campaign_id}' already has a pending schedule: PUT replaces it, DELETE cancels it",
            field="campaignId",
        )
    schedule_id = new_id()
    job = _job(environment_id, campaign, schedule_id, request)
    item = _new_item(caller, campaign_id, schedule_id, request)
    if request.sendAt is not None:
        item["schedules"] = [zone_schedule(f"{schedule_id}-000", "UTC", _naive_utc(request.sendAt), default=True)]
    if not repository.put(environment_id, item, replacing=current):
        raise Conflict(f"campaign '{campaign_id}''s schedule changed meanwhile: read it again", field="campaignId")
    if pending:
        assert current is not None
        release(caller, current)
    Notifications().create(environment_id, schedule_id, campaign, request.payload, job.targets)
    if request.sendAt is not None:
        (only,) = item["schedules"]
        scheduler.create_one_time(only["name"], only["scheduleExpression"], only["timezone"], job)
    else:
        send_dispatch_job(job.as_job(PlanJob, plan=ZonePlan(scheduleId=schedule_id, zones=[])))
    return public(item)


def get_schedule(caller: Principal, campaign_id: str) -> CampaignSchedule:
    item = SchedulesRepository().get(caller.environment_id, campaign_id)
    if item is None:
        raise NotFound(f"campaign '{campaign_id}' has no schedule", field="campaignId")
    return public(item)


def cancel_schedule(caller: Principal, campaign_id: str) -> CampaignSchedule:
    """Deletes the pending schedule's Scheduler schedules and cancels its transaction: nothing more is sent."""
    repository = SchedulesRepository()
    current = repository.get(caller.environment_id, campaign_id)
    if current is None or not is_pending(current):
        raise NotFound(f"campaign '{campaign_id}' has no pending schedule", field="campaignId")
    cancelled = current | {"status": "cancelled", "updatedAt": clock.timestamp_now(), "updatedBy": caller.client_id}
    if not repository.put(caller.environment_id, cancelled, replacing=current):
        raise Conflict(f"campaign '{campaign_id}''s schedule changed meanwhile: read it again", field="campaignId")
    release(caller, current)
    return public(cancelled | {"version": current["version"] + 1})


def release(caller: Principal, schedule: entities.Schedule) -> None:
    """Deletes a replaced or cancelled schedule's Scheduler schedules, then cancels its transaction, which also stops
    a zone job that fired meanwhile and the messages it queued but did not send."""
    for zone in schedule.get("schedules") or []:
        scheduler.delete(zone["name"])
    cancel_trigger(caller, schedule["transactionId"])


def is_pending(schedule: entities.Schedule) -> bool:
    """Still to send: being planned, or scheduled with a schedule that has not fired yet."""
    if schedule["status"] == "planning":
        return True
    now = clock.utc_now()
    return schedule["status"] == "scheduled" and any(due_at(zone) > now for zone in schedule["schedules"])


def public(item: entities.Schedule) -> CampaignSchedule:
    status = item["status"]
    if status == "scheduled" and not is_pending(item):
        status = "sent"
    fields = {name: item.get(name) for name in CampaignSchedule.model_fields if name != "id"}
    return CampaignSchedule.model_validate(
        fields | {"_id": item["_id"], "status": status, "schedules": [ZoneSchedule(**z) for z in item["schedules"]]}
    )


def audience_targets(environment_id: str, campaign: entities.Campaign) -> Targets:
    """The campaign's own audience as a dispatch job's targets (a send's, a schedule's); an empty one is a 422."""
    audience = campaign.get("audience") or {}
    kind = audience.get("type", "subscribers")
    targets = Targets(
        subscriberIds=list(audience.get("subscriberIds") or []) if kind == "subscribers" else [],
        topicKeys=list(audience.get("topicKeys") or []) if kind == "topics" else [],
        all=kind == "all",
    )
    if kind == "list":
        require_lists(environment_id, [audience["listId"]], field="audience.listId")
        targets["listIds"] = [audience["listId"]]
    if kind == "segment":
        segment = SegmentsRepository().get(environment_id, audience["segmentId"])
        if segment is None:
            message = f"no segment has the id '{audience['segmentId']}'"
            raise ValidationFailed(message, field="audience.segmentId", value=audience["segmentId"])
        targets["segment"] = SegmentTarget(_id=segment["_id"], rule=segment["rule"])
    if not (targets["all"] or targets["topicKeys"] or targets["subscriberIds"] or targets.get("listIds")) and (
        "segment" not in targets
    ):
        raise ValidationFailed("the campaign's audience is empty: set its audience first", field="audience")
    return targets


def _active_campaign(environment_id: str, campaign_id: str) -> entities.Campaign:
    campaign = CampaignsRepository().get(environment_id, campaign_id)
    if campaign is None:
        raise NotFound(f"campaign '{campaign_id}' not found", field="campaignId")
    if campaign["status"] != "active":
        raise Conflict(
            f"campaign '{campaign_id}' is {campaign['status']}: only an active campaign can be scheduled",
            field="status",
        )
    return campaign


def _job(environment_id: str, campaign: entities.Campaign, schedule_id: str, request: ScheduleRequest) -> SendJob:
    targets = audience_targets(environment_id, campaign)
    job = SendJob(
        environmentId=environment_id,
        campaignId=campaign["_id"],
        transactionId=schedule_id,
        payload=request.payload,
        targets=targets,
    )
    if len(dispatch_body(job).encode()) > MAX_INPUT_BYTES:
        raise ValidationFailed(
            f"a scheduled send's payload and audience must fit in {MAX_INPUT_BYTES} bytes (the schedule's input)",
            field="payload",
        )
    return job


def _new_item(caller: Principal, campaign_id: str, schedule_id: str, request: ScheduleRequest) -> entities.Schedule:
    now = clock.timestamp_now()
    item: entities.Schedule = {
        "_id": schedule_id,
        "scheduleId": schedule_id,
        "campaignId": campaign_id,
        "transactionId": schedule_id,
        "status": "scheduled",
        "schedules": [],
        "createdAt": now,
        "updatedAt": now,
        "createdBy": caller.client_id,
        "updatedBy": caller.client_id,
        "version": 1,
    }
    _set_when(item, request)
    return item


def _set_when(item: entities.Schedule, request: ScheduleRequest) -> None:
    """Sets the validated time fields (a local time is planned first); 422 naming the field that is wrong."""
    now = clock.utc_now()
    if (request.sendAt is None) == (request.localTime is None):
        raise ValidationFailed("give exactly one of sendAt and localTime", field="sendAt")
    if request.sendAt is not None:
        if request.date is not None or request.defaultTimezone is not None:
            field = "date" if request.date is not None else "defaultTimezone"
            raise ValidationFailed(f"{field} goes with localTime, not sendAt", field=field)
        _check_window(request.sendAt, now, field="sendAt")
        item["sendAt"] = iso_utc(request.sendAt)
        return
    assert request.localTime is not None
    zone_name = request.defaultTimezone or DEFAULT_TIMEZONE
    zone = ZoneInfo(zone_name)
    at = time.fromisoformat(request.localTime)
    day = request.date or _next_day(at, zone, now)
    _check_window(datetime.combine(day, at, zone), now, field="date" if request.date else "localTime")
    item |= {
        "localTime": request.localTime,
        "date": day.isoformat(),
        "defaultTimezone": zone_name,
        "status": "planning",
    }


def _next_day(at: time, zone: ZoneInfo, now: datetime) -> date:
    today = now.astimezone(zone).date()
    return today if datetime.combine(today, at, zone) > now else today + timedelta(days=1)


def _check_window(moment: datetime, now: datetime, *, field: str) -> None:
    if moment <= now:
        raise ValidationFailed(f"{field} is in the past ({iso_utc(moment)}; now is {iso_utc(now)})", field=field)
    if moment > now + MAX_AHEAD:
        raise ValidationFailed(f"{field} is more than {MAX_AHEAD.days} days ahead", field=field)


def _naive_utc(moment: datetime) -> datetime:
    return datetime.fromtimestamp(moment.timestamp(), ZoneInfo("UTC")).replace(tzinfo=None)

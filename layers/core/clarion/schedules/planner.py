"""The planning job of a local-time schedule, run by the dispatcher: stream the audience once collecting its distinct
timezones (a small set: at most the ~600 IANA zones), then create one Scheduler schedule per zone.

Each zone's job takes only that zone's subscribers; the default zone's job (`others`: the zones with a schedule of
their own) also takes the subscribers without a timezone, and those whose zone appeared after planning (they get
the default zone's time rather than nothing). A zone whose local time on the date has already passed when the plan
is made (a zone ahead of the default one) is sent at once. All jobs share one transactionId, so a subscriber who
moved zones between two jobs still gets one message.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from aws_lambda_powertools import Logger

from clarion import clock
from clarion.dynamo import Item
from clarion.engine.audience import read_page
from clarion.engine.dispatch_jobs import PlanJob, ZoneJob
from clarion.engine.dispatch_queue import send_dispatch_job
from clarion.engine.fanout import DispatchOutcome, Run
from clarion.engine.job_types import ZoneFilter, ZonePlan
from clarion.schedules import scheduler
from clarion.schedules.zones import due_at, zone_schedule
from clarion.store.schedules import SchedulesRepository

if TYPE_CHECKING:
    from clarion.store import entities

logger = Logger(child=True)


def plan_zones(job: PlanJob, campaign: entities.Campaign, run: Run) -> DispatchOutcome:
    """A `plan` job: collects the zones from the job's cursor on; continues in a new job when short of time, else
    schedules. It sends nothing itself."""
    plan = job.plan
    zones = dict.fromkeys(plan["zones"])
    cursor = job.cursor
    while True:
        page = read_page(job.environmentId, job.targets, cursor, page_size=run.page_size)
        zones |= dict.fromkeys(p["timezone"] for p in page.profiles.values() if p.get("timezone"))
        cursor = page.next_cursor
        if cursor is None:
            break
        if run.short_of_time():
            so_far = ZonePlan(scheduleId=plan["scheduleId"], zones=list(zones))
            send_dispatch_job(job.model_copy(update={"cursor": cursor, "plan": so_far}))
            return DispatchOutcome()
    schedule_zones(job, list(zones))
    return DispatchOutcome()


def schedule_zones(job: PlanJob, zones: list[str]) -> None:
    """One schedule per zone (the default zone's first); nothing is kept if the schedule was replaced meanwhile."""
    environment_id, campaign_id = job.environmentId, job.campaignId
    repository = SchedulesRepository()
    schedule = repository.get(environment_id, campaign_id)
    schedule_id = job.plan["scheduleId"]
    if schedule is None or schedule["scheduleId"] != schedule_id or schedule["status"] != "planning":
        logger.info("schedule replaced or cancelled while planning", extra={"campaignId": campaign_id})
        return
    default = schedule["defaultTimezone"]
    others = sorted({zone for zone in zones if zone != default and _known(zone)})
    local = datetime.combine(datetime.fromisoformat(schedule["date"]).date(), time.fromisoformat(schedule["localTime"]))
    planned: list[Item] = []
    now = clock.utc_now()
    for index, zone in enumerate([default, *others]):
        entry = zone_schedule(f"{schedule_id}-{index:03d}", zone, local, default=index == 0)
        zone_filter = ZoneFilter(timezone=zone, others=others if index == 0 else None)
        zone_job = job.as_job(ZoneJob, cursor=None, zone=zone_filter)
        if due_at(entry) <= now:
            send_dispatch_job(zone_job)  # the zone's time already passed on that date: at once
        else:
            scheduler.create_one_time(entry["name"], entry["scheduleExpression"], zone, zone_job)
        planned.append(entry)
    if not repository.mark_planned(environment_id, campaign_id, schedule_id, planned):
        for entry in planned:  # cancelled meanwhile: its transaction is cancelled too, so what fired sends nothing
            scheduler.delete(entry["name"])
    logger.info("local-time schedule planned", extra={"campaignId": campaign_id, "zones": len(planned)})


def _known(zone: str) -> bool:
    try:
        ZoneInfo(zone)
    except (KeyError, ValueError):
        return False
    return True

"""The dispatcher's work for one dispatch job: its kind's handler (`HANDLERS`), given the job's active campaign.

The engine sends a trigger's audience (clarion.engine.fanout) and a campaign execute's targets
(clarion.engine.execution); a local-time schedule's planning belongs to clarion.schedules, and a journey's runs,
started for its recipients, to clarion.journeys. They sit above the engine, so they are handed to it, never imported
by it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from clarion.engine import fanout
from clarion.engine.dispatch_jobs import DispatchJob
from clarion.engine.execution import dispatch_execution
from clarion.engine.fanout import DispatchOutcome, JourneyRecipient, Run, Runners
from clarion.job_batches import SqsJobRecord
from clarion.schedules.planner import plan_zones

if TYPE_CHECKING:
    from clarion.store import entities


def _start_runs(
    environment_id: str,
    campaign: entities.Campaign,
    recipients: Iterable[JourneyRecipient],
    profiles: dict[str, entities.Subscriber],
) -> int:
    from clarion.journeys.machines import start_runs  # noqa: PLC0415 - cold start: a journey's jobs only

    return start_runs(environment_id, campaign, recipients, profiles)


RUNNERS = Runners(start_runs=_start_runs)


JobHandler = Callable[[Any, "entities.Campaign", Run], DispatchOutcome]
"""A kind's handler: (its kind's job, the job's active campaign, the invocation)."""

HANDLERS: dict[str, JobHandler] = {
    "send": fanout.send_audience,
    "zone": fanout.send_audience,
    "plan": plan_zones,
    "execute": dispatch_execution,
}


class DispatchRecord(SqsJobRecord[DispatchJob]):
    """A dispatch queue message: its body is a dispatch job."""


def dispatch(
    job: DispatchJob,
    *,
    remaining_ms: Callable[[], int],
    page_size: int = fanout.PAGE_SIZE,
    margin_ms: int = fanout.MARGIN_MS,
) -> DispatchOutcome:
    """Runs the job's handler until its work is done or less than `margin_ms` of the invocation remain (it then
    queues its continuation). A job whose campaign is gone or not active does nothing."""
    campaign = fanout.active_campaign(job.environmentId, job.campaignId)
    if campaign is None:
        return DispatchOutcome()
    run = Run(remaining_ms=remaining_ms, runners=RUNNERS, page_size=page_size, margin_ms=margin_ms)
    return HANDLERS[job.kind](job, campaign, run)

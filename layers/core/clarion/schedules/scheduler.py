"""EventBridge Scheduler one-time schedules whose target is the dispatch queue (the SchedulerRole may send to it)."""

from contextlib import suppress
from datetime import datetime

from clarion.aws import client
from clarion.engine.dispatch_jobs import SendJob, ZoneJob, dispatch_body
from clarion.settings import settings


def at_expression(local: datetime) -> str:
    """`at(yyyy-mm-ddThh:mm:ss)`: a wall-clock time, read in the schedule's ScheduleExpressionTimezone."""
    return f"at({local.strftime('%Y-%m-%dT%H:%M:%S')})"


def create_one_time(name: str, expression: str, timezone: str, job: SendJob | ZoneJob) -> None:
    """A schedule that puts `job` on the dispatch queue once, then deletes itself."""
    config = settings()
    client("scheduler").create_schedule(
        Name=name,
        GroupName=config.schedule_group,
        ScheduleExpression=expression,
        ScheduleExpressionTimezone=timezone,
        FlexibleTimeWindow={"Mode": "OFF"},
        ActionAfterCompletion="DELETE",
        State="ENABLED",
        Description=f"Clarion campaign {job.campaignId} ({timezone})",
        Target={
            "Arn": config.dispatch_queue_arn,
            "RoleArn": config.scheduler_role_arn,
            "Input": dispatch_body(job),
        },
    )


def delete(name: str) -> None:
    """Deletes the schedule; one that already fired (and deleted itself) or never existed is no error."""
    scheduler = client("scheduler")
    with suppress(scheduler.exceptions.ResourceNotFoundException):
        scheduler.delete_schedule(Name=name, GroupName=settings().schedule_group)

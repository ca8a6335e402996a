"""When a schedule fires in each zone: the wall-clock time of the Scheduler expression and its instant in UTC."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from clarion.dynamo import Item
from clarion.schedules.scheduler import at_expression


def zone_schedule(name: str, timezone: str, local: datetime, *, default: bool) -> Item:
    """The schedule `name` firing at the naive wall-clock time `local` in `timezone`."""
    due = local.replace(tzinfo=ZoneInfo(timezone))
    return {
        "name": name,
        "timezone": timezone,
        "default": default,
        "scheduleExpression": at_expression(local),
        "dueAt": iso_utc(due),
        "localDueAt": due.isoformat(),
    }


def iso_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def due_at(schedule: Item) -> datetime:
    return datetime.fromisoformat(str(schedule["dueAt"]).replace("Z", "+00:00"))

"""Background tasks nothing works any more: their queue message ended in the dead-letter queue (the worker failed
maxReceiveCount times), or their worker died without queueing the continuation, or their first message was never
queued. Such a task would stay `queued` or `running` for ever; housekeeping ends it `failed` with an error saying so,
which `GET /v1/tasks/{taskId}` shows.

A task is stale after TASK_STALE_AFTER_SECONDS without progress (8 hours by default): longer than the worker's timeout
plus its queue's visibility timeout times maxReceiveCount, so no live worker or queued message can still move it.
Tasks are found on ActiveTasksIndex (sparse: only queued and running tasks carry `activeKey`, sorted by `progressAt`):
one Query reads only the stale ones. Each is ended with a conditional write on the status and progress the sweep read,
so a task that moved meanwhile is left alone; a message of it that arrives later finds it ended and does nothing.
"""

from dataclasses import dataclass
from datetime import timedelta

from aws_lambda_powertools import Logger

from clarion import clock
from clarion.settings import settings
from clarion.tasks.repository import TasksRepository

logger = Logger(child=True)


@dataclass
class EndedTasks:
    failed: int = 0
    left: int = 0
    """Tasks read as stale that moved before they could be ended."""


def stale_error(status: str, hours: float) -> str:
    """The error a stale task ends with: no personal data, only what happened."""
    if status == "queued":
        return f"never started: no worker took it up for {hours:g} hours (its queue message was lost or dead-lettered)"
    return (
        f"stopped: no progress for {hours:g} hours (its worker failed repeatedly and its queue message went to the "
        "dead-letter queue, or the worker died without continuing); nothing will resume it"
    )


def fail_stale_tasks(repository: TasksRepository | None = None) -> EndedTasks:
    """Ends `failed` every queued or running task without progress for TASK_STALE_AFTER_SECONDS."""
    repository = repository or TasksRepository()
    after = settings().task_stale_after_seconds
    cutoff = clock.timestamp(clock.utc_now() - timedelta(seconds=after))
    ended = EndedTasks()
    for stale in repository.idle_since(cutoff):
        if repository.fail_stale(stale, stale_error(stale.status, after / 3600)):
            ended.failed += 1
        else:
            ended.left += 1
    if ended.failed:
        logger.warning("ended stale tasks", extra={"failed": ended.failed, "at": clock.timestamp_now()})
    return ended

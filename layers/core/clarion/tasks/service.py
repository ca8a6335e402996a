"""Creating, reading and listing an environment's tasks; the tasks function works them (clarion.tasks.runner)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from clarion.aws import client
from clarion.clock import timestamp, utc_now
from clarion.errors import NotFound
from clarion.files.service import KEEP_DAYS
from clarion.ids import new_id
from clarion.models import CursorPage
from clarion.settings import settings
from clarion.tasks.models import Counts, Progress, TaskJob, TaskView
from clarion.tasks.repository import TasksRepository

if TYPE_CHECKING:
    from clarion.store import entities


def create_task(
    environment_id: str,
    kind: str,
    params: dict[str, Any],
    *,
    total: int | None = None,
    request_hash: str | None = None,
) -> TaskView:
    """Stores a queued task of `kind` (its runner is `clarion.task_kinds.RUNNERS[kind]`) and queues its first
    chunk. With `request_hash`, a request made before with the same hash answers its first task instead, and
    nothing is queued: an import repeated changes nothing."""
    now = utc_now()
    task: entities.Task = {
        "_id": new_id(),
        "kind": kind,
        "status": "queued",
        "params": params,
        "position": {},
        "chunk": 0,
        "done": 0,
        "total": total,
        "counts": {"created": 0, "updated": 0, "failed": 0},
        "createdAt": timestamp(now),
        "expiresAt": int((now + timedelta(days=KEEP_DAYS)).timestamp()),
    }
    repository = TasksRepository()
    task_id = repository.create(environment_id, task, request_hash)
    if task_id != task["_id"]:
        return get_task(environment_id, task_id)
    enqueue(environment_id, task_id)
    return view(task)


def enqueue(environment_id: str, task_id: str) -> None:
    """Queues the task's next chunk (its first, or a continuation)."""
    body = TaskJob(environmentId=environment_id, taskId=task_id).model_dump_json()
    client("sqs").send_message(QueueUrl=settings().tasks_queue_url, MessageBody=body)


def get_task(environment_id: str, task_id: str) -> TaskView:
    """A task of the environment; another environment's is as absent as a missing one."""
    task = TasksRepository().get(environment_id, task_id)
    if task is None:
        raise NotFound(f"task '{task_id}' not found", field="taskId", value=task_id)
    return view(task)


def list_tasks(environment_id: str, *, limit: int, cursor: str | None) -> CursorPage[TaskView]:
    page = TasksRepository().page(environment_id, limit=limit, cursor=cursor)
    return CursorPage(
        data=[view(task) for task in page.items], limit=limit, hasMore=page.cursor is not None, nextCursor=page.cursor
    )


def view(task: entities.Task) -> TaskView:
    counts = task["counts"]
    return TaskView(
        id=task["_id"],
        kind=task["kind"],
        status=task["status"],
        progress=Progress(done=int(task["done"]), total=_int(task.get("total"))),
        counts=Counts(created=int(counts["created"]), updated=int(counts["updated"]), failed=int(counts["failed"])),
        errorReportFileId=task.get("errorReportFileId"),
        resultFileId=task.get("resultFileId"),
        error=task.get("error"),
        createdAt=task["createdAt"],
        startedAt=task.get("startedAt"),
        finishedAt=task.get("finishedAt"),
    )


def _int(value: Any) -> int | None:
    return None if value is None else int(value)

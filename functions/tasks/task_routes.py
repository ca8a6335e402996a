"""/v1/tasks: the environment's background tasks (imports, exports), their progress, counts and reports."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.api import Limit, PageCursor, caller, endpoint
from clarion.limits import RouteClass
from clarion.models import CursorPage, Envelope, ObjectId
from clarion.tasks import service
from clarion.tasks.models import TaskView

router = APIGatewayHttpRouter()
TaskIdPath = Annotated[ObjectId, Path(description="The task's id")]


@endpoint(router, "GET /v1/tasks", scope="list:task", rate=RouteClass.GLOBAL, summary="List tasks, newest first")
def list_tasks(limit: Limit = 20, cursor: PageCursor = None) -> CursorPage[TaskView]:
    """The environment's tasks, newest first, a page at a time (follow `nextCursor`)."""
    return service.list_tasks(caller(router).environment_id, limit=limit, cursor=cursor)


@endpoint(router, "GET /v1/tasks/{taskId}", scope="info:task", rate=RouteClass.GLOBAL, summary="Get a task")
def get_task(taskId: TaskIdPath) -> Envelope[TaskView]:
    """A task's status, progress (rows done of the total), counts of created, updated and failed rows, its error
    report's file id and its result's, and when it started and finished."""
    return Envelope(data=service.get_task(caller(router).environment_id, taskId))

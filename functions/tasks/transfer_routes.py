"""/v1/imports and /v1/exports: each starts a background task, followed with /v1/tasks/{taskId}."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.api import caller, endpoint
from clarion.imports import service
from clarion.imports.models import ExportRequest, ImportRequest
from clarion.limits import RouteClass
from clarion.models import Envelope
from clarion.tasks.models import TaskView

router = APIGatewayHttpRouter()


@endpoint(
    router,
    "POST /v1/imports",
    scope="import",
    rate=RouteClass.CONFIGURATION,
    status_code=202,
    summary="Import profiles or suppressions from a CSV or JSON-lines file (a background task)",
)
def create_import(body: ImportRequest) -> Envelope[TaskView]:
    """Starts an import task of an uploaded file (`fileId`) or of inline `content`; follow it with
    `GET /v1/tasks/{taskId}`. Importing the same file with the same options again answers the first task."""
    return Envelope(data=service.start_import(caller(router).environment_id, body))


@endpoint(
    router,
    "POST /v1/exports",
    scope="export",
    rate=RouteClass.CONFIGURATION,
    status_code=202,
    summary="Export a list's, a segment's or every profile (or their devices) to a CSV file (a background task)",
)
def create_export(body: ExportRequest) -> Envelope[TaskView]:
    """Starts an export task; once it is completed, its `resultFileId` is the CSV for `GET /v1/files/{fileId}`."""
    return Envelope(data=service.start_export(caller(router).environment_id, body))

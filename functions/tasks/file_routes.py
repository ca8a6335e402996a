"""/v1/files: a presigned upload for a file to import, and a short-lived download link for any file."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.api import caller, endpoint
from clarion.files import service
from clarion.files.models import CreateFileRequest, FileLink, UploadTicket
from clarion.limits import RouteClass
from clarion.models import Envelope, ObjectId

router = APIGatewayHttpRouter()
FileIdPath = Annotated[ObjectId, Path(description="The file's id")]


@endpoint(
    router,
    "POST /v1/files",
    scope="import",
    rate=RouteClass.CONFIGURATION,
    status_code=201,
    summary="Create a file to upload (a presigned PUT URL and the file's id)",
)
def create_file(body: CreateFileRequest) -> Envelope[UploadTicket]:
    """Records a file and answers a presigned URL to PUT its bytes to, valid for 15 minutes. Give the file's id to
    `POST /v1/imports` once the upload is done."""
    return Envelope(data=service.create_upload(caller(router).environment_id, body.name, body.contentType))


@endpoint(
    router,
    "GET /v1/files/{fileId}",
    scope="file:download",
    rate=RouteClass.GLOBAL,
    summary="Get a file, with a short-lived download URL",
)
def get_file(fileId: FileIdPath) -> Envelope[FileLink]:
    """A file of the environment (an upload, an export, an import's error report) with a presigned download URL valid
    for 5 minutes; `downloadUrl` is null while an upload has not arrived."""
    return Envelope(data=service.file_link(caller(router).environment_id, fileId))

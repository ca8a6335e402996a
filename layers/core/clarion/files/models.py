"""Files on the wire: an upload's ticket (a presigned PUT) and a file's download link (a presigned GET)."""

from typing import Literal

from pydantic import ConfigDict, Field

from clarion.models import Model, Request

FileName = str
UPLOAD_TYPES = ("text/csv", "application/x-ndjson", "application/jsonl")
UploadType = Literal["text/csv", "application/x-ndjson", "application/jsonl"]


class CreateFileRequest(Request):
    name: FileName = Field(min_length=1, max_length=255, description="The file's name, shown when it is downloaded")
    contentType: UploadType = Field(
        default="text/csv", description="`text/csv`, or JSON lines (`application/x-ndjson`, `application/jsonl`)"
    )


class UploadTicket(Model):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    id: str = Field(alias="_id", description="The file's id: give it to `POST /v1/imports` once uploaded")
    uploadUrl: str = Field(description="PUT the file's bytes here, with the same Content-Type, before `expiresAt`")
    method: Literal["PUT"] = "PUT"
    headers: dict[str, str] = Field(description="The headers the upload must send")
    expiresAt: str


class FileLink(Model):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    id: str = Field(alias="_id")
    name: str
    contentType: str
    purpose: Literal["upload", "export", "errors", "report"] = Field(
        description="`upload` (sent by a client), `export` (a task's result), `errors` (an import's error report), "
        "`report` (a list verification's results)"
    )
    size: int | None = Field(description="Bytes; null while an upload has not arrived")
    createdAt: str
    downloadUrl: str | None = Field(description="A GET of the file's bytes, valid until `expiresAt`; null if absent")
    expiresAt: str

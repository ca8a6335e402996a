"""Imports and exports on the wire: what to import from which file (or inline), what to export where."""

from typing import Literal

from pydantic import Field

from clarion.models import ObjectId, Request

MAX_INLINE_BYTES = 512 * 1024
"""An inline import's content, at most; upload anything larger (`POST /v1/files`)."""
PROFILE_EXPORT_FIELDS = (
    "subscriberId",
    "email",
    "firstName",
    "lastName",
    "phone",
    "locale",
    "timezone",
    "avatar",
    "createdAt",
    "updatedAt",
)
ExportField = str


class ImportRequest(Request):
    type: Literal["profiles", "suppressions"] = Field(
        description="`profiles` (upserted as `POST /v1/subscribers/bulk` would, optionally added to `listId`) or "
        "`suppressions` (channel, address, reason)"
    )
    fileId: ObjectId | None = Field(default=None, description="An uploaded file (`POST /v1/files`)")
    content: str | None = Field(
        default=None, max_length=MAX_INLINE_BYTES, description="The rows themselves, for a small import (512 KB)"
    )
    format: Literal["csv", "jsonl"] | None = Field(
        default=None, description="`csv` (a header row) or `jsonl` (an object a line); default: the file's type, or csv"
    )
    mapping: dict[str, str] | None = Field(
        default=None,
        max_length=200,
        description='CSV only: column name -> field (`email`, `attributes.plan`, ...; "" skips the column). A '
        "column not mapped must be named like its field",
    )
    listId: ObjectId | None = Field(default=None, description="profiles: each imported profile joins this list")


class ExportRequest(Request):
    source: Literal["all", "list", "segment"] = Field(description="Every profile, a list's members or a segment's")
    listId: ObjectId | None = None
    segmentId: ObjectId | None = None
    records: Literal["profiles", "devices"] = Field(default="profiles", description="A row per profile, or per device")
    fields: list[str] = Field(
        default=["subscriberId", "email", "firstName", "lastName", "phone"],
        min_length=1,
        max_length=60,
        description="profiles: the columns, in order: "
        + ", ".join(f"`{f}`" for f in PROFILE_EXPORT_FIELDS)
        + ", or `attributes.<name>`",
    )
    name: str = Field(default="export.csv", min_length=1, max_length=255, description="The result file's name")

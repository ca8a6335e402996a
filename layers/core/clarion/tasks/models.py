"""Tasks on the wire, and what a kind's chunk hands back to the task runner."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from pydantic import ConfigDict, Field

from clarion.models import Model

TaskStatus = Literal["queued", "running", "completed", "failed"]


class TaskJob(Model):
    """The tasks queue's message: which task to work on (the task's item holds where it is)."""

    environmentId: str
    taskId: str


class Progress(Model):
    done: int = Field(description="Rows worked so far")
    total: int | None = Field(description="Rows in all, once known (null until then)")


class Counts(Model):
    created: int
    updated: int
    failed: int = Field(description="Rows refused: each is a line of the error report")


class TaskView(Model):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    id: str = Field(alias="_id")
    kind: str = Field(description="`import`, `export`, ...")
    status: TaskStatus
    progress: Progress
    counts: Counts
    errorReportFileId: str | None = Field(
        description="A CSV (`row,field,reason`) of the refused rows, for `GET /v1/files/{fileId}`; null if none"
    )
    resultFileId: str | None = Field(description="The file the task made (an export's CSV); null if none")
    error: str | None = Field(description="Why the task failed as a whole (a missing file, ...)")
    createdAt: str
    startedAt: str | None
    finishedAt: str | None


class RowError(NamedTuple):
    """One refused row: its number (the header is row 1 of a CSV, the first line row 1 of JSON lines), the field at
    fault (or `row`), and why, never the value (it can be personal data)."""

    row: int
    field: str
    reason: str


@dataclass
class ChunkResult:
    """What one chunk of a task did. `position` is where the next chunk starts (the kind's own values)."""

    position: dict[str, Any]
    rows: int
    created: int = 0
    updated: int = 0
    failed: int = 0
    errors: list[RowError] = field(default_factory=list)
    output: bytes = b""
    """Bytes the chunk adds to the task's result file (an export's rows), in chunk order."""
    finished: bool = False
    total: int | None = None


class TaskFailed(Exception):
    """A task that cannot go on at all (its file is missing, its list was deleted): it ends `failed` with this
    message, which the API shows, so it names no personal data."""

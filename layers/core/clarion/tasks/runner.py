"""Works a task a chunk at a time, whatever its kind: the kind's runner does a chunk from the task's position, this
module commits it (conditionally: a chunk counts once), writes its error rows and output as parts in the files
bucket, and before the Lambda's time or the invocation's row budget runs out queues the task's continuation.
The last chunk joins the parts into the error report and the result file, and ends the task."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Literal, NamedTuple

from clarion.clock import timestamp_now
from clarion.files.service import new_file
from clarion.files.storage import FileObjects, object_key
from clarion.tasks.models import ChunkResult, RowError, TaskFailed, TaskJob
from clarion.tasks.repository import TasksRepository
from clarion.tasks.service import enqueue

if TYPE_CHECKING:
    from clarion.store import entities

Runner = Callable[[str, "entities.Task", int], ChunkResult]
"""A kind's chunk: (environment id, the task as committed so far, at most this many rows) -> what it did."""
CHUNK_ROWS = 500
"""Rows a chunk works (a bulk upsert's size): one commit of the task's progress each."""
RESERVE_MS = 60_000
"""Time kept back for a chunk and the continuation: the next chunk starts only with more than this left."""
ERROR_REPORT_HEAD = b"row,field,reason\n"


class RunOutcome(NamedTuple):
    state: Literal["finished", "continued", "superseded", "ended"]
    """`superseded`: another run committed this chunk first; `ended`: the task had ended (or is unknown)."""
    rows: int
    chunks: int


def run_task(job: TaskJob, runners: Mapping[str, Runner], *, remaining_ms: Callable[[], int]) -> RunOutcome:
    environment_id, repository = job.environmentId, TasksRepository()
    task = repository.get(environment_id, job.taskId, consistent=True)
    if task is None or task["status"] in ("completed", "failed"):
        return RunOutcome("ended", 0, 0)
    if task["status"] == "queued":
        task = repository.start(environment_id, task["_id"], timestamp_now()) or repository.get(
            environment_id, job.taskId, consistent=True
        )
        if task is None or task["status"] != "running":
            return RunOutcome("ended", 0, 0)
    budget = row_budget()
    rows = chunks = 0
    chunk_rows = min(CHUNK_ROWS, budget) if budget else CHUNK_ROWS
    while True:
        try:
            result = runners[task["kind"]](environment_id, task, chunk_rows)
        except TaskFailed as failure:
            repository.finish(environment_id, task, {"status": "failed", "error": str(failure), **_ended()})
            return RunOutcome("finished", rows, chunks)
        _write_parts(environment_id, task, result)
        committed = repository.commit(environment_id, task, result)
        if committed is None:
            return RunOutcome("superseded", rows, chunks)
        task, rows, chunks = committed, rows + result.rows, chunks + 1
        if result.finished:
            _finish(environment_id, task)
            return RunOutcome("finished", rows, chunks)
        if remaining_ms() < RESERVE_MS or (budget and rows >= budget):
            enqueue(environment_id, task["_id"])
            return RunOutcome("continued", rows, chunks)


def row_budget() -> int:
    """TASK_ROWS_PER_INVOCATION: rows an invocation works before it continues in a new one (0 or unset: until the
    Lambda's time runs short). The worker's own variable, read per invocation rather than through the settings, which
    a process running several functions (the local stack) caches with another function's environment."""
    text = os.environ.get("TASK_ROWS_PER_INVOCATION", "")
    return int(text) if text.isdigit() else 0


def part_key(environment_id: str, task_id: str, part: Literal["errors", "output"], chunk: int) -> str:
    return object_key(environment_id, f"tasks/{task_id}/{part}/{chunk:08d}")


def error_lines(errors: list[RowError]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerows((error.row, error.field, error.reason) for error in errors)
    return text.getvalue().encode()


def _write_parts(environment_id: str, task: entities.Task, result: ChunkResult) -> None:
    """A chunk's parts are written before it commits, under its number: a redelivered chunk writes the same."""
    objects = FileObjects()
    if result.errors:
        key = part_key(environment_id, task["_id"], "errors", task["chunk"])
        objects.put(key, error_lines(result.errors), "text/csv")
    if result.output:
        objects.put(part_key(environment_id, task["_id"], "output", task["chunk"]), result.output, "text/csv")


def _finish(environment_id: str, task: entities.Task) -> None:
    objects, changes, parts = FileObjects(), {"status": "completed", **_ended()}, []
    if task.get("errorChunks"):
        errors = [part_key(environment_id, task["_id"], "errors", n) for n in task.get("errorChunks", [])]
        report = new_file(environment_id, f"task-{task['_id']}-errors.csv", "text/csv", "errors")
        objects.concatenate(errors, object_key(environment_id, report["_id"]), "text/csv", ERROR_REPORT_HEAD)
        changes["errorReportFileId"] = report["_id"]
        parts += errors
    output = task["params"].get("output")
    if isinstance(output, dict):
        outputs = [part_key(environment_id, task["_id"], "output", n) for n in task.get("outputChunks", [])]
        result = new_file(environment_id, str(output["name"]), "text/csv", output.get("purpose", "export"))
        head = str(output.get("head", "")).encode()
        objects.concatenate(outputs, object_key(environment_id, result["_id"]), "text/csv", head)
        changes["resultFileId"] = result["_id"]
        parts += outputs
    if TasksRepository().finish(environment_id, task, changes):
        objects.delete(parts)


def _ended() -> dict[str, str]:
    return {"finishedAt": timestamp_now()}

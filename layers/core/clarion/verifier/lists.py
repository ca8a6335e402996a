"""Verifying a list: a background task (kind `verify`, run by clarion.tasks) over an uploaded file or the addresses a
request gave, a chunk at a time. Its result file is the report, a CSV row per address; its position keeps the counts
by result, committed with each chunk, so an address redelivered in a chunk is counted once."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from clarion.errors import NotFound, ValidationFailed
from clarion.files.service import store_content, uploaded_file
from clarion.imports.reader import format_of, read_task_chunk
from clarion.tasks.models import ChunkResult, RowError, TaskFailed
from clarion.tasks.repository import TasksRepository
from clarion.tasks.service import create_task
from clarion.verifier.models import ListVerification, Verification, VerificationCounts, VerifyListRequest
from clarion.verifier.service import RESULT_ORDER, verify_emails

if TYPE_CHECKING:
    from clarion.store import entities

KIND = "verify"
REPORT_COLUMNS = (
    "row",
    "email",
    "normalized",
    "result",
    "reasons",
    "syntax",
    "idna",
    "disposable",
    "role",
    "suppressed",
    "mx",
    "detail",
)
CHUNK_DNS_SECONDS = 60.0
"""A chunk's wait for DNS in all (the worker keeps a minute back for each chunk, of a 15-minute invocation)."""


def start_list_verification(environment_id: str, request: VerifyListRequest) -> ListVerification:
    """A `verify` task over the addresses given (stored as a one-column CSV first, so both run alike) or an uploaded
    file (a CSV with an `email` column, or JSON lines with an `email` key)."""
    if (request.emails is None) == (request.fileId is None):
        raise ValidationFailed("give exactly one of emails and fileId", field="emails")
    if request.emails is not None:
        if request.format is not None:
            raise ValidationFailed("is for an uploaded file only", field="format", value=request.format)
        content = _csv_lines([["email"], *([email] for email in request.emails)])
        file_id, file_format = store_content(environment_id, "verification-list.csv", content, "text/csv"), "csv"
        total: int | None = len(request.emails)
        etag: str | None = None
    else:
        file_id = request.fileId or ""
        upload = uploaded_file(environment_id, file_id)
        file_format, total, etag = format_of(upload.item["contentType"], request.format), None, upload.etag
    params = {
        "fileId": file_id,
        "etag": etag,
        "format": file_format,
        "output": {"name": request.name, "head": _csv_lines([list(REPORT_COLUMNS)]).decode(), "purpose": "report"},
    }
    created = create_task(environment_id, KIND, params, total=total)
    return ListVerification(
        taskId=created.id,
        status=created.status,
        counts=VerificationCounts(total=0, **dict.fromkeys(RESULT_ORDER, 0)),
        total=total,
        refused=0,
        reportFileId=None,
        errorReportFileId=None,
        error=None,
        createdAt=created.createdAt,
        finishedAt=None,
    )


def get_list_verification(environment_id: str, task_id: str) -> ListVerification:
    """A list verification of the environment (a task of another kind, or another environment's, is a 404)."""
    task = TasksRepository().get(environment_id, task_id)
    if task is None or task["kind"] != KIND:
        raise NotFound(f"list verification '{task_id}' not found", field="taskId", value=task_id)
    return _view(task)


def run_verify_chunk(environment_id: str, task: entities.Task, max_rows: int) -> ChunkResult:
    chunk = read_task_chunk(environment_id, task, max_rows)
    column = _email_column(chunk.header) if task["params"]["format"] == "csv" else "email"
    rows, errors = [], list(chunk.batch.errors)
    for row in chunk.batch.rows:
        email = (row.values or {}).get(column)
        if isinstance(email, str) and email.strip():
            rows.append((row.number, email.strip()))
        else:
            errors.append(RowError(row.number, "email", "is missing" if email in (None, "") else "is not a string"))
    results = verify_emails(environment_id, [email for _, email in rows], dns_seconds=CHUNK_DNS_SECONDS)
    counts = dict(task["position"].get("counts") or dict.fromkeys(RESULT_ORDER, 0))
    for result in results:
        counts[result.result] = int(counts.get(result.result, 0)) + 1
    return ChunkResult(
        position={**chunk.position, "counts": counts},
        rows=chunk.batch.read,
        created=len(results),
        failed=len({error.row for error in errors}),
        errors=sorted(errors, key=lambda error: error.row),
        output=_csv_lines([_report_row(number, result) for (number, _), result in zip(rows, results, strict=True)]),
        finished=chunk.exhausted,
        total=chunk.total,
    )


def _email_column(header: list[str] | None) -> str:
    """The CSV's `email` column, whatever its case; a file without one fails its task at once, rather than reporting
    each of its rows."""
    if header is None:  # an empty file: no row to read
        return "email"
    found = next((name for name in header if name.lower() == "email"), None)
    if found is None:
        raise TaskFailed("the file has no email column")
    return found


def _report_row(number: int, result: Verification) -> list[str]:
    checks = result.checks
    return [
        str(number),
        result.email,
        result.normalized or "",
        result.result,
        "|".join(result.reasons),
        checks.syntax,
        *(_cell(value) for value in (checks.idna, checks.disposable, checks.role, checks.suppressed, checks.mx)),
        result.detail or "",
    ]


def _cell(value: str | bool | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _csv_lines(rows: list[list[str]]) -> bytes:
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(rows)
    return text.getvalue().encode()


def _view(task: entities.Task) -> ListVerification:
    counts = {name: int(value) for name, value in (task["position"].get("counts") or {}).items()}
    by_result = {name: counts.get(name, 0) for name in RESULT_ORDER}
    return ListVerification(
        taskId=task["_id"],
        status=task["status"],
        counts=VerificationCounts(total=sum(by_result.values()), **by_result),
        total=None if task.get("total") is None else int(task["total"] or 0),
        refused=int(task["counts"]["failed"]),
        reportFileId=task.get("resultFileId"),
        errorReportFileId=task.get("errorReportFileId"),
        error=task.get("error"),
        createdAt=task["createdAt"],
        finishedAt=task.get("finishedAt"),
    )

"""Rows of an uploaded file, streamed from a byte offset: CSV (a header row, UTF-8 with or without a BOM, quoted
fields across lines) or JSON lines. A malformed row is a `RowError` and the reading goes on; each row carries the byte
offset after it, where a continuation starts reading again."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, cast

from clarion.files.storage import FileObjects, ObjectChanged, object_key
from clarion.tasks.models import RowError, TaskFailed

if TYPE_CHECKING:
    from clarion.store import entities

Format = Literal["csv", "jsonl"]
MAX_ROW_BYTES = 128 * 1024
"""A row longer than this is refused (a profile is at most a few KB); its bytes are skipped, never kept."""
BOM = b"\xef\xbb\xbf"
JSON_LINES_TYPES = ("application/x-ndjson", "application/jsonl")


def format_of(content_type: str, requested: Format | None) -> Format:
    """The format asked for, else the file's content type's (JSON lines), else CSV."""
    return requested or ("jsonl" if content_type in JSON_LINES_TYPES else "csv")


class Row(NamedTuple):
    """A row (`number` counts from 1; a CSV's header is row 1), the offset after it, and its values or its error."""

    number: int
    end: int
    values: dict[str, Any] | None = None
    error: RowError | None = None


class RawRecord(NamedTuple):
    data: bytes | None
    """None when the record was longer than MAX_ROW_BYTES (its bytes were dropped as they came)."""
    end: int


def raw_records(lines: Iterator[bytes], offset: int, *, quoted: bool) -> Iterator[RawRecord]:
    """The file's records from `offset`: a line each, or with `quoted` (CSV) as many lines as it takes to close the
    quotes opened. A BOM at the file's start is skipped."""
    pending: list[bytes] = []
    size, quotes, oversized = 0, 0, False
    for raw in lines:
        line = raw
        if offset == 0 and not pending and line.startswith(BOM):
            offset, line = len(BOM), line[len(BOM) :]
        size += len(line)
        offset += len(line)
        if quoted:
            quotes += line.count(b'"')
        if size > MAX_ROW_BYTES:
            oversized, pending = True, []
        else:
            pending.append(line)
        if quoted and quotes % 2:
            continue
        yield RawRecord(None if oversized else b"".join(pending), offset)
        pending, size, quotes, oversized = [], 0, 0, False
    if pending or oversized:
        yield RawRecord(None if oversized else b"".join(pending), offset)


def rows(
    lines: Iterator[bytes], file_format: Format, *, offset: int, row: int, header: list[str] | None
) -> Iterator[Row | list[str]]:
    """The rows after row `row` (which ends at `offset`); for a CSV read from its start, the header first (a list
    of column names). Blank lines are skipped but counted."""
    for record in raw_records(lines, offset, quoted=file_format == "csv"):
        row += 1
        if record.data is None:
            yield Row(row, record.end, error=RowError(row, "row", f"is longer than {MAX_ROW_BYTES} bytes"))
            continue
        try:
            text = record.data.decode("utf-8")
        except UnicodeDecodeError:
            yield Row(row, record.end, error=RowError(row, "row", "is not valid UTF-8"))
            continue
        if not text.strip():
            continue
        if file_format == "jsonl":
            yield _json_row(row, record.end, text)
            continue
        try:
            fields = next(csv.reader(io.StringIO(text), strict=True))
        except (csv.Error, StopIteration) as error:
            yield Row(row, record.end, error=RowError(row, "row", f"is not a CSV row ({error})"))
            continue
        if header is None:
            header = [name.strip() for name in fields]
            yield header
        elif len(fields) != len(header):
            problem = f"has {len(fields)} fields, the header {len(header)}"
            yield Row(row, record.end, error=RowError(row, "row", problem))
        else:
            yield Row(row, record.end, values=dict(zip(header, fields, strict=True)))


def _json_row(row: int, end: int, text: str) -> Row:
    try:
        values = json.loads(text)
    except ValueError:
        return Row(row, end, error=RowError(row, "row", "is not JSON"))
    if not isinstance(values, dict):
        return Row(row, end, error=RowError(row, "row", "is not a JSON object"))
    return Row(row, end, values=values)


@dataclass
class Batch:
    """Up to a chunk's rows: the good ones, the refused ones, how many were read, and where the last one ended."""

    rows: list[Row] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    read: int = 0
    end: int = 0
    last_row: int = 0


def read_batch(
    lines: Iterator[bytes], file_format: Format, position: dict[str, Any], header: list[str] | None, max_rows: int
) -> tuple[Batch, list[str] | None, bool]:
    """Up to `max_rows` rows from a task's `position` (`offset`, `row`), the header (read or as given), and whether
    the file is exhausted."""
    batch = Batch()
    for item in rows(lines, file_format, offset=int(position["offset"]), row=int(position["row"]), header=header):
        if isinstance(item, list):
            header, batch.last_row = item, 1  # the header is row 1, and not a row worked
            continue
        batch.read += 1
        batch.end, batch.last_row = item.end, item.number
        if item.error is not None:
            batch.errors.append(item.error)
        else:
            batch.rows.append(item)
        if batch.read >= max_rows:
            return batch, header, False
    return batch, header, True


def count_rows(lines: Iterator[bytes], file_format: Format) -> int:
    """The rows of a whole file (a CSV's header left out), blank lines left out: a task's total."""
    records = raw_records(lines, 0, quoted=file_format == "csv")
    count = sum(1 for record in records if record.data is None or record.data.strip())
    return max(count - 1, 0) if file_format == "csv" else count


class TaskChunk(NamedTuple):
    """A file task's next rows (`read_task_chunk`), the header, whether the file is done, the file's row count (read
    by the first chunk only), and the position the next chunk starts from."""

    batch: Batch
    header: list[str] | None
    exhausted: bool
    total: int | None
    position: dict[str, Any]


def read_task_chunk(environment_id: str, task: entities.Task, max_rows: int) -> TaskChunk:
    """Up to `max_rows` rows of the task's file (params `fileId` and `format`) from its position (`offset`, `row`,
    `header`); the first chunk counts the file's rows, and fails the task when the file was never uploaded."""
    params, position = task["params"], task["position"] or {"offset": 0, "row": 0, "header": None}
    file_format = cast("Format", params["format"])
    objects, key, etag = FileObjects(), object_key(environment_id, params["fileId"]), params.get("etag")
    total = None
    try:
        if int(position["offset"]) == 0 and task.get("total") is None:
            if objects.size(key) is None:
                raise TaskFailed(f"file '{params['fileId']}' has not been uploaded")
            total = count_rows(objects.lines_from(key, 0, etag), file_format)
        lines = objects.lines_from(key, int(position["offset"]), etag)
        try:
            batch, header, exhausted = read_batch(lines, file_format, position, position.get("header"), max_rows)
        finally:
            lines.close()  # type: ignore[attr-defined]  # a generator: closing it closes the S3 body
    except ObjectChanged as changed:
        message = f"file '{params['fileId']}' was uploaded again since the task started: start a new one to read it"
        raise TaskFailed(message) from changed
    following = {
        **position,
        "offset": batch.end or position["offset"],
        "row": batch.last_row or position["row"],
        "header": header,
    }
    return TaskChunk(batch, header, exhausted, total, following)

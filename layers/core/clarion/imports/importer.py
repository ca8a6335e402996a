"""An import's chunk (the task runner's `import` kind): up to `max_rows` rows read from the task's position in its
file, turned into entries and upserted in one batch; each refused row is a `RowError`, and the good rows go on."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from clarion.audience.values import AttributeSchema
from clarion.clock import timestamp_now
from clarion.imports import mapping
from clarion.imports.reader import Batch, read_task_chunk
from clarion.lists.repository import ListsRepository
from clarion.subscribers.service import upsert_profiles
from clarion.suppressions.models import SuppressionEntry
from clarion.suppressions.service import add_suppressions
from clarion.tasks.models import ChunkResult, RowError, TaskFailed

if TYPE_CHECKING:
    from clarion.store import entities


def run_import_chunk(environment_id: str, task: entities.Task, max_rows: int) -> ChunkResult:
    params = task["params"]
    chunk = read_task_chunk(environment_id, task, max_rows)
    batch, header, total = chunk.batch, chunk.header, chunk.total
    kind = params["type"]
    targets = None
    if params["format"] == "csv":
        if header is None:  # an empty file
            return ChunkResult(position=chunk.position, rows=0, finished=True, total=total or 0)
        fields = mapping.PROFILE_FIELDS if kind == "profiles" else mapping.SUPPRESSION_FIELDS
        targets = mapping.column_targets(header, params.get("mapping") or {}, fields)
    upsert = _upsert_profiles if kind == "profiles" else _add_suppressions
    result = upsert(environment_id, params, batch, targets) if batch.rows else ChunkResult(position={}, rows=0)
    result.errors = sorted(batch.errors + result.errors, key=lambda error: error.row)
    result.failed = len({error.row for error in result.errors})
    result.rows = batch.read
    result.position = chunk.position
    result.finished = chunk.exhausted
    result.total = total
    return result


def _upsert_profiles(
    environment_id: str, params: dict[str, Any], batch: Batch, targets: dict[str, str] | None
) -> ChunkResult:
    if targets is not None:
        names = mapping.attribute_names(targets)
        types = AttributeSchema.of(environment_id, names).types if names else {}
        entries: list[Any] = [mapping.entry_of(row.values or {}, targets, types) for row in batch.rows]
    else:
        entries = [row.values for row in batch.rows]
    outcome = upsert_profiles(environment_id, entries)
    errors = [
        RowError(batch.rows[failure.position].number, _field(where), reason)
        for failure in outcome.failures
        for where, reason in failure.problems
    ]
    list_id = params.get("listId")
    if list_id and (outcome.created or outcome.updated):
        ids = outcome.created + outcome.updated
        if ListsRepository().add_members(environment_id, list_id, ids, timestamp_now()) is None:
            raise TaskFailed(f"list '{list_id}' was deleted")
    return ChunkResult(position={}, rows=0, created=len(outcome.created), updated=len(outcome.updated), errors=errors)


def _add_suppressions(
    environment_id: str, params: dict[str, Any], batch: Batch, targets: dict[str, str] | None
) -> ChunkResult:
    entries, errors = [], []
    for row in batch.rows:
        values = row.values or {}
        given = values if targets is None else {targets[c]: v for c, v in values.items() if c in targets and v != ""}
        try:
            entries.append(SuppressionEntry.model_validate(given))
        except ValidationError as error:
            errors += [
                RowError(row.number, _field("".join(f".{part}" for part in detail["loc"])), detail["msg"])
                for detail in error.errors(include_input=False)
            ]
    results = add_suppressions(environment_id, entries, source="import").results
    added = sum(1 for result in results if result.status == "added")
    return ChunkResult(position={}, rows=0, created=added, updated=len(results) - added, errors=errors)


def _field(location: str) -> str:
    """`email` for `.email`; `row` for an entry refused as a whole."""
    return location.removeprefix(".") or "row"

"""The task worker's table: each task kind's chunk runner (clarion.tasks.runner.Runner). A new kind of background
task is one entry here and a `create_task(environment_id, kind, params)` where it starts.

Each entry imports its kind's module when it first runs: a worker's invocation works one task, and each kind loads
its own packages (the importer the subscribers' and suppressions' models, the exporter the segments' rules, the
verifier its models), which would otherwise all weigh on every cold start of the worker."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from clarion.tasks.models import ChunkResult
from clarion.tasks.runner import Runner

if TYPE_CHECKING:
    from clarion.store import entities


def _import_chunk(environment_id: str, task: entities.Task, max_rows: int) -> ChunkResult:
    from clarion.imports.importer import run_import_chunk  # noqa: PLC0415 - cold start: this kind's packages only

    return run_import_chunk(environment_id, task, max_rows)


def _export_chunk(environment_id: str, task: entities.Task, max_rows: int) -> ChunkResult:
    from clarion.imports.exporter import run_export_chunk  # noqa: PLC0415 - cold start: this kind's packages only

    return run_export_chunk(environment_id, task, max_rows)


def _verify_chunk(environment_id: str, task: entities.Task, max_rows: int) -> ChunkResult:
    from clarion.verifier.lists import run_verify_chunk  # noqa: PLC0415 - cold start: this kind's packages only

    return run_verify_chunk(environment_id, task, max_rows)


RUNNERS: Mapping[str, Runner] = {
    "import": _import_chunk,
    "export": _export_chunk,
    "verify": _verify_chunk,
}

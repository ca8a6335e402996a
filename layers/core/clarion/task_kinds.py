"""The task worker's table: each task kind's chunk runner (clarion.tasks.runner.Runner). A new kind of background
task is one entry here and a `create_task(environment_id, kind, params)` where it starts."""

from collections.abc import Mapping

from clarion.imports.exporter import run_export_chunk
from clarion.imports.importer import run_import_chunk
from clarion.tasks.runner import Runner
from clarion.verifier.lists import run_verify_chunk

RUNNERS: Mapping[str, Runner] = {
    "import": run_import_chunk,
    "export": run_export_chunk,
    "verify": run_verify_chunk,
}

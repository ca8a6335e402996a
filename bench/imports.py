"""Importing 100,000 profiles from a CSV file: AWS requests per profile, the worker's peak memory, and its time
against a bare BatchWriteItem loop of the same rows, measured in the same run.

As bench.dispatcher_memory: moto runs in this process, in-process and as a server on loopback sharing one state, the
stack provisioned from template.yaml. The file is uploaded to the files bucket and the import task created with the
tasks function's environment; the task worker then runs in a process of its own (bench.imports_child), with its
function's environment and the server as its AWS endpoint, working the whole task in one invocation, next to the bare
loop writing the same stored profiles (keys and index attributes included), 25 a request, to another environment.
Both are timed on the wall clock (the server does most of the work, in the other process), in ROUNDS rounds, each on
a stack and in a worker process of its own, the import first in one round and the bare loop first in the next: on one
server holding the earlier rounds' profiles, the imports took 56.0, 73.2, 72.2 and 83.9 s.
"""

from dataclasses import dataclass
from typing import Any

from bench.dispatcher_memory import served_stack
from local.functions import FunctionRegistry

ENVIRONMENT = "bench-imports"
ROUNDS = 4


@dataclass(frozen=True)
class ImportFigures:
    profiles: int
    file_mb: float
    requests: dict[str, int]
    rounds: list[tuple[float, float]]
    """Each round's (import seconds, bare loop seconds); the requests, memory and counts are the first round's."""
    bare_requests: int
    baseline_mb: float
    peak_mb: float
    counts: dict[str, int]

    @property
    def per_profile(self) -> float:
        return sum(self.requests.values()) / self.profiles

    @property
    def ratio(self) -> float:
        """The rounds' import time / their bare loops' time."""
        return sum(imported for imported, _ in self.rounds) / sum(bare for _, bare in self.rounds)


def csv_rows(profiles: int) -> bytes:
    return b"subscriberId,email,firstName\n" + b"".join(
        f"person-{n:06},person-{n}@example.com,Person {n}\n".encode() for n in range(profiles)
    )


def import_profiles(profiles: int, rounds: int = ROUNDS) -> ImportFigures:
    content = csv_rows(profiles)
    measured: list[dict[str, Any]] = []
    for number in range(rounds):
        with served_stack() as served:
            job = {"environmentId": ENVIRONMENT, "taskId": _start(served.registry, content), "profiles": profiles}
            job["bareFirst"] = number % 2 == 1
            measured.append(served.run_child("bench.imports_child", "TaskWorkerFunction", job))
    first = measured[0]
    return ImportFigures(
        profiles=profiles,
        file_mb=round(len(content) / 1024 / 1024, 1),
        requests=first["requests"],
        rounds=[(run["import_seconds"], run["bare_seconds"]) for run in measured],
        bare_requests=first["bare_requests"],
        baseline_mb=first["baseline_mb"],
        peak_mb=first["peak_mb"],
        counts=first["counts"],
    )


def _start(registry: FunctionRegistry, content: bytes) -> str:
    from clarion.files.service import new_file  # noqa: PLC0415 - the layer is on sys.path now
    from clarion.files.storage import FileObjects, object_key  # noqa: PLC0415
    from clarion.settings import settings  # noqa: PLC0415
    from clarion.tasks.repository import TasksRepository  # noqa: PLC0415
    from clarion.tasks.service import create_task  # noqa: PLC0415

    settings.cache_clear()
    with registry.environment_of("TasksFunction"):
        stored = new_file(ENVIRONMENT, "people.csv", "text/csv", "upload")
        FileObjects().put(object_key(ENVIRONMENT, stored["_id"]), content, "text/csv")
        params: dict[str, Any] = {
            "type": "profiles",
            "fileId": stored["_id"],
            "format": "csv",
            "mapping": {},
            "listId": None,
        }
        task = create_task(ENVIRONMENT, "import", params)
        assert TasksRepository().get(ENVIRONMENT, task.id) is not None
    settings.cache_clear()
    return task.id


REQUESTS_TARGET = 0.06
RATIO_TARGET = 1.5
MEMORY_TARGET_MB = 200


def imports_section(run: ImportFigures) -> list[str]:
    operations = ", ".join(f"{operation} {count:,}" for operation, count in run.requests.items())
    rounds = ", ".join(f"{imported:.1f} s / {bare:.1f} s = {imported / bare:.2f}x" for imported, bare in run.rounds)
    return [
        f"## Importing {run.profiles:,} profiles from CSV",
        "",
        f"One import task of a {run.file_mb} MB CSV of {run.profiles:,} new profiles (subscriberId, email, firstName),",
        "worked by the task worker in one invocation, in a process of its own with the function's environment, against",
        "a moto server holding the data in another process (bench.imports). Requests counted at the layer's boto3",
        "clients; the bare loop writes the same stored profiles (their keys and index attributes too) to another",
        "environment, 25 a BatchWriteItem, from the same process: no read, no check, no progress. Both on the wall",
        f"clock (the server does most of the work), in {len(run.rounds)} rounds, each on a stack and in a worker",
        "process of its own, the import first in one round and the bare loop first in the next; the ratio is of the",
        "rounds' times summed, the other figures are the first round's.",
        "",
        "| figure | value | target |",
        "|---|---:|---|",
        f"| requests by operation | {operations} | |",
        f"| AWS requests per profile | {run.per_profile:.4f} | <= {REQUESTS_TARGET} |",
        f"| import time / bare BatchWriteItem loop ({run.bare_requests:,} requests), each round | {rounds} | |",
        f"| import time / bare BatchWriteItem loop, all rounds | {run.ratio:.2f}x | <= {RATIO_TARGET}x |",
        f"| RSS after import | {run.baseline_mb:.1f} MB | |",
        f"| peak RSS | {run.peak_mb:.1f} MB | <= {MEMORY_TARGET_MB} MB |",
        f"| counts | created {run.counts['created']:,}, updated {run.counts['updated']:,}, "
        f"failed {run.counts['failed']:,} | |",
        "",
    ]


def import_summary(run: ImportFigures) -> list[str]:
    """The import's rows of DESIGN §7's table."""
    met = {True: "yes", False: "**no**"}
    return [
        f"| import of {run.profiles:,} profiles: AWS requests per profile | {run.per_profile:.3f} "
        f"| <= {REQUESTS_TARGET} | {met[run.per_profile <= REQUESTS_TARGET]} |",
        f"| import: task worker peak RSS | {run.peak_mb:.1f} MB | <= {MEMORY_TARGET_MB} MB "
        f"| {met[run.peak_mb <= MEMORY_TARGET_MB]} |",
        f"| import time / bare BatchWriteItem loop, same moto | {run.ratio:.2f}x | <= {RATIO_TARGET}x "
        f"| {met[run.ratio <= RATIO_TARGET]}{'' if run.ratio <= RATIO_TARGET else IMPORT_WHY} |",
    ]


IMPORT_WHY = ': why, under "Importing 100,000 profiles from CSV"'

"""The task runner, whatever the kind: chunks committed once each (a redelivered or concurrent run of a chunk adds
nothing), continuation when the row budget or the time runs out, error report and result file joined at the end,
and an import resumed after an interruption imports each row once."""

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest

from clarion.aws import client
from clarion.files.service import get_file, new_file
from clarion.files.storage import FileObjects, object_key
from clarion.settings import settings
from clarion.task_kinds import RUNNERS
from clarion.tasks import service
from clarion.tasks.models import ChunkResult, RowError, TaskJob
from clarion.tasks.repository import TasksRepository
from clarion.tasks.runner import run_task

ENVIRONMENT = "e" * 24
PLENTY = lambda: 900_000  # noqa: E731 - a Lambda's remaining time


@pytest.fixture
def task_stack(memory_tables: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The tables, a files bucket and a tasks queue, as the settings name them; yields the queue's URL."""
    client("s3").create_bucket(Bucket="files")
    queue = client("sqs").create_queue(QueueName="tasks")["QueueUrl"]
    monkeypatch.setenv("FILES_BUCKET", "files")
    monkeypatch.setenv("TASKS_QUEUE_URL", queue)
    settings.cache_clear()
    yield queue
    settings.cache_clear()


def queued(queue: str) -> list[dict[str, Any]]:
    messages = client("sqs").receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
    return [json.loads(message["Body"]) for message in messages]


def counting_kind(rows_in_all: int) -> Any:
    """A kind that works `max_rows` numbers a chunk, refusing the odd ones, and writes the even ones as output."""

    def run(environment_id: str, task: Any, max_rows: int) -> ChunkResult:
        start = int(task["position"].get("next", 0))
        numbers = range(start, min(start + max_rows, rows_in_all))
        return ChunkResult(
            position={"next": numbers.stop},
            rows=len(numbers),
            created=sum(1 for n in numbers if n % 2 == 0),
            failed=sum(1 for n in numbers if n % 2),
            errors=[RowError(n, "n", "is odd") for n in numbers if n % 2],
            output="".join(f"{n}\n" for n in numbers if n % 2 == 0).encode(),
            finished=numbers.stop >= rows_in_all,
        )

    return run


def test_a_chunk_run_again_from_the_same_read_commits_nothing(task_stack: str) -> None:
    task = service.create_task(ENVIRONMENT, "count", {})
    repository = TasksRepository()
    assert repository.start(ENVIRONMENT, task.id, "2026-01-01T00:00:00.000Z") is not None
    read = repository.get(ENVIRONMENT, task.id)
    assert read is not None
    chunk = counting_kind(10)(ENVIRONMENT, read, 4)

    first = repository.commit(ENVIRONMENT, read, chunk)
    again = repository.commit(ENVIRONMENT, read, chunk)  # the same chunk, redelivered

    assert first is not None and again is None
    assert service.get_task(ENVIRONMENT, task.id).counts.model_dump() == {"created": 2, "updated": 0, "failed": 2}


def test_a_task_continues_past_its_row_budget_and_ends_with_its_report_and_result(
    task_stack: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TASK_ROWS_PER_INVOCATION", "4")
    task = service.create_task(ENVIRONMENT, "count", {"output": {"name": "even.csv", "head": "n\n"}})
    runners = {"count": counting_kind(10)}
    job = TaskJob(**queued(task_stack)[0])

    states = []
    while (outcome := run_task(job, runners, remaining_ms=PLENTY)).state == "continued":
        states.append(outcome.state)
        assert queued(task_stack) == [job.model_dump()]
    states.append(outcome.state)

    done = service.get_task(ENVIRONMENT, task.id)
    assert states == ["continued", "continued", "finished"]
    assert done.status == "completed" and done.progress.done == 10 and done.counts.failed == 5
    report = FileObjects().read(object_key(ENVIRONMENT, done.errorReportFileId or "")).decode()
    assert list(csv.reader(io.StringIO(report))) == [["row", "field", "reason"]] + [
        [str(n), "n", "is odd"] for n in (1, 3, 5, 7, 9)
    ]
    assert FileObjects().read(object_key(ENVIRONMENT, done.resultFileId or "")) == b"n\n0\n2\n4\n6\n8\n"
    assert get_file(ENVIRONMENT, done.resultFileId or "")["purpose"] == "export"
    assert run_task(job, runners, remaining_ms=PLENTY).state == "ended"  # a late redelivery does nothing


def test_a_task_continues_when_the_lambdas_time_runs_short(task_stack: str) -> None:
    task = service.create_task(ENVIRONMENT, "count", {})
    job = TaskJob(environmentId=ENVIRONMENT, taskId=task.id)

    outcome = run_task(job, {"count": counting_kind(2000)}, remaining_ms=lambda: 30_000)

    assert (outcome.state, outcome.chunks, outcome.rows) == ("continued", 1, 500)


def test_an_interrupted_import_resumes_and_imports_each_row_once(
    task_stack: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = "subscriberId,email\n" + "".join(f"s{n},s{n}@example.com\n" for n in range(9))
    stored = new_file(ENVIRONMENT, "people.csv", "text/csv", "upload")
    FileObjects().put(object_key(ENVIRONMENT, stored["_id"]), content.encode(), "text/csv")
    params = {"type": "profiles", "fileId": stored["_id"], "format": "csv", "mapping": {}, "listId": None}
    task = service.create_task(ENVIRONMENT, "import", params)
    job = TaskJob(environmentId=ENVIRONMENT, taskId=task.id)
    monkeypatch.setenv("TASK_ROWS_PER_INVOCATION", "4")
    assert run_task(job, RUNNERS, remaining_ms=PLENTY).state == "continued"
    # the invocation is lost after its commit (its continuation too): SQS redelivers the first message
    repository = TasksRepository()
    read = repository.get(ENVIRONMENT, task.id)
    assert read is not None and read["done"] == 4

    while run_task(job, RUNNERS, remaining_ms=PLENTY).state == "continued":
        pass

    done = service.get_task(ENVIRONMENT, task.id)
    assert done.status == "completed" and done.progress.model_dump() == {"done": 9, "total": 9}
    assert done.counts.model_dump() == {"created": 9, "updated": 0, "failed": 0}
    counter = client("dynamodb").scan(TableName="SubscribersTable")["Items"]
    assert sum(1 for item in counter if item["sk"]["S"] == "PROFILE") == 9
    totals = [int(item["total"]["N"]) for item in counter if item["sk"]["S"] == "COUNT#SUBSCRIBERS"]
    assert totals == [9]  # counted once each


def test_an_import_of_a_file_never_uploaded_fails_saying_so(task_stack: str) -> None:
    stored = new_file(ENVIRONMENT, "missing.csv", "text/csv", "upload")
    params = {"type": "profiles", "fileId": stored["_id"], "format": "csv", "mapping": {}, "listId": None}
    task = service.create_task(ENVIRONMENT, "import", params)

    run_task(TaskJob(environmentId=ENVIRONMENT, taskId=task.id), RUNNERS, remaining_ms=PLENTY)

    failed = service.get_task(ENVIRONMENT, task.id)
    assert failed.status == "failed" and failed.error == f"file '{stored['_id']}' has not been uploaded"


def test_an_import_whose_file_is_put_again_midway_fails_instead_of_mixing_two_files(
    task_stack: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored = new_file(ENVIRONMENT, "people.csv", "text/csv", "upload")
    key = object_key(ENVIRONMENT, stored["_id"])
    FileObjects().put(key, ("subscriberId\n" + "".join(f"a{n}\n" for n in range(6))).encode(), "text/csv")
    head = FileObjects().head(key)
    assert head is not None
    params = {"type": "profiles", "fileId": stored["_id"], "etag": head.etag, "format": "csv", "mapping": {}}
    task = service.create_task(ENVIRONMENT, "import", params | {"listId": None})
    job = TaskJob(environmentId=ENVIRONMENT, taskId=task.id)
    monkeypatch.setenv("TASK_ROWS_PER_INVOCATION", "3")
    assert run_task(job, RUNNERS, remaining_ms=PLENTY).state == "continued"
    FileObjects().put(key, ("subscriberId\n" + "".join(f"b{n}\n" for n in range(6))).encode(), "text/csv")

    assert run_task(job, RUNNERS, remaining_ms=PLENTY).state == "finished"

    failed = service.get_task(ENVIRONMENT, task.id)
    assert failed.status == "failed" and failed.progress.done == 3
    again = "was uploaded again since the task started: start a new one to read it"
    assert failed.error == f"file '{stored['_id']}' {again}"

"""Housekeeping ends the tasks nothing works any more (clarion.housekeeping.stale_tasks): a task queued or running
with no progress for TASK_STALE_AFTER_SECONDS ends `failed` saying why; a fresh one, one that moved while the sweep
ran, and one that ended are left alone; a message of a swept task that arrives later changes nothing."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from clarion.aws import client
from clarion.housekeeping.stale_tasks import fail_stale_tasks
from clarion.settings import settings
from clarion.tasks import service
from clarion.tasks.models import ChunkResult, TaskJob
from clarion.tasks.repository import StaleTask, TasksRepository
from clarion.tasks.runner import run_task
from tests.unit.conftest import StillClock

ENVIRONMENT = "f" * 24
START = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
STALE = timedelta(seconds=28800)
PLENTY = lambda: 900_000  # noqa: E731 - a Lambda's remaining time


@pytest.fixture
def clock_at_start(use_clock) -> StillClock:
    return use_clock(START)


@pytest.fixture(autouse=True)
def task_stack(memory_tables: dict[str, str], monkeypatch: pytest.MonkeyPatch, clock_at_start) -> Iterator[str]:
    """The tables, a files bucket and a tasks queue, as the settings name them."""
    client("s3").create_bucket(Bucket="files")
    queue = client("sqs").create_queue(QueueName="tasks")["QueueUrl"]
    monkeypatch.setenv("FILES_BUCKET", "files")
    monkeypatch.setenv("TASKS_QUEUE_URL", queue)
    settings.cache_clear()
    yield queue
    settings.cache_clear()


def one_row_a_chunk(environment_id: str, task: Any, max_rows: int) -> ChunkResult:
    """A kind of three rows, one a chunk."""
    done = int(task["position"].get("next", 0)) + 1
    return ChunkResult(position={"next": done}, rows=1, created=1, finished=done >= 3)


def running_task() -> tuple[str, TasksRepository]:
    """A task started now, one chunk committed: running."""
    task_id = service.create_task(ENVIRONMENT, "rows", {}).id
    repository = TasksRepository()
    started = repository.start(ENVIRONMENT, task_id, "2027-03-01T12:00:00.000Z")
    assert started is not None
    assert repository.commit(ENVIRONMENT, started, one_row_a_chunk(ENVIRONMENT, started, 1)) is not None
    return task_id, repository


def stored(task_id: str) -> dict[str, Any]:
    found = TasksRepository().get(ENVIRONMENT, task_id, consistent=True)
    assert found is not None
    return dict(found)


def test_a_running_task_without_progress_past_the_bound_ends_failed_saying_why(clock_at_start):
    task_id, _ = running_task()
    clock_at_start.advance(STALE + timedelta(seconds=1))

    ended = fail_stale_tasks()

    assert ended.failed == 1
    task = service.get_task(ENVIRONMENT, task_id)
    assert task.status == "failed"
    assert task.error is not None and "no progress for 8 hours" in task.error
    assert "dead-letter queue" in task.error
    assert task.finishedAt == "2027-03-01T20:00:01.000Z"
    assert task.progress.done == 1  # what it did stays shown
    assert "activeKey" not in stored(task_id)  # out of ActiveTasksIndex: the next sweep reads nothing
    assert fail_stale_tasks().failed == 0


def test_a_running_task_with_recent_progress_is_left_running(clock_at_start):
    task_id, _ = running_task()
    clock_at_start.advance(STALE - timedelta(seconds=1))

    assert fail_stale_tasks().failed == 0
    assert service.get_task(ENVIRONMENT, task_id).status == "running"


def test_the_bound_counts_from_the_last_progress_not_from_the_start(clock_at_start):
    task_id, repository = running_task()
    clock_at_start.advance(hours=7)
    read = repository.get(ENVIRONMENT, task_id, consistent=True)
    assert read is not None
    assert repository.commit(ENVIRONMENT, read, one_row_a_chunk(ENVIRONMENT, read, 1)) is not None
    clock_at_start.advance(hours=7)  # 14 hours after the start, 7 after the last chunk

    assert fail_stale_tasks().failed == 0
    assert service.get_task(ENVIRONMENT, task_id).status == "running"


def test_a_task_that_moves_while_the_sweep_reads_it_is_left_alone(clock_at_start):
    task_id, _ = running_task()
    clock_at_start.advance(STALE + timedelta(minutes=5))

    class WorkedMeanwhile(TasksRepository):
        """A worker commits a chunk between the sweep's read of the index and its write."""

        def idle_since(self, cutoff: str) -> Iterator[StaleTask]:
            for stale in super().idle_since(cutoff):
                read = self.get(stale.environment_id, stale.task_id, consistent=True)
                assert read is not None
                assert self.commit(ENVIRONMENT, read, one_row_a_chunk(ENVIRONMENT, read, 1)) is not None
                yield stale

    ended = fail_stale_tasks(WorkedMeanwhile())

    assert (ended.failed, ended.left) == (0, 1)
    task = service.get_task(ENVIRONMENT, task_id)
    assert (task.status, task.progress.done, task.error) == ("running", 2, None)


def test_a_queued_task_never_started_ends_failed_as_never_started(clock_at_start):
    task_id = service.create_task(ENVIRONMENT, "rows", {}).id
    clock_at_start.advance(STALE + timedelta(seconds=1))

    assert fail_stale_tasks().failed == 1
    task = service.get_task(ENVIRONMENT, task_id)
    assert task.status == "failed"
    assert task.error is not None and task.error.startswith("never started")


def test_an_ended_task_is_never_read_by_the_sweep(clock_at_start):
    task_id = service.create_task(ENVIRONMENT, "rows", {}).id
    job = TaskJob(environmentId=ENVIRONMENT, taskId=task_id)
    assert run_task(job, {"rows": one_row_a_chunk}, remaining_ms=PLENTY).state == "finished"
    assert "activeKey" not in stored(task_id)
    clock_at_start.advance(days=2)

    assert fail_stale_tasks().failed == 0
    assert service.get_task(ENVIRONMENT, task_id).status == "completed"


def test_a_message_of_a_swept_task_that_arrives_later_changes_nothing(clock_at_start):
    task_id, _ = running_task()
    clock_at_start.advance(STALE + timedelta(seconds=1))
    assert fail_stale_tasks().failed == 1

    job = TaskJob(environmentId=ENVIRONMENT, taskId=task_id)
    assert run_task(job, {"rows": one_row_a_chunk}, remaining_ms=PLENTY).state == "ended"
    task = service.get_task(ENVIRONMENT, task_id)
    assert (task.status, task.progress.done) == ("failed", 1)


def test_the_bound_is_a_setting(clock_at_start, monkeypatch: pytest.MonkeyPatch):
    task_id, _ = running_task()
    monkeypatch.setenv("TASK_STALE_AFTER_SECONDS", "3600")
    settings.cache_clear()
    clock_at_start.advance(hours=1, seconds=1)

    assert fail_stale_tasks().failed == 1
    error = service.get_task(ENVIRONMENT, task_id).error
    assert error is not None and "no progress for 1 hours" in error

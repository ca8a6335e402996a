"""The task worker: one task message per invocation (BatchSize 1), worked by its kind's runner
(clarion.task_kinds) until it ends or continues in a new invocation."""

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities import batch  # noqa: F401 - see clarion.job_batches: before any pydantic import
from aws_lambda_powertools.utilities.typing import LambdaContext

from clarion.job_batches import SqsJobRecord, process_jobs
from clarion.task_kinds import RUNNERS
from clarion.tasks.models import TaskJob
from clarion.tasks.runner import run_task

logger = Logger()
tracer = Tracer()
metrics = Metrics()


class TaskRecord(SqsJobRecord[TaskJob]):
    pass


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    def work(record: TaskRecord) -> None:
        job = record.body
        outcome = run_task(job, RUNNERS, remaining_ms=context.get_remaining_time_in_millis)
        logger.info("task worked", extra={"taskId": job.taskId, "state": outcome.state, "rows": outcome.rows})
        metrics.add_metric(name="TaskRows", unit=MetricUnit.Count, value=outcome.rows)

    return process_jobs(event, TaskRecord, work, context)

"""The sender functions: each channel's queue is delivered by the same code (clarion.delivery.sender)."""

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.utilities import batch  # noqa: F401 - see clarion.job_batches: before any pydantic import
from aws_lambda_powertools.utilities.typing import LambdaContext

from clarion.delivery.sender import send_jobs
from clarion.store.records import Channel

Handler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]


def handler_for(channel: Channel) -> Handler:
    """The Lambda handler of `channel`'s sender function, logging as its service (POWERTOOLS_SERVICE_NAME) when the
    function initialises: this module is shared by five functions."""
    logger, tracer, metrics = Logger(), Tracer(), Metrics()

    @logger.inject_lambda_context
    @tracer.capture_lambda_handler
    @metrics.log_metrics(capture_cold_start_metric=True)
    def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        return send_jobs(channel, event, context)

    return lambda_handler

"""The journey task function: the Lambda tasks of the journey state machines (clarion.journeys.tasks)."""

from typing import Any

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext

from clarion.journeys.tasks import run_task

logger = Logger()
tracer = Tracer()


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    logger.append_keys(action=event.get("action"), stepId=event.get("stepId"))
    return run_task(event)

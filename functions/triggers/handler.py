"""The triggers function: accepts triggers and queues their dispatch (seed 003's client trigger, Novu's events)."""

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from clarion.api import create_app
from triggers import trigger_routes

logger = Logger()
tracer = Tracer()
metrics = Metrics()
app = create_app(trigger_routes.router)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)

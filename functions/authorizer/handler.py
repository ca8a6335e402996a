"""Lambda REQUEST authorizer (payload 2.0, simple responses) for every API route."""

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import event_source
from aws_lambda_powertools.utilities.data_classes.api_gateway_authorizer_event import (
    APIGatewayAuthorizerEventV2,
    APIGatewayAuthorizerResponseV2,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from clarion.auth.authorizer import authorize

logger = Logger()
tracer = Tracer()
metrics = Metrics()


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics
@event_source(data_class=APIGatewayAuthorizerEventV2)
def lambda_handler(event: APIGatewayAuthorizerEventV2, context: LambdaContext) -> dict[str, Any]:
    decision = authorize(event.route_key, event.headers.get("authorization"))
    principal = decision.principal
    logger.info(
        "authorization",
        route=event.route_key,
        allowed=decision.allowed,
        reason=decision.reason,
        clientId=principal.client_id if principal else None,
    )
    granted = decision.allowed and decision.missing_scope is None
    metrics.add_metric(name="Authorized" if granted else "Denied", unit=MetricUnit.Count, value=1)
    response = APIGatewayAuthorizerResponseV2(
        authorize=decision.allowed, context=principal.as_context() if principal else None
    )
    return response.asdict()

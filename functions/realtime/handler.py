"""The realtime function: the routes of the WebSocket API an open `<clarion-inbox>` holds. `$connect` checks the
subscriber token of the query string (`?token=`) and stores the connection, `$disconnect` drops it, and `$default`
answers a client's keep-alive with a pong (API Gateway closes a connection idle for 10 minutes)."""

import json
import os
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from clarion.errors import Unauthorized
from clarion.realtime.service import connect, disconnect

logger = Logger()
tracer = Tracer()
metrics = Metrics(namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE", "Clarion"))  # the template sets it
PONG = json.dumps({"type": "pong"})


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request = event["requestContext"]
    route, connection_id = request["routeKey"], request["connectionId"]
    if route == "$connect":
        token = (event.get("queryStringParameters") or {}).get("token")
        try:
            connect(token, connection_id)
        except Unauthorized as refusal:
            logger.info("connection refused", extra={"reason": str(refusal)})
            metrics.add_metric(name="ConnectionsRefused", unit=MetricUnit.Count, value=1)
            return {"statusCode": 401, "body": json.dumps({"statusCode": 401, "message": str(refusal)})}
        metrics.add_metric(name="Connections", unit=MetricUnit.Count, value=1)
        return {"statusCode": 200}
    if route == "$disconnect":
        disconnect(connection_id)
        return {"statusCode": 200}
    return {"statusCode": 200, "body": PONG}

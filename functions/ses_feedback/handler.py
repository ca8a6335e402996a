"""SES bounce and complaint notifications, delivered by SNS: each suppresses the addresses it names (idempotent: a
notification delivered twice finds them suppressed already)."""

import json
import os
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import SNSEvent, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext

from clarion.suppressions.service import add_suppressions
from clarion.suppressions.ses_feedback import SOURCE, feedback_of

logger = Logger()
tracer = Tracer()
metrics = Metrics(namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE", "Clarion"))  # the template sets it


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
@event_source(data_class=SNSEvent)
def lambda_handler(event: SNSEvent, context: LambdaContext) -> dict[str, Any]:
    added = unattributed = 0
    for record in event.records:
        feedback = feedback_of(json.loads(record.sns.message))
        if not feedback.entries:
            continue
        if feedback.environment_id is None:
            unattributed += len(feedback.entries)  # not a message Clarion sent (no environment tag): nothing to do
            continue
        result = add_suppressions(feedback.environment_id, feedback.entries, source=SOURCE)
        added += sum(1 for item in result.results if item.status == "added")
    metrics.add_metric(name="SuppressionsAdded", unit=MetricUnit.Count, value=added)
    logger.info("ses feedback", extra={"added": added, "unattributed": unattributed})
    return {"added": added, "unattributed": unattributed}

"""Housekeeping, every 15 minutes (an EventBridge schedule rule): resolves claims stuck in sending, deletes expired
inbox messages, ends background tasks nothing works any more and rolls up the day before's campaign stats. Each
task reads a sparse index or a marker, so an idle run costs a few reads."""

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from clarion.housekeeping.inbox_expiry import delete_expired_inbox_messages
from clarion.housekeeping.stale_tasks import fail_stale_tasks
from clarion.housekeeping.stats import CampaignStats
from clarion.housekeeping.stuck import resolve_stuck_claims

logger = Logger()
tracer = Tracer()
metrics = Metrics()


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    stuck = resolve_stuck_claims()
    expired = delete_expired_inbox_messages()
    stale = fail_stale_tasks()
    rolled_up = CampaignStats().roll_up_yesterday()
    metrics.add_metric(name="StuckClaimsRequeued", unit=MetricUnit.Count, value=stuck.requeued)
    metrics.add_metric(name="StuckClaimsFailed", unit=MetricUnit.Count, value=stuck.failed)
    metrics.add_metric(name="ExpiredInboxMessagesDeleted", unit=MetricUnit.Count, value=expired)
    metrics.add_metric(name="StaleTasksFailed", unit=MetricUnit.Count, value=stale.failed)
    summary = {"requeued": stuck.requeued, "failedOutcomeUnknown": stuck.failed}
    summary |= {"inboxMessagesDeleted": expired, "staleTasksFailed": stale.failed, "rolledUp": rolled_up}
    logger.info("housekeeping done", extra=summary)
    return summary

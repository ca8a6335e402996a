"""Whether this deployment answers: the check behind Novu's health route, for load balancers and readiness."""

from typing import Literal

from aws_lambda_powertools import Logger
from botocore.exceptions import BotoCoreError, ClientError

from clarion.dynamo import DynamoTable
from clarion.models import Model
from clarion.settings import settings

logger = Logger(child=True)
_PROBE_KEY = "HEALTH"  # a key no item has: reading it costs half a read unit and proves the table answers


class Indicator(Model):
    status: Literal["up", "down"]


class HealthReport(Model):
    """Novu's (NestJS Terminus) health shape: `info` holds the checks that are up, `error` the ones that are down."""

    status: Literal["ok", "error"]
    info: dict[str, Indicator]
    error: dict[str, Indicator]
    details: dict[str, Indicator]


def check_health() -> HealthReport:
    indicators = {"db": Indicator(status="up" if _table_answers(settings().clients_table) else "down")}
    up = {name: indicator for name, indicator in indicators.items() if indicator.status == "up"}
    down = {name: indicator for name, indicator in indicators.items() if indicator.status == "down"}
    return HealthReport(status="error" if down else "ok", info=up, error=down, details=indicators)


def _table_answers(table: str) -> bool:
    try:
        DynamoTable(table).get(_PROBE_KEY, _PROBE_KEY)
    except (BotoCoreError, ClientError) as error:
        logger.warning("health check: a table does not answer", extra={"errorType": type(error).__name__})
        return False
    return True

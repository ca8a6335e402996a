"""Token buckets per (client key, route class) in the ClientsTable, kept as GCRA: one number per bucket.

A bucket of `burst` tokens refilled at `limit` tokens per window is stored as its theoretical arrival time `tat`
(microseconds since the epoch): the moment the bucket will be full again. Taking `cost` tokens at `now` moves it to
`max(tat, now) + cost * interval`, allowed when that is at most `now + burst * interval`. DynamoDB's update
expressions have no `max`, so there are two conditional writes, each valid only in the state it assumes:

- the bucket is full (`tat` absent or past): `SET tat = :now + :inc IF attribute_not_exists(tat) OR tat < :now`
- it is not: `SET tat = tat + :inc IF tat BETWEEN :now AND :latest` (`:latest = now + burst * interval - inc`)

A write whose condition fails returns the item as it is (`ReturnValuesOnConditionCheckFailure`), which says which
write fits, or that the request is over the limit. Concurrent requests never over-admit: every admission is one
atomic write checked against the bucket's bound. `tat` only ever grows, so a warm container that saw it beyond
`:latest` refuses without a request; the first write it tries is the one its last sight of the bucket suggests.
"""

import math
from functools import cache
from typing import Any, NamedTuple

from aws_lambda_powertools import Logger

from clarion import clock
from clarion.aws import client
from clarion.dynamo import DynamoTable, Expression, from_item, is_condition_failed
from clarion.limits.routes import RouteClass
from clarion.settings import settings
from clarion.store.keys import rate_bucket_pk, rate_bucket_sk

MICROS = 1_000_000
MAX_ATTEMPTS = 4
SEEN_ENTRIES = 10_000
logger = Logger(child=True)


class Policy(NamedTuple):
    route_class: RouteClass
    limit: int
    """Tokens refilled per window (`RateLimit-Limit`)."""
    window_seconds: int
    burst: int
    """The bucket's size: what a client that was idle can spend at once."""

    @property
    def interval(self) -> int:
        """Microseconds to refill one token."""
        return max(1, round(self.window_seconds * MICROS / self.limit))

    def header(self, bulk: bool) -> str:
        """Novu's `RateLimit-Policy`."""
        cost = "bulk" if bulk else "single"
        return (
            f'{self.limit};w={self.window_seconds};burst={self.burst};comment="token bucket";'
            f'category="{self.route_class}";cost="{cost}"'
        )


class Decision(NamedTuple):
    policy: Policy
    cost: int
    allowed: bool
    remaining: int
    reset_seconds: int
    """Seconds until the bucket is full again."""
    retry_after_seconds: int = 0
    """Seconds until this request would be admitted (refusals only)."""

    def headers(self, *, bulk: bool = False) -> dict[str, str]:
        headers = {
            "RateLimit-Limit": str(self.policy.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset_seconds),
            "RateLimit-Policy": self.policy.header(bulk),
        }
        if not self.allowed:
            headers["Retry-After"] = str(self.retry_after_seconds)
        return headers


def stack_limit(route_class: RouteClass) -> int:
    """The stack's tokens per window for a class (0: not limited)."""
    config = settings()
    return {
        RouteClass.TRIGGER: config.rate_limit_trigger,
        RouteClass.CONFIGURATION: config.rate_limit_configuration,
        RouteClass.GLOBAL: config.rate_limit_global,
        RouteClass.SUBSCRIBER: config.rate_limit_widget,
        RouteClass.WIDGET_SESSION: config.rate_limit_widget_session,
    }[route_class]


def policy_for(route_class: RouteClass, own_limit: int | None = None) -> Policy | None:
    """The policy for a class: the client's own limit if it has one, else the stack's; None when not limited."""
    config = settings()
    limit = own_limit or stack_limit(route_class)
    if limit <= 0:
        return None
    burst = max(1, limit * (100 + config.rate_limit_burst_percent) // 100)
    return Policy(route_class, limit, config.rate_limit_window_seconds, burst)


@cache
def _seen() -> dict[tuple[str, str], int]:
    """The latest `tat` this container saw per bucket (warm state; a lower bound of the stored one)."""
    return {}


class TokenBuckets:
    def __init__(self) -> None:
        self.table = DynamoTable(settings().clients_table)

    def take(self, environment_id: str, client_id: str, policy: Policy, cost: int) -> Decision:
        key = (rate_bucket_pk(environment_id, client_id), rate_bucket_sk(policy.route_class))
        now = int(clock.epoch_seconds() * MICROS)
        cost = min(cost, policy.burst)  # a call bigger than the bucket is admitted when the bucket is full
        increment, span = cost * policy.interval, policy.burst * policy.interval
        latest = now + span - increment
        expires = math.ceil((now + span) / MICROS) + 3600  # by then the bucket is full: deleting it changes nothing
        seen = _seen()
        known = seen.get(key)
        for _ in range(MAX_ATTEMPTS):
            if known is not None and known > latest:
                seen[key] = known
                return _refused(policy, cost, now, known, latest)
            if known is None or known < now:
                update = Expression("SET tat = :tat, expiresAt = :expires", values={":tat": now + increment})
                condition = "attribute_not_exists(tat) OR tat < :now"
            else:
                update = Expression("SET tat = tat + :inc, expiresAt = :expires", values={":inc": increment})
                update.values[":latest"] = latest
                condition = "tat BETWEEN :now AND :latest"
            update.values |= {":now": now, ":expires": expires}
            if len(seen) >= SEEN_ENTRIES:
                seen.clear()
            admitted, known = self._write(key, update, condition)
            if admitted and known is not None:
                seen[key] = known
                return Decision(
                    policy,
                    cost,
                    allowed=True,
                    remaining=max(0, (now + span - known) // policy.interval),
                    reset_seconds=math.ceil((known - now) / MICROS),
                )
        # the bucket kept changing under us: a client this busy is at its limit anyway
        return _refused(policy, cost, now, latest + policy.interval, latest)

    def _write(self, key: tuple[str, str], update: Expression, condition: str) -> tuple[bool, int | None]:
        """(admitted, the bucket's `tat` after the write, or as it was when the condition failed)."""
        op: dict[str, Any] = self.table.update_op(*key, update, condition)["Update"]
        try:
            response = client("dynamodb").update_item(
                **op, ReturnValues="UPDATED_NEW", ReturnValuesOnConditionCheckFailure="ALL_OLD"
            )
        except Exception as error:
            if not is_condition_failed(error):
                raise
            old = from_item(getattr(error, "response", {}).get("Item") or {})
            return False, old.get("tat")
        return True, int(from_item(response["Attributes"])["tat"])


def _refused(policy: Policy, cost: int, now: int, tat: int, latest: int) -> Decision:
    return Decision(
        policy,
        cost,
        allowed=False,
        remaining=0,
        reset_seconds=math.ceil((tat - now) / MICROS),
        retry_after_seconds=max(1, math.ceil((tat - latest) / MICROS)),
    )

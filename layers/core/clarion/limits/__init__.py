"""Abuse limits of the API: rate limits per client key and route class, and request body sizes."""

import base64
import binascii
from collections.abc import Mapping
from typing import Any

from aws_lambda_powertools import Logger

from clarion.limits.buckets import Decision, Policy, TokenBuckets, policy_for, stack_limit
from clarion.limits.routes import BULK_COSTS, KEY_CLASSES, ROUTE_CLASSES, RouteClass, body_limit

logger = Logger(child=True)
__all__ = [
    "KEY_CLASSES",
    "ROUTE_CLASSES",
    "Decision",
    "Policy",
    "RouteClass",
    "body_bytes",
    "body_limit",
    "cost_of",
    "is_bulk",
    "stack_limit",
    "take_tokens",
]


def body_bytes(event: dict) -> bytes:
    """The request body of an API Gateway (payload 2.0) event, as the client sent it."""
    body = event.get("body") or ""
    try:
        return base64.b64decode(body) if event.get("isBase64Encoded") else body.encode()
    except binascii.Error:  # not base64 after all: its bytes are what there is to measure
        return body.encode()


def is_bulk(route_key: str) -> bool:
    return route_key in BULK_COSTS


def cost_of(route_key: str, body: Any) -> int:
    """Tokens a call with this (parsed) body costs: 1, or what a bulk route's items cost (1 when the body is not what
    it expects, or did not parse)."""
    bulk = BULK_COSTS.get(route_key)
    return 1 if bulk is None else bulk.tokens(body)


def take_tokens(
    environment_id: str, client_id: str, route_key: str, cost: int, own_limits: Mapping[str, int]
) -> Decision | None:
    """The rate-limit decision for a call of a client key (with its own limits by class, if any); None when its
    route's class is not limited."""
    route_class = ROUTE_CLASSES.get(route_key)
    try:
        policy = policy_for(route_class, own_limits.get(route_class)) if route_class else None
        return TokenBuckets().take(environment_id, client_id, policy, cost) if policy else None
    except Exception as error:  # failing open keeps the API up while DynamoDB does not answer
        logger.warning("rate limiter unavailable; call admitted", extra={"errorType": type(error).__name__})
        return None

"""Route → rate-limit class (Novu's categories; each route declares its class, `make routes` writes them into
clarion.route_table), the routes whose calls cost more than one token, and the routes allowed a larger request body.

Classes, as Novu groups its endpoints: `trigger` for what sends messages (triggers, campaign send/execute,
hits), `configuration` for writes to the set-up (clients, environments, subscribers, topics, campaigns and their
schedule and state, integrations, layouts), `global` for everything else (reads, inbox and message activity).
Keys are API Gateway route keys, as in ROUTE_SCOPES; a test checks the costs and limits name declared routes.
"""

from enum import StrEnum
from typing import NamedTuple

from clarion import route_table


class RouteClass(StrEnum):
    TRIGGER = "trigger"
    CONFIGURATION = "configuration"
    GLOBAL = "global"
    # public routes, counted per the caller their function reads (`create_app(public_caller=...)`), not per key
    SUBSCRIBER = "subscriber"
    """A widget route, per subscriber token."""
    WIDGET_SESSION = "widget_session"
    """Starting a widget session, per application identifier and source address."""


KEY_CLASSES = frozenset({RouteClass.TRIGGER, RouteClass.CONFIGURATION, RouteClass.GLOBAL})
"""The classes of the routes a client key calls; the others are public routes'."""


ROUTE_CLASSES: dict[str, RouteClass] = {route: RouteClass(name) for route, name in route_table.ROUTE_CLASSES.items()}
"""Each route's class, as its `endpoint(..., rate=...)` declares it."""


class BulkCost(NamedTuple):
    """A bulk call costs one token per `per` items of the body's `field` list (at least one token)."""

    field: str
    per: int

    def tokens(self, body: object) -> int:
        items = body.get(self.field) if isinstance(body, dict) else None
        return max(1, -(-len(items) // self.per)) if isinstance(items, list) else 1


# A bulk trigger is that many triggers, so each event costs what a trigger does. Bulk subscribers cost one token per
# ten: 500 subscribers are one BatchGetItem per 100 and one BatchWriteItem per 25, ~ what 25 single calls cost.
# Topic member changes (at most 100 a call, a transaction per 49) cost one token, as in Novu.
BULK_COSTS: dict[str, BulkCost] = {
    "POST /v1/events/trigger/bulk": BulkCost("events", 1),
    "POST /v1/subscribers/bulk": BulkCost("subscribers", 10),
    "POST /v1/hits/tag/batch": BulkCost("hits", 1),  # a batch of hits is that many hits
    "POST /v1/promotions/bulk": BulkCost("promotions", 10),  # 100 UpdateItems: as 10 single PUTs would cost
}

KB = 1024
DEFAULT_BODY_LIMIT = 256 * KB
"""Every other body: 4 times the largest single trigger payload (64 KB) plus its recipients and overrides."""

BODY_LIMITS: dict[str, int] = {
    # 100 events (10 KB each on average) or 500 subscribers (2 KB each): the most one invocation should parse
    "POST /v1/events/trigger/bulk": 1024 * KB,
    "POST /v1/subscribers/bulk": 1024 * KB,
    # up to 20 steps of templates (64 KB each) in several locales; the stored campaign is bounded by DynamoDB's 400 KB
    "POST /v1/campaigns": 1024 * KB,
    "PUT /v1/campaigns/{campaignId}": 1024 * KB,
    # the same campaign, written as a Novu workflow
    "POST /v1/workflows": 1024 * KB,
    "PUT /v1/workflows/{templateId}": 1024 * KB,
    "POST /v1/notification-templates": 1024 * KB,
    "PUT /v1/notification-templates/{templateId}": 1024 * KB,
    # an inline import's rows (512 KB of text, escaped in JSON)
    "POST /v1/imports": 1024 * KB,
}


def body_limit(route_key: str) -> int:
    return BODY_LIMITS.get(route_key, DEFAULT_BODY_LIMIT)

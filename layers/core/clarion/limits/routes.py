"""The one table of route → rate-limit class (Novu's categories), the routes whose calls cost more than one token,
and the routes allowed a larger request body.

Classes, as Novu groups its endpoints: `trigger` for what sends messages (triggers, campaign send/execute,
hits), `configuration` for writes to the set-up (clients, environments, subscribers, topics, campaigns and their
schedule and state, integrations, layouts), `global` for everything else (reads, inbox and message activity).
Keys are API Gateway route keys, as in ROUTE_SCOPES; a test checks both tables name the same routes.
"""

from dataclasses import dataclass
from enum import StrEnum


class RouteClass(StrEnum):
    TRIGGER = "trigger"
    CONFIGURATION = "configuration"
    GLOBAL = "global"


_T, _C, _G = RouteClass.TRIGGER, RouteClass.CONFIGURATION, RouteClass.GLOBAL
_SUBSCRIBER = "/v1/subscribers/{subscriberId}"
_TOPIC = "/v1/topics/{topicKey}"
_CAMPAIGN = "/v1/campaigns/{campaignId}"

ROUTE_CLASSES: dict[str, RouteClass] = {
    "GET /v1/scopes": _G,
    "POST /v1/clients": _C,
    "GET /v1/clients": _G,
    "GET /v1/clients/{clientId}": _G,
    "DELETE /v1/clients/{clientId}": _C,
    "PUT /v1/clients/{clientId}/scopes": _C,
    "POST /v1/clients/{clientId}/rotate": _C,
    "GET /v1/clients/{clientId}/audit": _G,
    "GET /v1/environments": _G,
    "POST /v1/environments": _C,
    "PATCH /v1/environments/{environmentId}": _C,
    "GET /v1/environments/{environmentId}/subscriber-hmac-key": _G,
    # subscribers: Novu counts their writes as configuration
    "GET /v1/subscribers": _G,
    "POST /v1/subscribers": _C,
    "POST /v1/subscribers/bulk": _C,
    f"GET {_SUBSCRIBER}": _G,
    f"PUT {_SUBSCRIBER}": _C,
    f"DELETE {_SUBSCRIBER}": _C,
    f"PUT {_SUBSCRIBER}/credentials": _C,
    f"PATCH {_SUBSCRIBER}/credentials": _C,
    f"DELETE {_SUBSCRIBER}/credentials/{{providerId}}": _C,
    f"PATCH {_SUBSCRIBER}/online-status": _C,
    f"GET {_SUBSCRIBER}/preferences": _G,
    f"GET {_SUBSCRIBER}/preferences/{{parameter}}": _G,
    f"PATCH {_SUBSCRIBER}/preferences": _C,
    f"PATCH {_SUBSCRIBER}/preferences/{{parameter}}": _C,
    f"GET {_SUBSCRIBER}/notifications/feed": _G,
    f"GET {_SUBSCRIBER}/notifications/unseen": _G,
    f"POST {_SUBSCRIBER}/messages/markAs": _G,
    f"POST {_SUBSCRIBER}/messages/mark-all": _G,
    f"POST {_SUBSCRIBER}/messages/{{messageId}}/actions/{{type}}": _G,
    # campaigns and their operations
    "POST /v1/campaigns": _C,
    "GET /v1/campaigns": _G,
    "GET /v1/campaigns/{campaignId}": _G,
    "PUT /v1/campaigns/{campaignId}": _C,
    "POST /v1/campaigns/{campaignId}/preview": _G,
    f"POST {_CAMPAIGN}/send": _T,
    f"POST {_CAMPAIGN}/execute": _T,
    f"POST {_CAMPAIGN}/start": _C,
    f"POST {_CAMPAIGN}/stop": _C,
    f"POST {_CAMPAIGN}/schedule": _C,
    f"PUT {_CAMPAIGN}/schedule": _C,
    f"DELETE {_CAMPAIGN}/schedule": _C,
    f"GET {_CAMPAIGN}/schedule": _G,
    f"POST {_CAMPAIGN}/expire-inbox": _G,
    f"POST {_CAMPAIGN}/remove-inbox": _G,
    f"POST {_CAMPAIGN}/cancel-journey": _G,
    f"GET {_CAMPAIGN}/runs": _G,
    "POST /v1/hits/event": _T,
    # integrations and layouts
    "POST /v1/integrations": _C,
    "GET /v1/integrations": _G,
    "GET /v1/integrations/active": _G,
    "GET /v1/integrations/{integrationId}": _G,
    "PUT /v1/integrations/{integrationId}": _C,
    "DELETE /v1/integrations/{integrationId}": _C,
    "POST /v1/integrations/{integrationId}/set-primary": _C,
    "POST /v1/layouts": _C,
    "GET /v1/layouts": _G,
    "GET /v1/layouts/{layoutId}": _G,
    "PATCH /v1/layouts/{layoutId}": _C,
    "DELETE /v1/layouts/{layoutId}": _C,
    "POST /v1/layouts/{layoutId}/default": _C,
    # triggers: Novu's events API is one category, cancelling included
    "POST /api/client/campaigns/{campaignId}/trigger": _T,
    "POST /v1/events/trigger": _T,
    "POST /v1/events/trigger/bulk": _T,
    "POST /v1/events/trigger/broadcast": _T,
    "DELETE /v1/events/trigger/{transactionId}": _T,
    "GET /v1/dead-letters": _G,
    "POST /v1/dead-letters/{channel}/redrive": _G,
    # topics: configuration, as in Novu
    "POST /v1/topics": _C,
    "GET /v1/topics": _G,
    f"GET {_TOPIC}": _G,
    f"PATCH {_TOPIC}": _C,
    f"DELETE {_TOPIC}": _C,
    f"POST {_TOPIC}/subscribers": _C,
    f"POST {_TOPIC}/subscribers/removal": _C,
    f"GET {_TOPIC}/subscribers": _G,
    f"GET {_TOPIC}/subscribers/{{externalSubscriberId}}": _G,
    # activity
    "GET /v1/messages": _G,
    "DELETE /v1/messages/{messageId}": _G,
    "GET /v1/notifications": _G,
    "GET /v1/notifications/stats": _G,
    "GET /v1/notifications/{notificationId}": _G,
    "GET /v1/execution-details": _G,
    "GET /v1/analytics/campaigns": _G,
}


@dataclass(frozen=True)
class BulkCost:
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
}


def body_limit(route_key: str) -> int:
    return BODY_LIMITS.get(route_key, DEFAULT_BODY_LIMIT)

"""The one table of route → required scope: the authorizer, each operation's OpenAPI security and the tests read it.

Keys are API Gateway route keys (`METHOD /path/{param}`), exactly as the template declares the routes.
"""

_SUBSCRIBER = "/v1/subscribers/{subscriberId}"
_TOPIC = "/v1/topics/{topicKey}"
_CAMPAIGN = "/v1/campaigns/{campaignId}"

ROUTE_SCOPES: dict[str, str] = {
    "GET /v1/scopes": "clients:manage",
    "POST /v1/clients": "clients:manage",
    "GET /v1/clients": "clients:manage",
    "GET /v1/clients/{clientId}": "clients:manage",
    "DELETE /v1/clients/{clientId}": "clients:manage",
    "PUT /v1/clients/{clientId}/scopes": "clients:manage",
    "POST /v1/clients/{clientId}/rotate": "clients:manage",
    "GET /v1/clients/{clientId}/audit": "clients:manage",
    "GET /v1/environments": "environments:manage",
    "POST /v1/environments": "environments:manage",
    "PATCH /v1/environments/{environmentId}": "environments:manage",
    "GET /v1/environments/{environmentId}/subscriber-hmac-key": "environments:manage",
    # subscribers (Novu v1)
    "GET /v1/subscribers": "list:profile",
    "POST /v1/subscribers": "create:profile",
    "POST /v1/subscribers/bulk": "batch_create:profile",
    f"GET {_SUBSCRIBER}": "info:profile",
    f"PUT {_SUBSCRIBER}": "update:profile",
    f"DELETE {_SUBSCRIBER}": "delete:profile",
    f"PUT {_SUBSCRIBER}/credentials": "update:profile",
    f"PATCH {_SUBSCRIBER}/credentials": "update:profile",
    f"DELETE {_SUBSCRIBER}/credentials/{{providerId}}": "update:profile",
    f"PATCH {_SUBSCRIBER}/online-status": "update:profile",
    f"GET {_SUBSCRIBER}/preferences": "info:profile",
    f"GET {_SUBSCRIBER}/preferences/{{parameter}}": "info:profile",
    f"PATCH {_SUBSCRIBER}/preferences": "update:profile",
    f"PATCH {_SUBSCRIBER}/preferences/{{parameter}}": "update:profile",
    f"GET {_SUBSCRIBER}/notifications/feed": "list:message",
    f"GET {_SUBSCRIBER}/notifications/unseen": "list:message",
    f"POST {_SUBSCRIBER}/messages/markAs": "update:message",
    f"POST {_SUBSCRIBER}/messages/mark-all": "update:message",
    f"POST {_SUBSCRIBER}/messages/{{messageId}}/actions/{{type}}": "update:message",
    # campaigns
    "POST /v1/campaigns": "create:campaign",
    "GET /v1/campaigns": "list:campaign",
    "GET /v1/campaigns/{campaignId}": "info:campaign",
    "PUT /v1/campaigns/{campaignId}": "update:campaign",
    "POST /v1/campaigns/{campaignId}/preview": "info:campaign",
    # campaign operations (seed 000's Campaign Operations scope)
    f"POST {_CAMPAIGN}/send": "campaign:send",
    f"POST {_CAMPAIGN}/execute": "campaign:execute",
    f"POST {_CAMPAIGN}/start": "campaign:start",
    f"POST {_CAMPAIGN}/stop": "campaign:stop",
    f"POST {_CAMPAIGN}/schedule": "campaign:schedule",
    f"PUT {_CAMPAIGN}/schedule": "campaign:schedule",
    f"DELETE {_CAMPAIGN}/schedule": "campaign:schedule",
    f"GET {_CAMPAIGN}/schedule": "info:campaign",
    f"POST {_CAMPAIGN}/expire-inbox": "campaign:expire_inbox",
    f"POST {_CAMPAIGN}/remove-inbox": "campaign:remove_inbox",
    f"POST {_CAMPAIGN}/cancel-journey": "campaign:cancel_journey",
    f"GET {_CAMPAIGN}/runs": "info:campaign",
    # hits (seed 000's Hit Operations scope)
    "POST /v1/hits/event": "hit:event",
    # integrations (Novu v1)
    "POST /v1/integrations": "create:integration",
    "GET /v1/integrations": "list:integration",
    "GET /v1/integrations/active": "list:integration",
    "GET /v1/integrations/{integrationId}": "info:integration",
    "PUT /v1/integrations/{integrationId}": "update:integration",
    "DELETE /v1/integrations/{integrationId}": "delete:integration",
    "POST /v1/integrations/{integrationId}/set-primary": "update:integration",
    # layouts (Novu v1)
    "POST /v1/layouts": "create:layout",
    "GET /v1/layouts": "list:layout",
    "GET /v1/layouts/{layoutId}": "info:layout",
    "PATCH /v1/layouts/{layoutId}": "update:layout",
    "DELETE /v1/layouts/{layoutId}": "delete:layout",
    "POST /v1/layouts/{layoutId}/default": "update:layout",
    # triggers (the client trigger API, Novu's events API)
    "POST /api/client/campaigns/{campaignId}/trigger": "campaign:trigger",
    "POST /v1/events/trigger": "campaign:trigger",
    "POST /v1/events/trigger/bulk": "campaign:trigger",
    "POST /v1/events/trigger/broadcast": "campaign:trigger",
    "DELETE /v1/events/trigger/{transactionId}": "campaign:trigger",
    # dead-letter queues: shared by every environment of the stack, so an operator's
    "GET /v1/dead-letters": "environments:manage",
    "POST /v1/dead-letters/{channel}/redrive": "environments:manage",
    # topics (Novu v1)
    "POST /v1/topics": "create:topic",
    "GET /v1/topics": "list:topic",
    f"GET {_TOPIC}": "info:topic",
    f"PATCH {_TOPIC}": "update:topic",
    f"DELETE {_TOPIC}": "delete:topic",
    f"POST {_TOPIC}/subscribers": "update:topic",
    f"POST {_TOPIC}/subscribers/removal": "update:topic",
    f"GET {_TOPIC}/subscribers": "list:topic",
    f"GET {_TOPIC}/subscribers/{{externalSubscriberId}}": "info:topic",
    # activity (Novu v1 messages, notifications, execution details)
    "GET /v1/messages": "list:message",
    "DELETE /v1/messages/{messageId}": "delete:message",
    "GET /v1/notifications": "list:message",
    "GET /v1/notifications/stats": "list:message",
    "GET /v1/notifications/{notificationId}": "info:message",
    "GET /v1/execution-details": "info:message",
    # analytics (seed 000's Other Operations scope)
    "GET /v1/analytics/campaigns": "analytics",
}

# Routes a browser reaches without a client key (the template sets `Authorizer: NONE` on them); each names
# what authenticates it instead. A route is in exactly one of the two tables.
PUBLIC_ROUTES: dict[str, str] = {
    "GET /v1/health-check": "nothing: it tells only whether the API and its tables answer",
    "$default": "nothing: API Gateway sends it what no other route matches, to be answered 404 or 405",
    f"GET {_SUBSCRIBER}/credentials/{{providerId}}/oauth": "hmacHash: HMAC-SHA256 of the subscriberId",
    f"GET {_SUBSCRIBER}/credentials/{{providerId}}/oauth/callback": "state: signed by the OAuth start route",
}

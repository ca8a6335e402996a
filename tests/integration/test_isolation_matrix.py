"""Tenant isolation for every route of the template: environment B's key, holding every tenant scope, called
with environment A's ids in the path, the query and the body, finds nothing of A (404/403, an empty list, or
B's own new resource) and changes nothing of A. A route added to the template is covered at once: it is called
with A's ids and an empty body, and fails here until it answers as the others do."""

import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
import requests

from clarion import clock
from clarion.scopes import FINE_SCOPES, PUBLIC_ROUTES, ROUTE_SCOPES
from local.runtime import LocalRuntime
from local.template import load
from tests.conftest import ROOT
from tests.integration.conftest import Api, key_in_new_environment

ROUTES = sorted({route.route_key for route in load(ROOT / "template.yaml").routes} - set(PUBLIC_ROUTES))
# Stack-operator scope: it manages every environment of the stack (issues keys for any of them), so a key holding
# it is not a tenant's; B's key holds every other scope and is refused these routes.
OPERATOR_SCOPE = "environments:manage"
TENANT_SCOPES = sorted(FINE_SCOPES - {OPERATOR_SCOPE})


@dataclass
class Tenant:
    """Environment A: one resource of each kind, and what identifies them."""

    api: Api
    ids: dict[str, str]
    secrets: list[str] = field(default_factory=list)
    """Values of A's resources that B never sends: none may appear in any answer B gets."""
    state: dict[str, Any] = field(default_factory=dict)
    """What A read of its resources once they were made (`state_of`)."""


def created(response: Any, status: int = 201) -> dict[str, Any]:
    assert response.status == status, response.json()
    data: dict[str, Any] = response.json()["data"]
    return data


@pytest.fixture(scope="module")
def tenant_a(runtime: LocalRuntime) -> Tenant:
    credentials = runtime.bootstrap_admin(environment_name=f"isolation-a-{uuid.uuid4().hex[:8]}")
    api = Api(runtime, credentials.key, credentials.client_id, credentials.environment_id)
    mark = uuid.uuid4().hex[:10]
    email, phone = f"ada-{mark}@tenant-a.example", f"+1555{int(mark[:6], 16) % 10_000_000:07d}"
    subscriber_id = f"ada-{mark}"
    channel = {"providerId": "fcm", "credentials": {"deviceTokens": [f"device-{mark}"]}}
    created(
        api.post(
            "/v1/subscribers",
            {"subscriberId": subscriber_id, "email": email, "phone": phone, "firstName": f"Ada{mark}"},
        )
    )
    assert api.put(f"/v1/subscribers/{subscriber_id}/credentials", channel).status == 200
    device = {"platform": "android", "pushToken": f"push-token-{mark}", "appVersion": f"app-{mark}"}
    assert api.put(f"/v1/subscribers/{subscriber_id}/devices/phone-{mark}", device).status == 200
    production = api.post("/v1/environments", {"name": f"isolation-a-prod-{mark}", "parentId": api.environment_id})
    created(production)  # A's layouts and campaigns are now changes awaiting promotion
    attribute, tag = f"attr_{mark}", f"tag-{mark}"
    created(api.post("/v1/attributes", {"name": attribute, "type": "string"}))
    assert api.put(f"/v1/subscribers/{subscriber_id}", {"attributes": {attribute: f"value-{mark}"}}).status == 200
    created(api.post("/v1/hits/tag", {"tag": tag, "subscriberId": subscriber_id, "value": f"hit-{mark}"}))
    session = {"sessionId": f"session-{mark}", "type": "start", "subscriberId": subscriber_id}
    created(api.post("/v1/hits/session", {"hits": [session]}))
    place = {"hitId": f"place-{mark}", "subscriberId": subscriber_id, "country": "FR", "city": f"City{mark}"}
    created(api.post("/v1/hits/location", {"hits": [place]}))
    topic_key = f"topic-{mark}"
    created(api.post("/v1/topics", {"key": topic_key, "name": f"Topic {mark}"}))
    assert api.post(f"/v1/topics/{topic_key}/subscribers", {"subscribers": [subscriber_id]}).status == 200
    audience_list = created(api.post("/v1/lists", {"name": f"List {mark}"}))
    assert api.post(f"/v1/lists/{audience_list['_id']}/items", {"subscriberIds": [subscriber_id]}).status == 200
    suppressed = f"suppressed-{mark}@tenant-a.example"
    suppression = {"suppressions": [{"channel": "email", "address": suppressed, "reason": "complaint"}]}
    assert api.post("/v1/suppressions", suppression).status == 200
    rule = {"type": "attribute", "name": attribute, "operator": "eq", "value": f"value-{mark}"}
    segment = created(api.post("/v1/segments", {"name": f"Segment {mark}", "rule": rule}))
    unsubscribed = {"subscriptions": {"email": {"status": "unsubscribed"}}}
    assert api.call("PATCH", f"/v1/subscribers/{subscriber_id}/subscriptions", json=unsubscribed).status == 200
    consent = {"consent": {"marketing": {"granted": True}}}
    assert api.put(f"/v1/subscribers/{subscriber_id}/consent", consent).status == 200
    layout = created(api.post("/v1/layouts", {"name": f"Layout {mark}", "content": f"<div>{mark}{{{{ body }}}}</div>"}))
    campaign = created(
        api.post(
            "/v1/campaigns",
            {
                "name": f"Campaign {mark}",
                "identifier": f"workflow-{mark}",
                "status": "active",
                "audience": {"type": "topics", "topicKeys": [topic_key]},
                "steps": [
                    {"channel": "in_app", "content": {"body": f"Inbox {mark}"}},
                    {"channel": "email", "content": {"subject": f"Subject {mark}", "body": f"<p>Body {mark}</p>"}},
                ],
            },
        )
    )
    integration = created(
        api.post(
            "/v1/integrations",
            {
                "providerId": "smtp",
                "channel": "email",
                "name": f"Integration {mark}",
                "active": False,
                "credentials": {
                    "host": "127.0.0.1",
                    "port": 2525,
                    "user": f"user-{mark}",
                    "password": f"pw-{mark}",
                    "from": f"news-{mark}@tenant-a.example",
                },
            },
        )
    )
    client = created(api.post("/v1/clients", {"name": f"Client {mark}", "scopes": ["list:profile"]}))
    group = created(api.post("/v1/notification-groups", {"name": f"Group {mark}"}))
    feed = created(api.post("/v1/feeds", {"name": f"feed-{mark}"}))
    change = api.get("/v1/changes").json()["data"][0]
    transaction_id = f"txn-{mark}"
    triggered = api.post(
        "/v1/events/trigger",
        {"name": f"workflow-{mark}", "to": subscriber_id, "payload": {}, "transactionId": transaction_id},
    )
    assert triggered.status == 201, triggered.json()
    runtime.drain()
    messages = api.get(f"/v1/messages?transactionId={transaction_id}").json()["data"]
    assert {message["channel"] for message in messages} == {"in_app", "email"}, messages
    notification = api.get(f"/v1/notifications/{transaction_id}").json()["data"]
    in_app_id = next(message["_id"] for message in messages if message["channel"] == "in_app")
    created(api.post("/v1/hits/push-action", {"messageId": in_app_id, "action": "open", "url": f"url-{mark}"}))
    tenant = created(api.post("/v1/tenants", {"identifier": f"tenant-{mark}", "name": f"Tenant {mark}"}))
    override = created(api.post("/v1/workflow-overrides", {"workflowId": campaign["_id"], "tenantId": tenant["_id"]}))
    send_at = (clock.utc_now() + timedelta(days=2)).isoformat(timespec="seconds")
    schedule = created(api.post(f"/v1/campaigns/{campaign['_id']}/schedule", {"sendAt": send_at}))
    otp = created(api.post("/v1/otp/send", {"recipient": {"subscriberId": subscriber_id}, "channel": "sms"}))
    created(api.put(f"/v1/promotions/promo-{mark}", {"name": f"Promotion {mark}", "terms": f"terms-{mark}"}))
    ticket = created(api.post("/v1/files", {"name": f"file-{mark}.csv"}))
    uploaded = requests.put(
        ticket["uploadUrl"],
        data=f"subscriberId,firstName\nimported-{mark},Imported{mark}\n",
        headers=ticket["headers"],
        timeout=10,
    )
    assert uploaded.status_code == 200
    imported = created(api.post("/v1/imports", {"type": "profiles", "fileId": ticket["_id"]}), 202)
    verification = created(api.post("/v1/verifier/lists", {"emails": [suppressed]}), 202)
    runtime.drain()  # the import and the verification completed: their states no longer change
    ids = {
        "environmentId": api.environment_id,
        "subscriberId": subscriber_id,
        "externalSubscriberId": subscriber_id,
        "topicKey": topic_key,
        "topicId": created(api.get(f"/v1/topics/{topic_key}"), 200)["_id"],
        "listId": audience_list["_id"],
        "segmentId": segment["_id"],
        "campaignId": campaign["_id"],
        "templateId": campaign["_id"],
        "id": group["_id"],
        "workflow": campaign["identifier"],
        "layoutId": layout["_id"],
        "layoutIdentifier": layout["identifier"],
        "integrationId": integration["_id"],
        "integrationIdentifier": integration["identifier"],
        "clientId": client["clientId"],
        "messageId": next(message["_id"] for message in messages if message["channel"] == "in_app"),
        "emailMessageId": next(message["_id"] for message in messages if message["channel"] == "email"),
        "notificationId": notification["_id"],
        "transactionId": transaction_id,
        "scheduleId": schedule["_id"],
        "identifier": tenant["identifier"],
        "tenantId": tenant["_id"],
        "workflowId": campaign["_id"],
        "overrideId": override["_id"],
        "feedId": feed["_id"],
        "feedIdentifier": feed["identifier"],
        "changeId": change["_id"],
        "memberId": client["clientId"],  # Clarion's organization has no members: the nearest thing is a client
        "name": attribute,
        "tag": tag,
        "deviceId": f"phone-{mark}",
        "actionId": f"{in_app_id}_open",
        "address": suppressed,
        "otpId": otp["_id"],
        "externalId": f"promo-{mark}",
        "sessionId": f"session-{mark}",
        "hitId": f"place-{mark}",
        "fileId": ticket["_id"],
        "taskId": imported["_id"],
        "verificationId": verification["taskId"],
    }
    secrets = [
        email,
        phone,
        f"Ada{mark}",
        f"device-{mark}",
        f"push-token-{mark}",
        f"url-{mark}",
        f"app-{mark}",
        f"Topic {mark}",
        f"List {mark}",
        f"Layout {mark}",
        f"Campaign {mark}",
        f"Subject {mark}",
        f"Inbox {mark}",
        f"Integration {mark}",
        f"user-{mark}",
        f"pw-{mark}",
        f"Client {mark}",
        f"Tenant {mark}",
        f"Group {mark}",
        f"value-{mark}",
        f"hit-{mark}",
        f"Promotion {mark}",
        f"terms-{mark}",
        f"City{mark}",
        f"file-{mark}",
        f"Imported{mark}",
        client["key"],
        credentials.key,
    ]
    tenant = Tenant(api, ids, secrets)
    tenant.state = state_of(tenant, [read for paths in STATE_READS.values() for read in paths])
    return tenant


@pytest.fixture
def tenant_b(runtime: LocalRuntime) -> Api:
    """A fresh environment per route (what one route creates in B never answers another route): a key with every
    scope but the operator's, and the stack's default rate limits (as an admin of B would issue it)."""
    return key_in_new_environment(runtime, "tenant-b", TENANT_SCOPES)


# The value each path parameter takes: A's id, or a fixed word where the parameter is an enumeration.
def path_values(a: Tenant, route_key: str) -> dict[str, str]:
    values = dict(a.ids)
    values |= {"providerId": "fcm", "type": "primary", "channel": "email", "channelType": "email"}
    values |= {"providerOrIntegrationId": a.ids["integrationId"], "templateIdOrIdentifier": a.ids["campaignId"]}
    values["parameter"] = "global" if route_key.startswith("GET ") else a.ids["campaignId"]
    if route_key.startswith("GET /v1/verifier/lists/"):
        values["taskId"] = a.ids["verificationId"]  # A's list verification, not its import
    return values


QUERIES: dict[str, str] = {
    "GET /v1/messages": "subscriberId={subscriberId}&transactionId={transactionId}",
    "GET /v1/notifications": "transactionId={transactionId}&templates={campaignId}",
    "GET /v1/execution-details": "notificationId={notificationId}&subscriberId={subscriberId}",
    "GET /v1/analytics/campaigns": "campaignIds={campaignId}",
    "GET /v1/campaigns/{campaignId}/runs": "subscriberId={subscriberId}",
}

BODIES: dict[str, Any] = {
    "POST /v1/clients": {"name": "b", "environmentId": "{environmentId}"},
    "PUT /v1/clients/{clientId}/scopes": {"scopes": ["list:profile"]},
    "POST /v1/environments": {"name": "b-{environmentId}", "parentId": "{environmentId}"},
    "PATCH /v1/environments/{environmentId}": {"inboxExpiryDays": 3},
    "POST /v1/subscribers": {"subscriberId": "{subscriberId}"},
    "POST /v1/subscribers/bulk": {"subscribers": [{"subscriberId": "{subscriberId}"}]},
    "PUT /v1/subscribers/{subscriberId}": {"firstName": "Mallory"},
    "PUT /v1/subscribers/{subscriberId}/credentials": {
        "providerId": "fcm",
        "credentials": {"deviceTokens": ["mallory"]},
    },
    "PATCH /v1/subscribers/{subscriberId}/credentials": {
        "providerId": "fcm",
        "credentials": {"deviceTokens": ["mallory"]},
    },
    "PATCH /v1/subscribers/{subscriberId}/online-status": {"isOnline": True},
    "PATCH /v1/subscribers/{subscriberId}/preferences": {"preferences": [{"type": "email", "enabled": False}]},
    "POST /v1/subscribers/{subscriberId}/messages/{messageId}/actions/{type}": {"status": "done"},
    "PATCH /v1/subscribers/{subscriberId}/preferences/{parameter}": {"channel": {"type": "email", "enabled": False}},
    "POST /v1/subscribers/{subscriberId}/messages/markAs": {"messageId": "{messageId}", "markAs": "read"},
    "POST /v1/subscribers/{subscriberId}/messages/mark-as": {"messageId": "{messageId}", "markAs": "read"},
    "POST /v1/subscribers/{subscriberId}/messages/mark-all": {"markAs": "read"},
    "POST /v1/campaigns": {
        "name": "b",
        "identifier": "{workflow}",
        "status": "active",
        "steps": [{"channel": "in_app", "content": {"body": "b"}}],
    },
    "PUT /v1/campaigns/{campaignId}": {"name": "Mallory", "steps": [{"channel": "in_app", "content": {"body": "b"}}]},
    "POST /v1/campaigns/{campaignId}/preview": {"subscriberId": "{subscriberId}"},
    "POST /v1/campaigns/{campaignId}/send": {"transactionId": "{transactionId}"},
    "POST /v1/campaigns/{campaignId}/execute": {"targets": [{"subscriberId": "{subscriberId}"}]},
    "POST /v1/campaigns/{campaignId}/schedule": {"sendAt": "2099-01-01T00:00:00Z"},
    "PUT /v1/campaigns/{campaignId}/schedule": {"sendAt": "2099-01-01T00:00:00Z"},
    "POST /v1/campaigns/{campaignId}/remove-inbox": {
        "messageIds": ["{messageId}"],
        "subscriberIds": ["{subscriberId}"],
    },
    "POST /v1/campaigns/{campaignId}/cancel-journey": {"targets": [{"subscriberId": "{subscriberId}"}]},
    "POST /v1/hits/event": {"subscriberId": "{subscriberId}", "name": "bought"},
    "POST /v1/hits/tag": {"subscriberId": "{subscriberId}", "tag": "{tag}"},
    "POST /v1/hits/tag/batch": {"hits": [{"subscriberId": "{subscriberId}", "tag": "{tag}"}]},
    "POST /v1/hits/session": {
        "hits": [
            {"sessionId": "{sessionId}", "type": "end", "subscriberId": "{subscriberId}"},
            {"sessionId": "{sessionId}", "type": "start", "subscriberId": "{subscriberId}"},
        ]
    },
    "POST /v1/hits/location": {"hits": [{"hitId": "{hitId}", "subscriberId": "{subscriberId}", "country": "FR"}]},
    "POST /v1/attributes": {"name": "{name}", "type": "number"},
    "POST /v1/attributes/batch": {"attributes": [{"name": "{name}", "type": "number"}]},
    "POST /v1/tags": {"name": "{tag}"},
    "POST /v1/tags/batch": {"tags": [{"name": "{tag}"}]},
    "POST /v1/integrations": {"providerId": "ses", "channel": "email", "identifier": "{integrationIdentifier}"},
    "PUT /v1/integrations/{integrationId}": {"name": "Mallory"},
    "POST /v1/layouts": {"name": "b", "identifier": "{layoutIdentifier}", "content": "{{ body }}"},
    "PATCH /v1/layouts/{layoutId}": {"name": "Mallory"},
    "POST /api/client/campaigns/{campaignId}/trigger": {
        "user": {"external_id": "{subscriberId}", "email": "mallory@tenant-b.example"}
    },
    "POST /v1/events/trigger": {"name": "{workflow}", "to": "{subscriberId}", "transactionId": "{transactionId}"},
    "POST /v1/events/trigger/bulk": {
        "events": [{"name": "{workflow}", "to": [{"type": "Topic", "topicKey": "{topicKey}"}]}]
    },
    "POST /v1/events/trigger/broadcast": {"name": "{workflow}", "transactionId": "{transactionId}"},
    "POST /v1/topics": {"key": "{topicKey}", "name": "b"},
    "POST /v1/workflows": {
        "name": "b",
        "notificationGroupId": "{id}",
        "steps": [{"template": {"type": "sms", "content": "b"}}],
    },
    "POST /v1/notification-templates": {"name": "b", "steps": [{"template": {"type": "sms", "content": "b"}}]},
    "PUT /v1/workflows/{templateId}/status": {"active": False},
    "PUT /v1/notification-templates/{templateId}/status": {"active": False},
    "POST /v1/notification-groups": {"name": "b"},
    "PATCH /v1/notification-groups/{id}": {"name": "Mallory"},
    "PATCH /v1/topics/{topicKey}": {"name": "Mallory"},
    "POST /v1/tenants": {"identifier": "{identifier}", "name": "b"},
    "PATCH /v1/tenants/{identifier}": {"name": "Mallory", "identifier": "mallory"},
    "POST /v1/workflow-overrides": {"workflowId": "{workflowId}", "tenantId": "{tenantId}"},
    "PUT /v1/workflow-overrides/{overrideId}": {"active": False},
    "PUT /v1/workflow-overrides/workflows/{workflowId}/tenants/{tenantId}": {"active": False},
    "POST /v1/topics/{topicKey}/subscribers": {"subscribers": ["{subscriberId}"]},
    "POST /v1/topics/{topicKey}/subscribers/removal": {"subscribers": ["{subscriberId}"]},
    "POST /v1/feeds": {"name": "{feedIdentifier}"},
    "POST /v1/changes/bulk/apply": {"changeIds": ["{changeId}"]},
    "PATCH /v1/organizations": {"name": "Mallory"},
    "PUT /v1/organizations/branding": {"color": "#000000"},
    "PUT /v1/organizations/members/{memberId}/roles": {"role": "admin"},
    "POST /v1/lists": {"name": "b"},
    "POST /v1/segments": {"name": "b", "rule": {"type": "tag", "tag": "b"}},
    "PATCH /v1/segments/{segmentId}": {"name": "Mallory"},
    "PATCH /v1/lists/{listId}": {"name": "Mallory"},
    "POST /v1/lists/{listId}/items": {"subscriberIds": ["{subscriberId}"]},
    "POST /v1/lists/{listId}/items/removal": {"subscriberIds": ["{subscriberId}"]},
    "PATCH /v1/subscribers/{subscriberId}/subscriptions": {"subscriptions": {"email": {"status": "subscribed"}}},
    "PUT /v1/subscribers/{subscriberId}/consent": {"consent": {"marketing": {"granted": False}}},
    "PUT /v1/subscribers/{subscriberId}/devices/{deviceId}": {"platform": "android", "pushToken": "mallory-token"},
    "PATCH /v1/devices/{deviceId}": {"pushEnabled": False},
    "POST /v1/hits/push-action": {"messageId": "{messageId}", "action": "open"},
    "POST /v1/suppressions": {"suppressions": [{"channel": "email", "address": "{address}"}]},
    "POST /v1/otp/send": {"recipient": {"subscriberId": "{subscriberId}"}, "channel": "sms"},
    "POST /v1/otp/send-own": {"recipient": {"subscriberId": "{subscriberId}"}, "channel": "sms", "code": "4321"},
    "POST /v1/otp/validate": {"recipient": {"subscriberId": "{subscriberId}"}, "code": "000000"},
    "POST /v1/verifier/verify": {"email": "{address}"},
    "POST /v1/verifier/lists": {"emails": ["{address}"]},
    "POST /v1/sports-updates/subscriptions": {"competition": "cup", "subscriberIds": ["{subscriberId}"]},
    "POST /v1/sports-updates/subscriptions/removal": {"competition": "cup", "subscriberIds": ["{subscriberId}"]},
    "PUT /v1/promotions/{externalId}": {"name": "Mallory"},
    "POST /v1/promotions/bulk": {"promotions": [{"externalId": "{externalId}", "name": "Mallory"}]},
    "POST /v1/files": {"name": "b.csv"},
    "POST /v1/imports": {"type": "profiles", "fileId": "{fileId}", "listId": "{listId}"},
    "POST /v1/exports": {"source": "list", "listId": "{listId}"},
}

# Routes that create in the caller's own environment: B may reuse A's ids there (a 409 would reveal them).
CREATES = {
    "POST /v1/clients",
    "POST /v1/topics/{topicKey}/subscribers",  # as Novu: an unknown topic is created on the way
    "POST /v1/subscribers",
    "POST /v1/subscribers/bulk",
    "POST /v1/campaigns",
    "POST /v1/integrations",
    "POST /v1/layouts",
    "POST /v1/topics",
    "POST /v1/tenants",
    "POST /v1/lists",
    "POST /v1/suppressions",
    "POST /v1/segments",
    "POST /v1/hits/event",
    "POST /v1/hits/tag",
    "POST /v1/hits/tag/batch",
    "POST /v1/hits/session",  # B's own session and hit of those ids: A's are neither ended nor duplicates there
    "POST /v1/hits/location",
    "POST /v1/attributes",
    "POST /v1/attributes/batch",
    "POST /v1/tags",
    "POST /v1/tags/batch",
    "POST /v1/events/trigger",
    "POST /v1/events/trigger/bulk",
    "POST /v1/events/trigger/broadcast",
    "POST /v1/workflows",
    "POST /v1/notification-templates",
    "POST /v1/notification-groups",
    "POST /v1/feeds",
    "POST /v1/environments/api-keys/regenerate",  # B's own key, rotated
    "POST /v1/otp/send",  # to B's own subscriber of that id (none: a 422)
    "POST /v1/otp/send-own",
    "POST /v1/sports-updates/subscriptions",  # B's own topic sports:cup; A's subscriberId names none of B's
    "POST /v1/sports-updates/subscriptions/removal",
    "PUT /v1/promotions/{externalId}",  # B's own promotion of that id
    "POST /v1/promotions/bulk",
    "POST /v1/verifier/lists",  # B's own task, verifying against B's suppressions
    "POST /v1/files",  # B's own upload
}
# Routes whose body names A's resources: they are as absent as missing ones.
BODY_REFERENCES = {
    "POST /v1/workflow-overrides",
    "POST /v1/changes/bulk/apply",
    "POST /v1/hits/push-action",
    "POST /v1/imports",
    "POST /v1/exports",
}
# Novu's cancel answers `false` for a transaction it does not know, as for one with nothing left to cancel.
NOTHING_DONE = {"DELETE /v1/events/trigger/{transactionId}": False}
# Routes that answer every environment alike (a channel's quota, the blueprint catalogue Clarion has not): nothing
# of A's in them.
SAME_FOR_EVERYONE = {"GET /v1/integrations/{channelType}/limit", "GET /v1/blueprints/group-by-category"}
# Routes that answer about the value B sent (A's suppressed address, verified): B's own view of it, in B's environment.
OWN_VIEW = {"POST /v1/verifier/verify": lambda data: data["checks"]["suppressed"] is False}


def fill(template: Any, values: dict[str, str]) -> Any:
    return json.loads(re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), json.dumps(template)))


def request_for(a: Tenant, route_key: str) -> tuple[str, str, Any]:
    method, path = route_key.split(" ", 1)
    values = path_values(a, route_key)
    path = re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)
    if route_key in QUERIES:
        path += "?" + QUERIES[route_key].format(**values)
    body = fill(BODIES.get(route_key, {}), values) if method != "GET" else None
    return method, path, body


# What A reads of its own resources, by the path segment a route that could change them has: B's calls must
# leave each as it was. Environments are read by the admin's list.
STATE_READS: dict[str, list[str]] = {
    "/v1/subscribers": [
        "/v1/subscribers/{subscriberId}",
        "/v1/subscribers/{subscriberId}/preferences",
        "/v1/subscribers/{subscriberId}/notifications/feed",
        "/v1/subscribers/{subscriberId}/devices",
        "/v1/subscribers/{subscriberId}/actions",
    ],
    "/v1/topics": ["/v1/topics/{topicKey}/subscribers"],
    "/v1/lists": ["/v1/lists/{listId}", "/v1/lists/{listId}/items"],
    "/v1/segments": ["/v1/segments/{segmentId}", "/v1/segments/{segmentId}/count"],
    "/v1/campaigns": ["/v1/campaigns/{campaignId}", "/v1/campaigns/{campaignId}/schedule"],
    "/v1/layouts": ["/v1/layouts/{layoutId}"],
    "/v1/integrations": ["/v1/integrations/{integrationId}"],
    "/v1/clients": ["/v1/clients/{clientId}"],
    "/v1/tenants": ["/v1/tenants/{identifier}"],
    "/v1/workflow-overrides": ["/v1/workflow-overrides/{overrideId}"],
    "/v1/workflows": ["/v1/workflows/{templateId}", "/v1/notification-groups/{id}"],
    "/v1/notification-templates": ["/v1/notification-templates/{templateId}"],
    "/v1/notification-groups": ["/v1/notification-groups/{id}"],
    "/v1/messages": ["/v1/messages?subscriberId={subscriberId}"],
    "/v1/environments": ["/v1/environments"],
    "/v1/feeds": ["/v1/feeds"],
    "/v1/changes": ["/v1/changes", "/v1/changes/count"],
    "/v1/organizations": ["/v1/organizations/me"],
    "/v1/attributes": ["/v1/attributes", "/v1/attributes/{name}/values"],
    "/v1/tags": ["/v1/tags", "/v1/tags/{tag}/hits"],
    "/v1/devices": ["/v1/devices/{deviceId}", "/v1/devices/{deviceId}/actions"],
    "/v1/actions": ["/v1/actions/{actionId}"],
    "/v1/suppressions": ["/v1/suppressions/email/{address}"],
    "/v1/otp": ["/v1/otp/{otpId}"],
    "/v1/promotions": ["/v1/promotions/{externalId}"],
    "/v1/analytics": ["/v1/analytics/overview", "/v1/analytics/locations"],
    "/v1/hits/session": ["/v1/analytics/overview"],
    "/v1/hits/location": ["/v1/analytics/locations"],
    "/v1/verifier": ["/v1/verifier/lists/{verificationId}"],
    # a file's answer holds a new presigned URL at each read: its task (and the profile it imported) are compared
    "/v1/imports": ["/v1/tasks/{taskId}", "/v1/subscribers/{subscriberId}"],
    "/v1/exports": ["/v1/tasks/{taskId}"],
    "/v1/tasks": ["/v1/tasks/{taskId}"],
}
# Routes that send or cancel sends reach A's messages and inbox, whatever resource their path names.
SENDING = ("/trigger", "/send", "/execute", "/hits/", "/inbox", "/cancel-journey", "/schedule", "/messages")


def reads_for(route_key: str) -> list[str]:
    path = route_key.split(" ", 1)[1]
    reads = [read for prefix, paths in STATE_READS.items() if path.startswith(prefix) for read in paths]
    if any(marker in path for marker in SENDING) or path.startswith("/api/"):
        reads += STATE_READS["/v1/messages"] + STATE_READS["/v1/subscribers"][2:]
    return reads or [read for paths in STATE_READS.values() for read in paths]


def state_of(a: Tenant, reads: list[str]) -> dict[str, Any]:
    state = {}
    for template in reads:
        response = a.api.get(template.format(**a.ids))
        assert response.status == 200, (template, response.json())
        state[template] = response.json()
    if "/v1/environments" in state:  # only A's own: other tests add environments meanwhile
        environments = state["/v1/environments"]["data"]
        state["/v1/environments"] = next(e for e in environments if e["_id"] == a.ids["environmentId"])
    return state


def test_every_route_is_in_the_scope_table():
    assert set(ROUTES) == set(ROUTE_SCOPES)


def test_b_key_is_refused_the_operator_routes_only(tenant_b: Api):
    assert tenant_b.get("/v1/environments").status == 403
    assert tenant_b.get("/v1/subscribers").status == 200


@pytest.mark.parametrize("route_key", ROUTES)
def test_another_environments_ids_find_nothing_and_change_nothing(
    runtime: LocalRuntime, tenant_a: Tenant, tenant_b: Api, route_key: str
):
    method, path, body = request_for(tenant_a, route_key)
    response = tenant_b.call(method, path, json=body)
    text = json.dumps(response.json())
    assert response.status < 500, text
    leaked = [secret for secret in tenant_a.secrets if secret in text]
    assert not leaked, f"{route_key} answered A's {leaked}: {text}"
    if ROUTE_SCOPES[route_key] == OPERATOR_SCOPE:
        assert response.status == 403
    elif route_key in NOTHING_DONE:
        assert response.status == 200 and response.json()["data"] is NOTHING_DONE[route_key], text
    elif route_key in CREATES:
        assert response.status != 409, text  # B's own namespace: A's identifiers are free there
    elif route_key in OWN_VIEW:
        assert response.status == 200 and OWN_VIEW[route_key](response.json()["data"]), text
    elif route_key in SAME_FOR_EVERYONE:
        assert not [value for value in tenant_a.ids.values() if value in text], text
    elif "{" in route_key or route_key in BODY_REFERENCES:
        assert response.status in (403, 404), text
    elif route_key in QUERIES:
        assert response.status == 404 or (response.status == 200 and response.json()["data"] == []), text
    else:
        assert response.status == 200, text
        assert not [value for value in tenant_a.ids.values() if value in text], text
    if method != "GET":
        runtime.drain()
        after = state_of(tenant_a, reads_for(route_key))
        assert after == {read: tenant_a.state[read] for read in after}


def test_the_other_environment_left_everything_as_it_was(tenant_a: Tenant):
    assert state_of(tenant_a, list(tenant_a.state)) == tenant_a.state

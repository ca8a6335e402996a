"""The activity API through the whole path: a real trigger (campaign, subscribers, POST /v1/events/trigger,
the dispatcher and senders), then /v1/messages, /v1/execution-details and /v1/notifications."""

import json
import uuid
from dataclasses import dataclass
from typing import Any

import pytest

from clarion.delivery.jobs import BACKOFF_CAP_SECONDS
from local.runtime import LocalRuntime
from local.webhook_server import WebhookServer
from tests.conftest import load_event
from tests.integration.conftest import Api
from tests.integration.support.campaigns import (
    EMAIL_STEP,
    SMS_STEP,
    UNKNOWN_ID,
    campaign,
    records,
    subscriber,
    trigger_event,
)
from tests.integration.support.delivery import new_phone

NOVU_MESSAGE_FIELDS = {"_id", "_templateId", "_environmentId", "_subscriberId", "transactionId", "channel", "content"}
MAX_RECEIVES = 5  # the channel queues' maxReceiveCount (template.yaml): then a job is in the DLQ
NOVU_DETAIL_FIELDS = {"_id", "_jobId", "_notificationId", "_subscriberId", "providerId", "transactionId", "channel"}


@dataclass
class Sent:
    """One trigger of an email + SMS campaign to: ada (email and phone: both sent), bob (no phone: the SMS is
    skipped) and cy (email turned off for the campaign: the email is filtered)."""

    campaign: dict[str, Any]
    transaction_id: str


@pytest.fixture
def sent(runtime: LocalRuntime, admin: Api) -> Sent:
    sent_campaign = campaign(admin, EMAIL_STEP, SMS_STEP)
    subscriber(admin, "ada", email="ada@example.com", phone=new_phone())
    subscriber(admin, "bob", email="bob@example.com")
    subscriber(admin, "cy", email="cy@example.com", phone=new_phone())
    email_off = {"channel": {"type": "email", "enabled": False}}
    assert admin.call("PATCH", f"/v1/subscribers/cy/preferences/{sent_campaign['_id']}", json=email_off).status == 200
    response = trigger_event(admin, sent_campaign["identifier"], ["ada", "bob", "cy"], payload={"code": "X1"})
    assert response.status == 201, response.json()
    runtime.drain()
    return Sent(sent_campaign, response.json()["data"]["transactionId"])


def other_environment(admin: Api, scopes: list[str]) -> Api:
    created = admin.post("/v1/environments", {"name": f"other-{uuid.uuid4().hex[:12]}"})
    assert created.status == 201
    return admin.client("tenant-b-activity", scopes, environmentId=created.json()["data"]["_id"])


def messages(api: Api, query: str) -> dict[str, Any]:
    response = api.get(f"/v1/messages?{query}")
    assert response.status == 200, response.json()
    return response.json()


def message_of(api: Api, sent: Sent, subscriber_id: str, channel: str) -> dict[str, Any]:
    listed = messages(api, f"transactionId={sent.transaction_id}&subscriberId={subscriber_id}&channel={channel}")
    (message,) = listed["data"]
    return message


def details(api: Api, notification_id: str, subscriber_id: str) -> list[dict[str, Any]]:
    response = api.get(f"/v1/execution-details?notificationId={notification_id}&subscriberId={subscriber_id}")
    assert response.status == 200, response.json()
    return response.json()["data"]


# GET /v1/messages


def test_a_transactions_messages_are_listed_in_novus_shape(admin: Api, sent: Sent):
    listed = messages(admin, f"transactionId={sent.transaction_id}")
    assert (listed["page"], listed["pageSize"], listed["hasMore"]) == (0, 10, False)
    assert len(listed["data"]) == 6
    assert all(set(message) >= NOVU_MESSAGE_FIELDS for message in listed["data"])


def test_a_sent_email_shows_its_campaign_content_address_and_status(admin: Api, sent: Sent):
    email = message_of(admin, sent, "ada", "email")
    assert (email["_templateId"], email["_environmentId"], email["subscriberId"]) == (
        sent.campaign["_id"],
        admin.environment_id,
        "ada",
    )
    assert (email["status"], email["content"], email["email"]) == ("sent", "<p>Hi</p>", "ada@example.com")
    assert email["subject"] == f"{sent.campaign['name']} X1"


def test_a_message_never_shows_the_stored_to(admin: Api, sent: Sent):
    assert "to" not in message_of(admin, sent, "ada", "sms")


def test_messages_are_filtered_by_channel(admin: Api, sent: Sent):
    listed = messages(admin, f"transactionId={sent.transaction_id}&channel=sms")["data"]
    assert sorted((m["subscriberId"], m["channel"]) for m in listed) == [("ada", "sms"), ("bob", "sms"), ("cy", "sms")]


def test_messages_are_listed_by_subscriber(admin: Api, sent: Sent):
    listed = messages(admin, "subscriberId=bob")["data"]
    assert sorted((m["channel"], m["status"]) for m in listed) == [("email", "sent"), ("sms", "skipped")]


def test_without_a_filter_the_environments_recent_messages_are_listed_newest_first(admin: Api, sent: Sent):
    listed = messages(admin, "limit=100")["data"]
    assert len(listed) == 6
    created = [message["createdAt"] for message in listed]
    assert created == sorted(created, reverse=True)


def test_the_previous_days_messages_are_still_listed_the_next_day(runtime: LocalRuntime, admin: Api, sent: Sent):
    runtime.clock.advance(24 * 3600)
    assert len(messages(admin, "limit=100")["data"]) == 6


def test_messages_are_paged(admin: Api, sent: Sent):
    first, last = messages(admin, "page=0&limit=4"), messages(admin, "page=1&limit=4")
    assert (len(first["data"]), first["hasMore"], len(last["data"]), last["hasMore"]) == (4, True, 2, False)
    assert not {m["_id"] for m in first["data"]} & {m["_id"] for m in last["data"]}


def test_filtered_pages_skip_earlier_matches(admin: Api, sent: Sent):
    first, second = messages(admin, "channel=email&limit=2"), messages(admin, "channel=email&page=1&limit=2")
    assert (len(first["data"]), first["hasMore"], len(second["data"]), second["hasMore"]) == (2, True, 1, False)
    assert {m["channel"] for m in first["data"] + second["data"]} == {"email"}


def test_a_message_not_sent_says_why(admin: Api, sent: Sent):
    filtered, skipped = message_of(admin, sent, "cy", "email"), message_of(admin, sent, "bob", "sms")
    assert (filtered["status"], skipped["status"]) == ("filtered", "skipped")
    assert "preferences" in filtered["errorText"]
    assert skipped["errorText"] == "the subscriber has no phone number"


def test_a_message_retrying_or_stuck_shows_the_last_provider_error(runtime: LocalRuntime, admin: Api):
    with WebhookServer() as webhook:
        webhook.statuses.extend([503] * MAX_RECEIVES)  # every receive of the job, then the webhook is back
        chat = campaign(admin, {"channel": "chat", "content": {"body": "Deployed {{ payload.code }}"}})
        subscriber(admin, "ops", channels=[{"providerId": "slack", "credentials": {"webhookUrl": webhook.url}}])
        triggered = trigger_event(admin, chat["identifier"], "ops", payload={"code": "D1"})
        query = f"transactionId={triggered.json()['data']['transactionId']}"

        runtime.drain()
        (retrying,) = messages(admin, query)["data"]
        assert (retrying["status"], retrying["errorText"]) == ("queued", 'HTTP 503: {"error": "refused"}')

        for _ in range(MAX_RECEIVES):
            runtime.clock.advance(BACKOFF_CAP_SECONDS + 1)
            runtime.drain()
        (stuck,) = messages(admin, query)["data"]
        assert (stuck["status"], stuck["errorText"]) == ("queued", 'HTTP 503: {"error": "refused"}')
        assert len(webhook.received) == MAX_RECEIVES and webhook.accepted == []

        assert admin.post("/v1/dead-letters/chat/redrive").json()["data"]["redriven"] >= 1
        runtime.drain()
        (sent,) = messages(admin, query)["data"]
        assert (sent["status"], sent["errorText"]) == ("sent", None)


@pytest.mark.parametrize(
    ("query", "field"),
    [("channel=fax", "channel"), ("limit=101", "limit"), ("page=-1", "page"), ("subscriberId=a%23b", "subscriberId")],
)
def test_a_bad_message_query_is_a_422_naming_it(admin: Api, query: str, field: str):
    response = admin.get(f"/v1/messages?{query}")
    assert response.status == 422
    assert field in response.json()["errors"]


def test_another_environment_lists_none_of_the_messages(admin: Api, sent: Sent):
    tenant_b = other_environment(admin, ["list:message"])
    assert messages(tenant_b, f"transactionId={sent.transaction_id}")["data"] == []
    assert messages(tenant_b, "subscriberId=ada")["data"] == []
    assert messages(tenant_b, "")["data"] == []


# DELETE /v1/messages/{messageId}


def test_deleting_a_message_acknowledges_and_removes_it(runtime: LocalRuntime, admin: Api, sent: Sent):
    message_id = message_of(admin, sent, "ada", "email")["_id"]
    response = admin.delete(f"/v1/messages/{message_id}")
    assert (response.status, response.json()) == (200, {"data": {"acknowledged": True, "status": "deleted"}})
    assert message_id not in {record["_id"] for record in records(runtime, admin)}


def test_deleting_an_in_app_message_removes_it_from_the_subscribers_feed(runtime: LocalRuntime, admin: Api):
    in_app = campaign(admin, {"channel": "in_app", "content": {"body": "Hello"}})
    subscriber(admin, "ada")
    trigger_event(admin, in_app["identifier"], "ada")
    runtime.drain()
    (message,) = messages(admin, "subscriberId=ada")["data"]
    assert admin.delete(f"/v1/messages/{message['_id']}").status == 200
    assert admin.get("/v1/subscribers/ada/notifications/feed").json()["data"] == []


def test_the_sample_event_lists_messages(runtime: LocalRuntime, admin: Api, sent: Sent):
    event = load_event("activity/list_messages.json")
    event["requestContext"]["authorizer"]["lambda"]["environmentId"] = admin.environment_id
    event["queryStringParameters"]["subscriberId"] = "bob"
    response = runtime.invoke("ActivityFunction", event)
    assert response["statusCode"] == 200
    assert [message["channel"] for message in json.loads(response["body"])["data"]] == ["email"]


def test_deleting_an_unknown_message_is_a_404(admin: Api):
    response = admin.delete(f"/v1/messages/{UNKNOWN_ID}")
    assert response.status == 404
    assert "messageId" in response.json()["errors"]


def test_a_message_id_that_is_not_an_object_id_is_a_422(admin: Api):
    assert "messageId" in admin.delete("/v1/messages/not-an-id").json()["errors"]


def test_another_environment_cannot_delete_a_message(runtime: LocalRuntime, admin: Api, sent: Sent):
    message_id = message_of(admin, sent, "ada", "email")["_id"]
    assert other_environment(admin, ["delete:message"]).delete(f"/v1/messages/{message_id}").status == 404
    assert message_id in {record["_id"] for record in records(runtime, admin)}


# GET /v1/execution-details


def test_a_sent_messages_history_is_its_execution_details(admin: Api, sent: Sent):
    shown = [d for d in details(admin, sent.transaction_id, "ada") if d["channel"] == "email"]
    assert [d["status"] for d in shown] == ["Queued", "Pending", "Success"]
    assert all(set(d) >= NOVU_DETAIL_FIELDS for d in shown)
    assert {(d["source"], d["isTest"], d["isRetry"], d["transactionId"]) for d in shown} == {
        ("Internal", False, False, sent.transaction_id)
    }


def test_execution_details_are_only_the_subscribers(admin: Api, sent: Sent):
    ada = message_of(admin, sent, "ada", "email")["_id"]
    assert {d["_subscriberId"] for d in details(admin, sent.transaction_id, "ada")} == {"ada"}
    assert ada not in {d["_jobId"] for d in details(admin, sent.transaction_id, "bob")}


def test_execution_details_show_why_the_preferences_filtered_a_message(admin: Api, sent: Sent):
    (filtered,) = [d for d in details(admin, sent.transaction_id, "cy") if d["channel"] == "email"]
    assert filtered["status"] == "Success"
    assert filtered["detail"].startswith("Message filtered: ") and "preferences" in filtered["detail"]


def test_execution_details_show_why_a_message_was_skipped(admin: Api, sent: Sent):
    (skipped,) = [d for d in details(admin, sent.transaction_id, "bob") if d["channel"] == "sms"]
    assert (skipped["status"], skipped["detail"]) == ("Failed", "Message skipped: the subscriber has no phone number")


def test_execution_details_without_a_subscriber_id_are_a_422_naming_it(admin: Api, sent: Sent):
    response = admin.get(f"/v1/execution-details?notificationId={sent.transaction_id}")
    assert response.status == 422
    assert "subscriberId" in response.json()["errors"]


def test_execution_details_of_an_unknown_notification_are_a_404(admin: Api):
    response = admin.get(f"/v1/execution-details?notificationId={UNKNOWN_ID}&subscriberId=ada")
    assert response.status == 404
    assert "notificationId" in response.json()["errors"]


def test_another_environment_gets_a_404_for_the_execution_details(admin: Api, sent: Sent):
    tenant_b = other_environment(admin, ["info:message"])
    response = tenant_b.get(f"/v1/execution-details?notificationId={sent.transaction_id}&subscriberId=ada")
    assert response.status == 404
    assert "data" not in response.json()


# GET /v1/notifications, /v1/notifications/{notificationId}, /v1/notifications/stats


def feed(api: Api, query: str = "") -> dict[str, Any]:
    response = api.get(f"/v1/notifications?{query}")
    assert response.status == 200, response.json()
    return response.json()


def notification(api: Api, notification_id: str) -> dict[str, Any]:
    response = api.get(f"/v1/notifications/{notification_id}")
    assert response.status == 200, response.json()
    return response.json()["data"]


def test_the_activity_feed_lists_the_trigger_with_its_campaign_and_payload(admin: Api, sent: Sent):
    listed = feed(admin)
    assert (listed["page"], listed["pageSize"], listed["hasMore"], listed["totalCount"]) == (0, 10, False, 1)
    (entry,) = listed["data"]
    assert (entry["transactionId"], entry["_templateId"], entry["payload"]) == (
        sent.transaction_id,
        sent.campaign["_id"],
        {"code": "X1"},
    )
    assert (entry["template"]["name"], entry["channels"]) == (sent.campaign["name"], ["email", "sms"])


def test_a_notifications_jobs_are_its_messages_with_their_execution_details(admin: Api, sent: Sent):
    (entry,) = feed(admin)["data"]
    jobs = {(job["_subscriberId"], job["type"]): job for job in entry["jobs"]}
    assert {key: job["status"] for key, job in jobs.items()} == {
        ("ada", "email"): "completed",
        ("ada", "sms"): "completed",
        ("bob", "email"): "completed",
        ("bob", "sms"): "skipped",
        ("cy", "email"): "skipped",
        ("cy", "sms"): "completed",
    }
    (filtered,) = jobs[("cy", "email")]["executionDetails"]
    assert "preferences" in filtered["detail"] and filtered["_notificationId"] == entry["_id"]


def test_the_feed_is_newest_first_and_paged(admin: Api, sent: Sent):
    later = trigger_event(admin, sent.campaign["identifier"], ["ada"], payload={"code": "X2"}).json()["data"]
    first, second = feed(admin, "limit=1"), feed(admin, "limit=1&page=1")
    assert [e["transactionId"] for e in first["data"] + second["data"]] == [
        later["transactionId"],
        sent.transaction_id,
    ]
    assert (first["hasMore"], second["hasMore"]) == (True, False)


def test_the_feed_is_filtered_by_channels(admin: Api, sent: Sent):
    assert len(feed(admin, "channels=chat,sms")["data"]) == 1
    assert feed(admin, "channels=chat,in_app")["data"] == []


def test_the_feed_is_filtered_by_templates(admin: Api, sent: Sent):
    assert len(feed(admin, f"templates={sent.campaign['_id']}")["data"]) == 1
    assert feed(admin, f"templates={UNKNOWN_ID}")["data"] == []


def test_the_feed_finds_one_transaction(admin: Api, sent: Sent):
    assert [e["transactionId"] for e in feed(admin, f"transactionId={sent.transaction_id}")["data"]] == [
        sent.transaction_id
    ]
    assert feed(admin, "transactionId=unknown")["data"] == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("channels=email,fax", "channels"),
        ("templates=nope", "templates"),
        ("limit=51", "limit"),
        ("subscriberIds=ada", "subscriberIds"),
        ("emails=ada@example.com", "emails"),
        ("search=welcome", "search"),
    ],
)
def test_a_bad_feed_query_is_a_422_naming_it(admin: Api, query: str, field: str):
    response = admin.get(f"/v1/notifications?{query}")
    assert response.status == 422
    assert field in response.json()["errors"]


def test_a_notification_is_read_by_its_id(admin: Api, sent: Sent):
    (entry,) = feed(admin)["data"]
    found = notification(admin, entry["_id"])
    assert (found["_id"], found["transactionId"], len(found["jobs"])) == (entry["_id"], sent.transaction_id, 6)


def test_a_notification_is_read_by_its_transaction_id(admin: Api, sent: Sent):
    assert notification(admin, sent.transaction_id)["transactionId"] == sent.transaction_id


def test_an_unknown_notification_is_a_404(admin: Api):
    response = admin.get(f"/v1/notifications/{UNKNOWN_ID}")
    assert response.status == 404
    assert "notificationId" in response.json()["errors"]


def test_execution_details_accept_the_notifications_id(admin: Api, sent: Sent):
    (entry,) = feed(admin)["data"]
    shown = details(admin, entry["_id"], "bob")
    assert {d["_notificationId"] for d in shown} == {entry["_id"]}
    assert len(shown) == 4  # email: queued, sending, sent; sms: skipped


def test_another_environment_sees_neither_the_feed_nor_the_notification(admin: Api, sent: Sent):
    (entry,) = feed(admin)["data"]
    tenant_b = other_environment(admin, ["list:message", "info:message"])
    assert feed(tenant_b)["data"] == []
    assert feed(tenant_b, f"transactionId={sent.transaction_id}")["data"] == []
    for notification_id in (entry["_id"], sent.transaction_id):
        assert tenant_b.get(f"/v1/notifications/{notification_id}").status == 404


def test_the_stats_count_the_notifications_of_the_week_and_month(admin: Api, sent: Sent):
    trigger_event(admin, sent.campaign["identifier"], ["ada"], payload={"code": "X3"})
    response = admin.get("/v1/notifications/stats")
    assert (response.status, response.json()) == (200, {"data": {"weeklySent": 2, "monthlySent": 2}})


def test_another_environments_stats_count_nothing_of_this_one(admin: Api, sent: Sent):
    tenant_b = other_environment(admin, ["list:message"])
    assert tenant_b.get("/v1/notifications/stats").json()["data"] == {"weeklySent": 0, "monthlySent": 0}

"""Novu's events API beyond the single trigger, through the whole path: bulk, broadcast, cancel, the notification
item every trigger writes, and the Idempotency-Key header."""

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from clarion.campaigns.dispatch import dispatch
from clarion.engine.dispatch_jobs import parse_dispatch_job
from clarion.store.keys import transaction_key
from local.runtime import LocalRuntime
from tests.conftest import load_event
from tests.integration.conftest import Api
from tests.integration.support.campaigns import (
    EMAIL_STEP,
    campaign,
    dispatch_queue_messages,
    records,
    subject,
    subscriber,
    trigger_event,
)
from tests.integration.support.delivery import emails_with_subject
from tests.integration.support.environments import other_environment_trigger_key

TRIGGER = "/v1/events/trigger"
BULK = "/v1/events/trigger/bulk"
BROADCAST = "/v1/events/trigger/broadcast"


@pytest.fixture
def sent(admin: Api) -> dict[str, Any]:
    """An active email campaign and one subscriber, ada, who can receive it."""
    subscriber(admin, "ada", email="ada@example.com")
    return campaign(admin, EMAIL_STEP)


@pytest.fixture
def dispatcher(runtime: LocalRuntime) -> Iterator[None]:
    with runtime.registry.environment_of("DispatcherFunction"):
        yield


def event(name: str, to: Any, code: str, **fields: Any) -> dict[str, Any]:
    return {"name": name, "to": to, "payload": {"code": code}} | fields


def with_key(api: Api, method: str, path: str, key: str, body: Any) -> Any:
    headers = {"Authorization": f"Bearer {api.key}", "Idempotency-Key": key}
    return api.runtime.request(method, path, headers=headers, json=body)


def notification(runtime: LocalRuntime, api: Api, transaction_id: str) -> dict[str, Any] | None:
    pk = transaction_key(api.environment_id, transaction_id)
    found = [item for item in runtime.scan_table("MessagesTable") if item["pk"] == pk]
    return found[0] if found else None


def sent_to(runtime: LocalRuntime, sent_campaign: dict[str, Any], code: str) -> list[str]:
    return sorted(e.destinations["ToAddresses"][0] for e in emails_with_subject(runtime, subject(sent_campaign, code)))


def members_topic(admin: Api, key: str, count: int) -> list[str]:
    members = [f"{key}-{index}" for index in range(count)]
    for member in members:
        subscriber(admin, member, email=f"{member}@example.com")
    assert admin.post("/v1/topics", {"key": key, "name": key}).status == 201
    assert admin.post(f"/v1/topics/{key}/subscribers", {"subscribers": members}).status == 200
    return members


# bulk


def test_a_bulk_trigger_answers_201_with_one_result_per_event_in_order(admin: Api, sent: dict[str, Any]):
    events = [event(sent["identifier"], "ada", "B1", transactionId=f"tx-{index}") for index in range(3)]
    response = admin.post(BULK, {"events": events})
    assert response.status == 201
    assert response.json()["data"] == [
        {"acknowledged": True, "status": "processed", "transactionId": f"tx-{index}"} for index in range(3)
    ]


def test_a_bulk_trigger_sends_every_event(runtime: LocalRuntime, admin: Api, sent: dict[str, Any]):
    admin.post(BULK, {"events": [event(sent["identifier"], "ada", code) for code in ("B2", "B3")]})
    runtime.drain()
    assert [sent_to(runtime, sent, code) for code in ("B2", "B3")] == [["ada@example.com"], ["ada@example.com"]]


def test_a_bulk_event_of_an_unknown_name_fails_alone(runtime: LocalRuntime, admin: Api, sent: dict[str, Any]):
    events = [event("no-such-workflow", "ada", "B4"), event(sent["identifier"], "ada", "B5")]
    failed, processed = admin.post(BULK, {"events": events}).json()["data"]
    assert (failed["acknowledged"], failed["status"], processed["status"]) == (False, "error", "processed")
    assert "workflow_not_found" in failed["error"][0]
    runtime.drain()
    assert sent_to(runtime, sent, "B5") == ["ada@example.com"]


def test_a_bulk_event_repeating_a_transaction_id_fails_alone(admin: Api, sent: dict[str, Any]):
    events = [event(sent["identifier"], "ada", "B6", transactionId="same") for _ in range(2)]
    first, second = admin.post(BULK, {"events": events}).json()["data"]
    assert (first["status"], second["status"], second["transactionId"]) == ("processed", "error", "same")


def test_a_bulk_event_with_a_bad_field_is_a_422_naming_it(admin: Api, sent: dict[str, Any]):
    events = [event(sent["identifier"], "ada", "B7"), event(sent["identifier"], [], "B7")]
    response = admin.post(BULK, {"events": events})
    assert (response.status, list(response.json()["errors"])) == (422, ["events[1].to"])


def test_a_bulk_trigger_of_more_than_100_events_is_a_422_naming_events(admin: Api, sent: dict[str, Any]):
    response = admin.post(BULK, {"events": [event(sent["identifier"], "ada", "B8")] * 101})
    assert (response.status, list(response.json()["errors"])) == (422, ["events"])


# broadcast


def test_a_broadcast_sends_to_every_subscriber_of_the_environment(runtime: LocalRuntime, admin: Api, sent):
    subscriber(admin, "grace", email="grace@example.com")
    response = admin.post(BROADCAST, {"name": sent["identifier"], "payload": {"code": "C1"}, "transactionId": "bc-1"})
    assert (response.status, response.json()["data"]) == (
        201,
        {"acknowledged": True, "status": "processed", "transactionId": "bc-1"},
    )
    runtime.drain()
    assert sent_to(runtime, sent, "C1") == ["ada@example.com", "grace@example.com"]


def test_a_broadcast_queues_one_job_for_all_and_writes_no_record(runtime: LocalRuntime, admin: Api, sent):
    runtime.drain()
    admin.post(BROADCAST, {"name": sent["identifier"], "payload": {"code": "C2"}})
    (job,) = [job for job in dispatch_queue_messages(runtime) if job["campaignId"] == sent["_id"]]
    assert job["targets"] == {"subscriberIds": [], "topicKeys": [], "all": True}
    assert records(runtime, admin) == []


def test_a_broadcast_does_not_reach_another_environments_subscribers(runtime: LocalRuntime, admin: Api, sent):
    created = admin.post("/v1/environments", {"name": f"other-{uuid.uuid4().hex[:12]}"})
    other = admin.client("other-profiles", ["create:profile"], environmentId=created.json()["data"]["_id"])
    assert other.post("/v1/subscribers", {"subscriberId": "eve", "email": "eve@example.com"}).status == 201
    admin.post(BROADCAST, {"name": sent["identifier"], "payload": {"code": "C3"}})
    runtime.drain()
    assert sent_to(runtime, sent, "C3") == ["ada@example.com"]


def test_a_broadcast_of_an_unknown_name_is_a_422_naming_it(admin: Api):
    response = admin.post(BROADCAST, {"name": "no-such-workflow"})
    assert (response.status, list(response.json()["errors"])) == (422, ["name"])


def test_a_broadcast_with_an_unknown_field_is_a_422_naming_it(admin: Api, sent: dict[str, Any]):
    response = admin.post(BROADCAST, {"name": sent["identifier"], "to": "ada"})
    assert (response.status, list(response.json()["errors"])) == (422, ["to"])


# the notification item


def test_a_trigger_writes_its_notification(runtime: LocalRuntime, admin: Api, sent: dict[str, Any]):
    trigger_event(admin, sent["identifier"], ["ada", {"type": "Topic", "topicKey": "t"}], transactionId="n-1")
    stored = notification(runtime, admin, "n-1")
    assert stored is not None
    assert (stored["sk"], stored["campaignId"], stored["templateIdentifier"], stored["status"]) == (
        "NOTIFICATION",
        sent["_id"],
        sent["identifier"],
        "processing",
    )
    assert stored["to"] == {"subscriberIds": ["ada"], "topicKeys": ["t"], "all": False}
    assert (stored["channels"], stored["payload"]) == (["email"], {})
    assert stored["activityKey"] == f"ENV#{admin.environment_id}#NOTIFICATIONS#{stored['createdAt'][:10]}"


def test_a_repeated_transaction_id_is_a_409_naming_it_and_sends_once(runtime: LocalRuntime, admin: Api, sent):
    assert trigger_event(admin, sent["identifier"], "ada", transactionId="n-2", payload={"code": "N2"}).status == 201
    response = trigger_event(admin, sent["identifier"], "ada", transactionId="n-2", payload={"code": "N2"})
    assert (response.status, list(response.json()["errors"])) == (409, ["transactionId"])
    runtime.drain()
    assert sent_to(runtime, sent, "N2") == ["ada@example.com"]


def test_the_same_transaction_id_in_another_environment_is_accepted(admin: Api, sent: dict[str, Any]):
    trigger_event(admin, sent["identifier"], "ada", transactionId="n-3")
    other = other_environment_trigger_key(admin)
    other_campaign = admin.client("other-campaigns", ["create:campaign"], environmentId=other.environment_id)
    created = campaign(other_campaign, EMAIL_STEP)
    assert trigger_event(other, created["identifier"], "ada", transactionId="n-3").status == 201


# cancel


def cancel(api: Api, transaction_id: str) -> Any:
    return api.delete(f"{TRIGGER}/{transaction_id}")


def test_a_cancel_before_the_fan_out_answers_true_and_nothing_is_sent(runtime: LocalRuntime, admin: Api, sent):
    members_topic(admin, "team", 3)
    to = {"type": "Topic", "topicKey": "team"}
    trigger_event(admin, sent["identifier"], to, transactionId="x-1", payload={"code": "X1"})
    response = cancel(admin, "x-1")
    assert (response.status, response.json()) == (200, {"data": True})
    runtime.drain()
    assert sent_to(runtime, sent, "X1") == []
    assert [record for record in records(runtime, admin) if record["status"] != "cancelled"] == []
    assert notification(runtime, admin, "x-1")["status"] == "cancelled"  # type: ignore[index]


@pytest.mark.usefixtures("dispatcher")
def test_a_cancel_after_the_fan_out_cancels_the_queued_records(runtime: LocalRuntime, admin: Api, sent):
    members = members_topic(admin, "crew", 3)
    runtime.drain()
    to = {"type": "Topic", "topicKey": "crew"}
    trigger_event(admin, sent["identifier"], to, transactionId="x-2", payload={"code": "X2"})
    (job,) = [job for job in dispatch_queue_messages(runtime) if job["transactionId"] == "x-2"]
    assert dispatch(parse_dispatch_job(job), remaining_ms=lambda: 10**6).records == len(members)
    assert cancel(admin, "x-2").json() == {"data": True}
    runtime.drain()
    assert sent_to(runtime, sent, "X2") == []
    stored = records(runtime, admin)
    assert [record["status"] for record in stored] == ["cancelled"] * len(members)
    assert stored[0]["history"][-1]["reason"] == "the trigger was cancelled"


def test_a_cancel_after_everything_was_sent_answers_false_and_changes_nothing(runtime: LocalRuntime, admin, sent):
    trigger_event(admin, sent["identifier"], "ada", transactionId="x-3")
    runtime.drain()
    assert cancel(admin, "x-3").json() == {"data": False}
    assert [record["status"] for record in records(runtime, admin)] == ["sent"]
    assert notification(runtime, admin, "x-3")["status"] == "processing"  # type: ignore[index]


def test_a_second_cancel_answers_false(admin: Api, sent: dict[str, Any]):
    trigger_event(admin, sent["identifier"], "ada", transactionId="x-4")
    assert [cancel(admin, "x-4").json()["data"] for _ in range(2)] == [True, False]


def test_a_cancel_of_an_unknown_transaction_answers_false(admin: Api):
    assert cancel(admin, "no-such-transaction").json() == {"data": False}


def test_another_environments_cancel_answers_false_and_the_trigger_is_sent(runtime: LocalRuntime, admin, sent):
    trigger_event(admin, sent["identifier"], "ada", transactionId="x-5", payload={"code": "X5"})
    assert cancel(other_environment_trigger_key(admin), "x-5").json() == {"data": False}
    runtime.drain()
    assert sent_to(runtime, sent, "X5") == ["ada@example.com"]


def test_a_cancel_without_campaign_trigger_is_a_403(admin: Api):
    assert cancel(admin.client("reader", ["info:campaign"]), "x-6").status == 403


# Idempotency-Key


def test_a_repeated_key_and_body_answers_the_first_response_and_sends_once(runtime: LocalRuntime, admin, sent):
    body = event(sent["identifier"], "ada", "I1")
    first = with_key(admin, "POST", TRIGGER, "key-1", body)
    again = with_key(admin, "POST", TRIGGER, "key-1", body)
    assert (again.status, again.json()) == (first.status, first.json())
    assert (again.headers.get("idempotency-replay"), "idempotency-replay" in first.headers) == ("true", False)
    runtime.drain()
    assert sent_to(runtime, sent, "I1") == ["ada@example.com"]


def test_a_repeated_key_with_another_body_is_a_422_naming_the_header(admin: Api, sent: dict[str, Any]):
    assert with_key(admin, "POST", TRIGGER, "key-2", event(sent["identifier"], "ada", "I2")).status == 201
    response = with_key(admin, "POST", TRIGGER, "key-2", event(sent["identifier"], "ada", "other"))
    assert (response.status, list(response.json()["errors"])) == (422, ["Idempotency-Key"])


def put_back_in_progress(runtime: LocalRuntime, first: Any, *, lock_seconds: float) -> None:
    """Makes the claim of the first request's key look as it did while that request ran: Powertools' INPROGRESS,
    its lock the invocation's deadline, `lock_seconds` from now (in the past when negative: the invocation died)."""
    transaction_id = first.json()["data"]["transactionId"]
    table = boto3.resource("dynamodb", region_name=runtime.stack.resolver.region).Table(
        runtime.resources.tables["IdempotencyTable"]
    )
    [claim] = [item for item in runtime.scan_table("IdempotencyTable") if transaction_id in item.get("data", "")]
    table.update_item(
        Key={"id": claim["id"]},
        UpdateExpression="SET #status = :in_progress, in_progress_expiration = :deadline REMOVE #data",
        ExpressionAttributeNames={"#status": "status", "#data": "data"},
        ExpressionAttributeValues={":in_progress": "INPROGRESS", ":deadline": int((time.time() + lock_seconds) * 1000)},
    )


def test_a_key_whose_first_request_is_in_progress_is_a_409(runtime: LocalRuntime, admin: Api, sent):
    body = event(sent["identifier"], "ada", "I3")
    put_back_in_progress(runtime, with_key(admin, "POST", TRIGGER, "key-3", body), lock_seconds=60)
    response = with_key(admin, "POST", TRIGGER, "key-3", body)
    assert (response.status, list(response.json()["errors"])) == (409, ["Idempotency-Key"])


def test_a_key_whose_first_request_died_is_taken_over_once_its_invocation_timed_out(runtime: LocalRuntime, admin, sent):
    body = event(sent["identifier"], "ada", "I9")
    first = with_key(admin, "POST", TRIGGER, "key-9", body)
    put_back_in_progress(runtime, first, lock_seconds=-1)
    again = with_key(admin, "POST", TRIGGER, "key-9", body)
    assert (again.status, "idempotency-replay" in again.headers) == (201, False)
    assert again.json()["data"]["transactionId"] != first.json()["data"]["transactionId"]


def test_a_refused_request_releases_its_key(admin: Api, sent: dict[str, Any]):
    assert with_key(admin, "POST", TRIGGER, "key-4", event("no-such-workflow", "ada", "I4")).status == 422
    assert with_key(admin, "POST", TRIGGER, "key-4", event(sent["identifier"], "ada", "I4")).status == 201


def test_keys_belong_to_their_environment(admin: Api, sent: dict[str, Any]):
    assert with_key(admin, "POST", TRIGGER, "key-5", event(sent["identifier"], "ada", "I5")).status == 201
    other = other_environment_trigger_key(admin)
    response = with_key(other, "POST", TRIGGER, "key-5", event("unknown-there", "ada", "I5"))
    assert (response.status, list(response.json()["errors"])) == (422, ["name"])


@pytest.mark.parametrize("key", ["", "k" * 256, "tab\there"])
def test_a_key_that_is_empty_too_long_or_unprintable_is_a_422_naming_the_header(admin: Api, sent, key: str):
    response = with_key(admin, "POST", TRIGGER, key, event(sent["identifier"], "ada", "I6"))
    assert (response.status, list(response.json()["errors"])) == (422, ["Idempotency-Key"])


def test_a_repeated_bulk_trigger_is_replayed(runtime: LocalRuntime, admin: Api, sent: dict[str, Any]):
    body = {"events": [event(sent["identifier"], "ada", "I7")]}
    first, again = (with_key(admin, "POST", BULK, "key-7", body) for _ in range(2))
    assert (again.status, again.json(), again.headers.get("idempotency-replay")) == (201, first.json(), "true")
    runtime.drain()
    assert sent_to(runtime, sent, "I7") == ["ada@example.com"]


def test_a_repeated_campaign_trigger_is_replayed_as_204(runtime: LocalRuntime, admin: Api, sent: dict[str, Any]):
    body = {"user": {"external_id": "ada"}, "event": {"code": "I8"}}
    path = f"/api/client/campaigns/{sent['_id']}/trigger"
    first, again = (with_key(admin, "POST", path, "key-8", body) for _ in range(2))
    assert (first.status, again.status, again.body, again.headers.get("idempotency-replay")) == (204, 204, b"", "true")
    runtime.drain()
    assert sent_to(runtime, sent, "I8") == ["ada@example.com"]


# the sample events (`sam local invoke --event`)


def sample(name: str, admin: Api) -> dict[str, Any]:
    sample_event: dict[str, Any] = load_event(f"triggers/{name}.json")
    sample_event["requestContext"]["authorizer"]["lambda"]["environmentId"] = admin.environment_id
    return sample_event


def test_the_bulk_sample_event_is_answered_201_per_event(runtime: LocalRuntime, admin: Api, sent: dict[str, Any]):
    bulk = sample("trigger_bulk", admin)
    bulk["body"] = bulk["body"].replace('"welcome"', json.dumps(sent["identifier"]))
    response = runtime.invoke("TriggersFunction", bulk)
    assert response["statusCode"] == 201
    assert [result["status"] for result in json.loads(response["body"])["data"]] == ["processed", "processed"]


def test_the_cancel_sample_event_of_an_unknown_transaction_answers_false(runtime: LocalRuntime, admin: Api):
    response = runtime.invoke("TriggersFunction", sample("cancel_trigger", admin))
    assert (response["statusCode"], json.loads(response["body"])) == (200, {"data": False})

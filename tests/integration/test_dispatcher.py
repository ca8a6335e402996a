"""The dispatcher: a dispatch job → delivery records in MessagesTable → channel jobs → what the senders sent."""

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from clarion.campaigns.dispatch import dispatch
from clarion.engine import fanout
from clarion.engine.dispatch_jobs import SendJob, dispatch_body
from clarion.engine.dispatch_queue import send_dispatch_job
from clarion.engine.messages import message_id
from clarion.store.records import DeliveryRecords
from local.runtime import LocalRuntime
from tests.conftest import load_event
from tests.integration.conftest import Api
from tests.integration.support.campaigns import EMAIL_STEP, campaign, records, subscriber, trigger_event
from tests.integration.support.delivery import emails_with_subject

SMS_STEP = {"channel": "sms", "content": {"body": "Hi"}}


@pytest.fixture
def dispatcher(runtime: LocalRuntime) -> Iterator[None]:
    """Run engine code directly with the dispatcher's environment (tables, queues)."""
    with runtime.registry.environment_of("DispatcherFunction"):
        yield


def job(admin: Api, sent: dict[str, Any], *, code: str, **targets: Any) -> SendJob:
    return SendJob(
        environmentId=admin.environment_id,
        campaignId=sent["_id"],
        transactionId=new_transaction(),
        payload={"code": code},
        targets={"subscriberIds": [], "topicKeys": [], "all": False} | targets,  # type: ignore[arg-type]
    )


def new_transaction() -> str:
    return uuid.uuid4().hex[:24]


def by_subscriber(runtime: LocalRuntime, admin: Api) -> dict[str, dict[str, Any]]:
    return {record["subscriberId"]: record for record in records(runtime, admin)}


def test_each_recipient_gets_a_queued_record_with_the_rendered_content(runtime: LocalRuntime, admin: Api):
    sent = campaign(admin, EMAIL_STEP)
    subscriber(admin, "user-1", email="ada@example.com")
    response = trigger_event(admin, sent["identifier"], "user-1", payload={"code": "R1"})
    runtime.drain()
    (record,) = records(runtime, admin)
    transaction_id = response.json()["data"]["transactionId"]
    assert record["_id"] == message_id(admin.environment_id, transaction_id, "user-1", 0)
    assert (record["to"], record["content"]) == (
        {"email": "ada@example.com"},
        {"subject": f"{sent['name']} R1", "html": "<p>Hi</p>"},
    )
    assert (record["campaignId"], record["status"]) == (sent["_id"], "sent")


def test_a_channel_the_subscriber_turned_off_gets_a_filtered_record_and_nothing_is_sent(runtime, admin: Api):
    sent = campaign(admin, EMAIL_STEP)
    subscriber(admin, "user-1", email="ada@example.com")
    body = {"channel": {"type": "email", "enabled": False}}
    assert admin.call("PATCH", f"/v1/subscribers/user-1/preferences/{sent['_id']}", json=body).status == 200
    trigger_event(admin, sent["identifier"], "user-1", payload={"code": "P1"})
    runtime.drain()
    (record,) = records(runtime, admin)
    assert record["status"] == "filtered"
    assert "preferences" in record["history"][-1]["reason"]
    assert emails_with_subject(runtime, f"{sent['name']} P1") == []


def test_a_critical_campaign_ignores_the_preferences(runtime: LocalRuntime, admin: Api):
    sent = campaign(admin, EMAIL_STEP, critical=True)
    subscriber(admin, "user-1", email="ada@example.com")
    assert admin.call("PATCH", "/v1/subscribers/user-1/preferences", json={"enabled": False}).status == 200
    trigger_event(admin, sent["identifier"], "user-1", payload={"code": "P2"})
    runtime.drain()
    assert len(emails_with_subject(runtime, f"{sent['name']} P2")) == 1


def test_a_subscriber_without_email_gets_a_skipped_record(runtime: LocalRuntime, admin: Api):
    sent = campaign(admin, EMAIL_STEP)
    subscriber(admin, "user-1", firstName="Ada")
    trigger_event(admin, sent["identifier"], "user-1")
    runtime.drain()
    (record,) = records(runtime, admin)
    assert (record["status"], record["history"][-1]["reason"]) == ("skipped", "the subscriber has no email address")


def test_an_unknown_subscriber_gets_a_skipped_record(runtime: LocalRuntime, admin: Api):
    sent = campaign(admin, EMAIL_STEP)
    trigger_event(admin, sent["identifier"], "nobody")
    runtime.drain()
    (record,) = records(runtime, admin)
    assert (record["status"], record["history"][-1]["reason"]) == ("skipped", "no such subscriber")


def test_a_template_failing_to_render_gets_a_failed_record(runtime: LocalRuntime, admin: Api):
    failing = {"channel": "sms", "content": {"body": "{{ payload.items | first }}"}}
    sent = campaign(admin, failing)
    subscriber(admin, "user-1", phone="+14155550100")
    trigger_event(admin, sent["identifier"], "user-1", payload={"items": 5})
    runtime.drain()
    (record,) = records(runtime, admin)
    assert record["status"] == "failed"
    assert record["history"][-1]["reason"].startswith("content.body: ")


def test_each_step_gets_its_own_record(runtime: LocalRuntime, admin: Api):
    sent = campaign(admin, EMAIL_STEP, SMS_STEP)
    subscriber(admin, "user-1", email="ada@example.com")
    trigger_event(admin, sent["identifier"], "user-1", payload={"code": "S1"})
    runtime.drain()
    statuses = sorted((r["channel"], r["status"]) for r in records(runtime, admin))
    assert statuses == [("email", "sent"), ("sms", "skipped")]


def test_the_same_dispatch_job_run_twice_sends_once(runtime: LocalRuntime, admin: Api, dispatcher: None):
    sent = campaign(admin, EMAIL_STEP)
    subscriber(admin, "user-1", email="ada@example.com")
    repeated = job(admin, sent, code="T1", subscriberIds=["user-1"])
    send_dispatch_job(repeated)
    send_dispatch_job(repeated)
    runtime.drain()
    assert len(emails_with_subject(runtime, f"{sent['name']} T1")) == 1
    assert len(records(runtime, admin)) == 1


def test_a_job_rerun_after_crashing_before_the_enqueue_sends_once(runtime, admin: Api, dispatcher, monkeypatch):
    sent = campaign(admin, EMAIL_STEP)
    subscriber(admin, "user-1", email="ada@example.com")
    crashing = job(admin, sent, code="T2", subscriberIds=["user-1"])

    def crash(*_: Any) -> int:
        raise RuntimeError("the function died here")

    with monkeypatch.context() as patched:
        patched.setattr(fanout.jobs, "enqueue", crash)
        with pytest.raises(RuntimeError):
            dispatch(crashing, remaining_ms=lambda: 300_000)
    assert [r["status"] for r in records(runtime, admin)] == ["queued"]
    dispatch(crashing, remaining_ms=lambda: 300_000)
    runtime.drain()
    assert len(emails_with_subject(runtime, f"{sent['name']} T2")) == 1


def test_a_job_rerun_does_not_enqueue_again_a_record_a_sender_has_tried(runtime, admin: Api, dispatcher: None):
    sent = campaign(admin, EMAIL_STEP)
    subscriber(admin, "user-1", email="ada@example.com")
    repeated = job(admin, sent, code="T3", subscriberIds=["user-1"])
    assert dispatch(repeated, remaining_ms=lambda: 300_000).enqueued == 1
    (record,) = records(runtime, admin)
    tried = DeliveryRecords()
    claimed = tried.claim(admin.environment_id, record["_id"])
    assert claimed is not None
    tried.requeue(claimed, "TooManyRequestsException: slow down")  # as a sender does, its job kept for a backoff

    assert dispatch(repeated, remaining_ms=lambda: 300_000).enqueued == 0
    runtime.drain()
    assert len(emails_with_subject(runtime, f"{sent['name']} T3")) == 1


def test_a_subscriber_listed_and_in_a_topic_gets_one_message(runtime: LocalRuntime, admin: Api):
    sent = campaign(admin, EMAIL_STEP)
    subscriber(admin, "user-1", email="ada@example.com")
    admin.post("/v1/topics/dup/subscribers", {"subscribers": ["user-1"]})
    trigger_event(admin, sent["identifier"], ["user-1", {"type": "Topic", "topicKey": "dup"}], payload={"code": "U1"})
    runtime.drain()
    assert len(emails_with_subject(runtime, f"{sent['name']} U1")) == 1


def test_out_of_time_the_dispatcher_queues_a_continuation_that_finishes_the_audience(
    runtime: LocalRuntime, admin: Api, dispatcher: None
):
    sent = campaign(admin, EMAIL_STEP)
    members = [f"member-{index}" for index in range(5)]
    for member in members:
        subscriber(admin, member, email=f"{member}@example.com")
    admin.post("/v1/topics/big/subscribers", {"subscribers": members})
    outcome = dispatch(job(admin, sent, code="V1", topicKeys=["big"]), remaining_ms=lambda: 0, page_size=2, margin_ms=1)
    assert (outcome.recipients, outcome.continued) == (2, True)
    assert sorted(by_subscriber(runtime, admin)) == members[:2]
    runtime.drain()
    assert sorted(by_subscriber(runtime, admin)) == members
    assert len(emails_with_subject(runtime, f"{sent['name']} V1")) == 5


def test_small_pages_stream_every_source_in_turn(runtime: LocalRuntime, admin: Api, dispatcher: None):
    sent = campaign(admin, SMS_STEP)
    listed = [f"listed-{index}" for index in range(3)]
    members = [f"member-{index}" for index in range(3)]
    for subscriber_id in listed + members:
        subscriber(admin, subscriber_id, phone="+14155550100")
    admin.post("/v1/topics/t1/subscribers", {"subscribers": members})
    outcome = dispatch(
        job(admin, sent, code="W1", subscriberIds=listed, topicKeys=["t1", "missing-topic"]),
        remaining_ms=lambda: 300_000,
        page_size=2,
    )
    assert (outcome.recipients, outcome.records, outcome.continued) == (6, 6, False)
    assert sorted(by_subscriber(runtime, admin)) == sorted(listed + members)


def test_an_all_subscribers_job_reaches_every_subscriber_of_the_environment(
    runtime: LocalRuntime, admin: Api, dispatcher: None
):
    sent = campaign(admin, SMS_STEP)
    everyone = [f"user-{index}" for index in range(5)]
    for subscriber_id in everyone:
        subscriber(admin, subscriber_id, phone="+14155550100")
    outcome = dispatch(job(admin, sent, code="X1", all=True), remaining_ms=lambda: 300_000, page_size=2)
    assert outcome.recipients == 5
    assert sorted(by_subscriber(runtime, admin)) == everyone


def test_a_campaign_paused_before_dispatch_sends_nothing(runtime: LocalRuntime, admin: Api):
    sent = campaign(admin, EMAIL_STEP)
    subscriber(admin, "user-1", email="ada@example.com")
    trigger_event(admin, sent["identifier"], "user-1", payload={"code": "Y1"})
    assert admin.put(f"/v1/campaigns/{sent['_id']}", {"status": "paused"}).status == 200
    runtime.drain()
    assert records(runtime, admin) == []


def test_an_in_app_step_lands_in_the_subscribers_feed(runtime: LocalRuntime, admin: Api):
    in_app = {"channel": "in_app", "content": {"body": "Order {{ payload.order }} shipped"}}
    sent = campaign(admin, in_app)
    subscriber(admin, "reader")
    trigger_event(admin, sent["identifier"], "reader", payload={"order": "o-7"})
    runtime.drain()
    (message,) = admin.get("/v1/subscribers/reader/notifications/feed").json()["data"]
    assert (message["content"], message["payload"], message["templateIdentifier"]) == (
        "Order o-7 shipped",
        {"order": "o-7"},
        sent["identifier"],
    )


def test_the_sample_dispatch_event_is_handled_by_the_dispatcher_function(runtime: LocalRuntime, admin: Api):
    sent = campaign(admin, SMS_STEP)
    subscriber(admin, "user-1", phone="+14155550100")
    event = load_event("triggers/dispatch_job.json")
    event["Records"][0]["body"] = dispatch_body(job(admin, sent, code="Z1", subscriberIds=["user-1"]))
    assert runtime.invoke("DispatcherFunction", event) == {"batchItemFailures": []}
    assert [record["status"] for record in records(runtime, admin)] == ["queued"]

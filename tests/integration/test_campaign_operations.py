"""The campaign operations through the whole path: send, execute, start and stop (gateway → campaigns function →
dispatch queue → dispatcher → senders → moto)."""

import uuid
from typing import Any

from moto.ses.models import ses_backends

from local.runtime import LocalRuntime
from tests.integration.conftest import Api
from tests.integration.support.campaigns import (
    CAMPAIGNS,
    EMAIL_STEP,
    campaign,
    operation,
    records,
    subject,
    subscriber,
    trigger_event,
)


def emailed(runtime: LocalRuntime, sent: dict[str, Any], code: str) -> list[str]:
    backend = ses_backends[runtime.stack.resolver.account_id][runtime.stack.resolver.region]
    wanted = subject(sent, code)
    return sorted(m.destinations["ToAddresses"][0] for m in backend.sent_messages if m.subject == wanted)


# send


def test_send_reaches_the_campaigns_topic_audience(runtime: LocalRuntime, admin: Api):
    key = f"topic-{uuid.uuid4().hex[:8]}"
    for name in ("ada", "bob"):
        subscriber(admin, name, email=f"{name}@example.com")
    assert admin.post("/v1/topics", {"key": key, "name": key}).status == 201
    assert admin.post(f"/v1/topics/{key}/subscribers", {"subscribers": ["ada", "bob"]}).status == 200
    subscriber(admin, "carl", email="carl@example.com")  # not in the audience
    sent = campaign(admin, EMAIL_STEP, audience={"type": "topics", "topicKeys": [key]})
    response = operation(admin, sent["_id"], "send", {"payload": {"code": "S1"}})
    assert response.status == 202, response.json()
    data = response.json()["data"]
    assert (data["acknowledged"], data["status"]) == (True, "processed")
    runtime.drain()
    assert emailed(runtime, sent, "S1") == ["ada@example.com", "bob@example.com"]
    assert {r["transactionId"] for r in records(runtime, admin)} == {data["transactionId"]}


def test_send_without_a_body_reaches_listed_subscribers(runtime: LocalRuntime, admin: Api):
    subscriber(admin, "ada", email="ada@example.com")
    sent = campaign(admin, EMAIL_STEP, audience={"type": "subscribers", "subscriberIds": ["ada"]})
    assert operation(admin, sent["_id"], "send").status == 202
    runtime.drain()
    assert emailed(runtime, sent, "") == ["ada@example.com"]


def test_sending_an_inactive_campaign_is_a_409_naming_status(admin: Api):
    draft = campaign(admin, EMAIL_STEP, status="draft", audience={"type": "all"})
    response = operation(admin, draft["_id"], "send", {})
    assert response.status == 409
    assert "status" in response.json()["errors"]


def test_sending_an_unknown_campaign_is_a_404(admin: Api):
    assert operation(admin, "0" * 24, "send", {}).status == 404


# execute


def test_execute_sends_each_target_its_own_payload_and_its_id_shows_in_the_messages(runtime: LocalRuntime, admin: Api):
    subscriber(admin, "ada", email="ada@example.com")
    sent = campaign(admin, EMAIL_STEP)
    targets = [
        {"subscriberId": "ada", "payload": {"code": "E1"}},
        {"user": {"external_id": "new-user", "email": "new@example.com"}, "payload": {"code": "E2"}},
    ]
    response = operation(admin, sent["_id"], "execute", {"targets": targets})
    assert response.status == 202, response.json()
    data = response.json()["data"]
    assert [t["subscriberId"] for t in data["targets"]] == ["ada", "new-user"]
    assert emailed(runtime, sent, "E1") == []  # nothing happens before the dispatcher runs
    runtime.drain()
    assert emailed(runtime, sent, "E1") == ["ada@example.com"]
    assert emailed(runtime, sent, "E2") == ["new@example.com"]
    assert admin.get("/v1/subscribers/new-user").json()["data"]["email"] == "new@example.com"
    for target, code in zip(data["targets"], ("E1", "E2"), strict=True):
        messages = admin.get(f"/v1/messages?transactionId={target['id']}").json()["data"]
        assert [(m["subscriberId"], m["subject"], m["status"]) for m in messages] == [
            (target["subscriberId"], subject(sent, code), "sent")
        ]


def test_execute_names_the_bad_targets_field_by_index(admin: Api):
    sent = campaign(admin, EMAIL_STEP)
    targets = [{"subscriberId": f"s{i}"} for i in range(3)] + [{"user": {"external_id": "x", "email": "not-an-email"}}]
    response = operation(admin, sent["_id"], "execute", {"targets": targets})
    assert response.status == 422
    assert "targets[3].user.email" in response.json()["errors"]


def test_execute_refuses_a_user_without_the_address_the_campaign_needs(admin: Api):
    sent = campaign(admin, EMAIL_STEP)
    targets = [{"subscriberId": "a"}, {"user": {"external_id": "nobody-known"}}]
    response = operation(admin, sent["_id"], "execute", {"targets": targets})
    assert response.status == 422
    assert "targets[1].user.email" in response.json()["errors"]


def test_execute_refuses_more_than_1000_targets_and_none(admin: Api):
    sent = campaign(admin, EMAIL_STEP)
    too_many = [{"subscriberId": f"s{i}"} for i in range(1001)]
    assert operation(admin, sent["_id"], "execute", {"targets": too_many}).status == 422
    assert operation(admin, sent["_id"], "execute", {"targets": []}).status == 422
    both = [{"subscriberId": "a", "user": {"external_id": "a", "email": "a@example.com"}}]
    assert "targets[0]" in operation(admin, sent["_id"], "execute", {"targets": both}).json()["errors"]


# start and stop


def test_a_stopped_campaign_refuses_triggers(admin: Api):
    subscriber(admin, "ada", email="ada@example.com")
    sent = campaign(admin, EMAIL_STEP)
    stopped = operation(admin, sent["_id"], "stop")
    assert stopped.status == 200
    assert stopped.json()["data"]["status"] == "stopped"
    assert trigger_event(admin, sent["identifier"], "ada").json()["data"]["status"] == "trigger_not_active"
    body = {"user": {"external_id": "ada", "email": "ada@example.com"}}
    assert admin.post(f"/api/client/campaigns/{sent['_id']}/trigger", body).status == 409


def test_a_queued_message_of_a_stopped_campaign_is_cancelled_not_sent(runtime: LocalRuntime, admin: Api):
    subscriber(admin, "ada", email="ada@example.com")
    sent = campaign(admin, EMAIL_STEP)
    assert trigger_event(admin, sent["identifier"], "ada", payload={"code": "Q1"}).status == 201
    _dispatch_only(runtime)
    (queued,) = records(runtime, admin)
    assert queued["status"] == "queued"
    assert operation(admin, sent["_id"], "stop").status == 200
    runtime.drain()
    assert emailed(runtime, sent, "Q1") == []
    (cancelled,) = records(runtime, admin)
    assert cancelled["status"] == "cancelled"
    assert cancelled["history"][-1]["reason"] == "campaign stopped"
    shown = admin.get(f"/v1/messages?transactionId={cancelled['transactionId']}").json()["data"]
    assert [m["status"] for m in shown] == ["cancelled"]


def test_a_started_campaign_sends_again_but_not_what_was_queued_before_the_stop(runtime: LocalRuntime, admin: Api):
    subscriber(admin, "ada", email="ada@example.com")
    sent = campaign(admin, EMAIL_STEP)
    assert trigger_event(admin, sent["identifier"], "ada", payload={"code": "R1"}).status == 201
    _dispatch_only(runtime)
    assert operation(admin, sent["_id"], "stop").status == 200
    runtime.clock.advance(1)
    started = operation(admin, sent["_id"], "start")
    assert (started.status, started.json()["data"]["status"]) == (200, "active")
    assert trigger_event(admin, sent["identifier"], "ada", payload={"code": "R2"}).json()["data"]["status"] == (
        "processed"
    )
    runtime.drain()
    assert emailed(runtime, sent, "R1") == []
    assert emailed(runtime, sent, "R2") == ["ada@example.com"]


def test_start_and_stop_are_idempotent_and_completed_is_final(admin: Api):
    sent = campaign(admin, EMAIL_STEP, status="draft")
    assert operation(admin, sent["_id"], "stop").status == 409  # a draft never ran
    assert operation(admin, sent["_id"], "start").json()["data"]["status"] == "active"
    again = operation(admin, sent["_id"], "start")
    assert (again.status, again.json()["data"]["version"]) == (200, 2)
    assert operation(admin, sent["_id"], "stop").status == 200
    assert operation(admin, sent["_id"], "stop").json()["data"]["status"] == "stopped"
    assert admin.put(f"{CAMPAIGNS}/{sent['_id']}", {"status": "completed"}).status == 200
    for name in ("start", "stop"):
        response = operation(admin, sent["_id"], name)
        assert response.status == 409
        assert "status" in response.json()["errors"]


def _dispatch_only(runtime: LocalRuntime) -> None:
    """Runs the dispatcher on the waiting dispatch jobs, leaving the channel jobs queued."""
    from clarion.aws import client

    with runtime.registry.environment_of("DispatcherFunction"):
        from clarion.campaigns.dispatch import dispatch
        from clarion.engine.dispatch_jobs import parse_dispatch_job

        sqs = client("sqs")
        url = runtime.resources.queues["DispatchQueue"]
        while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
            for message in messages:
                dispatch(parse_dispatch_job(message["Body"]), remaining_ms=lambda: 300_000)
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])

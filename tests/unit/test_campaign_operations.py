"""The campaign operations (clarion.campaigns.operations) and the dispatcher's job table (clarion.campaigns.dispatch)
on the in-memory store, with moto's SQS as the dispatch and channel queues: send and execute queue dispatch jobs for
an active campaign only, start and stop move the status by its rules, expire-inbox and remove-inbox end in-app
messages of the campaign and of no other."""

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from clarion import clock
from clarion.aws import client
from clarion.campaigns import operations, service
from clarion.campaigns.dispatch import dispatch
from clarion.campaigns.models import CreateCampaignRequest
from clarion.campaigns.operation_models import (
    ExecuteCampaignRequest,
    RemoveInboxRequest,
    SendCampaignRequest,
)
from clarion.engine.dispatch_jobs import ExecuteJob, SendJob, parse_dispatch_job
from clarion.engine.messages import message_id
from clarion.engine.models import MAX_PAYLOAD_BYTES
from clarion.engine.notifications import Notifications
from clarion.errors import Conflict, NotFound, PayloadTooLarge, ValidationFailed
from clarion.ids import new_id
from clarion.inbox.expiry import ExpiredCampaignsRepository
from clarion.inbox.repository import FeedFilter, InboxRepository
from clarion.principal import Principal
from clarion.settings import settings
from clarion.store.records import DeliveryRecords, new_record
from clarion.subscribers.models import CreateSubscriberRequest
from clarion.subscribers.service import create_subscriber

EMAIL = {"channel": "email", "content": {"subject": "Hi", "body": "<p>hello {{ payload.name }}</p>"}}
IN_APP = {"channel": "in_app", "content": {"body": "hello"}}
QUEUES = {"dispatch": "DISPATCH_QUEUE_URL", "email": "EMAIL_QUEUE_URL", "in_app": "IN_APP_QUEUE_URL"}


@pytest.fixture(autouse=True)
def queues(memory_tables, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """The dispatch queue and the channel queues the operations and the dispatcher write to, by name."""
    sqs = client("sqs")
    urls = {name: sqs.create_queue(QueueName=f"{name}-{uuid.uuid4().hex}")["QueueUrl"] for name in QUEUES}
    for name, variable in QUEUES.items():
        monkeypatch.setenv(variable, urls[name])
    settings.cache_clear()
    yield urls
    settings.cache_clear()


def caller(environment_id: str | None = None) -> Principal:
    return Principal(new_id(), environment_id or new_id(), frozenset())


def campaign(who: Principal, *, status: str = "active", steps: list[dict[str, Any]] | None = None, **fields: Any):
    body = {"name": f"Ops {uuid.uuid4().hex[:10]}", "status": status, "steps": steps or [EMAIL]} | fields
    return service.create_campaign(who, CreateCampaignRequest.model_validate(body))


def listed(*subscriber_ids: str) -> dict[str, Any]:
    return {"audience": {"type": "subscribers", "subscriberIds": list(subscriber_ids)}}


def subscriber(who: Principal, **fields: Any) -> str:
    subscriber_id = f"sub-{uuid.uuid4().hex[:10]}"
    create_subscriber(who, CreateSubscriberRequest.model_validate({"subscriberId": subscriber_id} | fields))
    return subscriber_id


def drained(url: str) -> list[dict[str, Any]]:
    """Every message body on the queue, parsed."""
    sqs, bodies = client("sqs"), []
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        bodies += [json.loads(message["Body"]) for message in messages]
    return bodies


def send(who: Principal, campaign_id: str, **fields: Any):
    return operations.send_campaign(who, campaign_id, SendCampaignRequest.model_validate(fields))


def execute(who: Principal, campaign_id: str, *targets: dict[str, Any]):
    return operations.execute_campaign(who, campaign_id, ExecuteCampaignRequest.model_validate({"targets": targets}))


def remove(who: Principal, campaign_id: str, **fields: Any):
    return operations.remove_inbox(who, campaign_id, RemoveInboxRequest.model_validate(fields))


def in_app_message(who: Principal, campaign_id: str, subscriber_id: str, *, status: str = "sent") -> str:
    """An in-app message of the campaign: its delivery record, and (sent) the inbox item it delivered."""
    record = new_record(
        who.environment_id,
        subscriber_id,
        "in_app",
        to={},
        content={"body": "hi"},
        campaign_id=campaign_id,
        transaction_id=new_id(),
    ) | {"status": status}
    DeliveryRecords().create_many([record])
    if status == "sent":
        InboxRepository().put_message(
            who.environment_id, subscriber_id, {"_id": record["_id"], "_templateId": campaign_id}
        )
    return str(record["_id"])


def inbox_ids(who: Principal, subscriber_id: str) -> set[str]:
    items, _ = InboxRepository().feed(
        who.environment_id, subscriber_id, FeedFilter(), now=clock.epoch_seconds(), offset=0, limit=100
    )
    return {item["_id"] for item in items}


# send


def test_send_queues_one_send_job_for_the_campaigns_own_audience_with_the_payload(queues: dict[str, str]):
    who = caller()
    sent = campaign(who, **listed("ada", "bob"))
    result = send(who, sent.id, payload={"name": "Ada"})
    [body] = drained(queues["dispatch"])
    job = parse_dispatch_job(body)
    assert isinstance(job, SendJob)
    assert (job.campaignId, job.transactionId, job.payload) == (sent.id, result.transactionId, {"name": "Ada"})
    assert job.targets == {"subscriberIds": ["ada", "bob"], "topicKeys": [], "all": False}


def test_send_writes_the_notification_of_its_transaction():
    who = caller()
    sent = campaign(who, **listed("ada"))
    transaction_id = send(who, sent.id, transactionId="my-send-1").transactionId
    assert transaction_id == "my-send-1"
    notification = Notifications().get(who.environment_id, transaction_id)
    assert notification is not None
    assert (notification["campaignId"], notification["status"]) == (sent.id, "processing")


@pytest.mark.parametrize(
    ("audience", "targets"),
    [
        (
            {"type": "topics", "topicKeys": ["beta", "vip"]},
            {"subscriberIds": [], "topicKeys": ["beta", "vip"], "all": False},
        ),
        ({"type": "all"}, {"subscriberIds": [], "topicKeys": [], "all": True}),
    ],
)
def test_send_reaches_a_topic_or_whole_environment_audience(queues, audience, targets):
    who = caller()
    sent = campaign(who, audience=audience)
    send(who, sent.id)
    [body] = drained(queues["dispatch"])
    assert body["targets"] == targets


def test_send_of_a_campaign_with_an_empty_audience_is_refused_naming_audience(queues: dict[str, str]):
    who = caller()
    sent = campaign(who)
    with pytest.raises(ValidationFailed) as refused:
        send(who, sent.id)
    assert refused.value.field == "audience"
    assert drained(queues["dispatch"]) == []


@pytest.mark.parametrize("status", ["draft", "paused", "stopped", "completed"])
def test_only_an_active_campaign_can_be_sent(queues: dict[str, str], status: str):
    who = caller()
    inactive = campaign(who, status=status, **listed("ada"))
    with pytest.raises(Conflict) as refused:
        send(who, inactive.id)
    assert refused.value.field == "status"
    assert drained(queues["dispatch"]) == []


def test_sending_an_unknown_or_another_environments_campaign_is_not_found():
    other = campaign(caller(), **listed("ada"))
    for campaign_id in (new_id(), other.id):
        with pytest.raises(NotFound) as refused:
            send(caller(), campaign_id)
        assert refused.value.field == "campaignId"


def test_a_transaction_id_used_before_is_a_conflict_and_queues_nothing_more(queues: dict[str, str]):
    who = caller()
    sent = campaign(who, **listed("ada"))
    send(who, sent.id, transactionId="once")
    with pytest.raises(Conflict) as refused:
        send(who, sent.id, transactionId="once")
    assert refused.value.field == "transactionId"
    assert len(drained(queues["dispatch"])) == 1


def test_a_payload_over_the_limit_is_refused_naming_payload(queues: dict[str, str]):
    who = caller()
    sent = campaign(who, **listed("ada"))
    with pytest.raises(PayloadTooLarge) as refused:
        send(who, sent.id, payload={"blob": "x" * MAX_PAYLOAD_BYTES})
    assert refused.value.field == "payload"
    assert drained(queues["dispatch"]) == []


# execute


def test_execute_answers_an_id_per_target_in_order_and_queues_their_payloads(queues: dict[str, str]):
    who = caller()
    executed = campaign(who)
    result = execute(who, executed.id, {"subscriberId": "ada", "payload": {"n": 1}}, {"subscriberId": "bob"})
    assert [target.subscriberId for target in result.targets] == ["ada", "bob"]
    assert len({target.id for target in result.targets}) == 2
    [body] = drained(queues["dispatch"])
    job = parse_dispatch_job(body)
    assert isinstance(job, ExecuteJob)
    assert (job.transactionId, job.clientId) == (result.executionId, who.client_id)
    assert [(t["id"], t["subscriberId"], t["payload"]) for t in job.execution] == [
        (result.targets[0].id, "ada", {"n": 1}),
        (result.targets[1].id, "bob", {}),
    ]


def test_an_execute_target_given_as_a_user_carries_the_user_to_upsert(queues: dict[str, str]):
    who = caller()
    executed = campaign(who)
    execute(who, executed.id, {"user": {"external_id": "carol", "email": "carol@example.com"}})
    [body] = drained(queues["dispatch"])
    [target] = body["execution"]
    assert (target["subscriberId"], target["user"]) == ("carol", {"external_id": "carol", "email": "carol@example.com"})


def test_more_targets_than_a_job_holds_are_split_into_jobs_of_at_most_100(queues: dict[str, str]):
    who = caller()
    executed = campaign(who)
    result = execute(
        who, executed.id, *({"subscriberId": f"s{number}"} for number in range(operations.EXECUTE_JOB_TARGETS + 1))
    )
    jobs = drained(queues["dispatch"])
    assert sorted(len(job["execution"]) for job in jobs) == [1, operations.EXECUTE_JOB_TARGETS]
    assert {job["transactionId"] for job in jobs} == {result.executionId}
    queued = [target["id"] for job in jobs for target in job["execution"]]
    assert sorted(queued) == sorted(target.id for target in result.targets)


def test_targets_with_large_payloads_are_split_to_keep_each_job_under_the_queues_limit(queues: dict[str, str]):
    who = caller()
    executed = campaign(who)
    big = {"blob": "x" * (60 * 1024)}
    execute(who, executed.id, *({"subscriberId": f"s{number}", "payload": big} for number in range(5)))
    jobs = drained(queues["dispatch"])
    assert len(jobs) >= 2 and sum(len(job["execution"]) for job in jobs) == 5
    assert all(len(json.dumps(job).encode()) < 256 * 1024 for job in jobs)


def test_a_target_payload_over_the_limit_is_refused_naming_its_index(queues: dict[str, str]):
    who = caller()
    executed = campaign(who)
    with pytest.raises(PayloadTooLarge) as refused:
        execute(
            who, executed.id, {"subscriberId": "a"}, {"subscriberId": "b", "payload": {"x": "y" * MAX_PAYLOAD_BYTES}}
        )
    assert refused.value.field == "targets[1].payload"
    assert drained(queues["dispatch"]) == []


def test_a_user_without_the_address_an_email_campaign_needs_is_refused_naming_the_field(queues: dict[str, str]):
    who = caller()
    executed = campaign(who)
    with pytest.raises(ValidationFailed) as refused:
        execute(who, executed.id, {"subscriberId": "a"}, {"user": {"external_id": f"new-{uuid.uuid4().hex[:8]}"}})
    assert refused.value.field == "targets[1].user.email"
    assert drained(queues["dispatch"]) == []


def test_a_user_whose_stored_profile_has_the_address_needs_none_in_the_request(queues: dict[str, str]):
    who = caller()
    known = subscriber(who, email="known@example.com")
    executed = campaign(who)
    execute(who, executed.id, {"user": {"external_id": known}})
    assert len(drained(queues["dispatch"])) == 1


def test_an_inactive_campaign_cannot_be_executed():
    who = caller()
    paused = campaign(who, status="paused")
    with pytest.raises(Conflict) as refused:
        execute(who, paused.id, {"subscriberId": "ada"})
    assert refused.value.field == "status"


# start and stop


@pytest.mark.parametrize("status", operations.STARTABLE)
def test_start_makes_a_draft_paused_or_stopped_campaign_active_at_the_next_version(status: str):
    who = caller()
    started = operations.start_campaign(who, campaign(who, status=status).id)
    assert (started.status, started.version, started.updatedBy) == ("active", 2, who.client_id)
    assert service.get_campaign(who, started.id) == started


def test_starting_an_active_campaign_answers_it_unchanged():
    who = caller()
    active = campaign(who)
    assert operations.start_campaign(who, active.id) == active


def test_a_completed_campaign_cannot_be_started():
    who = caller()
    done = campaign(who, status="completed")
    with pytest.raises(Conflict) as refused:
        operations.start_campaign(who, done.id)
    assert refused.value.field == "status"


@pytest.mark.parametrize("status", operations.STOPPABLE)
def test_stop_makes_an_active_or_paused_campaign_stopped_and_notes_when(status: str):
    who = caller()
    stopped = operations.stop_campaign(who, campaign(who, status=status).id)
    assert (stopped.status, stopped.version) == ("stopped", 2)
    assert stopped.stoppedAt is not None and stopped.createdAt <= stopped.stoppedAt <= stopped.updatedAt


def test_stopping_a_stopped_campaign_answers_it_unchanged():
    who = caller()
    stopped = operations.stop_campaign(who, campaign(who).id)
    assert operations.stop_campaign(who, stopped.id) == stopped


@pytest.mark.parametrize("status", ["draft", "completed"])
def test_a_draft_or_completed_campaign_cannot_be_stopped(status: str):
    who = caller()
    with pytest.raises(Conflict) as refused:
        operations.stop_campaign(who, campaign(who, status=status).id)
    assert refused.value.field == "status"


def test_a_restarted_campaign_keeps_when_it_was_last_stopped():
    who = caller()
    stopped = operations.stop_campaign(who, campaign(who).id)
    restarted = operations.start_campaign(who, stopped.id)
    assert (restarted.status, restarted.stoppedAt, restarted.version) == ("active", stopped.stoppedAt, 3)


def test_start_and_stop_of_an_unknown_campaign_are_not_found():
    for operation in (operations.start_campaign, operations.stop_campaign):
        with pytest.raises(NotFound):
            operation(caller(), new_id())


# expire inbox


def test_expire_inbox_of_a_campaign_without_an_in_app_step_is_refused_naming_steps():
    who = caller()
    with pytest.raises(ValidationFailed) as refused:
        operations.expire_inbox(who, campaign(who).id)
    assert refused.value.field == "steps"


def test_expire_inbox_marks_the_campaign_and_notes_it_on_the_campaign():
    who = caller()
    expiring = campaign(who, steps=[IN_APP, EMAIL])
    result = operations.expire_inbox(who, expiring.id)
    assert result.campaignId == expiring.id
    markers = ExpiredCampaignsRepository().of_environment(who.environment_id)
    assert markers.cutoffs == {expiring.id: result.expiredAt}
    stored = service.get_campaign(who, expiring.id)
    assert (stored.inboxExpiredAt, stored.version) == (result.expiredAt, 2)


def test_expired_inbox_messages_of_the_campaign_leave_the_feed_and_others_stay():
    who = caller()
    expiring, other = campaign(who, steps=[IN_APP]), campaign(who, steps=[IN_APP])
    reader = subscriber(who)
    in_app_message(who, expiring.id, reader)
    kept = in_app_message(who, other.id, reader)
    operations.expire_inbox(who, expiring.id)
    assert inbox_ids(who, reader) == {kept}


# remove inbox


def test_removing_a_delivered_message_deletes_it_from_the_inbox():
    who = caller()
    removing = campaign(who, steps=[IN_APP])
    reader = subscriber(who)
    message = in_app_message(who, removing.id, reader)
    [item] = remove(who, removing.id, messageIds=[message]).results
    assert (item.messageId, item.status, item.removed) == (message, "removed", 1)
    assert inbox_ids(who, reader) == set()


def test_removing_a_queued_message_cancels_it_instead():
    who = caller()
    removing = campaign(who, steps=[IN_APP])
    message = in_app_message(who, removing.id, subscriber(who), status="queued")
    [item] = remove(who, removing.id, messageIds=[message]).results
    assert (item.status, item.removed) == ("removed", 1)
    record = DeliveryRecords().get(who.environment_id, message)
    assert record is not None and record["status"] == "cancelled"
    assert record["history"][-1]["reason"] == operations.REMOVED_REASON


def test_a_message_of_another_campaign_or_unknown_is_not_found_and_stays():
    who = caller()
    removing, other = campaign(who, steps=[IN_APP]), campaign(who, steps=[IN_APP])
    reader = subscriber(who)
    others = in_app_message(who, other.id, reader)
    unknown = new_id()
    results = remove(who, removing.id, messageIds=[others, unknown]).results
    assert [(item.messageId, item.status, item.removed) for item in results] == [
        (others, "not_found", 0),
        (unknown, "not_found", 0),
    ]
    assert inbox_ids(who, reader) == {others}


def test_a_message_named_twice_is_removed_and_answered_once():
    who = caller()
    removing = campaign(who, steps=[IN_APP])
    message = in_app_message(who, removing.id, subscriber(who))
    results = remove(who, removing.id, messageIds=[message, message]).results
    assert [(item.messageId, item.status) for item in results] == [(message, "removed")]


def test_removing_by_subscriber_deletes_every_message_of_the_campaign_in_its_inbox_only():
    who = caller()
    removing, other = campaign(who, steps=[IN_APP]), campaign(who, steps=[IN_APP])
    reader, nobody = subscriber(who), subscriber(who)
    in_app_message(who, removing.id, reader)
    in_app_message(who, removing.id, reader)
    kept = in_app_message(who, other.id, reader)
    results = remove(who, removing.id, subscriberIds=[reader, nobody]).results
    assert [(item.subscriberId, item.status, item.removed) for item in results] == [
        (reader, "removed", 2),
        (nobody, "not_found", 0),
    ]
    assert inbox_ids(who, reader) == {kept}


def test_remove_inbox_of_another_environments_campaign_is_not_found():
    owner = caller()
    removing = campaign(owner, steps=[IN_APP])
    with pytest.raises(NotFound):
        remove(caller(), removing.id, messageIds=[new_id()])


# dispatch


def never_short() -> int:
    return 10**9


def test_a_send_job_of_an_active_campaign_writes_and_enqueues_each_recipients_record(queues: dict[str, str]):
    who = caller()
    reader = subscriber(who, email="reader@example.com")
    sending = campaign(who, **listed(reader))
    transaction_id = send(who, sending.id, payload={"name": "Ada"}).transactionId
    [body] = drained(queues["dispatch"])
    outcome = dispatch(parse_dispatch_job(body), remaining_ms=never_short)
    assert (outcome.recipients, outcome.records, outcome.enqueued, outcome.continued) == (1, 1, 1, False)
    expected = message_id(who.environment_id, transaction_id, reader, 0)
    record = DeliveryRecords().get(who.environment_id, expected)
    assert record is not None and record["status"] == "queued"
    assert "hello Ada" in record["content"]["html"]
    assert drained(queues["email"]) == [{"environmentId": who.environment_id, "messageId": expected}]


@pytest.mark.parametrize("change", ["stopped", "gone"])
def test_a_job_whose_campaign_is_no_longer_active_or_gone_does_nothing(queues: dict[str, str], change: str):
    who = caller()
    reader = subscriber(who, email="reader@example.com")
    sending = campaign(who, **listed(reader))
    transaction_id = send(who, sending.id).transactionId
    [body] = drained(queues["dispatch"])
    job = parse_dispatch_job(body)
    if change == "stopped":
        operations.stop_campaign(who, sending.id)
    else:
        job = job.model_copy(update={"campaignId": new_id()})
    outcome = dispatch(job, remaining_ms=never_short)
    assert (outcome.recipients, outcome.records) == (0, 0)
    assert DeliveryRecords().get(who.environment_id, message_id(who.environment_id, transaction_id, reader, 0)) is None
    assert drained(queues["email"]) == []


def test_an_execute_job_sends_each_target_its_own_payload_under_its_own_id(queues: dict[str, str]):
    who = caller()
    executed = campaign(who)
    result = execute(
        who,
        executed.id,
        {"user": {"external_id": f"u-{uuid.uuid4().hex[:8]}", "email": "u@example.com"}, "payload": {"name": "Una"}},
    )
    [body] = drained(queues["dispatch"])
    outcome = dispatch(parse_dispatch_job(body), remaining_ms=never_short)
    assert outcome.records == 1
    [target] = result.targets
    record = DeliveryRecords().get(
        who.environment_id, message_id(who.environment_id, target.id, target.subscriberId, 0)
    )
    assert record is not None and record["transactionId"] == target.id
    assert "hello Una" in record["content"]["html"] and record["to"]["email"] == "u@example.com"

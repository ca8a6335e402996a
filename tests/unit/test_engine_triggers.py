"""Accepting triggers (clarion.engine.triggers, trigger_extras, dispatch_queue, and the request hash of idempotency):
a trigger writes its notification and queues ONE dispatch job carrying its payload, audience and extras, or is
refused with the error and field that say why, having changed nothing. The dispatch queue is moto's SQS."""

import json
import uuid
from typing import Any

import pytest

from clarion.aws import client
from clarion.campaigns.models import CreateCampaignRequest
from clarion.campaigns.service import create_campaign
from clarion.engine import trigger_extras, trigger_resolution
from clarion.engine.dispatch_jobs import SendJob, parse_dispatch_job
from clarion.engine.dispatch_queue import send_dispatch_job
from clarion.engine.idempotency import request_hash
from clarion.engine.models import (
    MAX_PAYLOAD_BYTES,
    BroadcastRequest,
    BulkTriggerRequest,
    CampaignTriggerRequest,
    EventTriggerRequest,
)
from clarion.engine.notifications import Notifications
from clarion.engine.triggers import (
    bounded_payload,
    broadcast,
    trigger_bulk,
    trigger_campaign_for_user,
    trigger_event,
)
from clarion.errors import Conflict, NotFound, PayloadTooLarge, ValidationFailed
from clarion.ids import new_id
from clarion.integrations.models import CreateIntegrationRequest
from clarion.integrations.service import create_integration
from clarion.principal import Principal
from clarion.settings import settings
from clarion.subscribers.models import CreateSubscriberRequest
from clarion.subscribers.repository import SubscribersRepository
from clarion.subscribers.service import create_subscriber
from clarion.tenants.repository import TenantsRepository

EMAIL_STEP = {"channel": "email", "content": {"subject": "Hi {{ payload.code }}", "body": "<p>Hi</p>"}}


@pytest.fixture
def caller(memory_tables: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Principal:
    """A client of a fresh environment, with the dispatch queue in moto's SQS."""
    url = client("sqs").create_queue(QueueName=f"dispatch-{uuid.uuid4().hex[:12]}")["QueueUrl"]
    monkeypatch.setenv("DISPATCH_QUEUE_URL", url)
    settings.cache_clear()
    return Principal("client-1", new_id(), frozenset())


def campaign(caller: Principal, *steps: dict[str, Any], status: str = "active") -> dict[str, Any]:
    body = {"name": f"Campaign {uuid.uuid4().hex[:10]}", "status": status, "steps": list(steps or [EMAIL_STEP])}
    return create_campaign(caller, CreateCampaignRequest.model_validate(body)).model_dump(by_alias=True)


def subscriber(caller: Principal, subscriber_id: str, **fields: Any) -> None:
    create_subscriber(caller, CreateSubscriberRequest.model_validate({"subscriberId": subscriber_id} | fields))


def queued_jobs() -> list[Any]:
    url = settings().dispatch_queue_url
    messages = client("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    return [parse_dispatch_job(message["Body"]) for message in messages]


def event(name: str, to: Any, **fields: Any) -> EventTriggerRequest:
    return EventTriggerRequest.model_validate({"name": name, "to": to} | fields)


def profile(caller: Principal, subscriber_id: str) -> dict[str, Any] | None:
    return SubscribersRepository().get(caller.environment_id, subscriber_id)


# Novu's events trigger


def test_a_trigger_writes_its_notification_and_queues_one_job_for_its_whole_audience(caller):
    sent = campaign(caller)
    to = ["ada", "bob", "ada", {"type": "Topic", "topicKey": "beta"}]
    result = trigger_event(caller, event(sent["identifier"], to, payload={"code": "R1"}, transactionId="tx-1"))
    assert (result.acknowledged, result.status, result.transactionId) == (True, "processed", "tx-1")
    (job,) = queued_jobs()
    assert isinstance(job, SendJob)
    assert (job.environmentId, job.campaignId, job.transactionId, job.payload) == (
        caller.environment_id,
        sent["_id"],
        "tx-1",
        {"code": "R1"},
    )
    assert job.targets == {"subscriberIds": ["ada", "bob"], "topicKeys": ["beta"], "all": False}
    stored = Notifications().get(caller.environment_id, "tx-1")
    assert stored is not None and stored["status"] == "processing"


def test_a_trigger_without_a_transaction_id_gets_one_generated(caller):
    sent = campaign(caller)
    result = trigger_event(caller, event(sent["identifier"], "ada"))
    (job,) = queued_jobs()
    assert result.transactionId and job.transactionId == result.transactionId


def test_a_trigger_naming_no_campaign_is_refused_naming_the_field(caller):
    with pytest.raises(ValidationFailed) as refused:
        trigger_event(caller, event("no-such-campaign", "ada"))
    assert refused.value.field == "name"
    assert queued_jobs() == []


@pytest.mark.parametrize("status", ["draft", "paused", "stopped"])
def test_a_trigger_of_an_inactive_campaign_is_acknowledged_and_sends_nothing(caller, status: str):
    sent = campaign(caller, status=status)
    result = trigger_event(caller, event(sent["identifier"], "ada", transactionId="tx-2"))
    assert (result.acknowledged, result.status) == (True, "trigger_not_active")
    assert (queued_jobs(), Notifications().get(caller.environment_id, "tx-2")) == ([], None)


def test_a_transaction_id_used_before_is_a_conflict_and_queues_nothing_more(caller):
    sent = campaign(caller)
    trigger_event(caller, event(sent["identifier"], "ada", transactionId="tx-3"))
    with pytest.raises(Conflict) as refused:
        trigger_event(caller, event(sent["identifier"], "bob", transactionId="tx-3"))
    assert refused.value.field == "transactionId"
    assert len(queued_jobs()) == 1


def test_a_payload_over_the_limit_is_refused_naming_the_field(caller):
    sent = campaign(caller)
    with pytest.raises(PayloadTooLarge) as refused:
        trigger_event(caller, event(sent["identifier"], "ada", payload={"blob": "x" * MAX_PAYLOAD_BYTES}))
    assert refused.value.field == "payload"
    assert queued_jobs() == []


def test_a_payload_of_exactly_the_limit_is_accepted():
    overhead = len(json.dumps({"blob": ""}, separators=(",", ":")))
    payload = {"blob": "x" * (MAX_PAYLOAD_BYTES - overhead)}
    assert bounded_payload(payload, field="payload") is payload
    with pytest.raises(PayloadTooLarge):
        bounded_payload({"blob": payload["blob"] + "x"}, field="payload")


def test_a_recipient_given_in_full_is_upserted_as_a_subscriber(caller):
    sent = campaign(caller)
    trigger_event(caller, event(sent["identifier"], {"subscriberId": "ada", "email": "ada@example.com"}))
    stored = profile(caller, "ada")
    assert stored is not None and stored["email"] == "ada@example.com"
    (job,) = queued_jobs()
    assert job.targets["subscriberIds"] == ["ada"]


def test_the_actor_given_in_full_is_upserted_and_its_public_fields_travel_with_the_job(caller):
    sent = campaign(caller)
    actor = {"subscriberId": "bob", "firstName": "Bob", "email": "bob@example.com"}
    trigger_event(caller, event(sent["identifier"], "ada", actor=actor))
    assert profile(caller, "bob") is not None
    (job,) = queued_jobs()
    assert job.actor == actor


def test_an_actor_named_by_id_is_read_from_its_profile_or_kept_as_its_id(caller):
    subscriber(caller, "bob", firstName="Bob")
    assert trigger_resolution.actor_of(caller.environment_id, "bob") == {"subscriberId": "bob", "firstName": "Bob"}
    assert trigger_resolution.actor_of(caller.environment_id, "nobody") == {"subscriberId": "nobody"}


def test_the_tenant_travels_with_the_job_and_is_kept_on_the_notification(caller):
    sent = campaign(caller)
    trigger_event(caller, event(sent["identifier"], "ada", tenant="acme", transactionId="tx-4"))
    (job,) = queued_jobs()
    tenant = TenantsRepository().get(caller.environment_id, "acme")  # created by the trigger, as Novu does
    assert tenant is not None and job.tenant == {"_id": tenant["_id"], "identifier": "acme"}
    stored = Notifications().get(caller.environment_id, "tx-4")
    assert stored is not None and stored["tenant"] == job.tenant


def test_overrides_naming_an_unknown_integration_are_refused_before_anything_changes(caller):
    sent = campaign(caller)
    overrides = {"email": {"integrationIdentifier": "nope"}}
    with pytest.raises(ValidationFailed) as refused:
        trigger_event(caller, event(sent["identifier"], {"subscriberId": "ada"}, overrides=overrides))
    assert (refused.value.field, refused.value.value) == ("overrides.email.integrationIdentifier", "nope")
    assert (profile(caller, "ada"), queued_jobs()) == (None, [])


def test_overrides_naming_an_active_integration_travel_with_the_job(caller):
    body = {"providerId": "sns", "channel": "sms", "active": True, "identifier": "texts"}
    create_integration(caller, CreateIntegrationRequest.model_validate(body))
    sent = campaign(caller)
    overrides = {"sms": {"integrationIdentifier": "texts", "content": "hi"}, "layoutIdentifier": "plain"}
    trigger_event(caller, event(sent["identifier"], "ada", overrides=overrides))
    (job,) = queued_jobs()
    assert job.overrides == overrides


# bulk and broadcast


def test_a_bulk_trigger_answers_each_event_in_place_and_a_refused_one_stops_no_other(caller):
    sent = campaign(caller)
    events = [
        {"name": sent["identifier"], "to": "ada", "transactionId": "b-1"},
        {"name": "unknown", "to": "ada", "transactionId": "b-2"},
        {"name": sent["identifier"], "to": "bob", "transactionId": "b-1"},
        {"name": sent["identifier"], "to": "bob", "transactionId": "b-3"},
    ]
    results = trigger_bulk(caller, BulkTriggerRequest.model_validate({"events": events}))
    assert [(result.status, result.transactionId) for result in results] == [
        ("processed", "b-1"),
        ("error", "b-2"),
        ("error", "b-1"),
        ("processed", "b-3"),
    ]
    assert sorted(job.transactionId for job in queued_jobs()) == ["b-1", "b-3"]


def test_a_broadcast_queues_one_job_for_every_subscriber_of_the_environment(caller):
    sent = campaign(caller)
    result = broadcast(caller, BroadcastRequest.model_validate({"name": sent["identifier"], "payload": {"n": 1}}))
    (job,) = queued_jobs()
    assert (job.transactionId, job.targets, job.payload) == (
        result.transactionId,
        {"subscriberIds": [], "topicKeys": [], "all": True},
        {"n": 1},
    )


def test_a_broadcast_of_an_inactive_campaign_sends_nothing(caller):
    sent = campaign(caller, status="paused")
    assert broadcast(caller, BroadcastRequest.model_validate({"name": sent["identifier"]})).status == (
        "trigger_not_active"
    )
    assert queued_jobs() == []


# the client campaign trigger


def user_trigger(**user: Any) -> CampaignTriggerRequest:
    return CampaignTriggerRequest.model_validate({"user": {"external_id": "ada"} | user, "event": {"code": "C1"}})


def test_the_client_trigger_upserts_its_user_and_queues_the_campaign_for_it(caller):
    sent = campaign(caller)
    trigger_campaign_for_user(caller, sent["_id"], user_trigger(email="ada@example.com", timezone="Europe/Paris"))
    stored = profile(caller, "ada")
    assert stored is not None and (stored["email"], stored["timezone"]) == ("ada@example.com", "Europe/Paris")
    (job,) = queued_jobs()
    assert (job.targets["subscriberIds"], job.payload) == (["ada"], {"code": "C1"})


def test_the_client_trigger_of_an_unknown_campaign_is_not_found(caller):
    with pytest.raises(NotFound) as refused:
        trigger_campaign_for_user(caller, new_id(), user_trigger(email="ada@example.com"))
    assert refused.value.field == "campaignId"


def test_the_client_trigger_of_an_inactive_campaign_is_a_conflict(caller):
    sent = campaign(caller, status="draft")
    with pytest.raises(Conflict) as refused:
        trigger_campaign_for_user(caller, sent["_id"], user_trigger(email="ada@example.com"))
    assert refused.value.field == "status"


@pytest.mark.parametrize(
    ("step", "field"),
    [
        (EMAIL_STEP, "user.email"),
        ({"channel": "sms", "content": {"body": "b"}}, "user.phone"),
        ({"channel": "push", "content": {"title": "t", "body": "b"}}, "user.device_token"),
    ],
)
def test_the_client_trigger_needs_the_users_address_for_each_channel(caller, step: dict[str, Any], field: str):
    sent = campaign(caller, step)
    with pytest.raises(ValidationFailed) as refused:
        trigger_campaign_for_user(caller, sent["_id"], user_trigger())
    assert refused.value.field == field
    assert (profile(caller, "ada"), queued_jobs()) == (None, [])


def test_an_address_known_from_before_satisfies_the_client_trigger(caller):
    subscriber(caller, "ada", email="ada@example.com")
    sent = campaign(caller)
    trigger_campaign_for_user(caller, sent["_id"], user_trigger())
    assert len(queued_jobs()) == 1


def test_the_users_device_token_is_kept_once_as_an_fcm_credential(caller):
    sent = campaign(caller, {"channel": "push", "content": {"title": "t", "body": "b"}})
    token = f"token-{uuid.uuid4().hex}"
    trigger_campaign_for_user(caller, sent["_id"], user_trigger(device_token=token))
    trigger_campaign_for_user(caller, sent["_id"], user_trigger(device_token=token))
    stored = profile(caller, "ada")
    assert stored is not None
    fcm = [channel for channel in stored["channels"] if channel["providerId"] == "fcm"]
    assert [channel["credentials"]["deviceTokens"] for channel in fcm] == [[token]]


# the dispatch queue


def test_a_dispatch_job_is_refused_when_no_dispatch_queue_is_configured(memory_tables, monkeypatch):
    monkeypatch.setenv("DISPATCH_QUEUE_URL", "")
    settings.cache_clear()
    job = SendJob(
        environmentId="e",
        campaignId="c",
        transactionId="t",
        payload={},
        targets={"subscriberIds": [], "topicKeys": [], "all": True},
    )
    with pytest.raises(RuntimeError, match="DISPATCH_QUEUE_URL is not set"):
        send_dispatch_job(job)


# the trigger's extras


@pytest.mark.parametrize(
    ("tenant", "expected"),
    [
        ("acme", {"identifier": "acme"}),
        (
            {"identifier": "acme", "name": "Acme", "data": {"plan": "pro"}, "other": 1},
            {"identifier": "acme", "name": "Acme", "data": {"plan": "pro"}},
        ),
    ],
)
def test_a_tenant_is_an_identifier_or_its_known_fields(caller, tenant: Any, expected: Any):
    given = EventTriggerRequest.model_validate({"name": "n", "to": "ada", "tenant": tenant}).tenant
    seen, workflow_override = trigger_resolution.tenant_of(caller.environment_id, given, new_id())
    assert seen is not None and seen == {"_id": seen["_id"]} | expected
    assert workflow_override is None


def test_a_trigger_without_a_tenant_reads_none(caller):
    assert trigger_resolution.tenant_of(caller.environment_id, None, new_id()) == (None, None)


def test_a_job_carries_only_the_extras_the_trigger_named():
    assert trigger_resolution.job_extras(None, {"identifier": "acme"}, {}) == {"tenant": {"identifier": "acme"}}


@pytest.mark.parametrize(
    ("channel", "overrides", "expected"),
    [
        ("email", {"email": {"integrationIdentifier": "ses-1"}}, "ses-1"),
        ("sms", {"sms": {"integrationIdentifier": "sns-1"}}, "sns-1"),
        ("push", {"push": {"integrationIdentifier": "p"}}, None),
        ("email", {"email": "not an object"}, None),
        ("email", None, None),
    ],
)
def test_only_email_and_sms_overrides_name_an_integration(channel: str, overrides: Any, expected: Any):
    assert trigger_extras.integration_named(channel, overrides) == expected


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [({"layoutIdentifier": "plain"}, "plain"), ({"layoutIdentifier": ""}, None), (None, None)],
)
def test_a_layout_is_named_by_a_non_empty_layout_identifier(overrides: Any, expected: Any):
    assert trigger_extras.layout_named(overrides) == expected


def test_a_message_without_an_actor_says_so_and_one_with_an_actor_names_its_subscriber():
    assert trigger_extras.in_app_actor(None) == {"actor": {"type": "none", "data": None}}
    acted = trigger_extras.in_app_actor({"subscriberId": "bob", "email": "bob@example.com"})
    assert acted["actorSubscriber"] == {"subscriberId": "bob", "firstName": None, "lastName": None, "avatar": None}


# the idempotency key's request hash


def test_the_same_json_body_hashes_the_same_whatever_its_key_order_and_spacing():
    assert request_hash("POST", "/v1/events/trigger", '{"a": 1, "b": [1, 2]}') == request_hash(
        "POST", "/v1/events/trigger", '{"b":[1,2],"a":1}'
    )


@pytest.mark.parametrize(
    "other",
    [
        ("PUT", "/v1/events/trigger", '{"a":1}'),
        ("POST", "/v1/events/trigger/bulk", '{"a":1}'),
        ("POST", "/v1/events/trigger", '{"a":2}'),
    ],
)
def test_another_method_path_or_body_hashes_differently(other: tuple[str, str, str]):
    assert request_hash("POST", "/v1/events/trigger", '{"a":1}') != request_hash(*other)


def test_a_body_that_is_not_json_is_hashed_as_its_text():
    assert request_hash("POST", "/p", "{not json") == request_hash("POST", "/p", "{not json")
    assert request_hash("POST", "/p", "{not json") != request_hash("POST", "/p", "{not  json")

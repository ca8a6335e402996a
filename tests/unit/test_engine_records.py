"""The records the engine builds and keeps (clarion.engine.messages, addresses, record_store, notifications, cancel):
one record per (recipient, channel step) with a derived id, skipped, filtered or failed with the reason recorded, or
queued with its content rendered from the payload and shaped for its sender; which existing records still need a
job; the notification of a trigger and the cancelling of what it has not sent yet."""

from typing import Any

import pytest

from clarion.engine.addresses import NO_ADDRESS, address_for
from clarion.engine.cancel import CANCEL_REASON, cancel_transaction
from clarion.engine.job_types import TriggerContext
from clarion.engine.messages import message_id, records_for, suppressions_of
from clarion.engine.notifications import Notifications
from clarion.engine.record_store import DispatchedRecords
from clarion.errors import Conflict
from clarion.ids import new_id
from clarion.integrations.models import CreateIntegrationRequest, UpdateIntegrationRequest
from clarion.integrations.selection import NO_MATCH
from clarion.integrations.service import create_integration, list_integrations, update_integration
from clarion.principal import Principal
from clarion.store.records import DeliveryRecords, new_record
from clarion.suppressions.models import SuppressionEntry
from clarion.suppressions.service import add_suppressions

EMAIL_STEP = {
    "channel": "email",
    "content": {"subject": "Order {{ payload.order }}", "body": "<p>{{ subscriber.firstName }}</p>"},
}
ADA = {"subscriberId": "ada", "firstName": "Ada", "email": "ada@example.com", "phone": "+14155550100"}
ALL_ON: dict[str, bool] = {}


def context(**extras: Any) -> TriggerContext:
    return (
        TriggerContext(environmentId=new_id(), campaignId=new_id(), transactionId=new_id(), payload={"order": "o-7"})
        | extras
    )  # type: ignore[return-value]


def campaign(*steps: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"_id": new_id(), "identifier": "orders", "name": "Orders", "version": 1, "steps": list(steps)} | fields


def one_record(
    job: TriggerContext, step: dict[str, Any], profile: dict[str, Any] | None, **fields: Any
) -> dict[str, Any]:
    (record,) = records_for(job, campaign(step, **fields), "ada", profile, lambda: ALL_ON)
    return record


def reason(record: dict[str, Any]) -> tuple[str, str]:
    return record["status"], record["history"][-1]["reason"]


# message ids


def test_the_same_trigger_subscriber_and_step_always_get_the_same_message_id():
    assert message_id("env", "tx", "ada", 0) == message_id("env", "tx", "ada", 0)


@pytest.mark.parametrize(
    "other", [("env2", "tx", "ada", 0), ("env", "tx2", "ada", 0), ("env", "tx", "bob", 0), ("env", "tx", "ada", 1)]
)
def test_a_message_id_changes_with_each_of_its_parts(other: tuple[str, str, str, int]):
    assert message_id("env", "tx", "ada", 0) != message_id(*other)


def test_ids_that_join_to_the_same_text_still_get_different_message_ids():
    assert message_id("a", "bc", "d", 0) != message_id("ab", "c", "d", 0)


# records_for


def test_each_channel_step_gets_a_queued_record_with_the_payload_rendered_into_it(memory_tables):
    job = context()
    sms = {"channel": "sms", "content": {"body": "Hi {{ subscriber.firstName }}, {{ payload.order }} shipped"}}
    email, text = records_for(job, campaign(EMAIL_STEP, sms), "ada", ADA, lambda: ALL_ON)
    assert (email["status"], email["to"], email["content"]) == (
        "queued",
        {"email": "ada@example.com"},
        {"subject": "Order o-7", "html": "<p>Ada</p>"},
    )
    assert (text["to"], text["content"]) == ({"phone": "+14155550100"}, {"body": "Hi Ada, o-7 shipped"})
    assert [email["_id"], text["_id"]] == [
        message_id(job["environmentId"], job["transactionId"], "ada", i) for i in (0, 1)
    ]
    assert (email["stepIndex"], text["stepIndex"], email["transactionId"]) == (0, 1, job["transactionId"])


def test_an_unknown_subscriber_gets_skipped_records_and_its_preferences_are_never_read(memory_tables):
    def preferences() -> dict[str, bool]:
        raise AssertionError("read for a subscriber that does not exist")

    (record,) = records_for(context(), campaign(EMAIL_STEP), "nobody", None, preferences)
    assert reason(record) == ("skipped", "no such subscriber")


def test_a_suppressed_email_address_and_phone_get_filtered_records_saying_why_even_when_critical(memory_tables):
    job = context()
    entries = [
        SuppressionEntry(channel="email", address="ADA@example.com", reason="bounce"),
        SuppressionEntry(channel="sms", address="+14155550100", reason="complaint"),
    ]
    add_suppressions(job["environmentId"], entries)
    sms = {"channel": "sms", "content": {"body": "Hi"}}
    sent = campaign(EMAIL_STEP, sms, {"channel": "in_app", "content": {"body": "Hi"}}, critical=True)
    suppressions = suppressions_of(job["environmentId"], sent, [ADA])
    email, text, in_app = records_for(job, sent, "ada", ADA, lambda: ALL_ON, suppressions=suppressions)
    assert reason(email)[0] == reason(text)[0] == "filtered"
    assert reason(email)[1].startswith("the address is suppressed (bounce, source api, ")
    assert reason(text)[1].startswith("the address is suppressed (complaint, ")
    assert in_app["status"] == "queued"  # an inbox has no address to suppress


def test_suppressions_are_read_only_for_the_campaigns_addressed_channels(memory_tables):
    job = context()
    add_suppressions(job["environmentId"], [SuppressionEntry(channel="email", address="ada@example.com")])
    assert suppressions_of(job["environmentId"], campaign({"channel": "sms", "content": {"body": "Hi"}}), [ADA]) == {}
    assert set(suppressions_of(job["environmentId"], campaign(EMAIL_STEP), [ADA, {"subscriberId": "bob"}])) == {
        ("email", "ada@example.com")
    }


def test_a_channel_turned_off_by_the_preferences_gets_a_filtered_record(memory_tables):
    (record,) = records_for(context(), campaign(EMAIL_STEP), "ada", ADA, lambda: {"email": False})
    assert reason(record) == ("filtered", "the subscriber's preferences turn email off for this campaign")


@pytest.mark.parametrize(
    ("step", "profile"),
    [
        (EMAIL_STEP, {"subscriberId": "ada"}),
        ({"channel": "sms", "content": {"body": "Hi"}}, {"subscriberId": "ada", "email": "ada@example.com"}),
        ({"channel": "push", "content": {"title": "t", "body": "b"}}, {"subscriberId": "ada", "channels": []}),
        (
            {"channel": "chat", "content": {"body": "b"}},
            {"subscriberId": "ada", "channels": [{"providerId": "fcm", "credentials": {"webhookUrl": "https://x"}}]},
        ),
    ],
)
def test_a_subscriber_without_an_address_for_the_channel_gets_a_skipped_record(memory_tables, step, profile):
    record = one_record(context(), step, profile)
    assert reason(record) == ("skipped", NO_ADDRESS[step["channel"]])


def test_a_template_that_fails_to_render_gets_a_failed_record_naming_the_field(memory_tables):
    failing = {"channel": "sms", "content": {"body": "{{ payload.items | first }}"}}
    record = one_record(context(payload={"items": 5}), failing, ADA)
    status, why = reason(record)
    assert (status, why.split(":")[0]) == ("failed", "content.body")


def test_an_email_record_keeps_its_text_part_and_sender(memory_tables):
    step = {
        "channel": "email",
        "content": {"subject": "s", "body": "<p>b</p>", "text": "b {{ payload.order }}", "from": "ops@example.com"},
    }
    record = one_record(context(), step, ADA)
    assert record["content"] == {"subject": "s", "html": "<p>b</p>", "text": "b o-7", "from": "ops@example.com"}


def test_a_push_record_goes_to_the_fcm_tokens_before_the_apns_ones(memory_tables):
    profile = ADA | {
        "channels": [
            {"providerId": "apns", "credentials": {"deviceTokens": ["a1"]}},
            {"providerId": "fcm", "credentials": {"deviceTokens": ["f1", "f2"]}},
        ]
    }
    step = {
        "channel": "push",
        "content": {"title": "Order {{ payload.order }}", "body": "shipped", "data": {"id": "{{ payload.order }}"}},
    }
    record = one_record(context(), step, profile)
    assert (record["to"], record["providerId"]) == ({"providerId": "fcm", "deviceTokens": ["f1", "f2"]}, "fcm")
    assert record["content"] == {"title": "Order o-7", "body": "shipped", "data": {"id": "o-7"}}


def test_an_in_app_record_carries_the_payload_the_campaign_and_no_actor_when_none_acted(memory_tables):
    cta = {"type": "redirect", "data": {"url": "/orders/{{ payload.order }}"}}
    step = {"channel": "in_app", "content": {"body": "{{ payload.order }} shipped", "cta": cta}}
    record = one_record(context(), step, ADA)
    assert (record["to"], record["content"]) == (
        {},
        {
            "body": "o-7 shipped",
            "payload": {"order": "o-7"},
            "templateIdentifier": "orders",
            "cta": {"type": "redirect", "data": {"url": "/orders/o-7"}},
            "actor": {"type": "none", "data": None},
        },
    )


def test_an_in_app_record_carries_the_steps_buttons_as_the_messages_action(memory_tables):
    buttons = [{"type": "primary", "content": "Track {{ payload.order }}"}, {"type": "secondary", "content": "Later"}]
    step = {"channel": "in_app", "content": {"body": "shipped", "buttons": buttons}}
    record = one_record(context(), step, ADA)
    assert record["content"]["cta"] == {
        "type": "redirect",
        "data": {},
        "action": {"buttons": [{"type": "primary", "content": "Track o-7"}, buttons[1]], "result": {}},
    }


def test_an_in_app_steps_link_and_buttons_share_the_messages_cta(memory_tables):
    cta = {"type": "redirect", "data": {"url": "/orders/{{ payload.order }}"}}
    buttons = [{"type": "primary", "content": "Open"}]
    step = {"channel": "in_app", "content": {"body": "shipped", "cta": cta, "buttons": buttons}}
    record = one_record(context(), step, ADA)
    assert record["content"]["cta"] == {
        "type": "redirect",
        "data": {"url": "/orders/o-7"},
        "action": {"buttons": buttons, "result": {}},
    }


def test_an_in_app_record_names_the_actor_of_the_trigger(memory_tables):
    step = {"channel": "in_app", "content": {"body": "{{ actor.firstName }} commented"}}
    record = one_record(context(actor={"subscriberId": "bob", "firstName": "Bob"}), step, ADA)
    assert record["content"]["body"] == "Bob commented"
    assert record["content"]["actorSubscriber"] == {
        "subscriberId": "bob",
        "firstName": "Bob",
        "lastName": None,
        "avatar": None,
    }


def test_an_in_app_record_of_a_campaign_with_an_inbox_expiry_carries_its_expiry(memory_tables):
    step = {"channel": "in_app", "content": {"body": "b"}}
    record = one_record(context(), step, ADA, inboxExpiryDays=3)
    assert record["content"]["expireAt"] > record["createdAt"]


@pytest.mark.parametrize(
    ("step", "overrides", "expected"),
    [
        (
            EMAIL_STEP,
            {"email": {"from": "o@example.com", "cc": ["c@example.com"], "senderName": ""}},
            {"from": "o@example.com", "cc": ["c@example.com"]},
        ),
        ({"channel": "sms", "content": {"body": "b"}}, {"sms": {"content": "replaced"}}, {"body": "replaced"}),
        ({"channel": "sms", "content": {"body": "b"}}, {"email": {"from": "o@example.com"}}, {"body": "b"}),
    ],
)
def test_the_triggers_overrides_of_the_records_channel_are_applied_to_its_content(
    memory_tables, step, overrides, expected
):
    record = one_record(context(overrides=overrides), step, ADA)
    assert {name: record["content"].get(name) for name in expected} == expected


def test_push_overrides_replace_the_title_and_merge_their_data_over_the_steps(memory_tables):
    profile = ADA | {"channels": [{"providerId": "fcm", "credentials": {"deviceTokens": ["t"]}}]}
    step = {"channel": "push", "content": {"title": "t", "body": "b", "data": {"a": "1", "b": "1"}}}
    overrides = {"fcm": {"title": "New", "data": {"b": "2"}}}
    record = one_record(context(overrides=overrides), step, profile)
    assert record["content"] == {"title": "New", "body": "b", "data": {"a": "1", "b": "2"}}


@pytest.fixture
def integrations(memory_tables) -> tuple[Principal, TriggerContext]:
    """An environment with two active SES integrations: the primary (older) and a conditional one."""
    job = context()
    caller = Principal("client-1", job["environmentId"], frozenset())
    create_integration(
        caller,
        CreateIntegrationRequest.model_validate(
            {"providerId": "ses", "channel": "email", "active": True, "identifier": "plain"}
        ),
    )
    conditions = [{"children": [{"field": "order", "on": "payload", "operator": "EQUAL", "value": "o-7"}]}]
    body = {"providerId": "ses", "channel": "email", "active": True, "identifier": "orders", "conditions": conditions}
    create_integration(caller, CreateIntegrationRequest.model_validate(body))
    return caller, job


def test_a_record_lists_the_matching_integrations_the_conditional_one_first(integrations):
    _, job = integrations
    record = one_record(job, EMAIL_STEP, ADA)
    assert [candidate["identifier"] for candidate in record["integrations"]] == ["orders", "plain"]


def test_a_record_of_a_channel_without_integrations_is_left_to_the_stack_default(integrations):
    _, job = integrations
    record = one_record(job, {"channel": "sms", "content": {"body": "b"}}, ADA)
    assert (record["status"], "integrations" in record) == ("queued", False)


def test_a_record_whose_integrations_all_fail_their_conditions_is_skipped(memory_tables):
    job = context()
    caller = Principal("client-1", job["environmentId"], frozenset())
    conditions = [{"children": [{"field": "order", "on": "payload", "operator": "EQUAL", "value": "other"}]}]
    body = {"providerId": "ses", "channel": "email", "active": True, "conditions": conditions}
    create_integration(caller, CreateIntegrationRequest.model_validate(body))
    assert reason(one_record(job, EMAIL_STEP, ADA)) == ("skipped", NO_MATCH)


def test_a_trigger_naming_an_integration_gets_it_alone(integrations):
    _, job = integrations
    record = one_record(job | {"overrides": {"email": {"integrationIdentifier": "plain"}}}, EMAIL_STEP, ADA)  # type: ignore[operator]
    assert [candidate["identifier"] for candidate in record["integrations"]] == ["plain"]


def test_a_named_integration_deactivated_since_the_trigger_fails_the_record(integrations):
    caller, job = integrations
    (named,) = [i for i in list_integrations(caller) if i.identifier == "orders"]
    update_integration(caller, named.id, UpdateIntegrationRequest.model_validate({"active": False}))
    record = one_record(job | {"overrides": {"email": {"integrationIdentifier": "orders"}}}, EMAIL_STEP, ADA)  # type: ignore[operator]
    assert reason(record) == ("failed", "overrides.email.integrationIdentifier: no active email integration 'orders'")


# addresses


@pytest.mark.parametrize(
    ("channel", "profile", "expected"),
    [
        ("email", {"email": "a@example.com"}, {"email": "a@example.com"}),
        ("email", {"email": ""}, None),
        ("sms", {"phone": "+14155550100"}, {"phone": "+14155550100"}),
        (
            "push",
            {
                "channels": [
                    {"providerId": "fcm", "credentials": {"deviceTokens": []}},
                    {"providerId": "apns", "credentials": {"deviceTokens": ["a"]}},
                ]
            },
            {"providerId": "apns", "deviceTokens": ["a"]},
        ),
        (
            "chat",
            {"channels": [{"providerId": "slack", "credentials": {"webhookUrl": "https://hooks/x"}}]},
            {"providerId": "slack", "webhookUrl": "https://hooks/x"},
        ),
        ("chat", {"channels": [{"providerId": "slack", "credentials": {}}]}, None),
        ("in_app", {}, {}),
    ],
)
def test_the_address_of_each_channel_is_read_from_the_profile(channel: str, profile: dict[str, Any], expected: Any):
    assert address_for(channel, profile) == expected


# record_store


def test_of_existing_records_only_those_queued_and_never_claimed_need_a_job(memory_tables):
    environment_id = new_id()
    records = DeliveryRecords()
    fresh, tried, sent = (new_record(environment_id, "ada", "sms", to={}, content={}) for _ in range(3))
    records.create_many([fresh, tried, sent | {"status": "sent"}])
    claimed = records.claim(environment_id, tried["_id"])
    assert claimed is not None
    records.requeue(claimed, "Throttling")
    missing = new_id()
    needed = DispatchedRecords().jobs_needed(environment_id, [fresh["_id"], tried["_id"], sent["_id"], missing])
    assert needed == {fresh["_id"]: True, tried["_id"]: False, sent["_id"]: False}


# notifications


def notification(environment_id: str, transaction_id: str, **fields: Any) -> dict[str, Any]:
    targets = {"subscriberIds": [f"s-{n}" for n in range(150)], "topicKeys": ["t"], "all": False}
    return Notifications().create(
        environment_id, transaction_id, campaign(EMAIL_STEP, channels=["email"]), {"p": 1}, targets, **fields
    )  # type: ignore[arg-type]


def test_a_new_notification_is_processing_and_summarises_its_audience(memory_tables):
    environment_id, transaction_id = new_id(), new_id()
    notification(environment_id, transaction_id, tenant={"identifier": "acme"})
    stored = Notifications().get(environment_id, transaction_id)
    assert stored is not None
    assert (stored["status"], stored["channels"], stored["tenant"], stored["payload"]) == (
        "processing",
        ["email"],
        {"identifier": "acme"},
        {"p": 1},
    )
    assert (len(stored["to"]["subscriberIds"]), stored["to"]["topicKeys"]) == (100, ["t"])


def test_a_transaction_id_used_before_in_the_environment_is_a_conflict(memory_tables):
    environment_id, transaction_id = new_id(), new_id()
    notification(environment_id, transaction_id)
    with pytest.raises(Conflict) as refused:
        notification(environment_id, transaction_id)
    assert refused.value.field == "transactionId"
    notification(new_id(), transaction_id)  # another environment's may reuse it


def test_a_notification_is_cancelled_once(memory_tables):
    environment_id, transaction_id = new_id(), new_id()
    notification(environment_id, transaction_id)
    assert Notifications().mark_cancelled(environment_id, transaction_id) is True
    assert Notifications().mark_cancelled(environment_id, transaction_id) is False
    assert Notifications().is_cancelled(environment_id, transaction_id) is True
    assert Notifications().mark_cancelled(environment_id, new_id()) is False


# cancel


def no_runs(environment_id: str, transaction_id: str) -> int:
    return 0


def queued_records(environment_id: str, transaction_id: str, *statuses: str) -> list[dict[str, Any]]:
    records = [
        new_record(environment_id, f"s-{n}", "sms", to={}, content={}, transaction_id=transaction_id)
        | {"status": status}
        for n, status in enumerate(statuses)
    ]
    DeliveryRecords().create_many(records)
    return records


def status_of(record: dict[str, Any]) -> str:
    found = DeliveryRecords().get(record["environmentId"], record["_id"])
    assert found is not None
    return str(found["status"])


def test_cancelling_a_trigger_still_fanning_out_marks_it_and_cancels_its_queued_records(memory_tables):
    environment_id, transaction_id = new_id(), new_id()
    notification(environment_id, transaction_id)
    queued, sent = queued_records(environment_id, transaction_id, "queued", "sent")
    assert cancel_transaction(Principal("c", environment_id, frozenset()), transaction_id, stop_runs=no_runs) is True
    assert Notifications().is_cancelled(environment_id, transaction_id)
    assert (status_of(queued), status_of(sent)) == ("cancelled", "sent")
    found = DeliveryRecords().get(environment_id, queued["_id"])
    assert found is not None and found["history"][-1]["reason"] == CANCEL_REASON


def test_cancelling_a_fully_dispatched_trigger_with_nothing_queued_changes_nothing(memory_tables):
    environment_id, transaction_id = new_id(), new_id()
    notification(environment_id, transaction_id)
    Notifications().mark_dispatched(environment_id, transaction_id)
    (sent,) = queued_records(environment_id, transaction_id, "sent")
    assert cancel_transaction(Principal("c", environment_id, frozenset()), transaction_id, stop_runs=no_runs) is False
    assert (Notifications().is_cancelled(environment_id, transaction_id), status_of(sent)) == (False, "sent")


def test_cancelling_a_dispatched_trigger_with_queued_records_or_runs_stops_them(memory_tables):
    environment_id, transaction_id = new_id(), new_id()
    notification(environment_id, transaction_id)
    Notifications().mark_dispatched(environment_id, transaction_id)
    stopped: list[tuple[str, str]] = []

    def stop_runs(environment: str, transaction: str) -> int:
        stopped.append((environment, transaction))
        return 1

    assert cancel_transaction(Principal("c", environment_id, frozenset()), transaction_id, stop_runs=stop_runs) is True
    assert stopped == [(environment_id, transaction_id)]
    assert Notifications().is_cancelled(environment_id, transaction_id)


@pytest.mark.parametrize("whose", ["unknown", "another environment's", "already cancelled"])
def test_there_is_nothing_to_cancel_for_an_unknown_foreign_or_cancelled_trigger(memory_tables, whose: str):
    environment_id, transaction_id = new_id(), new_id()
    notification(environment_id, transaction_id)
    (queued,) = queued_records(environment_id, transaction_id, "queued")
    caller = Principal("c", environment_id, frozenset())
    if whose == "unknown":
        transaction_id = new_id()
    elif whose == "another environment's":
        caller = Principal("c", new_id(), frozenset())
    else:
        Notifications().mark_cancelled(environment_id, transaction_id)
    assert cancel_transaction(caller, transaction_id, stop_runs=no_runs) is False
    assert status_of(queued) == "queued"


def test_a_record_claimed_before_the_cancel_is_left_to_its_sender(memory_tables):
    environment_id, transaction_id = new_id(), new_id()
    notification(environment_id, transaction_id)
    (claimed,) = queued_records(environment_id, transaction_id, "queued")
    assert DeliveryRecords().claim(environment_id, claimed["_id"]) is not None
    cancel_transaction(Principal("c", environment_id, frozenset()), transaction_id, stop_runs=no_runs)
    assert status_of(claimed) == "sending"

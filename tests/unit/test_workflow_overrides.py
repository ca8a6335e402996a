"""clarion.tenants.overrides on the in-memory store, and the engine applying them: Novu v1's workflow overrides
(one per workflow and tenant; created for a tenant and a campaign that exist; read by id or by the pair; updated
with preferenceSettings merged; deleted), and a trigger naming the tenant: `active: false` files every message as
filtered saying why, `preferenceSettings` replace the campaign's channel defaults (the subscriber's own choice still
wins, in Novu's order), read once per trigger. The queues are moto's SQS."""

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from clarion.aws import client
from clarion.campaigns.models import CreateCampaignRequest
from clarion.campaigns.service import create_campaign
from clarion.engine.dispatch_jobs import parse_dispatch_job
from clarion.engine.fanout import Run, Runners, active_campaign, send_audience
from clarion.engine.messages import message_id
from clarion.engine.models import EventTriggerRequest
from clarion.engine.triggers import trigger_event
from clarion.errors import Conflict, NotFound
from clarion.ids import new_id
from clarion.preferences.models import UpdateCampaignPreferenceRequest
from clarion.preferences.service import allowed_channels
from clarion.preferences.service import update_campaign as update_campaign_preference
from clarion.principal import Principal
from clarion.settings import settings
from clarion.store.records import DeliveryRecords
from clarion.subscribers.models import CreateSubscriberRequest
from clarion.subscribers.service import create_subscriber
from clarion.tenants import overrides
from clarion.tenants.models import CreateTenantRequest, CreateWorkflowOverrideRequest, UpdateWorkflowOverrideRequest
from clarion.tenants.overrides_repository import WorkflowOverridesRepository
from clarion.tenants.service import create_tenant

SMS_STEP = {"channel": "sms", "content": {"body": "Hi from {{ tenant.name }}"}}
EMAIL_STEP = {"channel": "email", "content": {"subject": "Hi", "body": "<p>{{ tenant.data.brand }}</p>"}}


@pytest.fixture
def caller(memory_tables: dict[str, str], channel_queues: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Principal:
    url = client("sqs").create_queue(QueueName=f"dispatch-{uuid.uuid4().hex[:12]}")["QueueUrl"]
    monkeypatch.setenv("DISPATCH_QUEUE_URL", url)
    settings.cache_clear()
    return Principal("client-1", new_id(), frozenset())


def workflow(caller: Principal, *steps: dict[str, Any], **fields: Any) -> dict[str, Any]:
    body = {"name": f"Campaign {uuid.uuid4().hex[:10]}", "status": "active", "steps": list(steps)} | fields
    return create_campaign(caller, CreateCampaignRequest.model_validate(body)).model_dump(by_alias=True)


def tenant_id(caller: Principal, identifier: str = "acme", **fields: Any) -> str:
    body = {"identifier": identifier, "name": "Acme"} | fields
    return create_tenant(caller, CreateTenantRequest.model_validate(body)).id


def override(caller: Principal, workflow_id: str, tenant: str, **fields: Any) -> dict[str, Any]:
    request = CreateWorkflowOverrideRequest.model_validate({"workflowId": workflow_id, "tenantId": tenant} | fields)
    return overrides.create_override(caller, request).model_dump(by_alias=True)


def dispatched(caller: Principal, sent: dict[str, Any], **trigger: Any) -> list[dict[str, Any]]:
    """The records of a trigger to ada, once the dispatcher ran its job: one per step, in step order."""
    transaction_id = new_id()
    request = EventTriggerRequest.model_validate(
        {"name": sent["identifier"], "to": "ada", "transactionId": transaction_id} | trigger
    )
    trigger_event(caller, request)
    url = settings().dispatch_queue_url
    (message,) = client("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    campaign = active_campaign(caller.environment_id, sent["_id"])
    assert campaign is not None
    run = Run(remaining_ms=lambda: 300_000, runners=Runners(start_runs=lambda *_: 0), margin_ms=1)
    send_audience(parse_dispatch_job(message["Body"]), campaign, run)  # type: ignore[arg-type]
    records = DeliveryRecords()
    found = [
        records.get(caller.environment_id, message_id(caller.environment_id, transaction_id, "ada", index))
        for index in range(len(sent["steps"]))
    ]
    assert all(found)
    return found  # type: ignore[return-value]


def status_and_reason(record: dict[str, Any]) -> tuple[str, str | None]:
    return record["status"], record["history"][-1].get("reason")


@pytest.fixture
def ada(caller: Principal) -> None:
    body = {"subscriberId": "ada", "phone": "+14155550100", "email": "ada@example.com"}
    create_subscriber(caller, CreateSubscriberRequest.model_validate(body))


# the routes' service


def test_an_override_reads_back_by_id_and_by_workflow_and_tenant_in_novus_shape(caller):
    sent, tenant = workflow(caller, SMS_STEP), tenant_id(caller)
    created = override(caller, sent["_id"], tenant, preferenceSettings={"sms": False})
    assert overrides.get_override(caller, created["_id"]).model_dump(by_alias=True) == created
    assert overrides.get_override_of(caller, sent["_id"], tenant).model_dump(by_alias=True) == created
    assert (created["_workflowId"], created["_tenantId"], created["_environmentId"]) == (
        sent["_id"],
        tenant,
        caller.environment_id,
    )
    assert (created["active"], created["deleted"]) == (True, False)
    assert created["preferenceSettings"] == {"email": True, "sms": False, "push": True, "in_app": True, "chat": True}


def test_a_second_override_of_the_same_workflow_and_tenant_is_a_conflict(caller):
    sent, tenant = workflow(caller, SMS_STEP), tenant_id(caller)
    first = override(caller, sent["_id"], tenant)
    with pytest.raises(Conflict) as error:
        override(caller, sent["_id"], tenant, active=False)
    assert error.value.field == "tenantId"
    assert overrides.get_override(caller, first["_id"]).active is True


@pytest.mark.parametrize("missing", ["tenantId", "workflowId"])
def test_an_override_needs_a_tenant_and_a_workflow_of_the_environment(caller, missing: str):
    ids = {"workflowId": workflow(caller, SMS_STEP)["_id"], "tenantId": tenant_id(caller)}
    other = Principal("client-2", new_id(), frozenset())
    ids[missing] = tenant_id(other) if missing == "tenantId" else workflow(other, SMS_STEP)["_id"]
    with pytest.raises(NotFound) as error:
        override(caller, ids["workflowId"], ids["tenantId"])
    assert error.value.field == missing
    assert overrides.list_overrides(caller, page=0, limit=10).data == []


def test_an_update_merges_preference_settings_and_keeps_what_it_does_not_give(caller):
    sent, tenant = workflow(caller, SMS_STEP), tenant_id(caller)
    created = override(caller, sent["_id"], tenant, preferenceSettings={"sms": False})
    change = UpdateWorkflowOverrideRequest.model_validate({"preferenceSettings": {"email": False}})
    updated = overrides.update_override(caller, created["_id"], change).model_dump(by_alias=True)
    assert {channel for channel, on in updated["preferenceSettings"].items() if not on} == {"sms", "email"}
    assert updated["active"] is True and updated["updatedAt"] > created["updatedAt"]
    by_pair = overrides.update_override_of(
        caller, sent["_id"], tenant, UpdateWorkflowOverrideRequest(active=False)
    ).model_dump(by_alias=True)
    assert (by_pair["active"], by_pair["preferenceSettings"]) == (False, updated["preferenceSettings"])
    assert overrides.get_override(caller, created["_id"]).model_dump(by_alias=True) == by_pair


def test_the_list_pages_newest_first_and_a_deleted_override_is_gone(caller, use_clock):
    use_clock(datetime(2026, 12, 1, tzinfo=UTC), step=0.001)
    tenant = tenant_id(caller)
    created = [override(caller, workflow(caller, SMS_STEP)["_id"], tenant)["_id"] for _ in range(3)]
    first, second = (overrides.list_overrides(caller, page=page, limit=2) for page in range(2))
    assert [item.id for item in (*first.data, *second.data)] == list(reversed(created))
    assert [(page.totalCount, page.hasMore) for page in (first, second)] == [(3, True), (3, False)]
    assert overrides.delete_override(caller, created[0]) is True
    with pytest.raises(NotFound):
        overrides.get_override(caller, created[0])
    assert overrides.list_overrides(caller, page=0, limit=10).totalCount == 2


def test_another_environment_cannot_read_change_or_delete_an_override(caller):
    sent, tenant = workflow(caller, SMS_STEP), tenant_id(caller)
    created = override(caller, sent["_id"], tenant)
    other = Principal("client-2", new_id(), frozenset())
    for attempt in (
        lambda: overrides.get_override(other, created["_id"]),
        lambda: overrides.get_override_of(other, sent["_id"], tenant),
        lambda: overrides.update_override(other, created["_id"], UpdateWorkflowOverrideRequest(active=False)),
        lambda: overrides.delete_override(other, created["_id"]),
    ):
        with pytest.raises(NotFound):
            attempt()
    assert overrides.list_overrides(other, page=0, limit=10).data == []
    assert overrides.get_override(caller, created["_id"]).active is True


# the engine applying them


def test_an_inactive_override_files_every_message_as_filtered_saying_why(caller, ada):
    sent, tenant = workflow(caller, SMS_STEP, EMAIL_STEP), tenant_id(caller)
    override(caller, sent["_id"], tenant, active=False)
    records = dispatched(caller, sent, tenant="acme")
    reason = "the workflow override of tenant 'acme' is inactive: nothing is sent for the tenant"
    assert [status_and_reason(record) for record in records] == [("filtered", reason)] * 2


def test_an_inactive_override_stops_a_critical_campaign_too(caller, ada):
    sent = workflow(caller, SMS_STEP, critical=True)
    override(caller, sent["_id"], tenant_id(caller), active=False, preferenceSettings={"sms": True})
    assert [record["status"] for record in dispatched(caller, sent, tenant="acme")] == ["filtered"]


def test_a_critical_campaign_ignores_the_overrides_channel_settings(caller, ada):
    sent = workflow(caller, SMS_STEP, critical=True)
    override(caller, sent["_id"], tenant_id(caller), preferenceSettings={"sms": False})
    assert [record["status"] for record in dispatched(caller, sent, tenant="acme")] == ["queued"]


def test_a_journeys_runs_carry_the_tenant_and_its_override(caller, ada):
    sent, tenant = workflow(caller, SMS_STEP), tenant_id(caller)
    created = override(caller, sent["_id"], tenant, preferenceSettings={"sms": False})
    started: list[Any] = []
    runners = Runners(start_runs=lambda _env, _campaign, runs, _profiles: started.extend(runs) or len(started))
    trigger_event(
        caller, EventTriggerRequest.model_validate({"name": sent["identifier"], "to": "ada", "tenant": "acme"})
    )
    (message,) = client("sqs").receive_message(QueueUrl=settings().dispatch_queue_url)["Messages"]
    campaign = active_campaign(caller.environment_id, sent["_id"])
    assert campaign is not None
    wait = {"id": "pause", "type": "wait", "wait": {"amount": 1, "unit": "minutes"}}
    journey: Any = campaign | {"steps": [wait, SMS_STEP]}  # the same campaign as a journey: its recipients get runs
    send_audience(parse_dispatch_job(message["Body"]), journey, Run(lambda: 300_000, runners, margin_ms=1))  # type: ignore[arg-type]
    ((subscriber_id, _, _, extras),) = started
    assert (subscriber_id, extras["tenant"]["_id"], extras["workflowOverride"]["_id"]) == (
        "ada",
        tenant,
        created["_id"],
    )
    assert extras["workflowOverride"]["preferenceSettings"]["sms"] is False


def test_an_override_applies_only_to_the_triggers_naming_its_tenant(caller, ada):
    sent = workflow(caller, SMS_STEP)
    override(caller, sent["_id"], tenant_id(caller), active=False)
    tenant_id(caller, "other")
    assert [record["status"] for record in dispatched(caller, sent, tenant="other")] == ["queued"]
    assert [record["status"] for record in dispatched(caller, sent)] == ["queued"]


def test_an_override_turning_a_channel_off_filters_that_channel_only(caller, ada):
    sent, tenant = workflow(caller, SMS_STEP, EMAIL_STEP), tenant_id(caller, data={"brand": "Blue"})
    override(caller, sent["_id"], tenant, preferenceSettings={"sms": False})
    sms, email = dispatched(caller, sent, tenant="acme")
    assert status_and_reason(sms) == ("filtered", "the workflow override of tenant 'acme' turns sms off")
    assert (email["status"], email["content"]["html"]) == ("queued", "<p>Blue</p>")


def test_an_override_can_turn_on_a_channel_the_campaign_has_off(caller, ada):
    sent = workflow(caller, SMS_STEP, preferenceSettings={"sms": False})
    override(caller, sent["_id"], tenant_id(caller), preferenceSettings={"sms": True})
    assert [record["status"] for record in dispatched(caller, sent, tenant="acme")] == ["queued"]
    assert [record["status"] for record in dispatched(caller, sent)] == ["filtered"]


def test_the_subscribers_own_choice_wins_over_the_override_as_in_novu(caller, ada):
    sent = workflow(caller, SMS_STEP)
    override(caller, sent["_id"], tenant_id(caller), preferenceSettings={"sms": False})
    choice = UpdateCampaignPreferenceRequest.model_validate({"channel": {"type": "sms", "enabled": True}})
    update_campaign_preference(caller, "ada", sent["_id"], choice)
    assert [record["status"] for record in dispatched(caller, sent, tenant="acme")] == ["queued"]


def test_a_trigger_reads_its_tenants_override_once(caller, ada, monkeypatch):
    sent, tenant = workflow(caller, SMS_STEP), tenant_id(caller)
    override(caller, sent["_id"], tenant, preferenceSettings={"sms": False})
    reads: list[tuple[str, str, str]] = []
    of_tenant = WorkflowOverridesRepository.of_tenant

    def counted(self: WorkflowOverridesRepository, *key: str) -> Any:
        reads.append(key)  # type: ignore[arg-type]
        return of_tenant(self, *key)

    monkeypatch.setattr(WorkflowOverridesRepository, "of_tenant", counted)
    dispatched(caller, sent, tenant="acme")
    assert reads == [(caller.environment_id, tenant, sent["_id"])]


def test_preference_resolution_puts_the_override_between_the_campaign_and_the_subscriber():
    campaign: Any = {"_id": "c", "preferenceSettings": {"email": False, "sms": True}}
    allowed = allowed_channels(campaign, [], {"preferenceSettings": {"email": True, "sms": False}})
    assert (allowed["email"], allowed["sms"], allowed["push"]) == (True, False, True)
    assert allowed_channels(campaign | {"critical": True}, [], {"preferenceSettings": {"sms": False}})["sms"] is True

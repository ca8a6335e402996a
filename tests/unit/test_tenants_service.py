"""clarion.tenants.service on the in-memory store: Novu v1's tenants (create, read, the paged list newest first,
update and rename, delete with their workflow overrides) and the tenant a trigger names (created when new, updated
when the trigger gives another name or data), each in the caller's environment only."""

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from clarion.campaigns.models import CreateCampaignRequest
from clarion.campaigns.service import create_campaign
from clarion.errors import Conflict, NotFound
from clarion.ids import new_id
from clarion.principal import Principal
from clarion.tenants import overrides, service
from clarion.tenants.models import (
    CreateTenantRequest,
    CreateWorkflowOverrideRequest,
    TriggerTenant,
    UpdateTenantRequest,
)
from clarion.tenants.repository import TenantsRepository


@pytest.fixture
def caller(memory_tables: dict[str, str], use_clock: Any) -> Principal:
    use_clock(datetime(2026, 12, 1, tzinfo=UTC), step=0.001)  # every timestamp distinct: the list's order is known
    return a_caller()


def a_caller() -> Principal:
    return Principal(client_id="client", environment_id=new_id(), scopes=frozenset())


def tenant(caller: Principal, identifier: str | None = None, **fields: Any) -> dict[str, Any]:
    body = {"identifier": identifier or f"t-{uuid.uuid4().hex[:8]}", "name": "Acme"} | fields
    return service.create_tenant(caller, CreateTenantRequest.model_validate(body)).model_dump(by_alias=True)


def update(caller: Principal, reference: str, **fields: Any) -> dict[str, Any]:
    request = UpdateTenantRequest.model_validate(fields)
    return service.update_tenant(caller, reference, request).model_dump(by_alias=True)


def fetched(caller: Principal, identifier: str) -> dict[str, Any]:
    return service.get_tenant(caller, identifier).model_dump(by_alias=True)


# create and read


def test_a_tenant_reads_back_in_novus_shape(caller):
    created = tenant(caller, "acme", name="Acme Inc", data={"brand": "#ff0000", "plan": {"tier": 2}})
    assert fetched(caller, "acme") == created
    assert set(created) == {"_id", "identifier", "name", "data", "_environmentId", "createdAt", "updatedAt"}
    assert (created["identifier"], created["name"], created["data"]) == (
        "acme",
        "Acme Inc",
        {"brand": "#ff0000", "plan": {"tier": 2}},
    )
    assert created["_environmentId"] == caller.environment_id
    assert created["createdAt"] == created["updatedAt"]


def test_a_taken_identifier_is_a_conflict_naming_it_and_keeps_the_first_tenant(caller):
    first = tenant(caller, "acme", name="First")
    with pytest.raises(Conflict) as error:
        tenant(caller, "acme", name="Second")
    assert (error.value.field, error.value.value) == ("identifier", "acme")
    assert fetched(caller, "acme") == first
    assert service.list_tenants(caller, page=0, limit=10).totalCount == 1


def test_an_unknown_identifier_is_a_404_naming_it(caller):
    with pytest.raises(NotFound) as error:
        service.get_tenant(caller, "nobody")
    assert error.value.field == "identifier"


def test_another_environment_neither_sees_the_tenant_nor_is_refused_its_identifier(caller):
    tenant(caller, "acme", name="Mine")
    other = a_caller()
    with pytest.raises(NotFound):
        service.get_tenant(other, "acme")
    assert service.list_tenants(other, page=0, limit=10).data == []
    assert tenant(other, "acme", name="Theirs")["name"] == "Theirs"
    assert fetched(caller, "acme")["name"] == "Mine"


# list


def test_the_list_is_novus_offset_page_newest_first(caller):
    identifiers = [tenant(caller, f"t{index}")["identifier"] for index in range(5)]
    pages = [service.list_tenants(caller, page=page, limit=2) for page in range(3)]
    assert [item.identifier for page in pages for item in page.data] == list(reversed(identifiers))
    assert [(page.page, page.pageSize, page.totalCount, page.hasMore) for page in pages] == [
        (0, 2, 5, True),
        (1, 2, 5, True),
        (2, 2, 5, False),
    ]


# update


def test_an_update_changes_only_the_fields_given_and_replaces_data_whole(caller):
    created = tenant(caller, "acme", name="Acme", data={"brand": "red", "plan": "pro"})
    updated = update(caller, "acme", data={"brand": "blue"})
    assert (updated["name"], updated["data"], updated["_id"]) == ("Acme", {"brand": "blue"}, created["_id"])
    assert updated["updatedAt"] > created["updatedAt"]
    assert fetched(caller, "acme") == updated
    assert update(caller, "acme", name="Acme 2", data=None)["data"] == {"brand": "blue"}  # null keeps the field


def test_an_update_giving_nothing_new_answers_the_tenant_unchanged(caller):
    created = tenant(caller, "acme", name="Acme")
    assert update(caller, "acme") == created
    assert update(caller, "acme", name="Acme") == created


def test_a_new_identifier_moves_the_tenant_and_keeps_its_id(caller):
    created = tenant(caller, "acme", name="Acme")
    renamed = update(caller, "acme", identifier="acme-corp")
    assert (renamed["identifier"], renamed["_id"], renamed["createdAt"]) == (
        "acme-corp",
        created["_id"],
        created["createdAt"],
    )
    assert fetched(caller, "acme-corp") == renamed
    with pytest.raises(NotFound):
        service.get_tenant(caller, "acme")
    assert TenantsRepository().identifier_of(caller.environment_id, created["_id"]) == "acme-corp"
    assert [item.identifier for item in service.list_tenants(caller, page=0, limit=10).data] == ["acme-corp"]
    assert tenant(caller, "acme")["identifier"] == "acme"  # the old identifier is free again


def test_a_taken_new_identifier_is_a_conflict_and_changes_nothing(caller):
    first, second = tenant(caller, "first"), tenant(caller, "second")
    with pytest.raises(Conflict) as error:
        update(caller, "first", identifier="second", name="Clash")
    assert (error.value.field, error.value.value) == ("identifier", "second")
    assert (fetched(caller, "first"), fetched(caller, "second")) == (first, second)


def test_updating_an_unknown_tenant_is_a_404(caller):
    with pytest.raises(NotFound):
        update(caller, "nobody", name="X")


# delete


def test_a_deleted_tenant_is_gone_uncounted_and_its_identifier_free(caller):
    created = tenant(caller, "acme")
    tenant(caller, "other")
    service.delete_tenant(caller, "acme")
    with pytest.raises(NotFound):
        service.get_tenant(caller, "acme")
    page = service.list_tenants(caller, page=0, limit=10)
    assert ([item.identifier for item in page.data], page.totalCount) == (["other"], 1)
    assert TenantsRepository().identifier_of(caller.environment_id, created["_id"]) is None
    assert tenant(caller, "acme")["_id"] != created["_id"]


def test_deleting_a_tenant_deletes_its_workflow_overrides(caller):
    created = tenant(caller, "acme")
    workflow = create_campaign(
        caller,
        CreateCampaignRequest.model_validate(
            {"name": "Welcome", "steps": [{"channel": "sms", "content": {"body": "x"}}]}
        ),
    )
    override = overrides.create_override(
        caller, CreateWorkflowOverrideRequest(workflowId=workflow.id, tenantId=created["_id"], active=False)
    )
    service.delete_tenant(caller, "acme")
    with pytest.raises(NotFound):
        overrides.get_override(caller, override.id)
    assert overrides.list_overrides(caller, page=0, limit=10).totalCount == 0


def test_deleting_an_unknown_tenant_is_a_404(caller):
    with pytest.raises(NotFound):
        service.delete_tenant(caller, "nobody")


# the tenant a trigger names (Novu's ProcessTenant)


def test_a_trigger_naming_an_unknown_identifier_creates_the_tenant(caller):
    created = service.tenant_for_trigger(caller.environment_id, "acme")
    assert fetched(caller, "acme")["_id"] == created["_id"]
    assert "name" not in created


def test_a_trigger_giving_a_new_tenant_in_full_creates_it_with_its_name_and_data(caller):
    given = TriggerTenant(identifier="acme", name="Acme", data={"brand": "red"})
    service.tenant_for_trigger(caller.environment_id, given)
    assert {name: fetched(caller, "acme")[name] for name in ("name", "data")} == {
        "name": "Acme",
        "data": {"brand": "red"},
    }


def test_a_trigger_giving_another_name_or_data_updates_the_stored_tenant(caller):
    created = tenant(caller, "acme", name="Acme", data={"brand": "red", "plan": "pro"})
    used = service.tenant_for_trigger(caller.environment_id, TriggerTenant(identifier="acme", data={"brand": "blue"}))
    stored = fetched(caller, "acme")
    assert (stored["name"], stored["data"], stored["_id"]) == ("Acme", {"brand": "blue"}, created["_id"])
    assert (used["name"], used["data"]) == ("Acme", {"brand": "blue"})


def test_a_trigger_naming_a_known_tenant_leaves_it_unchanged(caller):
    created = tenant(caller, "acme", name="Acme", data={"brand": "red"})
    used = service.tenant_for_trigger(caller.environment_id, TriggerTenant(identifier="acme", name="Acme"))
    assert fetched(caller, "acme") == created
    assert (used["_id"], used["data"]) == (created["_id"], {"brand": "red"})

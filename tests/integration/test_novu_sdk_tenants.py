"""Novu's published Python SDK (novu 1.14.0) manages tenants through the local gateway, and triggers name them:
the stored tenant's data is in the email the subscriber gets, and the tenant's workflow overrides (over HTTP: the
SDK has no class for them) stop a workflow for the tenant or turn one of its channels off."""

import json
import uuid
from typing import Any

import pytest
import requests
from novu.api import EventApi, TenantApi

from local.runtime import LocalRuntime
from tests.conftest import load_event
from tests.integration.conftest import Api
from tests.integration.support.campaigns import campaign, subscriber
from tests.integration.support.delivery import emails_with_subject, new_phone, texts_to
from tests.integration.support.novu_sdk import BASE_URL, gateway_session


@pytest.fixture
def tenants(runtime: LocalRuntime, admin: Api) -> TenantApi:
    session, _ = gateway_session(runtime)
    return TenantApi(BASE_URL, admin.key, session=session)


@pytest.fixture
def events(runtime: LocalRuntime, admin: Api) -> EventApi:
    session, _ = gateway_session(runtime)
    return EventApi(BASE_URL, admin.key, session=session)


def status_of(error: pytest.ExceptionInfo[requests.HTTPError]) -> int:
    return error.value.response.status_code


def messages(admin: Api, transaction_id: str) -> dict[str, dict[str, Any]]:
    """The transaction's messages by channel."""
    response = admin.get(f"/v1/messages?transactionId={transaction_id}")
    assert response.status == 200, response.json()
    return {message["channel"]: message for message in response.json()["data"]}


def workflow_override(admin: Api, workflow_id: str, tenant_id: str, **fields: Any) -> dict[str, Any]:
    response = admin.post("/v1/workflow-overrides", {"workflowId": workflow_id, "tenantId": tenant_id} | fields)
    assert response.status == 201, response.json()
    return response.json()["data"]


def test_the_sdk_creates_gets_lists_patches_and_deletes_tenants(tenants: TenantApi):
    created = tenants.create("acme", "Acme", {"brand": "Blue"})
    assert (created.identifier, created.name, created.data) == ("acme", "Acme", {"brand": "Blue"})
    assert created._id and created.created_at
    assert tenants.get("acme") == created
    tenants.create("globex", "Globex")
    listed = tenants.list()
    assert (listed.page, listed.page_size, listed.has_more) == (0, 10, False)
    assert [tenant.identifier for tenant in listed.data] == ["globex", "acme"]  # newest first, as Novu sorts
    assert sorted(tenant.identifier for tenant in tenants.stream()) == ["acme", "globex"]

    patched = tenants.patch("acme", name="Acme Inc", data={"brand": "Red"})
    assert (patched.name, patched.data, patched._id) == ("Acme Inc", {"brand": "Red"}, created._id)
    assert tenants.get("acme").data == {"brand": "Red"}
    renamed = tenants.patch("acme", identifier="acme-inc")
    assert (renamed.identifier, tenants.get("acme-inc")._id) == ("acme-inc", created._id)
    with pytest.raises(requests.HTTPError) as gone:
        tenants.get("acme")
    assert status_of(gone) == 404

    tenants.delete("acme-inc")
    with pytest.raises(requests.HTTPError) as deleted:
        tenants.get("acme-inc")
    assert status_of(deleted) == 404
    assert [tenant.identifier for tenant in tenants.stream()] == ["globex"]


def test_a_page_of_more_than_100_tenants_is_a_422_naming_limit(admin: Api):
    refused = admin.get("/v1/tenants?page=0&limit=101")
    assert (refused.status, list(refused.json()["errors"])) == (422, ["limit"])


def test_a_second_tenant_with_an_identifier_is_a_409_naming_it(tenants: TenantApi, admin: Api):
    tenants.create("acme", "Acme")
    with pytest.raises(requests.HTTPError) as taken:
        tenants.create("acme", "Other")
    assert status_of(taken) == 409
    assert "identifier" in taken.value.response.json()["errors"]
    assert tenants.get("acme").name == "Acme"


def test_a_tenant_is_invisible_to_another_environment(tenants: TenantApi, admin: Api):
    tenants.create("acme", "Acme")
    other = admin.post("/v1/environments", {"name": f"Other {uuid.uuid4().hex[:8]}"}).json()["data"]
    stranger = admin.client("stranger", ["info:tenant", "list:tenant"], environmentId=other["_id"])
    assert stranger.get("/v1/tenants/acme").status == 404
    assert stranger.get("/v1/tenants").json()["data"] == []


def test_a_trigger_naming_a_tenant_renders_its_stored_data_in_the_email(
    runtime: LocalRuntime, admin: Api, tenants: TenantApi, events: EventApi
):
    subscriber(admin, "ada", email="ada@example.com")
    code = uuid.uuid4().hex[:8]
    step = {
        "channel": "email",
        "content": {"subject": f"{{{{ tenant.name }}}} {code}", "body": "<p>Brand {{ tenant.data.brand }}</p>"},
    }
    sent = campaign(admin, step)
    tenants.create("acme", "Acme", {"brand": "Blue"})
    event = events.trigger(sent["identifier"], "ada", {}, tenant="acme")
    runtime.drain()
    (email,) = emails_with_subject(runtime, f"Acme {code}")
    assert "Brand Blue" in email.body
    notification = admin.get(f"/v1/notifications/{event.transaction_id}").json()["data"]
    assert notification["tenant"]["identifier"] == "acme"


def test_a_trigger_naming_an_unknown_tenant_creates_it_as_novu_does(
    runtime: LocalRuntime, admin: Api, tenants: TenantApi
):
    subscriber(admin, "ada", email="ada@example.com")
    sent = campaign(admin, {"channel": "in_app", "content": {"body": "{{ tenant.name }}: {{ tenant.data.plan }}"}})
    tenant = {"identifier": "initech", "name": "Initech", "data": {"plan": "pro"}}
    assert admin.post("/v1/events/trigger", {"name": sent["identifier"], "to": "ada", "tenant": tenant}).status == 201
    runtime.drain()
    stored = tenants.get("initech")
    assert (stored.name, stored.data) == ("Initech", {"plan": "pro"})
    (message,) = admin.get("/v1/subscribers/ada/notifications/feed").json()["data"]
    assert message["content"] == "Initech: pro"


def test_an_inactive_workflow_override_stops_the_workflow_for_its_tenant_only(
    runtime: LocalRuntime, admin: Api, tenants: TenantApi
):
    phone = new_phone()
    subscriber(admin, "sam", phone=phone)
    sent = campaign(admin, {"channel": "sms", "content": {"body": "For {{ tenant.identifier }}"}})
    acme = tenants.create("acme", "Acme")
    tenants.create("globex", "Globex")
    workflow_override(admin, sent["_id"], str(acme._id), active=False)
    run = uuid.uuid4().hex[:8]
    for tenant in ("acme", "globex"):
        body = {"name": sent["identifier"], "to": "sam", "tenant": tenant, "transactionId": f"tx-{tenant}-{run}"}
        assert admin.post("/v1/events/trigger", body).status == 201
    runtime.drain()
    assert texts_to(runtime, phone) == ["For globex"]
    stopped = messages(admin, f"tx-acme-{run}")["sms"]
    why = "the workflow override of tenant 'acme' is inactive: nothing is sent for the tenant"
    assert (stopped["status"], stopped["errorText"]) == ("filtered", why)
    details = admin.get(f"/v1/execution-details?notificationId=tx-acme-{run}&subscriberId=sam").json()["data"]
    assert [detail["detail"] for detail in details] == [f"Message filtered: {why}"]


def test_a_workflow_override_turning_email_off_leaves_the_sms(runtime: LocalRuntime, admin: Api, tenants: TenantApi):
    phone = new_phone()
    subscriber(admin, "sam", phone=phone, email="sam@example.com")
    code = uuid.uuid4().hex[:8]
    email_step = {"channel": "email", "content": {"subject": f"Hi {code}", "body": "<p>Hi</p>"}}
    sent = campaign(admin, email_step, {"channel": "sms", "content": {"body": f"Hi {code}"}})
    acme = tenants.create("acme", "Acme")
    created = workflow_override(admin, sent["_id"], str(acme._id), preferenceSettings={"email": False})
    by_pair = admin.get(f"/v1/workflow-overrides/workflows/{sent['_id']}/tenants/{acme._id}").json()["data"]
    assert by_pair == created and created["preferenceSettings"]["email"] is False
    transaction_id = f"tx-{code}"
    body = {"name": sent["identifier"], "to": "sam", "tenant": "acme", "transactionId": transaction_id}
    assert admin.post("/v1/events/trigger", body).status == 201
    runtime.drain()
    assert (texts_to(runtime, phone), emails_with_subject(runtime, f"Hi {code}")) == ([f"Hi {code}"], [])
    email = messages(admin, transaction_id)["email"]
    assert (email["status"], email["errorText"]) == (
        "filtered",
        "the workflow override of tenant 'acme' turns email off",
    )


def test_workflow_overrides_are_read_changed_listed_and_deleted_over_http(admin: Api, tenants: TenantApi):
    sent = campaign(admin, {"channel": "sms", "content": {"body": "x"}})
    acme = tenants.create("acme", "Acme")
    created = workflow_override(admin, sent["_id"], str(acme._id))
    assert admin.post("/v1/workflow-overrides", {"workflowId": sent["_id"], "tenantId": acme._id}).status == 409
    changed = admin.put(f"/v1/workflow-overrides/{created['_id']}", {"preferenceSettings": {"chat": False}})
    assert changed.status == 200 and changed.json()["data"]["preferenceSettings"]["chat"] is False
    path = f"/v1/workflow-overrides/workflows/{sent['_id']}/tenants/{acme._id}"
    assert admin.put(path, {"active": False}).json()["data"]["active"] is False
    assert admin.get(f"/v1/workflow-overrides/{created['_id']}").json()["data"]["active"] is False
    listed = admin.get("/v1/workflow-overrides").json()
    assert ([item["_id"] for item in listed["data"]], listed["totalCount"], listed["pageSize"]) == (
        [created["_id"]],
        1,
        10,
    )
    too_many = admin.get("/v1/workflow-overrides?page=0&limit=101")
    assert (too_many.status, list(too_many.json()["errors"])) == (422, ["limit"])
    assert admin.delete(f"/v1/workflow-overrides/{created['_id']}").json() == {"data": True}
    assert admin.get(f"/v1/workflow-overrides/{created['_id']}").status == 404
    missing_tenant = {"workflowId": sent["_id"], "tenantId": "0" * 24}
    refused = admin.post("/v1/workflow-overrides", missing_tenant)
    assert (refused.status, list(refused.json()["errors"])) == (404, ["tenantId"])


def test_the_sample_event_creates_a_tenant(runtime: LocalRuntime, admin: Api):
    event = load_event("tenants/create_tenant.json")
    event["requestContext"]["authorizer"]["lambda"]["environmentId"] = admin.environment_id
    response = runtime.invoke("TenantsFunction", event)
    assert response["statusCode"] == 201, response["body"]
    assert admin.get("/v1/tenants/acme").json()["data"] == json.loads(response["body"])["data"]


def test_a_novu_workflows_id_is_the_workflow_id_an_override_names(
    runtime: LocalRuntime, admin: Api, tenants: TenantApi
):
    phone = new_phone()
    subscriber(admin, "sam", phone=phone)
    body = {
        "name": f"Alerts {uuid.uuid4().hex[:8]}",
        "active": True,
        "steps": [{"template": {"type": "sms", "content": "Alert"}}],
    }
    created = admin.post("/v1/notification-templates", body)
    assert created.status == 201, created.json()
    workflow = created.json()["data"]
    acme = tenants.create("acme", "Acme")
    workflow_override(admin, workflow["_id"], str(acme._id), preferenceSettings={"sms": False})
    trigger = {"name": workflow["triggers"][0]["identifier"], "to": "sam", "tenant": "acme"}
    assert admin.post("/v1/events/trigger", trigger).status == 201
    runtime.drain()
    assert texts_to(runtime, phone) == []
    assert admin.post("/v1/events/trigger", trigger | {"tenant": "globex"}).status == 201
    runtime.drain()
    assert texts_to(runtime, phone) == ["Alert"]

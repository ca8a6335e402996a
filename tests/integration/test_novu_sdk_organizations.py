"""Novu's Python SDK (novu 1.14.0) drives Clarion's organization, environments, feeds and changes unchanged:
OrganizationApi, EnvironmentApi, FeedApi and ChangeApi through the local gateway."""

import uuid

import pytest
import requests
from novu.api import ChangeApi, EnvironmentApi, FeedApi, OrganizationApi
from novu.dto.organization import OrganizationBrandingDto

from local.runtime import LocalRuntime
from tests.integration.conftest import Api
from tests.integration.support.inbox import deliver, feed
from tests.integration.support.novu_sdk import BASE_URL, gateway_session

LAYOUT_CONTENT = "<main>{{{body}}}</main>"


@pytest.fixture
def session(runtime: LocalRuntime) -> requests.Session:
    return gateway_session(runtime)[0]


def production_of(admin: Api, scopes: list[str]) -> Api:
    """A production environment whose parent is the admin's (development), and a key for it."""
    name = f"prod-{uuid.uuid4().hex[:12]}"
    created = admin.post("/v1/environments", {"name": name, "parentId": admin.environment_id})
    assert created.status == 201, created.json()
    return admin.client("production", scopes, environmentId=created.json()["data"]["_id"])


def test_the_sdk_renames_and_brands_the_organization_and_reads_both_back(session, admin: Api):
    organizations = OrganizationApi(BASE_URL, admin.key, session=session)
    name = f"Acme {uuid.uuid4().hex[:6]}"
    organizations.rename(name)
    branding = OrganizationBrandingDto(
        logo="https://cdn.example.com/acme/logo.png", color="#3366ff", font_color="#111111", font_family="Nunito"
    )
    answered = organizations.update_branding(branding)
    assert (answered.logo, answered.color, answered.font_family) == (branding.logo, "#3366ff", "Nunito")

    current = organizations.current()
    assert current.name == name
    assert current.branding.color == "#3366ff" and current.branding.font_color == "#111111"
    assert current.branding.logo == "https://cdn.example.com/acme/logo.png" and current.logo == current.branding.logo
    assert [organization.name for organization in organizations.list()] == [name]
    assert list(organizations.list_members()) == []
    with pytest.raises(requests.HTTPError) as refused:
        organizations.remove_member("0" * 24)
    assert (refused.value.response.status_code, list(refused.value.response.json()["errors"])) == (404, ["memberId"])


def test_branding_is_validated_naming_the_field(admin: Api):
    refused = admin.put("/v1/organizations/branding", {"color": "blue", "logo": "http://cdn.example.com/logo.png"})
    assert refused.status == 422
    assert {"color", "logo"} <= set(refused.json()["errors"])
    not_an_image = admin.put("/v1/organizations/branding", {"logo": "https://cdn.example.com/logo.txt"})
    assert not_an_image.status == 422 and "logo" in not_an_image.json()["errors"]


def test_a_tenant_key_reads_the_organization_but_cannot_change_it(admin: Api):
    reader = admin.client("reader", ["info:organization"])
    assert reader.get("/v1/organizations/me").status == 200
    refused = reader.call("PATCH", "/v1/organizations", json={"name": "Mallory"})
    assert refused.status == 403 and refused.json()["errors"]["scope"]["value"] == "environments:manage"


def test_the_sdk_reads_the_current_environment_and_its_masked_api_keys(session, admin: Api):
    environments = EnvironmentApi(BASE_URL, admin.key, session=session)
    current = environments.current()
    assert current._id == admin.environment_id
    assert current.name in [environment.name for environment in environments.list()]

    issued = admin.client("checkout", ["list:profile"])
    keys = list(environments.api_keys())
    assert {key._id for key in keys} >= {admin.client_id, issued.client_id}
    assert all(key.key.startswith("sk_...") and len(key.key) == len("sk_...") + 4 for key in keys)
    assert issued.key not in [key.key for key in keys] and admin.key not in [key.key for key in keys]
    assert f"sk_...{issued.key[-4:]}" in [key.key for key in keys]

    admin.delete(f"/v1/clients/{issued.client_id}")
    assert issued.client_id not in [key._id for key in environments.api_keys()]


def test_the_sdk_regenerates_its_own_key_and_the_old_one_stops_working(session, runtime: LocalRuntime, admin: Api):
    holder = admin.client("rotating", ["clients:manage"])
    other = admin.client("bystander", ["clients:manage"])
    [regenerated] = EnvironmentApi(BASE_URL, holder.key, session=session).regenerate_api_key()
    assert (regenerated._id, regenerated._user_id) == (holder.client_id, holder.client_id)
    assert regenerated.key.startswith("sk_") and regenerated.key != holder.key
    runtime.reset_caches()
    assert holder.get("/v1/environments/api-keys").status == 403
    fresh = Api(runtime, regenerated.key, holder.client_id, holder.environment_id)
    hints = {key["_id"]: key["key"] for key in fresh.get("/v1/environments/api-keys").json()["data"]}
    assert hints[holder.client_id] == f"sk_...{regenerated.key[-4:]}"
    assert other.get("/v1/environments/api-keys").status == 200


def test_the_sdk_creates_lists_and_deletes_feeds(session, admin: Api):
    feeds = FeedApi(BASE_URL, admin.key, session=session)
    news, alerts = feeds.create("News"), feeds.create("Alerts")
    assert (news.name, news.identifier, news._environment_id) == ("News", "News", admin.environment_id)
    assert [feed.name for feed in feeds.list()] == ["News", "Alerts"]

    with pytest.raises(requests.HTTPError) as taken:
        feeds.create("News")
    assert taken.value.response.status_code == 409

    feeds.delete(news._id)
    assert [feed._id for feed in feeds.list()] == [alerts._id]


def test_a_layout_made_in_development_is_a_change_and_applying_it_creates_it_in_production(session, admin: Api):
    production = production_of(admin, ["list:layout", "info:layout", "list:campaign"])
    changes = ChangeApi(BASE_URL, admin.key, session=session)
    identifier = f"brand-{uuid.uuid4().hex[:8]}"
    made = admin.post("/v1/layouts", {"name": "Brand", "identifier": identifier, "content": LAYOUT_CONTENT})
    assert made.status == 201, made.json()
    layout_id = made.json()["data"]["_id"]

    assert changes.count() == 1
    [pending] = changes.list().data
    assert (pending._entity_id, pending.type, pending.enabled) == (layout_id, "Layout", False)
    assert {"op": "add", "path": ["content"], "val": LAYOUT_CONTENT} in [vars(detail) for detail in pending.change]
    assert production.get("/v1/layouts").json()["totalCount"] == 0

    applied = changes.apply(pending._id)
    assert [change._id for change in applied.data] == [pending._id]
    [promoted] = production.get("/v1/layouts").json()["data"]
    assert (promoted["identifier"], promoted["content"], promoted["_environmentId"]) == (
        identifier,
        LAYOUT_CONTENT,
        production.environment_id,
    )
    assert changes.count() == 0
    assert [change._id for change in changes.list(promoted="true").data] == [pending._id]

    # a later edit is a new change; bulk apply updates the production layout in place
    assert admin.call("PATCH", f"/v1/layouts/{layout_id}", json={"name": "Brand 2"}).status == 200
    [edit] = changes.list().data
    assert [vars(detail) for detail in edit.change] == [{"op": "update", "path": ["name"], "val": "Brand 2"}]
    assert [change._id for change in changes.bulk_apply([edit._id])] == [edit._id]
    [renamed] = production.get("/v1/layouts").json()["data"]
    assert (renamed["_id"], renamed["name"]) == (promoted["_id"], "Brand 2")


def test_a_campaign_is_promoted_with_its_layout_named_by_the_production_layout_id(session, admin: Api):
    production = production_of(admin, ["list:layout", "info:campaign", "list:campaign"])
    changes = ChangeApi(BASE_URL, admin.key, session=session)
    layout = admin.post("/v1/layouts", {"name": "Frame", "content": LAYOUT_CONTENT}).json()["data"]
    step = {"channel": "email", "content": {"subject": "Hi", "body": "<p>Hello</p>"}, "layoutId": layout["_id"]}
    campaign = admin.post("/v1/campaigns", {"name": "Welcome", "status": "active", "steps": [step]}).json()["data"]
    campaign_change, layout_change = changes.list().data  # newest first
    assert (campaign_change._entity_id, campaign_change.type) == (campaign["_id"], "NotificationTemplate")

    too_soon = admin.post(f"/v1/changes/{campaign_change._id}/apply")
    assert too_soon.status == 409 and "steps[0].layoutId" in too_soon.json()["errors"]

    results = list(changes.bulk_apply([campaign_change._id, layout_change._id]))  # applied oldest first
    assert [change._id for change in results] == [layout_change._id, campaign_change._id]
    [promoted_layout] = production.get("/v1/layouts").json()["data"]
    [promoted] = production.get("/v1/campaigns").json()["data"]
    assert (promoted["identifier"], promoted["status"]) == (campaign["identifier"], "active")
    assert promoted["steps"][0]["layoutId"] == promoted_layout["_id"] != layout["_id"]
    assert changes.count() == 0


def test_a_stack_is_one_organization_so_creating_one_is_not_served(admin: Api):
    refused = admin.post("/v1/organizations", {"name": "Another"})
    assert refused.status == 405 and set(refused.headers["allow"].replace(" ", "").split(",")) == {"GET", "PATCH"}


def test_messages_carry_no_feed_so_filtering_by_one_answers_none(runtime: LocalRuntime, admin: Api):
    assert admin.post("/v1/feeds", {"name": "News"}).status == 201
    assert admin.post("/v1/subscribers", {"subscriberId": "ada"}).status == 201
    deliver(runtime, admin, "ada", content="Hello Ada")
    assert feed(admin, "ada") == ["Hello Ada"]
    in_news = admin.get("/v1/subscribers/ada/notifications/feed?feedIdentifier=News")
    assert in_news.status == 200 and in_news.json()["data"] == []


def test_a_feed_made_in_development_is_promoted_with_the_sdk(session, admin: Api):
    production = production_of(admin, ["list:feed"])
    FeedApi(BASE_URL, admin.key, session=session).create("News")
    changes = ChangeApi(BASE_URL, admin.key, session=session)
    [change] = changes.list().data
    assert (change.type, change.enabled) == ("Feed", False)
    changes.apply(change._id)
    promoted = FeedApi(BASE_URL, production.key, session=session).list()
    assert [(feed.name, feed._environment_id) for feed in promoted] == [("News", production.environment_id)]

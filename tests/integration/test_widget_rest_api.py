"""The rest of Novu's widget API (/v1/widgets) through the gateway: counts, deleting messages, preferences and the
organization, each reading and changing only the token's subscriber; every token route refuses a forged or an
expired token."""

import re

import pytest

from clarion.scopes import PUBLIC_ROUTES
from local.runtime import LocalRuntime
from tests.integration.conftest import Api
from tests.integration.support.inbox import deliver
from tests.integration.support.preferences import put_campaign
from tests.integration.support.widget import session

CAMPAIGN = "a" * 24
TOKEN_ROUTES = sorted(
    route
    for route in PUBLIC_ROUTES
    if route.partition(" ")[2].startswith("/v1/widgets/")
    and not route.startswith("OPTIONS ")
    and route != "POST /v1/widgets/session/initialize"
)


def count(widget: Api, path: str) -> int:
    response = widget.get(path)
    assert response.status == 200, response.json()
    found: int = response.json()["data"]["count"]
    return found


def feed_ids(widget: Api) -> list[str]:
    response = widget.get("/v1/widgets/notifications/feed")
    assert response.status == 200, response.json()
    return [message["_id"] for message in response.json()["data"]]


def test_unread_and_count_follow_the_marks(runtime: LocalRuntime, admin: Api):
    first = deliver(runtime, admin, "ada", content="One")
    deliver(runtime, admin, "ada", content="Two")
    ada = session(admin, "ada")
    assert ada.post("/v1/widgets/messages/mark-as", {"messageId": first["_id"], "markAs": "read"}).status == 201

    assert count(ada, "/v1/widgets/notifications/unread") == 1
    assert count(ada, "/v1/widgets/notifications/unread?read=true") == 1
    assert count(ada, "/v1/widgets/notifications/count") == 1  # neither filter: the unseen ones
    assert count(ada, "/v1/widgets/notifications/count?seen=true&read=true") == 1
    assert count(ada, "/v1/widgets/notifications/count?seen=false&read=true") == 0
    assert count(ada, "/v1/widgets/notifications/unseen?limit=1") == 1


def test_counts_filter_by_feed(runtime: LocalRuntime, admin: Api):
    deliver(runtime, admin, "ada", _feedId="alerts")
    deliver(runtime, admin, "ada", _feedId="news")
    ada = session(admin, "ada")

    assert count(ada, "/v1/widgets/notifications/unread?feedIdentifier=alerts") == 1
    assert count(ada, "/v1/widgets/notifications/unseen?feedIdentifier=alerts,news") == 2


def test_deleting_a_message_takes_it_out_of_the_feed_and_the_counts(runtime: LocalRuntime, admin: Api):
    gone = deliver(runtime, admin, "ada", content="One")
    kept = deliver(runtime, admin, "ada", content="Two")
    ada = session(admin, "ada")

    response = ada.delete(f"/v1/widgets/messages/{gone['_id']}")

    assert response.status == 200, response.json()
    assert response.json()["data"]["deleted"] is True
    assert feed_ids(ada) == [kept["_id"]]
    assert count(ada, "/v1/widgets/notifications/unseen") == 1
    assert ada.delete(f"/v1/widgets/messages/{gone['_id']}").status == 404
    # marking it unseen again does not bring it back into the count
    assert ada.post("/v1/widgets/messages/markAs", {"messageId": gone["_id"], "markAs": "unseen"}).json()["data"] == []
    assert count(ada, "/v1/widgets/notifications/unseen") == 1


def test_a_token_cannot_delete_another_subscribers_message(runtime: LocalRuntime, admin: Api):
    bobs = deliver(runtime, admin, "bob", content="For Bob")
    ada = session(admin, "ada")

    assert ada.delete(f"/v1/widgets/messages/{bobs['_id']}").status == 404
    bulk = ada.post("/v1/widgets/messages/bulk/delete", {"messageIds": [bobs["_id"]]})
    assert (bulk.status, bulk.json()["data"]) == (200, [])
    assert ada.call("DELETE", "/v1/widgets/messages").status == 204
    assert feed_ids(session(admin, "bob")) == [bobs["_id"]]


def test_bulk_delete_deletes_the_listed_messages_only(runtime: LocalRuntime, admin: Api):
    one, two, three = (deliver(runtime, admin, "ada", content=str(n)) for n in range(3))
    ada = session(admin, "ada")

    response = ada.post("/v1/widgets/messages/bulk/delete", {"messageIds": [one["_id"], two["_id"]]})

    assert response.status == 200, response.json()
    assert sorted(message["_id"] for message in response.json()["data"]) == sorted([one["_id"], two["_id"]])
    assert feed_ids(ada) == [three["_id"]]


@pytest.mark.parametrize(
    "body", [{}, {"messageIds": []}, {"messageIds": ["x"]}, {"messageIds": ["a" * 24] * 101}, {"messageIds": "a"}]
)
def test_bulk_delete_refuses_a_bad_list_naming_it(admin: Api, body):
    response = session(admin, "ada").post("/v1/widgets/messages/bulk/delete", body)

    assert response.status == 422, response.json()
    assert any("messageIds" in field for field in response.json()["errors"])


def test_deleting_all_of_one_feed_leaves_the_others(runtime: LocalRuntime, admin: Api):
    deliver(runtime, admin, "ada", _feedId="alerts")
    news = deliver(runtime, admin, "ada", _feedId="news")
    ada = session(admin, "ada")

    assert ada.call("DELETE", "/v1/widgets/messages?feedId=alerts").status == 204
    assert feed_ids(ada) == [news["_id"]]
    assert ada.call("DELETE", "/v1/widgets/messages").status == 204
    assert feed_ids(ada) == []


def test_preferences_are_the_subscribers_own(runtime: LocalRuntime, admin: Api):
    put_campaign(runtime, admin, CAMPAIGN, channels=["email", "in_app"])
    ada, bob = session(admin, "ada"), session(admin, "bob")

    body = {"channel": {"type": "email", "enabled": False}}
    changed = ada.call("PATCH", f"/v1/widgets/preferences/{CAMPAIGN}", json=body)

    assert changed.status == 200, changed.json()
    assert changed.json()["data"]["preference"]["channels"]["email"] is False
    listed = ada.get("/v1/widgets/preferences").json()["data"]
    assert [entry["template"]["_id"] for entry in listed] == [CAMPAIGN]
    # only the channels the campaign's steps use, as Novu's widget lists them
    assert listed[0]["preference"]["channels"] == {"email": False, "in_app": True}
    assert bob.get("/v1/widgets/preferences").json()["data"][0]["preference"]["channels"]["email"] is True
    assert admin.get("/v1/subscribers/ada/preferences").json()["data"][0]["preference"]["channels"]["email"] is False


def test_global_preferences_and_levels(runtime: LocalRuntime, admin: Api):
    put_campaign(runtime, admin, CAMPAIGN, channels=["email", "in_app"])
    ada = session(admin, "ada")

    changed = ada.call("PATCH", "/v1/widgets/preferences", json={"preferences": [{"type": "in_app", "enabled": False}]})

    assert changed.status == 200, changed.json()
    assert changed.json()["data"]["preference"]["channels"]["in_app"] is False
    level = ada.get("/v1/widgets/preferences/global").json()["data"]
    assert level[0]["preference"]["channels"] == {"email": True, "in_app": False}
    assert ada.get("/v1/widgets/preferences/template").json()["data"][0]["template"]["_id"] == CAMPAIGN
    assert ada.get("/v1/widgets/preferences/nope").status == 422


def test_a_critical_or_unknown_campaigns_preference_is_refused(runtime: LocalRuntime, admin: Api):
    put_campaign(runtime, admin, CAMPAIGN, critical=True)
    ada = session(admin, "ada")
    body = {"channel": {"type": "email", "enabled": False}}

    critical = ada.call("PATCH", f"/v1/widgets/preferences/{CAMPAIGN}", json=body)
    unknown = ada.call("PATCH", f"/v1/widgets/preferences/{'b' * 24}", json=body)

    assert critical.status in (400, 409, 422) and "parameter" in critical.json()["errors"]
    assert unknown.status == 404 and "parameter" in unknown.json()["errors"]


def test_the_organization_is_its_name_and_branding(admin: Api):
    branded = admin.call("PUT", "/v1/organizations/branding", json={"color": "#3366ff"})
    assert branded.status == 200, branded.json()

    response = session(admin, "ada").get("/v1/widgets/organization")

    assert response.status == 200, response.json()
    assert response.json()["data"]["branding"]["color"] == "#3366ff"
    assert {"_id", "name"} <= set(response.json()["data"])


def test_a_preflight_allows_the_new_methods(runtime: LocalRuntime):
    response = runtime.request("OPTIONS", "/v1/widgets/messages/" + "a" * 24, headers={"origin": "https://a.example"})

    assert response.status == 204
    assert {"DELETE", "PATCH"} <= set(response.headers["access-control-allow-methods"].replace(" ", "").split(","))


def _path(route: str) -> tuple[str, str]:
    method, path = route.split(" ", 1)
    path = path.replace("{parameter}", "global") if method == "GET" else path.replace("{parameter}", CAMPAIGN)
    return method, re.sub(r"\{messageId\}", "a" * 24, path).replace("{type}", "primary")


@pytest.mark.parametrize("route", TOKEN_ROUTES)
def test_every_token_route_refuses_a_forged_or_expired_token(runtime: LocalRuntime, admin: Api, route: str):
    token = session(admin, "ada").key or ""
    header, claims, signature = token.split(".")
    method, path = _path(route)

    forged = Api(runtime, f"{header}.{claims}.{signature[:-2]}AA").call(method, path, json={})
    runtime.clock.advance(3601)
    expired = Api(runtime, token).call(method, path, json={})

    assert forged.status == 401 and forged.json()["errors"]["authorization"]
    assert expired.status == 401 and "expired" in expired.json()["message"]


def test_novus_newer_inbox_api_is_not_served(runtime: LocalRuntime):
    # @novu/js 3.x calls these (docs/api.md, "Which Novu clients"): the v1 widget API is what Clarion serves
    assert runtime.request("POST", "/v1/inbox/session", json={}).status == 404
    assert runtime.request("GET", "/v1/inbox/notifications").status == 404

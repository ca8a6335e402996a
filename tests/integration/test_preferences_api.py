"""Subscriber preferences through the whole path: gateway → authorizer → subscribers function → DynamoDB on moto."""

import json
from typing import Any

import pytest

from clarion.store.keys import subscriber_pk
from local.runtime import LocalRuntime
from tests.conftest import load_event
from tests.integration.conftest import Api
from tests.integration.support.preferences import ALL_ON, put_campaign

CAMPAIGN_A = "a" * 24
CAMPAIGN_B = "b" * 24
CRITICAL = "c" * 24


def subscriber(api: Api, subscriber_id: str = "user-1") -> None:
    response = api.post("/v1/subscribers", {"subscriberId": subscriber_id})
    assert response.status == 201, response.json()


def preferences(api: Api, query: str = "") -> dict[str, dict[str, Any]]:
    """The subscriber's preference entries, by campaign id."""
    response = api.get(f"/v1/subscribers/user-1/preferences{query}")
    assert response.status == 200, response.json()
    return {entry["template"]["_id"]: entry for entry in response.json()["data"]}


def channels_of(api: Api, campaign_id: str) -> dict[str, bool]:
    return preferences(api)[campaign_id]["preference"]["channels"]


def patch_campaign(api: Api, campaign_id: str, body: dict[str, Any]) -> dict[str, Any]:
    response = api.call("PATCH", f"/v1/subscribers/user-1/preferences/{campaign_id}", json=body)
    assert response.status == 200, response.json()
    return response.json()["data"]


def patch_global(api: Api, body: dict[str, Any]) -> dict[str, Any]:
    response = api.call("PATCH", "/v1/subscribers/user-1/preferences", json=body)
    assert response.status == 200, response.json()
    return response.json()["data"]


def stored_preferences(runtime: LocalRuntime, api: Api) -> dict[str, dict[str, Any]]:
    pk = subscriber_pk(api.environment_id, "user-1")
    items = runtime.scan_table("SubscribersTable")
    return {item["sk"]: item for item in items if item["pk"] == pk and item["sk"].startswith("PREF#")}


@pytest.fixture
def profile(runtime, admin: Api) -> Api:
    """The admin, with subscriber user-1 and two campaigns: A (sms off by default) and B."""
    subscriber(admin)
    put_campaign(runtime, admin, CAMPAIGN_A, preferenceSettings=ALL_ON | {"sms": False})
    put_campaign(runtime, admin, CAMPAIGN_B)
    return admin


def test_every_campaign_is_listed_with_its_defaults(profile):
    listed = preferences(profile)
    assert set(listed) == {CAMPAIGN_A, CAMPAIGN_B}
    assert listed[CAMPAIGN_A] == {
        "template": {
            "_id": CAMPAIGN_A,
            "name": "Campaign a",
            "critical": False,
            "triggers": [{"identifier": "campaign-a", "type": "event", "variables": []}],
        },
        "preference": {"enabled": True, "channels": ALL_ON | {"sms": False}},
    }
    assert listed[CAMPAIGN_B]["preference"]["channels"] == ALL_ON


def test_an_environment_without_campaigns_lists_no_preferences(admin):
    subscriber(admin)
    assert preferences(admin) == {}


def test_turning_a_channel_off_for_a_campaign_affects_only_that_campaign(runtime, profile):
    changed = patch_campaign(profile, CAMPAIGN_B, {"channel": {"type": "email", "enabled": False}})
    assert changed["template"]["_id"] == CAMPAIGN_B
    assert changed["preference"] == {"enabled": True, "channels": ALL_ON | {"email": False}}
    assert channels_of(profile, CAMPAIGN_B)["email"] is False
    assert channels_of(profile, CAMPAIGN_A)["email"] is True
    stored = stored_preferences(runtime, profile)[f"PREF#CAMPAIGN#{CAMPAIGN_B}"]
    assert stored["channels"] == {"email": False} and "enabled" not in stored


def test_a_campaign_choice_keeps_the_channels_chosen_before(profile):
    patch_campaign(profile, CAMPAIGN_B, {"channel": {"type": "email", "enabled": False}})
    patch_campaign(profile, CAMPAIGN_B, {"channel": {"type": "push", "enabled": False}})
    assert channels_of(profile, CAMPAIGN_B) == ALL_ON | {"email": False, "push": False}


def test_a_global_choice_applies_to_every_campaign(profile):
    changed = patch_global(profile, {"preferences": [{"type": "push", "enabled": False}]})
    assert changed == {"preference": {"enabled": True, "channels": ALL_ON | {"push": False}}}
    assert channels_of(profile, CAMPAIGN_A)["push"] is False
    assert channels_of(profile, CAMPAIGN_B)["push"] is False


def test_a_global_choice_overrides_a_campaign_default(profile):
    patch_global(profile, {"preferences": [{"type": "sms", "enabled": True}]})
    assert channels_of(profile, CAMPAIGN_A)["sms"] is True


def test_a_campaign_choice_overrides_the_global_choice(profile):
    patch_global(profile, {"preferences": [{"type": "email", "enabled": False}]})
    patch_campaign(profile, CAMPAIGN_A, {"channel": {"type": "email", "enabled": True}})
    assert channels_of(profile, CAMPAIGN_A)["email"] is True
    assert channels_of(profile, CAMPAIGN_B)["email"] is False


def test_disabling_globally_turns_off_every_campaign_without_a_choice_of_its_own(profile):
    patch_global(profile, {"enabled": False})
    patch_campaign(profile, CAMPAIGN_A, {"channel": {"type": "in_app", "enabled": True}})
    assert channels_of(profile, CAMPAIGN_B) == dict.fromkeys(ALL_ON, False)
    assert channels_of(profile, CAMPAIGN_A) == dict.fromkeys(ALL_ON, False) | {"in_app": True}


def test_disabling_a_campaign_turns_off_all_its_channels(profile):
    changed = patch_campaign(profile, CAMPAIGN_B, {"enabled": False})
    assert changed["preference"] == {"enabled": False, "channels": dict.fromkeys(ALL_ON, False)}
    assert preferences(profile)[CAMPAIGN_B]["preference"]["enabled"] is False
    assert channels_of(profile, CAMPAIGN_A)["email"] is True


def test_the_global_level_shows_what_the_subscriber_set(profile):
    patch_global(profile, {"enabled": False, "preferences": [{"type": "chat", "enabled": False}]})
    response = profile.get("/v1/subscribers/user-1/preferences/global")
    assert response.status == 200
    assert response.json()["data"] == [{"preference": {"enabled": False, "channels": ALL_ON | {"chat": False}}}]


def test_the_template_level_is_the_per_campaign_list(profile):
    patch_campaign(profile, CAMPAIGN_A, {"channel": {"type": "email", "enabled": False}})
    response = profile.get("/v1/subscribers/user-1/preferences/template")
    assert response.status == 200
    assert response.json()["data"] == profile.get("/v1/subscribers/user-1/preferences").json()["data"]


def test_an_unknown_level_is_a_422_naming_parameter(profile):
    response = profile.get("/v1/subscribers/user-1/preferences/workflow")
    assert response.status == 422
    assert "parameter" in response.json()["errors"]


def test_without_inactive_channels_only_the_channels_of_the_campaigns_steps_are_listed(runtime, profile):
    put_campaign(runtime, profile, "d" * 24, channels=["sms"])
    listed = preferences(profile, "?includeInactiveChannels=false")
    assert listed[CAMPAIGN_A]["preference"]["channels"] == {"email": True, "in_app": True}
    assert listed["d" * 24]["preference"]["channels"] == {"sms": True}
    level = profile.get("/v1/subscribers/user-1/preferences/global?includeInactiveChannels=false").json()["data"]
    assert level[0]["preference"]["channels"] == {"email": True, "sms": True, "in_app": True}


def test_a_critical_campaign_always_uses_every_channel(runtime, profile):
    put_campaign(runtime, profile, CRITICAL, critical=True, preferenceSettings=ALL_ON | {"email": False})
    patch_global(profile, {"enabled": False})
    critical = preferences(profile)[CRITICAL]
    assert critical["template"]["critical"] is True
    assert critical["preference"] == {"enabled": True, "channels": ALL_ON}


def test_a_critical_campaigns_preference_cannot_be_changed(runtime, profile):
    put_campaign(runtime, profile, CRITICAL, critical=True)
    response = profile.call(
        "PATCH", f"/v1/subscribers/user-1/preferences/{CRITICAL}", json={"channel": {"type": "email", "enabled": False}}
    )
    assert response.status == 400
    body = response.json()
    assert body["message"] == f"Critical workflow with id: {CRITICAL} can not be updated"
    assert "parameter" in body["errors"]
    assert stored_preferences(runtime, profile) == {}


def test_an_unknown_campaign_is_a_404_naming_parameter(profile):
    response = profile.call("PATCH", f"/v1/subscribers/user-1/preferences/{'e' * 24}", json={"enabled": False})
    assert response.status == 404
    assert "parameter" in response.json()["errors"]


def test_an_empty_change_stores_nothing(runtime, profile):
    assert patch_global(profile, {})["preference"] == {"enabled": True, "channels": ALL_ON}
    assert patch_campaign(profile, CAMPAIGN_B, {})["preference"]["channels"] == ALL_ON
    assert stored_preferences(runtime, profile) == {}


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("", {"enabled": "yes"}, "enabled"),
        ("", {"preferences": False}, "preferences"),
        ("", {"preferences": [{"type": "fax", "enabled": True}]}, "preferences[0].type"),
        ("", {"preferences": [{"type": "email", "enabled": ""}]}, "preferences[0].enabled"),
        ("", {"enable": True}, "enable"),
        (f"/{CAMPAIGN_A}", {"channel": {"type": "email"}}, "channel.enabled"),
        (f"/{CAMPAIGN_A}", {"channel": "email", "enabled": False}, "channel"),
        (f"/{CAMPAIGN_A}", {"enabled": 2}, "enabled"),
        ("/bad%20id", {"enabled": False}, "parameter"),
    ],
)
def test_a_bad_change_is_a_422_naming_the_field(profile, path, body, field):
    response = profile.call("PATCH", f"/v1/subscribers/user-1/preferences{path}", json=body)
    assert response.status == 422
    assert field in response.json()["errors"]


def every_route() -> list[tuple[str, str, Any]]:
    base = "/v1/subscribers/user-1/preferences"
    return [
        ("GET", base, None),
        ("GET", f"{base}/global", None),
        ("GET", f"{base}/template", None),
        ("PATCH", base, {"enabled": False}),
        ("PATCH", f"{base}/{CAMPAIGN_A}", {"enabled": False}),
    ]


def test_every_preference_route_is_a_404_for_an_unknown_subscriber(runtime, admin):
    put_campaign(runtime, admin, CAMPAIGN_A)
    for method, path, body in every_route():
        response = admin.call(method, path, json=body)
        assert response.status == 404, path
        assert "subscriberId" in response.json()["errors"]


def test_another_environments_key_gets_a_404_and_never_the_preferences(runtime, profile):
    patch_campaign(profile, CAMPAIGN_A, {"channel": {"type": "email", "enabled": False}})
    environment_id = profile.post("/v1/environments", {"name": f"other-{profile.client_id}"}).json()["data"]["_id"]
    scopes = ["create:profile", "info:profile", "update:profile"]
    tenant_b = profile.client("tenant-b", scopes, environmentId=environment_id)
    for method, path, body in every_route():
        response = tenant_b.call(method, path, json=body)
        assert response.status == 404, path
        assert "data" not in response.json() and "Campaign a" not in json.dumps(response.json())
    subscriber(tenant_b)  # the same subscriberId in the other environment: its own, empty preferences
    assert preferences(tenant_b) == {}
    assert tenant_b.call("PATCH", f"/v1/subscribers/user-1/preferences/{CAMPAIGN_A}", json={}).status == 404
    assert channels_of(profile, CAMPAIGN_A)["email"] is False


def test_the_sample_preference_events_reach_the_function(runtime):
    unknown_level = runtime.invoke("SubscribersFunction", load_event("subscribers/preferences_unknown_level.json"))
    assert unknown_level["statusCode"] == 422
    assert "parameter" in json.loads(unknown_level["body"])["errors"]
    listed = runtime.invoke("SubscribersFunction", load_event("subscribers/preferences_list.json"))
    assert listed["statusCode"] == 404  # the sample's environment has no such subscriber

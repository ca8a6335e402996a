"""Push actions through the gateway: a push delivered to a device is opened and clicked (POST /v1/hits/push-action),
a repeat is idempotent, the actions are listed per campaign, subscriber and device and counted in the campaign
statistics; in-app messages read or answered in the inbox count as opens and clicks; isolation and scopes."""

import json
import uuid
from typing import Any

from local.runtime import LocalRuntime
from tests.integration.conftest import Api
from tests.integration.support.delivery import endpoint_messages


def delivered(runtime: LocalRuntime, admin: Api, channel: str) -> tuple[str, str, str]:
    """A campaign's `channel` message delivered to a new subscriber with a device: (campaignId, subscriberId,
    messageId)."""
    subscriber_id, token = f"ada-{uuid.uuid4().hex[:8]}", f"token-{uuid.uuid4().hex}"
    assert admin.post("/v1/subscribers", {"subscriberId": subscriber_id}).status == 201
    device = {"platform": "android", "pushToken": token}
    assert admin.put(f"/v1/subscribers/{subscriber_id}/devices/phone-{subscriber_id}", device).status == 200
    content = {"title": "Sale", "body": "Half price"} if channel == "push" else {"body": "Half price"}
    if channel == "in_app":
        content["cta"] = {"type": "redirect", "data": {"url": "/sale"}}
    steps = [{"channel": channel, "content": content}]
    campaign = admin.post("/v1/campaigns", {"name": f"Sale {uuid.uuid4().hex[:6]}", "status": "active", "steps": steps})
    assert campaign.status == 201, campaign.json()
    campaign_id = campaign.json()["data"]["_id"]
    trigger = {"name": campaign.json()["data"]["identifier"], "to": subscriber_id, "payload": {}}
    assert admin.post("/v1/events/trigger", trigger).status == 201
    runtime.drain()
    (message,) = admin.get(f"/v1/messages?subscriberId={subscriber_id}&channel={channel}").json()["data"]
    assert message["status"] == "sent", message
    if channel == "push":
        assert len(endpoint_messages(runtime, token)) == 1
    return campaign_id, subscriber_id, message["_id"]


def totals(admin: Api, campaign_id: str) -> dict[str, Any]:
    report = admin.get(f"/v1/analytics/campaigns?campaignIds={campaign_id}")
    assert report.status == 200, report.json()
    (campaign,) = report.json()["data"]["campaigns"]
    counted = {name: campaign["totals"][name] for name in ("opened", "clicked", "dismissed")}
    channels = list(campaign["totals"]["channels"].values())  # each test's campaign has one channel
    assert [{name: channel[name] for name in counted} for channel in channels] == ([counted] if channels else [])
    return counted


def test_a_pushs_open_and_click_are_recorded_listed_and_counted(runtime: LocalRuntime, admin: Api) -> None:
    campaign_id, subscriber_id, message_id = delivered(runtime, admin, "push")
    device_id = f"phone-{subscriber_id}"

    opened = admin.post("/v1/hits/push-action", {"messageId": message_id, "action": "open", "deviceId": device_id})
    click = {"messageId": message_id, "action": "click", "url": "https://example.com/sale", "deviceId": device_id}
    clicked = admin.post("/v1/hits/push-action", click)

    assert (opened.status, clicked.status) == (201, 201), opened.json()
    action = opened.json()["data"]["action"]
    assert (opened.json()["data"]["recorded"], action["actionId"]) == (True, f"{message_id}_open")
    assert (action["campaignId"], action["subscriberId"], action["deviceId"]) == (campaign_id, subscriber_id, device_id)
    assert admin.get(f"/v1/actions/{message_id}_click").json()["data"]["url"] == "https://example.com/sale"
    for path in (
        f"/v1/campaigns/{campaign_id}/actions",
        f"/v1/subscribers/{subscriber_id}/actions",
        f"/v1/devices/{device_id}/actions",
    ):
        listed = admin.get(path).json()
        assert (listed["totalCount"], [a["action"] for a in listed["data"]]) == (2, ["click", "open"]), path
    assert totals(admin, campaign_id) == {"opened": 1, "clicked": 1, "dismissed": 0}


def test_a_repeated_action_is_recorded_once(runtime: LocalRuntime, admin: Api) -> None:
    campaign_id, _, message_id = delivered(runtime, admin, "push")
    first = admin.post("/v1/hits/push-action", {"messageId": message_id, "action": "dismiss"})

    again = admin.post("/v1/hits/push-action", {"messageId": message_id, "action": "dismiss"})

    assert again.status == 201
    assert (again.json()["data"]["recorded"], again.json()["data"]["action"]) == (False, first.json()["data"]["action"])
    assert admin.get(f"/v1/campaigns/{campaign_id}/actions").json()["totalCount"] == 1
    assert totals(admin, campaign_id) == {"opened": 0, "clicked": 0, "dismissed": 1}


def test_an_in_app_message_read_and_answered_in_the_inbox_counts_as_opened_and_clicked(
    runtime: LocalRuntime, admin: Api
) -> None:
    campaign_id, subscriber_id, message_id = delivered(runtime, admin, "in_app")
    marks = f"/v1/subscribers/{subscriber_id}/messages"
    assert admin.post(f"{marks}/mark-as", {"messageId": message_id, "markAs": "seen"}).status == 201
    assert admin.post(f"{marks}/mark-all", {"markAs": "read"}).status in (200, 201)
    assert totals(admin, campaign_id)["opened"] == 0  # seen is not opened; mark-all clears a feed, reads nothing

    read = admin.post(f"/v1/subscribers/{subscriber_id}/messages/mark-as", {"messageId": message_id, "markAs": "read"})
    answered = admin.post(f"/v1/subscribers/{subscriber_id}/messages/{message_id}/actions/primary", {"status": "done"})

    assert (read.status, answered.status) == (201, 201), (read.json(), answered.json())
    again = admin.post(f"{marks}/mark-as", {"messageId": message_id, "markAs": "read"})
    assert again.status == 201
    assert totals(admin, campaign_id) == {"opened": 1, "clicked": 1, "dismissed": 0}
    click = admin.get(f"/v1/actions/{message_id}_click").json()["data"]
    assert (click["source"], click["buttonId"], click["channel"]) == ("inbox", "primary", "in_app")


def test_bad_actions_are_4xx_naming_the_field(runtime: LocalRuntime, admin: Api) -> None:
    _, _, message_id = delivered(runtime, admin, "push")
    cases = [
        ({"messageId": "0" * 24, "action": "open"}, 404, "messageId"),
        ({"messageId": message_id, "action": "like"}, 422, "action"),
        ({"messageId": message_id, "action": "open", "deviceId": "not-theirs"}, 404, "deviceId"),
        ({"messageId": message_id, "action": "open", "at": "2001-01-01T00:00:00Z"}, 422, "at"),
    ]
    for body, status, field in cases:
        response = admin.post("/v1/hits/push-action", body)
        assert (response.status, field in json.dumps(response.json())) == (status, True), response.json()
    assert admin.get("/v1/actions/nothing_open").status == 404


def test_another_environment_can_neither_act_on_nor_list_the_actions(
    runtime: LocalRuntime, admin: Api, other_admin: Api
) -> None:
    campaign_id, subscriber_id, message_id = delivered(runtime, admin, "push")
    assert admin.post("/v1/hits/push-action", {"messageId": message_id, "action": "open"}).status == 201

    assert other_admin.post("/v1/hits/push-action", {"messageId": message_id, "action": "click"}).status == 404
    assert other_admin.get(f"/v1/campaigns/{campaign_id}/actions").status == 404
    assert other_admin.get(f"/v1/subscribers/{subscriber_id}/actions").status == 404
    assert other_admin.get(f"/v1/actions/{message_id}_open").status == 404
    assert totals(admin, campaign_id)["clicked"] == 0


def test_the_action_routes_need_their_scopes(admin: Api) -> None:
    tagger = admin.client("tagger", ["hit:tag", "list:action"])
    assert tagger.post("/v1/hits/push-action", {"messageId": "m", "action": "open"}).status == 403
    assert tagger.get("/v1/actions/m_open").status == 403
    assert tagger.get("/v1/subscribers/ada/actions").status == 403

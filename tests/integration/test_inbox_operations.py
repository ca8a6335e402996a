"""Inbox operations through the whole path: expire-inbox, remove-inbox, and inbox expiry (campaign setting and
environment default) honoured by the feed and the unseen count."""

from local.runtime import LocalRuntime
from tests.integration.conftest import Api
from tests.integration.support.campaigns import campaign, operation, records, subscriber
from tests.integration.support.inbox import DAY, IN_APP_STEP, delivered, feed

EMAIL_STEP = {"channel": "email", "content": {"subject": "s", "body": "b"}}


def unseen(api: Api, subscriber_id: str) -> int:
    return int(api.get(f"/v1/subscribers/{subscriber_id}/notifications/unseen").json()["data"]["count"])


def test_expire_inbox_takes_the_campaigns_messages_out_of_every_feed_only(runtime: LocalRuntime, admin: Api):
    for name in ("ada", "bob"):
        subscriber(admin, name)
    offer, other = campaign(admin, IN_APP_STEP), campaign(admin, IN_APP_STEP)
    delivered(runtime, admin, offer, "A", "ada", "bob")
    delivered(runtime, admin, other, "B", "ada")
    assert (sorted(feed(admin, "ada")), unseen(admin, "ada")) == (["Offer A", "Offer B"], 2)
    response = operation(admin, offer["_id"], "expire-inbox")
    assert response.status == 200, response.json()
    assert (feed(admin, "ada"), unseen(admin, "ada")) == (["Offer B"], 1)
    assert (feed(admin, "bob"), unseen(admin, "bob")) == ([], 0)
    runtime.clock.advance(1)
    delivered(runtime, admin, offer, "C", "bob")  # sent after the expiry: shown
    assert feed(admin, "bob") == ["Offer C"]


def test_expire_inbox_of_a_campaign_without_in_app_is_a_422(admin: Api):
    sent = campaign(admin, EMAIL_STEP)
    response = operation(admin, sent["_id"], "expire-inbox")
    assert response.status == 422
    assert "steps" in response.json()["errors"]


def test_remove_inbox_for_one_subscriber_leaves_the_others_message(runtime: LocalRuntime, admin: Api):
    for name in ("ada", "bob"):
        subscriber(admin, name)
    offer = campaign(admin, IN_APP_STEP)
    delivered(runtime, admin, offer, "R", "ada", "bob")
    response = operation(admin, offer["_id"], "remove-inbox", {"subscriberIds": ["ada", "nobody"]})
    assert response.status == 200, response.json()
    assert response.json()["data"]["results"] == [
        {"subscriberId": "ada", "messageId": None, "status": "removed", "removed": 1},
        {"subscriberId": "nobody", "messageId": None, "status": "not_found", "removed": 0},
    ]
    assert (feed(admin, "ada"), unseen(admin, "ada")) == ([], 0)
    assert feed(admin, "bob") == ["Offer R"]


def test_remove_inbox_by_message_id_only_removes_that_campaigns_messages(runtime: LocalRuntime, admin: Api):
    subscriber(admin, "ada")
    offer, other = campaign(admin, IN_APP_STEP), campaign(admin, IN_APP_STEP)
    delivered(runtime, admin, offer, "M1", "ada")
    delivered(runtime, admin, other, "M2", "ada")
    by_campaign = {r["campaignId"]: r["_id"] for r in records(runtime, admin)}
    body = {"messageIds": [by_campaign[offer["_id"]], by_campaign[other["_id"]]]}
    results = operation(admin, offer["_id"], "remove-inbox", body).json()["data"]["results"]
    assert [r["status"] for r in results] == ["removed", "not_found"]
    assert feed(admin, "ada") == ["Offer M2"]


def test_remove_inbox_needs_message_ids_or_subscriber_ids(admin: Api):
    offer = campaign(admin, IN_APP_STEP)
    assert operation(admin, offer["_id"], "remove-inbox", {}).status == 422


def test_a_campaigns_inbox_expiry_hides_the_message_once_the_clock_passes_it(runtime: LocalRuntime, admin: Api):
    subscriber(admin, "ada")
    offer = campaign(admin, IN_APP_STEP, inboxExpiryDays=2)
    delivered(runtime, admin, offer, "X", "ada")
    runtime.clock.advance(DAY)
    assert (feed(admin, "ada"), unseen(admin, "ada")) == (["Offer X"], 1)
    runtime.clock.advance(DAY + 1)
    assert (feed(admin, "ada"), unseen(admin, "ada")) == ([], 0)


def test_the_environment_default_inbox_expiry_applies_to_campaigns_without_one(runtime: LocalRuntime, admin: Api):
    response = admin.call("PATCH", f"/v1/environments/{admin.environment_id}", json={"inboxExpiryDays": 1})
    assert response.status == 200, response.json()
    assert response.json()["data"]["inboxExpiryDays"] == 1
    subscriber(admin, "ada")
    offer, longer = campaign(admin, IN_APP_STEP), campaign(admin, IN_APP_STEP, inboxExpiryDays=3)
    delivered(runtime, admin, offer, "D", "ada")
    delivered(runtime, admin, longer, "L", "ada")
    runtime.clock.advance(DAY + 1)
    assert (feed(admin, "ada"), unseen(admin, "ada")) == (["Offer L"], 1)


def test_patching_an_environment_checks_the_expiry_and_the_environment(admin: Api):
    path = f"/v1/environments/{admin.environment_id}"
    response = admin.call("PATCH", path, json={"inboxExpiryDays": 0})
    assert (response.status, "inboxExpiryDays" in response.json()["errors"]) == (422, True)
    assert admin.call("PATCH", "/v1/environments/" + "0" * 24, json={"inboxExpiryDays": 5}).status == 404

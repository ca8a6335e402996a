"""Sports-updates subscriptions through the gateway: following a competition makes the subscriber a member of the
topic `sports:<competition>` (created on the first follow), unknown subscribers are reported, unfollowing removes
the membership (a 200 with nothing to do for a competition nobody follows); the routes need
update:sports_subscription."""

import uuid

from tests.integration.conftest import Api
from tests.integration.support.campaigns import subscriber


def members(api: Api, topic_key: str) -> list[str]:
    response = api.get(f"/v1/topics/{topic_key}/subscribers?limit=100")
    assert response.status == 200, response.json()
    return [member["subscriberId"] for member in response.json()["data"]]


def test_following_a_competition_is_membership_of_its_topic(admin: Api) -> None:
    competition = f"premier-league-{uuid.uuid4().hex[:6]}"
    subscriber(admin, "fan-1")
    body = {"competition": competition, "subscriberIds": ["fan-1", "nobody"]}
    response = admin.post("/v1/sports-updates/subscriptions", body)
    assert response.status == 200, response.json()
    topic_key = f"sports:{competition}"
    assert response.json()["data"] == {"topicKey": topic_key, "succeeded": ["fan-1"], "notFound": ["nobody"]}
    assert members(admin, topic_key) == ["fan-1"]
    removal = admin.post(
        "/v1/sports-updates/subscriptions/removal", {"competition": competition, "subscriberIds": ["fan-1"]}
    )
    assert (removal.status, removal.json()) == (200, {"data": {"topicKey": topic_key}})
    assert members(admin, topic_key) == []


def test_unfollowing_a_competition_nobody_follows_is_nothing_to_do(admin: Api) -> None:
    body = {"competition": f"cup-{uuid.uuid4().hex[:6]}", "subscriberIds": ["fan-1"]}
    assert admin.post("/v1/sports-updates/subscriptions/removal", body).status == 200


def test_the_routes_need_their_scope_and_name_bad_fields(admin: Api) -> None:
    reader = admin.client("reader", ["list:topic"])
    refused = reader.post("/v1/sports-updates/subscriptions", {"competition": "cup", "subscriberIds": ["a"]})
    assert refused.status == 403 and refused.json()["errors"]["scope"]["value"] == "update:sports_subscription"
    bad = admin.post("/v1/sports-updates/subscriptions", {"competition": "a/b", "subscriberIds": []})
    assert bad.status == 422 and {"competition", "subscriberIds"} <= set(bad.json()["errors"])

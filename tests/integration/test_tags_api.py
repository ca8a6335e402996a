"""Tags and tag hits through the whole path: gateway → authorizer → audience and hits functions → DynamoDB on moto.
A hit is listed under its tag and counted on its profile (tags, tagHits) for segments."""

from datetime import timedelta
from typing import Any

from clarion import clock
from clarion.store.keys import PROFILE_SK, subscriber_pk
from local.runtime import LocalRuntime
from tests.integration.conftest import Api


def created(response: Any) -> dict[str, Any]:
    assert response.status == 201, response.json()
    data: dict[str, Any] = response.json()["data"]
    return data


def profile_item(runtime: LocalRuntime, api: Api, subscriber_id: str) -> dict[str, Any]:
    """The profile as stored: what a segment's pass over the environment's profiles reads."""
    with runtime.registry.environment_of("SubscribersFunction"):
        from clarion.subscribers.repository import SubscribersRepository

        item = SubscribersRepository().table.get(subscriber_pk(api.environment_id, subscriber_id), PROFILE_SK)
    assert item is not None
    return item


def hits_of(api: Api, tag: str, query: str = "") -> dict[str, Any]:
    response = api.get(f"/v1/tags/{tag}/hits?{query}")
    assert response.status == 200, response.json()
    body: dict[str, Any] = response.json()
    return body


def test_a_created_tag_reads_back_and_a_duplicate_is_a_409(admin: Api):
    tag = created(admin.post("/v1/tags", {"name": "checkout", "description": "Reached checkout"}))
    assert tag["name"] == "checkout" and tag["hits"] == 0 and tag["lastHitAt"] is None
    assert admin.get("/v1/tags").json()["data"] == [tag]
    response = admin.post("/v1/tags", {"name": "checkout"})
    assert response.status == 409 and "name" in response.json()["errors"]


def test_a_batch_creates_tags_and_reports_the_taken_ones(admin: Api):
    created(admin.post("/v1/tags", {"name": "a"}))
    result = created(admin.post("/v1/tags/batch", {"tags": [{"name": "a"}, {"name": "b"}, {"name": "c"}]}))
    assert result == {"created": ["b", "c"], "failed": [{"name": "a", "message": "already exists"}]}
    page = admin.get("/v1/tags?page=1&limit=2").json()
    assert page["totalCount"] == 3 and not page["hasMore"] and [t["name"] for t in page["data"]] == ["c"]


def test_a_hit_is_listed_under_its_tag_and_counted_on_the_profile(admin: Api, runtime: LocalRuntime):
    created(admin.post("/v1/subscribers", {"subscriberId": "ada"}))
    result = created(admin.post("/v1/hits/tag", {"tag": "checkout", "subscriberId": "ada", "value": 42.5}))
    assert result == {"recorded": 1, "failed": [], "cataloguedTags": ["checkout"]}  # an unknown tag: catalogued

    [hit] = hits_of(admin, "checkout")["data"]
    assert hit["subscriberId"] == "ada" and hit["value"] == 42.5 and hit["tag"] == "checkout"
    assert admin.get("/v1/subscribers/ada").json()["data"]["tags"] == ["checkout"]
    today = clock.utc_now().date().isoformat()
    assert profile_item(runtime, admin, "ada")["tagHits"] == {"checkout": {today: 1}}
    [tag] = admin.get("/v1/tags").json()["data"]
    assert tag["name"] == "checkout" and tag["hits"] == 1 and tag["lastHitAt"]


def test_a_batch_of_hits_counts_each_day_and_reports_each_failure(admin: Api, runtime: LocalRuntime):
    created(admin.post("/v1/subscribers", {"subscriberId": "ada"}))
    now = clock.utc_now()
    yesterday = (now - timedelta(days=1)).isoformat()
    hits = [
        {"tag": "viewed", "subscriberId": "ada"},
        {"tag": "viewed", "subscriberId": "ada", "timestamp": yesterday},
        {"tag": "viewed", "subscriberId": "ada", "timestamp": yesterday},
        {"tag": "viewed", "subscriberId": "nobody"},
        {"tag": "viewed", "deviceId": "device-1"},
        {"tag": "viewed", "subscriberId": "ada", "timestamp": (now + timedelta(hours=1)).isoformat()},
    ]
    result = created(admin.post("/v1/hits/tag/batch", {"hits": hits}))
    assert result["recorded"] == 4
    assert [(f["index"], f["message"].split(":")[0]) for f in result["failed"]] == [
        (3, "hits[3].subscriberId"),
        (5, "hits[5].timestamp"),
    ]
    counts = profile_item(runtime, admin, "ada")["tagHits"]["viewed"]
    assert counts == {now.date().isoformat(): 1, (now - timedelta(days=1)).date().isoformat(): 2}

    listed = hits_of(admin, "viewed", "limit=10")["data"]
    assert len(listed) == 4 and listed[0]["timestamp"] >= listed[-1]["timestamp"]  # newest first
    assert {h.get("deviceId") for h in listed} == {None, "device-1"}
    assert len(hits_of(admin, "viewed", "subscriberId=ada")["data"]) == 3
    assert [h["deviceId"] for h in hits_of(admin, "viewed", "deviceId=device-1")["data"]] == ["device-1"]
    both = admin.get("/v1/tags/viewed/hits?subscriberId=ada&deviceId=device-1")
    assert both.status == 422 and "deviceId" in both.json()["errors"]
    assert hits_of(admin, "viewed", "page=1&limit=3") | {"data": None} == {
        "page": 1,
        "pageSize": 3,
        "hasMore": False,
        "data": None,
    }


def test_a_single_hit_for_an_unknown_subscriber_is_a_404_and_catalogues_nothing(admin: Api):
    response = admin.post("/v1/hits/tag", {"tag": "checkout", "subscriberId": "nobody"})
    assert response.status == 404 and "subscriberId" in response.json()["errors"]
    assert admin.get("/v1/tags").json()["totalCount"] == 0
    assert admin.get("/v1/tags/checkout/hits").status == 404


def test_a_hit_needs_exactly_one_target_and_a_time_not_in_the_future(admin: Api):
    assert admin.post("/v1/hits/tag", {"tag": "x"}).status == 422
    assert admin.post("/v1/hits/tag", {"tag": "x", "subscriberId": "a", "deviceId": "b"}).status == 422
    created(admin.post("/v1/subscribers", {"subscriberId": "ada"}))
    ahead = (clock.utc_now() + timedelta(minutes=30)).isoformat()
    response = admin.post("/v1/hits/tag", {"tag": "x", "subscriberId": "ada", "timestamp": ahead})
    assert response.status == 422 and "timestamp" in response.json()["errors"]
    naive = admin.post("/v1/hits/tag", {"tag": "x", "subscriberId": "ada", "timestamp": "2026-01-01T00:00:00"})
    assert naive.status == 422 and "timestamp" in naive.json()["errors"]


def test_another_environment_sees_none_of_the_tags_or_hits(admin: Api, other_admin: Api):
    created(admin.post("/v1/subscribers", {"subscriberId": "ada"}))
    created(admin.post("/v1/hits/tag", {"tag": "secret-tag", "subscriberId": "ada"}))
    assert other_admin.get("/v1/tags").json()["totalCount"] == 0
    assert other_admin.get("/v1/tags/secret-tag/hits").status == 404
    response = other_admin.post("/v1/hits/tag", {"tag": "secret-tag", "subscriberId": "ada"})
    assert response.status == 404  # A's subscriber is not B's
    assert len(hits_of(admin, "secret-tag")["data"]) == 1


def test_an_event_hit_is_counted_on_the_profile_as_a_tag_hit_is(admin: Api, runtime: LocalRuntime):
    created(admin.post("/v1/subscribers", {"subscriberId": "ada"}))
    assert admin.post("/v1/hits/event", {"subscriberId": "ada", "name": "bought"}).status == 202
    today = clock.utc_now().date().isoformat()
    assert profile_item(runtime, admin, "ada")["eventHits"] == {"bought": {today: 1}}

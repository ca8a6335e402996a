"""Topics (Novu v1 /v1/topics) through the whole path: gateway → authorizer → topics function → DynamoDB on moto."""

import json
from typing import Any

import pytest

from clarion.store.keys import member_sk, membership_sk, subscriber_pk, topic_pk
from tests.conftest import load_event
from tests.integration.conftest import Api

TOPIC_SCOPES = ["create:topic", "list:topic", "info:topic", "update:topic", "delete:topic"]


def create_topic(admin: Api, key: str, name: str = "Product updates") -> dict[str, Any]:
    response = admin.post("/v1/topics", {"key": key, "name": name})
    assert response.status == 201, response.json()
    return response.json()["data"]


def create_subscribers(admin: Api, *subscriber_ids: str) -> list[str]:
    for subscriber_id in subscriber_ids:
        response = admin.post(
            "/v1/subscribers", {"subscriberId": subscriber_id, "email": f"{subscriber_id}@example.com"}
        )
        assert response.status == 201, response.json()
    return list(subscriber_ids)


def create_many_subscribers(admin: Api, count: int, prefix: str = "user") -> list[str]:
    subscriber_ids = [f"{prefix}-{number:04d}" for number in range(count)]
    response = admin.post("/v1/subscribers/bulk", {"subscribers": [{"subscriberId": s} for s in subscriber_ids]})
    assert response.status == 201, response.json()
    return subscriber_ids


def add(admin: Api, key: str, subscriber_ids: list[str]) -> dict[str, Any]:
    response = admin.post(f"/v1/topics/{key}/subscribers", {"subscribers": subscriber_ids})
    assert response.status == 200, response.json()
    return response.json()["data"]


def topic(admin: Api, key: str) -> dict[str, Any]:
    response = admin.get(f"/v1/topics/{key}")
    assert response.status == 200, response.json()
    return response.json()["data"]


def stored(admin: Api, key: str) -> list[dict[str, Any]]:
    """Every item of the admin environment's topic partition and every membership pointing at that topic."""
    return [
        item
        for item in admin.runtime.scan_table("SubscribersTable")
        if item["pk"] == topic_pk(admin.environment_id, key)
        or (item["sk"] == membership_sk(key) and item["pk"].startswith(subscriber_pk(admin.environment_id, "")))
    ]


def other_environment_key(admin: Api) -> Api:
    created = admin.post("/v1/environments", {"name": f"topics-elsewhere-{admin.client_id}"})
    assert created.status == 201
    return admin.client("tenant-b-topics", TOPIC_SCOPES, environmentId=created.json()["data"]["_id"])


# creating and reading


def test_a_created_topic_answers_with_its_id_and_key(admin: Api):
    response = admin.post("/v1/topics", {"key": "product-updates", "name": "Product updates"})
    assert response.status == 201
    created = response.json()["data"]
    assert set(created) == {"_id", "key"}
    assert created["key"] == "product-updates" and len(created["_id"]) == 24


def test_a_topic_is_read_back_in_novus_shape(admin: Api):
    created = create_topic(admin, "product-updates", "Product updates")
    shown = topic(admin, "product-updates")
    assert shown["_id"] == created["_id"]
    assert shown["_environmentId"] == admin.environment_id and shown["_organizationId"]
    assert shown["key"] == "product-updates" and shown["name"] == "Product updates"
    assert shown["subscribers"] == [] and shown["subscriberCount"] == 0
    assert shown["createdAt"].endswith("Z") and shown["updatedAt"] == shown["createdAt"]


def test_a_topic_is_stored_in_its_own_partition_and_the_list_index(admin: Api):
    create_topic(admin, "stored-topic")
    (item,) = stored(admin, "stored-topic")
    assert item["pk"] == f"ENV#{admin.environment_id}#TOPIC#stored-topic" and item["sk"] == "TOPIC"
    assert item["listPk"] == f"ENV#{admin.environment_id}#TOPICS" and item["listSk"] == "stored-topic"
    assert item["subscriberCount"] == 0


def test_an_existing_key_is_a_409_naming_key(admin: Api):
    create_topic(admin, "taken", "First")
    response = admin.post("/v1/topics", {"key": "taken", "name": "Second"})
    assert response.status == 409
    assert "key" in response.json()["errors"]
    assert response.json()["message"].startswith("Topic exists with key taken")
    assert topic(admin, "taken")["name"] == "First"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "No key"}, "key"),
        ({"key": "news"}, "name"),
        ({"key": "has space", "name": "x"}, "key"),
        ({"key": "a/b", "name": "x"}, "key"),
        ({"key": "k" * 129, "name": "x"}, "key"),
        ({"key": "news", "name": "n" * 101}, "name"),
        ({"key": "news", "name": 7}, "name"),
        ({"key": "news", "name": "x", "color": "red"}, "color"),
    ],
)
def test_a_bad_create_body_is_a_422_naming_the_field(admin: Api, payload, field):
    response = admin.post("/v1/topics", payload)
    assert response.status == 422
    assert field in response.json()["errors"]


def test_an_unknown_topic_is_a_404_naming_the_key(admin: Api):
    response = admin.get("/v1/topics/never-created")
    assert response.status == 404
    assert (
        response.json()["message"] == f"Topic not found for id never-created in the environment {admin.environment_id}"
    )
    assert "topicKey" in response.json()["errors"]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("PATCH", "/v1/topics/missing", {"name": "x"}),
        ("DELETE", "/v1/topics/missing", None),
        ("POST", "/v1/topics/missing/subscribers/removal", {"subscribers": ["a"]}),
        ("GET", "/v1/topics/missing/subscribers", None),
        ("GET", "/v1/topics/missing/subscribers/a", None),
    ],
)
def test_every_route_on_an_unknown_topic_is_a_404(admin: Api, method, path, body):
    assert admin.call(method, path, json=body).status == 404


# listing


def test_topics_are_listed_in_key_order_page_by_page_with_the_total(admin: Api):
    for key in ("topic-c", "topic-a", "topic-b"):
        create_topic(admin, key, f"{key}-name")
    first = admin.get("/v1/topics?page=0&pageSize=2").json()
    assert [t["key"] for t in first["data"]] == ["topic-a", "topic-b"]
    assert (first["page"], first["pageSize"], first["totalCount"], first["hasMore"]) == (0, 2, 3, True)
    second = admin.get("/v1/topics?page=1&pageSize=2").json()
    assert [t["name"] for t in second["data"]] == ["topic-c-name"]
    assert (second["totalCount"], second["hasMore"]) == (3, False)
    assert admin.get("/v1/topics?page=2&pageSize=2").json()["data"] == []


def test_the_list_defaults_to_novus_first_page_of_ten(admin: Api):
    create_topic(admin, "only")
    listed = admin.get("/v1/topics").json()
    assert (listed["page"], listed["pageSize"], listed["totalCount"]) == (0, 10, 1)
    assert listed["data"][0]["subscribers"] == [] and listed["data"][0]["_environmentId"] == admin.environment_id


def test_the_key_filter_matches_exactly_one_key(admin: Api):
    create_topic(admin, "news")
    create_topic(admin, "news-eu")
    listed = admin.get("/v1/topics?key=news").json()
    assert [t["key"] for t in listed["data"]] == ["news"] and listed["totalCount"] == 1
    nothing = admin.get("/v1/topics?key=new").json()
    assert nothing["data"] == [] and nothing["totalCount"] == 0


def test_listed_topics_show_their_subscribers(admin: Api):
    create_subscribers(admin, "ann", "bob")
    create_topic(admin, "with-members")
    add(admin, "with-members", ["bob", "ann"])
    (listed,) = admin.get("/v1/topics").json()["data"]
    assert listed["subscribers"] == ["ann", "bob"] and listed["subscriberCount"] == 2


@pytest.mark.parametrize(
    ("query", "field"), [("pageSize=11", "pageSize"), ("pageSize=0", "pageSize"), ("page=-1", "page")]
)
def test_a_bad_page_is_a_422_naming_it(admin: Api, query, field):
    response = admin.get(f"/v1/topics?{query}")
    assert response.status == 422
    assert field in response.json()["errors"]


# renaming and deleting


def test_renaming_changes_the_name_and_keeps_key_and_members(admin: Api):
    create_subscribers(admin, "ann")
    create_topic(admin, "renamed", "Before")
    add(admin, "renamed", ["ann"])
    response = admin.call("PATCH", "/v1/topics/renamed", json={"name": "After"})
    assert response.status == 200
    renamed = response.json()["data"]
    assert (renamed["key"], renamed["name"], renamed["subscribers"]) == ("renamed", "After", ["ann"])
    assert topic(admin, "renamed")["name"] == "After"


@pytest.mark.parametrize("payload", [{}, {"name": ""}, {"name": "x", "key": "other"}])
def test_a_bad_rename_is_a_422_and_changes_nothing(admin: Api, payload):
    create_topic(admin, "kept", "Kept")
    response = admin.call("PATCH", "/v1/topics/kept", json=payload)
    assert response.status == 422
    assert topic(admin, "kept")["name"] == "Kept"


def test_an_empty_topic_is_deleted_and_uncounted(admin: Api):
    create_topic(admin, "short-lived")
    create_topic(admin, "stays")
    response = admin.delete("/v1/topics/short-lived")
    assert response.status == 204 and response.body in ("", b"", None)
    assert admin.get("/v1/topics/short-lived").status == 404
    assert stored(admin, "short-lived") == []
    assert admin.get("/v1/topics").json()["totalCount"] == 1


def test_a_topic_with_subscribers_is_only_deleted_after_they_are_removed(admin: Api):
    create_subscribers(admin, "ann")
    create_topic(admin, "busy")
    add(admin, "busy", ["ann"])
    refused = admin.delete("/v1/topics/busy")
    assert refused.status == 409
    assert refused.json()["message"] == (
        f"Topic with key busy in the environment {admin.environment_id} "
        "can't be deleted as it still has subscribers assigned"
    )
    assert topic(admin, "busy")["subscribers"] == ["ann"]
    assert admin.post("/v1/topics/busy/subscribers/removal", {"subscribers": ["ann"]}).status == 204
    assert admin.delete("/v1/topics/busy").status == 204


# adding and removing subscribers


def test_adding_existing_subscribers_reports_them_all_succeeded_without_failed(admin: Api):
    create_subscribers(admin, "ann", "bob")
    create_topic(admin, "team")
    assert add(admin, "team", ["ann", "bob"]) == {"succeeded": ["ann", "bob"]}
    shown = topic(admin, "team")
    assert shown["subscribers"] == ["ann", "bob"] and shown["subscriberCount"] == 2


def test_unknown_subscribers_are_reported_not_found_and_not_added(admin: Api):
    create_subscribers(admin, "ann")
    create_topic(admin, "team")
    result = add(admin, "team", ["ghost", "ann", "phantom"])
    assert result == {"succeeded": ["ann"], "failed": {"notFound": ["ghost", "phantom"]}}
    assert topic(admin, "team")["subscribers"] == ["ann"]


def test_adding_a_member_again_succeeds_and_changes_nothing(admin: Api):
    create_subscribers(admin, "ann", "bob")
    create_topic(admin, "team")
    add(admin, "team", ["ann"])
    assert add(admin, "team", ["ann", "bob", "ann"]) == {"succeeded": ["ann", "bob"]}
    assert topic(admin, "team")["subscriberCount"] == 2
    members = [item for item in stored(admin, "team") if item["sk"].startswith("SUB#")]
    assert sorted(item["subscriberId"] for item in members) == ["ann", "bob"]


def test_a_membership_is_stored_in_the_topic_and_in_the_subscriber(admin: Api):
    create_subscribers(admin, "ann")
    create_topic(admin, "team")
    add(admin, "team", ["ann"])
    env = admin.environment_id
    items = {(item["pk"], item["sk"]): item for item in stored(admin, "team")}
    member = items[(topic_pk(env, "team"), member_sk("ann"))]
    assert member["subscriberId"] == "ann" and member["addedAt"].endswith("Z")
    assert items[(subscriber_pk(env, "ann"), membership_sk("team"))]["topicKey"] == "team"


def test_adding_to_an_unknown_topic_creates_it_as_novu_does(admin: Api):
    create_subscribers(admin, "ann")
    assert add(admin, "made-on-the-fly", ["ann"]) == {"succeeded": ["ann"]}
    created = topic(admin, "made-on-the-fly")
    assert created["name"] == "Autogenerated-made-on-the-fly" and created["subscribers"] == ["ann"]
    assert admin.get("/v1/topics").json()["totalCount"] == 1


def test_a_full_call_of_new_and_present_members_counts_each_member_once(admin: Api):
    subscriber_ids = create_many_subscribers(admin, 100)
    create_topic(admin, "crowd")
    add(admin, "crowd", subscriber_ids[:30])
    assert add(admin, "crowd", subscriber_ids) == {"succeeded": subscriber_ids}
    shown = topic(admin, "crowd")
    assert shown["subscriberCount"] == 100 and shown["subscribers"] == subscriber_ids


def test_a_topic_shows_only_its_first_subscribers_and_counts_them_all(admin: Api, monkeypatch):
    # 3 stands in for the 100 subscriberIds a topic shows, so the test writes 4 members instead of 101
    monkeypatch.setattr("clarion.topics.service.SUBSCRIBERS_SHOWN", 3)
    subscriber_ids = create_subscribers(admin, "a", "b", "c", "d")
    add(admin, "big", subscriber_ids)
    shown = topic(admin, "big")
    assert shown["subscriberCount"] == 4 and shown["subscribers"] == ["a", "b", "c"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "subscribers"),
        ({"subscribers": "ann"}, "subscribers"),
        ({"subscribers": [f"s{n}" for n in range(101)]}, "subscribers"),
        ({"subscribers": ["ok", "bad id"]}, "subscribers[1]"),
        ({"subscribers": [], "extra": 1}, "extra"),
    ],
)
def test_a_bad_subscribers_body_is_a_422_naming_the_field(admin: Api, payload, field):
    create_topic(admin, "team")
    for path in ("/v1/topics/team/subscribers", "/v1/topics/team/subscribers/removal"):
        response = admin.post(path, payload)
        assert response.status == 422
        assert field in response.json()["errors"]


def test_removing_uncounts_only_members_and_deletes_both_sides(admin: Api):
    create_subscribers(admin, "ann", "bob", "cat")
    create_topic(admin, "team")
    add(admin, "team", ["ann", "bob"])
    response = admin.post("/v1/topics/team/subscribers/removal", {"subscribers": ["ann", "cat", "ghost"]})
    assert response.status == 204
    shown = topic(admin, "team")
    assert shown["subscribers"] == ["bob"] and shown["subscriberCount"] == 1
    assert {item["sk"] for item in stored(admin, "team")} == {"TOPIC", "SUB#bob", "TOPIC#team"}


def test_a_deleted_subscriber_leaves_its_topics_and_their_counts(admin: Api):
    create_subscribers(admin, "ann", "bob")
    add(admin, "team", ["ann", "bob"])
    assert admin.delete("/v1/subscribers/ann").status == 200
    shown = topic(admin, "team")
    assert shown["subscribers"] == ["bob"] and shown["subscriberCount"] == 1
    assert admin.get("/v1/topics/team/subscribers/ann").status == 404


# members of a topic


def test_members_are_listed_page_by_page_in_subscriber_id_order(admin: Api):
    subscriber_ids = create_subscribers(admin, "e", "c", "a", "d", "b")
    create_topic(admin, "paged")
    add(admin, "paged", subscriber_ids)
    seen, cursor = [], ""
    for _ in range(3):
        page = admin.get(f"/v1/topics/paged/subscribers?limit=2{cursor}").json()
        seen.append([member["subscriberId"] for member in page["data"]])
        cursor = f"&cursor={page['nextCursor']}" if page["hasMore"] else ""
    assert seen == [["a", "b"], ["c", "d"], ["e"]] and not cursor
    assert page["limit"] == 2 and page["data"][0]["addedAt"].endswith("Z")


def test_a_cursor_of_another_topic_is_a_422(admin: Api):
    create_subscribers(admin, "a", "b")
    for key in ("one", "two"):
        add(admin, key, ["a", "b"])
    cursor = admin.get("/v1/topics/one/subscribers?limit=1").json()["nextCursor"]
    response = admin.get(f"/v1/topics/two/subscribers?limit=1&cursor={cursor}")
    assert response.status == 422
    assert "cursor" in response.json()["errors"]


def test_a_member_is_checked_in_novus_topic_subscriber_shape(admin: Api):
    create_subscribers(admin, "ann")
    created = create_topic(admin, "team")
    add(admin, "team", ["ann"])
    response = admin.get("/v1/topics/team/subscribers/ann")
    assert response.status == 200
    member = response.json()["data"]
    assert member["externalSubscriberId"] == "ann" and member["topicKey"] == "team"
    assert member["_topicId"] == created["_id"] and member["_environmentId"] == admin.environment_id
    assert member["_subscriberId"] == admin.get("/v1/subscribers/ann").json()["data"]["_id"]
    assert len(member["_id"]) == 24 and member["_organizationId"]


def test_a_subscriber_outside_the_topic_is_a_404_naming_it(admin: Api):
    create_subscribers(admin, "ann")
    create_topic(admin, "team")
    response = admin.get("/v1/topics/team/subscribers/ann")
    assert response.status == 404
    assert (
        response.json()["message"]
        == f"Subscriber ann not found for topic team in the environment {admin.environment_id}"
    )
    assert "externalSubscriberId" in response.json()["errors"]


# tenancy


def test_another_environments_key_gets_404_and_never_the_topic(admin: Api):
    create_subscribers(admin, "ann")
    create_topic(admin, "private", "Private")
    add(admin, "private", ["ann"])
    tenant_b = other_environment_key(admin)
    for response in (
        tenant_b.get("/v1/topics/private"),
        tenant_b.call("PATCH", "/v1/topics/private", json={"name": "Stolen"}),
        tenant_b.delete("/v1/topics/private"),
        tenant_b.post("/v1/topics/private/subscribers/removal", {"subscribers": ["ann"]}),
        tenant_b.get("/v1/topics/private/subscribers"),
        tenant_b.get("/v1/topics/private/subscribers/ann"),
    ):
        assert response.status == 404
        assert "Private" not in json.dumps(response.json())
    assert tenant_b.get("/v1/topics").json() | {"data": None} == {
        "page": 0,
        "pageSize": 10,
        "totalCount": 0,
        "hasMore": False,
        "data": None,
    }
    assert tenant_b.get("/v1/topics?key=private").json()["data"] == []
    assert topic(admin, "private")["name"] == "Private" and topic(admin, "private")["subscribers"] == ["ann"]


def test_another_environment_adding_to_the_same_key_gets_its_own_topic(admin: Api):
    create_subscribers(admin, "ann")
    create_topic(admin, "shared-key", "Mine")
    tenant_b = other_environment_key(admin)
    assert add(tenant_b, "shared-key", ["ann"]) == {"succeeded": [], "failed": {"notFound": ["ann"]}}
    assert topic(tenant_b, "shared-key")["name"] == "Autogenerated-shared-key"
    mine = topic(admin, "shared-key")
    assert mine["name"] == "Mine" and mine["subscribers"] == []


# the sample events


def test_the_sample_events_create_a_topic_and_add_subscribers(admin: Api, runtime):
    create_subscribers(admin, "user-123")
    responses = []
    for name in ("topics/create_topic.json", "topics/add_topic_subscribers.json"):
        event = load_event(name)
        event["requestContext"]["authorizer"]["lambda"]["environmentId"] = admin.environment_id
        responses.append(runtime.invoke("TopicsFunction", event))
    assert [response["statusCode"] for response in responses] == [201, 200]
    added = json.loads(responses[1]["body"])["data"]
    assert added == {"succeeded": ["user-123"], "failed": {"notFound": ["user-456"]}}

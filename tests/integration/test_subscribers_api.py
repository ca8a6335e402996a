"""Novu v1 subscribers through the whole path: gateway → authorizer → subscribers function → DynamoDB on moto."""

from typing import Any
from urllib.parse import quote

import pytest

from clarion.dynamo import DynamoTable
from clarion.store.keys import member_sk, membership_sk, subscriber_pk, topic_pk
from local.runtime import LocalRuntime
from tests.integration.conftest import Api

PROFILE_SCOPES = ["create:profile", "batch_create:profile", "info:profile", "list:profile", "update:profile"]


def create(api: Api, subscriber_id: str, **fields: Any) -> dict[str, Any]:
    response = api.post("/v1/subscribers", {"subscriberId": subscriber_id, **fields})
    assert response.status == 201, response.json()
    return response.json()["data"]


def stored(runtime: LocalRuntime, environment_id: str, subscriber_id: str) -> dict[str, dict[str, Any]]:
    """Every item of the subscriber's partition, by sort key."""
    pk = subscriber_pk(environment_id, subscriber_id)
    return {item["sk"]: item for item in runtime.scan_table("SubscribersTable") if item["pk"] == pk}


def subscriber_count(api: Api) -> int:
    return api.get("/v1/subscribers?limit=1").json()["totalCount"]


def other_environment(admin: Api) -> Api:
    environment_id = admin.post("/v1/environments", {"name": f"other-{admin.client_id}"}).json()["data"]["_id"]
    return admin.client("tenant-b", [*PROFILE_SCOPES, "delete:profile"], environmentId=environment_id)


def test_a_created_subscriber_comes_back_in_novus_shape(admin: Api):
    fields = {"firstName": "Jane", "email": "jane@example.com", "phone": "+14155550100", "locale": "en-US"}
    created = create(admin, "user-1", **fields, timezone="Europe/Paris", data={"plan": "pro"})
    assert created["subscriberId"] == "user-1" and created["_environmentId"] == admin.environment_id
    assert created.items() >= {**fields, "timezone": "Europe/Paris", "data": {"plan": "pro"}}.items()
    assert len(created["_id"]) == 24 and created["_organizationId"]
    assert created["channels"] == [] and created["deleted"] is False and created["createdAt"].endswith("Z")
    assert admin.get("/v1/subscribers/user-1").json()["data"] == created


def test_a_created_subscriber_is_stored_in_its_partition_and_listed_and_counted(admin: Api, runtime):
    create(admin, "user-1", email="jane@example.com")
    profile = stored(runtime, admin.environment_id, "user-1")["PROFILE"]
    assert profile["listPk"] == f"ENV#{admin.environment_id}#SUBSCRIBERS" and profile["listSk"] == "user-1"
    assert profile["email"] == "jane@example.com"
    assert subscriber_count(admin) == 1


def test_creating_an_existing_subscriber_updates_only_the_fields_given(admin: Api):
    first = create(admin, "user-1", firstName="Jane", email="jane@example.com")
    again = admin.post("/v1/subscribers", {"subscriberId": "user-1", "lastName": "Doe"})
    assert again.status == 201
    data = again.json()["data"]
    assert (data["firstName"], data["lastName"], data["email"]) == ("Jane", "Doe", "jane@example.com")
    assert data["_id"] == first["_id"] and data["createdAt"] == first["createdAt"]
    assert subscriber_count(admin) == 1


def test_an_unknown_subscriber_is_a_404(admin: Api):
    response = admin.get("/v1/subscribers/nobody")
    assert response.status == 404
    assert "subscriberId" in response.json()["errors"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", "jane@"),
        ("phone", "0044 20 7946 0000"),
        ("locale", "en_US"),
        ("timezone", "Europe/Atlantis"),
        ("avatar", "javascript:alert(1)"),
        ("firstName", "x" * 101),
        ("data", {"blob": "x" * 17000}),
        ("subscriberId", "with space"),
    ],
)
def test_a_bad_field_is_a_422_naming_it_and_nothing_is_stored(admin: Api, runtime, field, value):
    response = admin.post("/v1/subscribers", {"subscriberId": "user-1", field: value})
    assert response.status == 422
    assert set(response.json()["errors"]) == {field}
    assert stored(runtime, admin.environment_id, "user-1") == {}


def test_pages_of_the_list_cover_every_subscriber_once(admin: Api):
    admin.post("/v1/subscribers/bulk", {"subscribers": [{"subscriberId": f"user-{n:02}"} for n in range(25)]})
    pages = [admin.get(f"/v1/subscribers?page={page}&limit=10").json() for page in range(3)]
    assert [len(page["data"]) for page in pages] == [10, 10, 5]
    assert [page["hasMore"] for page in pages] == [True, True, False]
    assert {(page["page"], page["pageSize"], page["totalCount"]) for page in pages} == {
        (0, 10, 25),
        (1, 10, 25),
        (2, 10, 25),
    }
    listed = [subscriber["subscriberId"] for page in pages for subscriber in page["data"]]
    assert listed == [f"user-{n:02}" for n in range(25)]


@pytest.mark.parametrize(("query", "field"), [("limit=101", "limit"), ("limit=0", "limit"), ("page=-1", "page")])
def test_a_bad_page_or_limit_is_a_422_naming_it(admin: Api, query, field):
    response = admin.get(f"/v1/subscribers?{query}")
    assert response.status == 422
    assert field in response.json()["errors"]


def test_an_update_changes_the_fields_given_and_null_leaves_a_field_unchanged(admin: Api, runtime):
    create(admin, "user-1", firstName="Jane", email="jane@example.com", locale="en")
    response = admin.put("/v1/subscribers/user-1", {"firstName": "Janet", "locale": None, "subscriberId": "user-1"})
    assert response.status == 200
    data = response.json()["data"]
    assert (data["firstName"], data["email"], data["locale"]) == ("Janet", "jane@example.com", "en")
    assert stored(runtime, admin.environment_id, "user-1")["PROFILE"]["locale"] == "en"


def test_an_update_with_a_null_email_clears_the_email_as_novu_does(admin: Api, runtime):
    create(admin, "user-1", email="jane@example.com")
    assert admin.put("/v1/subscribers/user-1", {"email": None}).json()["data"]["email"] is None
    assert "email" not in stored(runtime, admin.environment_id, "user-1")["PROFILE"]


def test_an_update_naming_another_subscriber_in_its_body_is_a_422(admin: Api):
    create(admin, "user-1")
    response = admin.put("/v1/subscribers/user-1", {"subscriberId": "user-2"})
    assert response.status == 422
    assert "subscriberId" in response.json()["errors"]


def test_updating_an_unknown_subscriber_is_a_404_and_creates_nothing(admin: Api, runtime):
    assert admin.put("/v1/subscribers/nobody", {"firstName": "Ghost"}).status == 404
    assert stored(runtime, admin.environment_id, "nobody") == {}


def test_an_update_with_a_bad_field_is_a_422_naming_it(admin: Api):
    create(admin, "user-1")
    response = admin.put("/v1/subscribers/user-1", {"phone": "12345"})
    assert response.status == 422
    assert set(response.json()["errors"]) == {"phone"}


def test_a_deleted_subscriber_is_gone_with_its_preferences_and_uncounted(admin: Api, runtime):
    create(admin, "user-1")
    create(admin, "user-2")
    pk = subscriber_pk(admin.environment_id, "user-1")
    DynamoTable(runtime.resources.tables["SubscribersTable"]).batch_write(
        puts=[{"pk": pk, "sk": "PREF#GLOBAL", "enabled": True}, {"pk": pk, "sk": "PREF#CAMPAIGN#c1", "enabled": False}]
    )
    response = admin.delete("/v1/subscribers/user-1")
    assert response.status == 200
    assert response.json() == {"data": {"acknowledged": True, "status": "deleted"}}
    assert stored(runtime, admin.environment_id, "user-1") == {}
    assert admin.get("/v1/subscribers/user-1").status == 404
    assert subscriber_count(admin) == 1


def test_deleting_a_subscriber_leaves_its_topics_with_right_counts(admin: Api, runtime):
    create(admin, "user-1")
    table = DynamoTable(runtime.resources.tables["SubscribersTable"])
    env = admin.environment_id
    # memberships as the topics function writes them: both sides, and the topic's count
    table.batch_write(
        puts=[
            {"pk": topic_pk(env, "news"), "sk": "TOPIC", "key": "news", "subscriberCount": 2},
            {"pk": topic_pk(env, "news"), "sk": member_sk("user-1")},
            {"pk": topic_pk(env, "news"), "sk": member_sk("user-2")},
            {"pk": subscriber_pk(env, "user-1"), "sk": membership_sk("news")},
        ]
    )
    assert admin.delete("/v1/subscribers/user-1").status == 200
    topic_items = {
        item["sk"]: item for item in runtime.scan_table("SubscribersTable") if item["pk"] == topic_pk(env, "news")
    }
    assert set(topic_items) == {"TOPIC", member_sk("user-2")}
    assert topic_items["TOPIC"]["subscriberCount"] == 1


def test_deleting_an_unknown_subscriber_is_a_404_and_changes_no_count(admin: Api):
    create(admin, "user-1")
    assert admin.delete("/v1/subscribers/nobody").status == 404
    assert subscriber_count(admin) == 1


def test_bulk_create_reports_created_updated_and_failed_entries(admin: Api, runtime):
    create(admin, "existing", firstName="Old", email="old@example.com")
    entries = [
        {"subscriberId": "new-1", "email": "new@example.com"},
        {"subscriberId": "existing", "firstName": "New"},
        {"subscriberId": "bad-email", "email": "nope"},
        {"subscriberId": "new-1", "firstName": "Twice"},
        {"email": "no-id@example.com"},
    ]
    response = admin.post("/v1/subscribers/bulk", {"subscribers": entries})
    assert response.status == 201
    result = response.json()["data"]
    assert result["created"] == [{"subscriberId": "new-1"}]
    assert result["updated"] == [{"subscriberId": "existing"}]
    failed = {entry.get("subscriberId"): entry["message"] for entry in result["failed"]}
    assert set(failed) == {"bad-email", "new-1", ""}
    assert "subscribers[2].email" in failed["bad-email"] and "subscribers[4].subscriberId" in failed[""]
    existing = stored(runtime, admin.environment_id, "existing")["PROFILE"]
    assert (existing["firstName"], existing["email"]) == ("New", "old@example.com")
    assert stored(runtime, admin.environment_id, "new-1")["PROFILE"]["email"] == "new@example.com"
    assert stored(runtime, admin.environment_id, "bad-email") == {}
    assert subscriber_count(admin) == 2


def test_bulk_create_of_more_than_500_is_refused_whole(admin: Api):
    response = admin.post("/v1/subscribers/bulk", {"subscribers": [{"subscriberId": f"u{n}"} for n in range(501)]})
    assert response.status == 422
    assert "subscribers" in response.json()["errors"]
    assert subscriber_count(admin) == 0


def test_put_credentials_replaces_the_providers_credentials(admin: Api):
    create(admin, "user-1")
    path = "/v1/subscribers/user-1/credentials"
    admin.put(path, {"providerId": "fcm", "credentials": {"deviceTokens": ["a", "b"]}})
    response = admin.put(path, {"providerId": "fcm", "credentials": {"deviceTokens": ["c"]}})
    assert response.status == 200
    channels = response.json()["data"]["channels"]
    assert [(c["providerId"], c["credentials"]) for c in channels] == [("fcm", {"deviceTokens": ["c"]})]


def test_patch_credentials_appends_device_tokens_without_duplicates(admin: Api):
    create(admin, "user-1", channels=[{"providerId": "apns", "credentials": {"deviceTokens": ["a", "b"]}}])
    body = {"providerId": "apns", "credentials": {"deviceTokens": ["b", "c"]}}
    response = admin.call("PATCH", "/v1/subscribers/user-1/credentials", json=body)
    assert response.status == 200
    assert response.json()["data"]["channels"][0]["credentials"]["deviceTokens"] == ["a", "b", "c"]


def test_credentials_of_several_providers_are_kept_apart(admin: Api):
    create(admin, "user-1")
    admin.put("/v1/subscribers/user-1/credentials", {"providerId": "fcm", "credentials": {"deviceTokens": ["t"]}})
    slack = {"providerId": "slack", "credentials": {"webhookUrl": "https://hooks.slack.com/services/T0/B0/x"}}
    channels = admin.put("/v1/subscribers/user-1/credentials", slack).json()["data"]["channels"]
    assert [c["providerId"] for c in channels] == ["fcm", "slack"]
    assert channels[1]["credentials"] == slack["credentials"] and "integrationIdentifier" not in channels[1]


def test_appending_past_the_device_token_limit_is_a_422_naming_the_tokens(admin: Api):
    create(
        admin, "user-1", channels=[{"providerId": "fcm", "credentials": {"deviceTokens": [f"a{n}" for n in range(50)]}}]
    )
    body = {"providerId": "fcm", "credentials": {"deviceTokens": ["one-more"]}}
    response = admin.call("PATCH", "/v1/subscribers/user-1/credentials", json=body)
    assert response.status == 422
    assert "credentials.deviceTokens" in response.json()["errors"]
    assert len(admin.get("/v1/subscribers/user-1").json()["data"]["channels"][0]["credentials"]["deviceTokens"]) == 50


def test_deleting_a_providers_credentials_is_a_204_and_removes_them(admin: Api):
    create(
        admin, "user-1", channels=[{"providerId": "expo", "credentials": {"deviceTokens": ["ExponentPushToken[x]"]}}]
    )
    response = admin.delete("/v1/subscribers/user-1/credentials/expo")
    assert response.status == 204
    assert admin.get("/v1/subscribers/user-1").json()["data"]["channels"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"providerId": "sendgrid", "credentials": {}}, "providerId"),
        ({"providerId": "slack", "credentials": {"webhookUrl": "ftp://hooks.example.com"}}, "credentials.webhookUrl"),
        ({"providerId": "fcm", "credentials": {"deviceTokens": "one"}}, "credentials.deviceTokens"),
        ({"providerId": "fcm", "credentials": {"token": "t"}}, "credentials.token"),
    ],
)
def test_bad_credentials_are_a_422_naming_the_field(admin: Api, body, field):
    create(admin, "user-1")
    response = admin.put("/v1/subscribers/user-1/credentials", body)
    assert response.status == 422
    assert field in response.json()["errors"]


def test_credentials_of_an_unknown_subscriber_are_a_404(admin: Api):
    body = {"providerId": "fcm", "credentials": {"deviceTokens": ["t"]}}
    assert admin.put("/v1/subscribers/nobody/credentials", body).status == 404
    assert admin.call("PATCH", "/v1/subscribers/nobody/credentials", json=body).status == 404
    assert admin.delete("/v1/subscribers/nobody/credentials/fcm").status == 404


def test_going_offline_records_when_the_subscriber_was_last_online(admin: Api):
    create(admin, "user-1")
    online = admin.call("PATCH", "/v1/subscribers/user-1/online-status", json={"isOnline": True}).json()["data"]
    assert online["isOnline"] is True and online["lastOnlineAt"] is None
    offline = admin.call("PATCH", "/v1/subscribers/user-1/online-status", json={"isOnline": False}).json()["data"]
    assert offline["isOnline"] is False and offline["lastOnlineAt"] == offline["updatedAt"]


def test_online_status_must_be_a_boolean_and_the_subscriber_must_exist(admin: Api):
    create(admin, "user-1")
    invalid = admin.call("PATCH", "/v1/subscribers/user-1/online-status", json={"isOnline": "yes"})
    assert invalid.status == 422 and "isOnline" in invalid.json()["errors"]
    assert admin.call("PATCH", "/v1/subscribers/nobody/online-status", json={"isOnline": True}).status == 404


def test_another_environments_subscriber_is_indistinguishable_from_a_missing_one(admin: Api, runtime):
    tenant_b = other_environment(admin)
    create(admin, "user-1", email="jane@example.com")
    credentials = {"providerId": "fcm", "credentials": {"deviceTokens": ["t"]}}
    for response in (
        tenant_b.get("/v1/subscribers/user-1"),
        tenant_b.put("/v1/subscribers/user-1", {"firstName": "Mallory"}),
        tenant_b.put("/v1/subscribers/user-1/credentials", credentials),
        tenant_b.call("PATCH", "/v1/subscribers/user-1/online-status", json={"isOnline": True}),
        tenant_b.delete("/v1/subscribers/user-1/credentials/fcm"),
        tenant_b.delete("/v1/subscribers/user-1"),
    ):
        assert response.status == 404
        assert "jane@example.com" not in str(response.json())
    assert tenant_b.get("/v1/subscribers").json()["data"] == []
    assert stored(runtime, admin.environment_id, "user-1")["PROFILE"]["email"] == "jane@example.com"


def test_the_same_subscriber_id_in_two_environments_is_two_subscribers(admin: Api):
    tenant_b = other_environment(admin)
    create(admin, "user-1", firstName="Ann")
    assert create(tenant_b, "user-1", firstName="Bob")["_environmentId"] == tenant_b.environment_id
    assert admin.get("/v1/subscribers/user-1").json()["data"]["firstName"] == "Ann"
    assert (subscriber_count(admin), subscriber_count(tenant_b)) == (1, 1)


@pytest.mark.parametrize("subscriber_id", ["a?b", 'a"b', "a\ufffdb", "a😀b", "a%b", "a&b=c", "ä<>[]{}|^"])
def test_a_subscriber_id_of_any_characters_a_path_can_hold_is_reachable_by_its_path(admin: Api, subscriber_id):
    assert admin.post("/v1/subscribers", {"subscriberId": subscriber_id}).status == 201
    path = f"/v1/subscribers/{quote(subscriber_id, safe='')}"
    assert admin.get(path).json()["data"]["subscriberId"] == subscriber_id
    assert admin.put(path, {"firstName": "Ada"}).status == 200
    assert admin.get(f"{path}/preferences").status == 200
    assert admin.delete(path).status == 200
    assert admin.get(path).status == 404

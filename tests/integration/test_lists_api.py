"""Lists (/v1/lists and /items) through the whole path: gateway → authorizer → lists function → DynamoDB on moto;
a campaign sent to a list reaches exactly its members (what SES recorded), by a send, a schedule's audience and a
trigger's `to`; another environment's key finds none of it."""

import json
import uuid
from datetime import timedelta
from typing import Any

from local.runtime import LocalRuntime
from tests.conftest import load_event
from tests.integration.conftest import Api
from tests.integration.journeys import email, journey, sent_subjects, trigger, unique
from tests.integration.journeys import subscriber as journey_subscriber
from tests.integration.support.campaigns import (
    PAYLOAD_EMAIL_STEP,
    UNKNOWN_ID,
    campaign,
    operation,
    subject,
    subscriber,
    trigger_event,
)
from tests.integration.support.delivery import emails_with_subject

LIST_SCOPES = ["create:list", "list:list", "info:list", "update:list", "delete:list", "list:list_item"]


def create_list(api: Api, name: str = "Newsletter", **fields: Any) -> dict[str, Any]:
    response = api.post("/v1/lists", {"name": name} | fields)
    assert response.status == 201, response.json()
    return response.json()["data"]


def add_items(api: Api, list_id: str, subscriber_ids: list[str]) -> dict[str, Any]:
    response = api.post(f"/v1/lists/{list_id}/items", {"subscriberIds": subscriber_ids})
    assert response.status == 200, response.json()
    return response.json()["data"]


def members(api: Api, list_id: str) -> list[str]:
    response = api.get(f"/v1/lists/{list_id}/items?page=0&limit=100")
    assert response.status == 200, response.json()
    return [item["subscriberId"] for item in response.json()["data"]]


def profile_lists(api: Api, subscriber_id: str) -> list[str]:
    response = api.get(f"/v1/subscribers/{subscriber_id}")
    assert response.status == 200, response.json()
    lists: list[str] = response.json()["data"]["lists"]
    return lists


def emailed(runtime: LocalRuntime, sent: dict[str, Any], code: str) -> list[str]:
    return sorted(m.destinations["ToAddresses"][0] for m in emails_with_subject(runtime, subject(sent, code)))


def people(admin: Api, *names: str) -> list[str]:
    for name in names:
        subscriber(admin, name, email=f"{name}@example.com")
    return list(names)


# the resource


def test_a_created_list_reads_back_and_is_listed_with_its_member_count(admin: Api):
    people(admin, "ada", "bob")
    created = create_list(admin, "VIP", description="Best customers")
    assert (created["name"], created["description"], created["subscriberCount"]) == ("VIP", "Best customers", 0)
    add_items(admin, created["_id"], ["ada", "bob"])
    create_list(admin, "Empty")
    shown = admin.get(f"/v1/lists/{created['_id']}").json()["data"]
    assert (shown["_id"], shown["subscriberCount"]) == (created["_id"], 2)
    page = admin.get("/v1/lists?page=0&limit=1").json()
    assert (page["page"], page["pageSize"], page["totalCount"], page["hasMore"]) == (0, 1, 2, True)
    both = admin.get("/v1/lists?page=0&limit=10").json()["data"]
    assert {item["name"]: item["subscriberCount"] for item in both} == {"VIP": 2, "Empty": 0}


def test_an_update_reads_back(admin: Api):
    created = create_list(admin, "VIP")
    response = admin.call("PATCH", f"/v1/lists/{created['_id']}", json={"name": "Gold", "description": "Top tier"})
    assert response.status == 200, response.json()
    shown = admin.get(f"/v1/lists/{created['_id']}").json()["data"]
    assert (shown["name"], shown["description"]) == ("Gold", "Top tier")
    assert shown["updatedAt"] >= shown["createdAt"]


def test_items_are_added_with_unknown_subscribers_reported_and_show_on_the_profile(admin: Api):
    people(admin, "ada", "bob")
    list_id = create_list(admin)["_id"]
    added = add_items(admin, list_id, ["bob", "ghost", "ada"])
    assert added == {"succeeded": ["bob", "ada"], "failed": {"notFound": ["ghost"]}}
    assert members(admin, list_id) == ["ada", "bob"]
    assert profile_lists(admin, "ada") == [list_id]


def test_items_are_removed_with_non_members_reported(admin: Api):
    people(admin, "ada", "bob")
    list_id = create_list(admin)["_id"]
    add_items(admin, list_id, ["ada", "bob"])
    response = admin.post(f"/v1/lists/{list_id}/items/removal", {"subscriberIds": ["ada", "carl"]})
    assert response.status == 200, response.json()
    assert response.json()["data"] == {"succeeded": ["ada"], "failed": {"notFound": ["carl"]}}
    assert members(admin, list_id) == ["bob"]
    assert profile_lists(admin, "ada") == []
    assert admin.get(f"/v1/lists/{list_id}").json()["data"]["subscriberCount"] == 1


def test_items_are_paged_with_the_total(admin: Api):
    names = people(admin, "a1", "a2", "a3")
    list_id = create_list(admin)["_id"]
    add_items(admin, list_id, names)
    first = admin.get(f"/v1/lists/{list_id}/items?page=0&limit=2").json()
    second = admin.get(f"/v1/lists/{list_id}/items?page=1&limit=2").json()
    assert [i["subscriberId"] for i in first["data"] + second["data"]] == names
    assert (first["totalCount"], first["hasMore"], second["hasMore"]) == (3, True, False)


def test_deleting_a_list_removes_it_and_its_memberships(admin: Api):
    people(admin, "ada")
    list_id = create_list(admin)["_id"]
    add_items(admin, list_id, ["ada"])
    assert admin.delete(f"/v1/lists/{list_id}").status == 204
    assert admin.get(f"/v1/lists/{list_id}").status == 404
    assert profile_lists(admin, "ada") == []
    assert admin.get("/v1/lists").json()["totalCount"] == 0


def test_an_unknown_list_is_a_404_naming_it(admin: Api):
    for response in (
        admin.get(f"/v1/lists/{UNKNOWN_ID}"),
        admin.post(f"/v1/lists/{UNKNOWN_ID}/items", {"subscriberIds": ["ada"]}),
        admin.delete(f"/v1/lists/{UNKNOWN_ID}"),
    ):
        assert response.status == 404
        assert "listId" in response.json()["errors"]


def test_bad_bodies_are_422_naming_the_field(admin: Api):
    list_id = create_list(admin)["_id"]
    assert "name" in admin.post("/v1/lists", {"name": ""}).json()["errors"]
    too_many = admin.post(f"/v1/lists/{list_id}/items", {"subscriberIds": [f"s{n}" for n in range(101)]})
    assert too_many.status == 422 and "subscriberIds" in too_many.json()["errors"]
    assert admin.get("/v1/lists/not-an-id").status == 422


def test_another_environments_key_finds_none_of_the_lists(admin: Api):
    people(admin, "ada")
    list_id = create_list(admin)["_id"]
    add_items(admin, list_id, ["ada"])
    created = admin.post("/v1/environments", {"name": f"lists-elsewhere-{uuid.uuid4().hex[:8]}"})
    other = admin.client("lists-b", LIST_SCOPES, environmentId=created.json()["data"]["_id"])
    assert other.get(f"/v1/lists/{list_id}").status == 404
    assert other.get(f"/v1/lists/{list_id}/items").status == 404
    assert other.delete(f"/v1/lists/{list_id}").status == 404
    assert other.get("/v1/lists").json()["data"] == []
    assert members(admin, list_id) == ["ada"]


# a list as the audience


def test_a_campaign_sent_to_a_list_reaches_exactly_its_members(runtime: LocalRuntime, admin: Api):
    people(admin, "ada", "bob", "carl")
    list_id = create_list(admin)["_id"]
    add_items(admin, list_id, ["ada", "bob"])
    sent = campaign(admin, PAYLOAD_EMAIL_STEP, audience={"type": "list", "listId": list_id})
    assert sent["audience"] == {"type": "list", "listId": list_id}
    response = operation(admin, sent["_id"], "send", {"payload": {"code": "L1"}})
    assert response.status == 202, response.json()
    runtime.drain()
    assert emailed(runtime, sent, "L1") == ["ada@example.com", "bob@example.com"]


def test_a_trigger_to_a_list_reaches_its_members_and_the_named_subscriber_once(runtime: LocalRuntime, admin: Api):
    people(admin, "ada", "bob", "carl")
    list_id = create_list(admin)["_id"]
    add_items(admin, list_id, ["ada", "bob"])
    sent = campaign(admin, PAYLOAD_EMAIL_STEP)
    to = [{"type": "List", "listId": list_id}, "ada", "carl"]
    response = trigger_event(admin, sent["identifier"], to, payload={"code": "L2"})
    assert response.status == 201, response.json()
    runtime.drain()
    assert emailed(runtime, sent, "L2") == ["ada@example.com", "bob@example.com", "carl@example.com"]


def test_a_list_audience_that_names_no_list_is_refused_naming_the_field(admin: Api):
    sent = campaign(admin, PAYLOAD_EMAIL_STEP, audience={"type": "list", "listId": UNKNOWN_ID})
    response = operation(admin, sent["_id"], "send", {})
    assert response.status == 422
    assert "audience.listId" in response.json()["errors"]
    new_profile = {"subscriberId": "dora", "email": "dora@example.com"}
    trigger = trigger_event(admin, sent["identifier"], [{"type": "List", "listId": UNKNOWN_ID}, new_profile])
    assert trigger.status == 422 and "to" in trigger.json()["errors"]
    assert admin.get("/v1/subscribers/dora").status == 404  # refused before anything was upserted


def test_a_member_removed_before_the_send_receives_nothing(runtime: LocalRuntime, admin: Api):
    people(admin, "ada", "bob")
    list_id = create_list(admin)["_id"]
    add_items(admin, list_id, ["ada", "bob"])
    assert admin.post(f"/v1/lists/{list_id}/items/removal", {"subscriberIds": ["bob"]}).status == 200
    sent = campaign(admin, PAYLOAD_EMAIL_STEP, audience={"type": "list", "listId": list_id})
    assert operation(admin, sent["_id"], "send", {"payload": {"code": "L3"}}).status == 202
    runtime.drain()
    assert emailed(runtime, sent, "L3") == ["ada@example.com"]


def test_a_scheduled_send_to_a_list_reaches_its_members_when_it_fires(runtime: LocalRuntime, admin: Api):
    people(admin, "ada", "bob", "carl")
    list_id = create_list(admin)["_id"]
    add_items(admin, list_id, ["ada", "carl"])
    sent = campaign(admin, PAYLOAD_EMAIL_STEP, audience={"type": "list", "listId": list_id})
    send_at = (runtime.clock.now() + timedelta(hours=1)).replace(microsecond=0)
    body = {"sendAt": send_at.isoformat().replace("+00:00", "Z"), "payload": {"code": "L4"}}
    response = admin.post(f"/v1/campaigns/{sent['_id']}/schedule", body)
    assert response.status == 201, response.json()
    runtime.drain()
    assert emailed(runtime, sent, "L4") == []
    runtime.clock.advance(max(0.0, send_at.timestamp() + 1 - runtime.clock.time()))
    runtime.drain()
    assert emailed(runtime, sent, "L4") == ["ada@example.com", "carl@example.com"]


def test_the_sample_event_creates_a_list(admin: Api, runtime: LocalRuntime):
    event = load_event("lists/create_list.json")
    event["requestContext"]["authorizer"]["lambda"]["environmentId"] = admin.environment_id
    response = runtime.invoke("ListsFunction", event)
    assert response["statusCode"] == 201, response
    created = json.loads(response["body"])["data"]
    assert admin.get(f"/v1/lists/{created['_id']}").json()["data"]["name"] == "Newsletter"


def test_a_journey_branch_asks_whether_the_profile_is_in_a_list(runtime: LocalRuntime, admin: Api):
    tag = unique("B")
    vip, regular = unique("vip"), unique("reg")
    for name in (vip, regular):
        journey_subscriber(admin, name)
    created = admin.post("/v1/lists", {"name": "VIP"}).json()["data"]
    assert admin.post(f"/v1/lists/{created['_id']}/items", {"subscriberIds": [vip]}).status == 200
    in_vip = {"on": "subscriber", "field": "lists", "operator": "ANY_IN", "value": [created["_id"]]}
    campaign = journey(
        admin,
        {
            "id": "route",
            "type": "branch",
            "branches": [{"conditions": [{"children": [in_vip]}], "next": "perk"}],
            "default": "plain",
        },
        email("perk", f"{tag} perk", next="done"),
        {"id": "done", "type": "exit"},
        email("plain", f"{tag} plain"),
    )
    trigger(admin, campaign, [vip, regular])
    runtime.drain()
    assert sent_subjects(runtime, f"{vip}@example.com", tag) == [f"{tag} perk"]
    assert sent_subjects(runtime, f"{regular}@example.com", tag) == [f"{tag} plain"]

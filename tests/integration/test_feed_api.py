"""The in-app feed through the whole path: gateway → authorizer → subscribers function → MessagesTable on moto."""

import base64
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from clarion.store.keys import inbox_pk
from local.runtime import LocalRuntime
from tests.conftest import load_event
from tests.integration.conftest import Api
from tests.integration.support.inbox import deliver

FEED_SCOPES = ["create:profile", "list:message", "update:message"]


def subscriber(api: Api, subscriber_id: str = "user-1") -> str:
    response = api.post("/v1/subscribers", {"subscriberId": subscriber_id})
    assert response.status == 201, response.json()
    return subscriber_id


def deliver_many(runtime: LocalRuntime, api: Api, count: int, **message: Any) -> list[str]:
    return [deliver(runtime, api, **message)["_id"] for _ in range(count)]


def feed(api: Api, query: str = "", subscriber_id: str = "user-1") -> dict[str, Any]:
    response = api.get(f"/v1/subscribers/{subscriber_id}/notifications/feed?{query}")
    assert response.status == 200, response.json()
    return response.json()


def feed_ids(api: Api, query: str = "") -> list[str]:
    return [message["_id"] for message in feed(api, query)["data"]]


def unseen(api: Api, query: str = "") -> int:
    response = api.get(f"/v1/subscribers/user-1/notifications/unseen?{query}")
    assert response.status == 200, response.json()
    return response.json()["data"]["count"]


def mark(api: Api, body: dict[str, Any]) -> list[dict[str, Any]]:
    response = api.post("/v1/subscribers/user-1/messages/markAs", body)
    assert response.status == 201, response.json()
    return response.json()["data"]


def mark_all(api: Api, mark_as: str, **extra: Any) -> int:
    response = api.post("/v1/subscribers/user-1/messages/mark-all", {"markAs": mark_as, **extra})
    assert response.status == 201, response.json()
    return response.json()["data"]


def encoded(payload: Any) -> str:
    return base64.b64encode(json.dumps(payload).encode()).decode()


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def stored_message(runtime: LocalRuntime, api: Api, message_id: str) -> dict[str, Any]:
    pk = inbox_pk(api.environment_id, "user-1")
    (item,) = [i for i in runtime.scan_table("MessagesTable") if i["pk"] == pk and i["sk"] == f"MSG#{message_id}"]
    return item


@pytest.fixture
def inbox(admin: Api) -> Api:
    """The admin, with subscriber user-1 created."""
    subscriber(admin)
    return admin


def test_a_delivered_message_is_in_the_feed_in_novus_shape(runtime, inbox):
    delivered = deliver(runtime, inbox, payload={"order": 7}, cta={"type": "redirect", "data": {"url": "/o/7"}})
    page = feed(inbox)
    assert page | {"data": None} == {"page": 0, "totalCount": 1, "pageSize": 10, "hasMore": False, "data": None}
    (message,) = page["data"]
    assert message["_id"] == delivered["_id"] and len(message["_id"]) == 24
    assert (
        message.items()
        >= {
            "_environmentId": inbox.environment_id,
            "subscriberId": "user-1",
            "channel": "in_app",
            "content": "Hello",
            "payload": {"order": 7},
            "seen": False,
            "read": False,
            "status": "sent",
            "templateIdentifier": "welcome",
            "transactionId": "t-1",
        }.items()
    )
    assert message["cta"]["data"] == {"url": "/o/7"} and message["createdAt"].endswith("Z")
    assert not {"pk", "sk", "unseenPk", "expiresAt"} & set(message)


def test_a_delivered_message_is_stored_unseen_with_its_expiry(runtime, inbox):
    delivered = deliver(runtime, inbox, expireAt="2099-01-01T00:00:00.000Z")
    item = stored_message(runtime, inbox, delivered["_id"])
    assert item["unseenPk"] == f"ENV#{inbox.environment_id}#SUB#user-1#UNSEEN"
    assert item["expiresAt"] == int(datetime(2099, 1, 1, tzinfo=UTC).timestamp())


def test_the_feed_is_newest_first(runtime, inbox):
    older = deliver(runtime, inbox)["_id"]
    runtime.clock.advance(1)
    newer = deliver(runtime, inbox)["_id"]
    assert feed_ids(inbox) == [newer, older]


def test_25_messages_come_in_pages_of_10(runtime, inbox):
    delivered = [deliver(runtime, inbox) for _ in range(25)]
    pages = [feed(inbox, f"page={number}&limit=10") for number in range(3)]
    assert [len(page["data"]) for page in pages] == [10, 10, 5]
    assert [page["hasMore"] for page in pages] == [True, True, False]
    assert [(page["page"], page["pageSize"], page["totalCount"]) for page in pages] == [
        (0, 10, 10),
        (1, 10, 10),
        (2, 10, 5),
    ]
    listed = [message["_id"] for page in pages for message in page["data"]]
    newest_first = sorted(delivered, key=lambda message: (message["createdAt"], message["_id"]), reverse=True)
    assert listed == [message["_id"] for message in newest_first]


def test_a_page_past_the_end_is_empty(runtime, inbox):
    deliver_many(runtime, inbox, 3)
    assert feed(inbox, "page=1&limit=10") | {"data": []} == {
        "page": 1,
        "totalCount": 0,
        "pageSize": 10,
        "hasMore": False,
        "data": [],
    }


def test_the_feed_filters_on_read_and_on_seen(runtime, inbox):
    read_id, seen_id, new_id = deliver_many(runtime, inbox, 3)
    mark(inbox, {"messageId": read_id, "markAs": "read"})
    mark(inbox, {"messageId": seen_id, "markAs": "seen"})
    assert feed_ids(inbox, "read=true") == [read_id]
    assert set(feed_ids(inbox, "read=false")) == {seen_id, new_id}
    assert set(feed_ids(inbox, "seen=true")) == {read_id, seen_id}
    assert feed_ids(inbox, "seen=false&read=false") == [new_id]
    assert len(feed_ids(inbox, "read=&seen=")) == 3


def test_the_feed_keeps_messages_whose_payload_contains_the_filter(runtime, inbox):
    shipped = deliver(runtime, inbox, payload={"order": {"status": "shipped", "id": 7}, "tags": ["a"]})["_id"]
    deliver(runtime, inbox, payload={"order": {"status": "pending", "id": 8}})
    deliver(runtime, inbox, payload={})
    assert feed_ids(inbox, f"payload={encoded({'order': {'status': 'shipped'}})}") == [shipped]
    assert feed_ids(inbox, f"payload={encoded({'tags': ['a'], 'order': {'id': 7}})}") == [shipped]
    assert feed_ids(inbox, f"payload={encoded({'order': {'status': 'lost'}})}") == []
    assert len(feed_ids(inbox, f"payload={encoded({})}")) == 3


@pytest.mark.parametrize(
    "payload",
    [
        "not base64!",
        encoded([1, 2]),
        base64.b64encode(b"{oops").decode(),
        encoded({"": 1}),
        encoded({f"key{number}": number for number in range(51)}),
    ],
)
def test_a_payload_filter_that_is_not_base64_of_a_json_object_is_a_422_naming_payload(inbox, payload):
    response = inbox.get(f"/v1/subscribers/user-1/notifications/feed?payload={payload}")
    assert response.status == 422
    assert "payload" in response.json()["errors"]


@pytest.mark.parametrize(("query", "field"), [("limit=101", "limit"), ("page=-1", "page"), ("read=maybe", "read")])
def test_bad_feed_parameters_are_a_422_naming_them(inbox, query, field):
    response = inbox.get(f"/v1/subscribers/user-1/notifications/feed?{query}")
    assert response.status == 422
    assert field in response.json()["errors"]


def test_a_message_past_its_expiry_is_hidden_before_dynamodb_deletes_it(runtime, inbox):
    expired = deliver(runtime, inbox, expireAt=iso(runtime.clock.time() - 1))["_id"]
    kept = deliver(runtime, inbox)["_id"]
    assert stored_message(runtime, inbox, expired)  # TTL has not run yet
    assert feed_ids(inbox) == [kept]
    assert mark(inbox, {"messageId": [expired, kept], "markAs": "read"})[0]["_id"] == kept
    assert inbox.post(f"/v1/subscribers/user-1/messages/{expired}/actions/primary", {"status": "done"}).status == 404


def test_messages_leave_the_feed_when_their_time_runs_out(runtime, inbox):
    short = deliver(runtime, inbox, expireAt=iso(runtime.clock.time() + 60))["_id"]
    deliver(runtime, inbox)
    assert short in feed_ids(inbox)
    runtime.clock.advance(61)
    assert short not in feed_ids(inbox) and len(feed_ids(inbox)) == 1


def test_the_unseen_count_falls_as_messages_are_marked(runtime, inbox):
    first, second, _third = deliver_many(runtime, inbox, 3)
    assert unseen(inbox) == 3
    mark(inbox, {"messageId": first, "markAs": "seen"})
    assert unseen(inbox) == 2
    mark(inbox, {"messageId": second, "markAs": "read"})
    assert unseen(inbox) == 1
    assert unseen(inbox, "seen=true") == 2


def test_the_unseen_count_stops_at_the_limit(runtime, inbox):
    deliver_many(runtime, inbox, 5)
    assert unseen(inbox, "limit=3") == 3
    assert inbox.get("/v1/subscribers/user-1/notifications/unseen?limit=0").status == 422


def test_marking_read_marks_seen_too_and_takes_the_message_out_of_the_unseen_index(runtime, inbox):
    message_id = deliver(runtime, inbox)["_id"]
    (marked,) = mark(inbox, {"messageId": message_id, "markAs": "read"})
    assert marked["read"] is True and marked["seen"] is True
    assert marked["lastReadDate"] == marked["lastSeenDate"] == marked["updatedAt"]
    item = stored_message(runtime, inbox, message_id)
    assert item["read"] is True and "unseenPk" not in item


def test_marking_unseen_puts_a_message_back_in_the_unseen_count(runtime, inbox):
    message_id = deliver(runtime, inbox)["_id"]
    mark(inbox, {"messageId": message_id, "markAs": "seen"})
    assert unseen(inbox) == 0
    (marked,) = mark(inbox, {"messageId": message_id, "markAs": "unseen"})
    assert marked["seen"] is False and unseen(inbox) == 1
    assert stored_message(runtime, inbox, message_id)["unseenPk"].endswith("#UNSEEN")


def test_marking_unread_clears_read_and_leaves_the_message_seen(runtime, inbox):
    message_id = deliver(runtime, inbox)["_id"]
    mark(inbox, {"messageId": message_id, "markAs": "read"})
    (marked,) = mark(inbox, {"messageId": message_id, "markAs": "unread"})
    assert (marked["read"], marked["seen"]) == (False, True)


def test_mark_as_takes_a_list_a_comma_separated_string_and_novus_older_mark_form(runtime, inbox):
    first, second, third = deliver_many(runtime, inbox, 3)
    assert {m["_id"] for m in mark(inbox, {"messageId": [first, second], "markAs": "seen"})} == {first, second}
    assert {m["_id"] for m in mark(inbox, {"messageId": f"{second},{third}", "markAs": "read"})} == {second, third}
    (older,) = mark(inbox, {"messageId": first, "mark": {"read": True}})
    assert (older["read"], older["seen"]) == (True, True)


def test_mark_as_is_also_served_at_novus_current_path(runtime, inbox):
    message_id = deliver(runtime, inbox)["_id"]
    response = inbox.post("/v1/subscribers/user-1/messages/mark-as", {"messageId": [message_id], "markAs": "seen"})
    assert response.status == 201, response.json()
    assert [m["_id"] for m in response.json()["data"]] == [message_id] and unseen(inbox) == 0


def test_mark_as_leaves_out_ids_that_are_not_the_subscribers_messages(runtime, inbox):
    subscriber(inbox, "user-2")
    others = deliver(runtime, inbox, "user-2")["_id"]
    mine = deliver(runtime, inbox)["_id"]
    assert [m["_id"] for m in mark(inbox, {"messageId": [others, mine, "f" * 24], "markAs": "read"})] == [mine]
    assert stored_message(runtime, inbox, mine)["read"] is True
    assert feed(inbox, subscriber_id="user-2")["data"][0]["read"] is False


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"messageId": "a" * 24}, "markAs"),
        ({"messageId": "a" * 24, "markAs": "archived"}, "markAs"),
        ({"messageId": "a" * 24, "mark": {}}, "markAs"),
        ({"messageId": "a" * 24, "markAs": "read", "mark": {"read": True}}, "mark"),
        ({"messageId": "a" * 24, "mark": {"read": "yes"}}, "mark.read"),
        ({"messageId": "not-an-id", "markAs": "read"}, "messageId[0]"),
        ({"messageId": [], "markAs": "read"}, "messageId"),
        ({"markAs": "read"}, "messageId"),
        ({"messageId": "a" * 24, "markAs": "read", "extra": 1}, "extra"),
    ],
)
def test_a_bad_mark_as_body_is_a_422_naming_the_field(inbox, body, field):
    response = inbox.post("/v1/subscribers/user-1/messages/markAs", body)
    assert response.status == 422
    assert field in response.json()["errors"]


def test_mark_all_counts_only_the_messages_it_changed(runtime, inbox):
    first, second, *_ = deliver_many(runtime, inbox, 5)
    mark(inbox, {"messageId": [first, second], "markAs": "read"})
    assert mark_all(inbox, "read") == 3
    assert mark_all(inbox, "read") == 0
    assert all(message["read"] and message["seen"] for message in feed(inbox)["data"])
    assert mark_all(inbox, "unread") == 5


def test_mark_all_leaves_out_a_message_another_request_marked_meanwhile(runtime, inbox, monkeypatch):
    first, *_ = deliver_many(runtime, inbox, 3)
    pk = inbox_pk(inbox.environment_id, "user-1")
    read_before = [item for item in runtime.scan_table("MessagesTable") if item["pk"] == pk]
    mark(inbox, {"messageId": first, "markAs": "read"})
    stale_reads = []
    with runtime.registry.environment_of("SubscribersFunction"):
        from clarion.inbox.repository import InboxRepository
    monkeypatch.setattr(InboxRepository, "_newest_first", lambda *_, **__: stale_reads.append(1) or iter(read_before))
    assert mark_all(inbox, "read") == 2
    assert stale_reads, "mark-all must have worked from the stale read"


def test_mark_all_seen_empties_the_unseen_count_and_unseen_fills_it(runtime, inbox):
    deliver_many(runtime, inbox, 4)
    assert mark_all(inbox, "seen") == 4
    assert unseen(inbox) == 0
    assert mark_all(inbox, "unseen") == 4
    assert unseen(inbox) == 4


def test_mark_all_of_a_feed_changes_only_that_feeds_messages(runtime, inbox):
    news = deliver_many(runtime, inbox, 2, _feedId="news")
    deliver_many(runtime, inbox, 3, _feedId="billing")
    assert mark_all(inbox, "read", feedIdentifier="news") == 2
    assert set(feed_ids(inbox, "read=true")) == set(news)
    assert set(feed_ids(inbox, "feedIdentifier=billing")) == set(feed_ids(inbox, "read=false"))


def test_mark_all_needs_a_known_mark(inbox):
    response = inbox.post("/v1/subscribers/user-1/messages/mark-all", {"markAs": "deleted"})
    assert response.status == 422
    assert "markAs" in response.json()["errors"]


def test_an_action_records_its_status_and_result(runtime, inbox):
    buttons = [{"type": "primary", "content": "Accept"}, {"type": "secondary", "content": "Decline"}]
    cta = {"type": "redirect", "data": {"url": "/invite"}, "action": {"buttons": buttons, "result": {}}}
    message_id = deliver(runtime, inbox, cta=cta)["_id"]
    response = inbox.post(
        f"/v1/subscribers/user-1/messages/{message_id}/actions/primary", {"status": "done", "payload": {"seat": 4}}
    )
    assert response.status == 201, response.json()
    action = response.json()["data"]["cta"]["action"]
    assert action["status"] == "done" and action["result"] == {"type": "primary", "payload": {"seat": 4}}
    assert [(button["type"], button["content"]) for button in action["buttons"]] == [
        ("primary", "Accept"),
        ("secondary", "Decline"),
    ]
    assert stored_message(runtime, inbox, message_id)["cta"]["action"]["result"]["payload"] == {"seat": 4}


def test_a_second_action_keeps_the_earlier_payload_when_it_sends_none(runtime, inbox):
    message_id = deliver(runtime, inbox)["_id"]
    path = f"/v1/subscribers/user-1/messages/{message_id}/actions"
    inbox.post(f"{path}/primary", {"status": "pending", "payload": {"step": 1}})
    action = inbox.post(f"{path}/secondary", {"status": "done"}).json()["data"]["cta"]["action"]
    assert action["status"] == "done" and action["result"] == {"type": "secondary", "payload": {"step": 1}}


def test_an_action_on_an_unknown_message_is_a_404_naming_it(inbox):
    response = inbox.post(f"/v1/subscribers/user-1/messages/{'a' * 24}/actions/primary", {"status": "done"})
    assert response.status == 404
    assert "messageId" in response.json()["errors"]


@pytest.mark.parametrize(
    ("path_end", "body", "field"),
    [("actions/tertiary", {"status": "done"}, "type"), ("actions/primary", {"status": "clicked"}, "status")],
)
def test_a_bad_action_is_a_422_naming_the_field(runtime, inbox, path_end, body, field):
    message_id = deliver(runtime, inbox)["_id"]
    response = inbox.post(f"/v1/subscribers/user-1/messages/{message_id}/{path_end}", body)
    assert response.status == 422
    assert field in response.json()["errors"]


def every_route(message_id: str) -> list[tuple[str, str, Any]]:
    base = "/v1/subscribers/user-1"
    return [
        ("GET", f"{base}/notifications/feed", None),
        ("GET", f"{base}/notifications/unseen", None),
        ("POST", f"{base}/messages/markAs", {"messageId": message_id, "markAs": "read"}),
        ("POST", f"{base}/messages/mark-all", {"markAs": "read"}),
        ("POST", f"{base}/messages/{message_id}/actions/primary", {"status": "done"}),
    ]


def test_every_feed_route_is_a_404_for_an_unknown_subscriber(admin: Api):
    for method, path, body in every_route("a" * 24):
        response = admin.call(method, path, json=body)
        assert response.status == 404, path
        assert "subscriberId" in response.json()["errors"]


def test_another_environments_key_gets_a_404_and_never_the_messages(runtime, inbox):
    message_id = deliver(runtime, inbox)["_id"]
    environment_id = inbox.post("/v1/environments", {"name": f"other-{inbox.client_id}"}).json()["data"]["_id"]
    tenant_b = inbox.client("tenant-b", FEED_SCOPES, environmentId=environment_id)
    for method, path, body in every_route(message_id):
        response = tenant_b.call(method, path, json=body)
        assert response.status == 404, path
        assert "data" not in response.json() and "Hello" not in json.dumps(response.json())
    subscriber(tenant_b)  # the same subscriberId in the other environment has an inbox of its own
    assert feed(tenant_b)["data"] == []
    assert tenant_b.post("/v1/subscribers/user-1/messages/mark-all", {"markAs": "read"}).json()["data"] == 0
    assert feed(inbox)["data"][0]["read"] is False


def test_the_sample_feed_events_reach_the_function(runtime):
    feed_answer = runtime.invoke("SubscribersFunction", load_event("subscribers/feed_get.json"))
    assert feed_answer["statusCode"] == 404  # the sample's environment has no such subscriber
    bad_mark = runtime.invoke("SubscribersFunction", load_event("subscribers/feed_mark_as_invalid.json"))
    assert bad_mark["statusCode"] == 422
    assert "markAs" in json.loads(bad_mark["body"])["errors"]

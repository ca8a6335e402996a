"""Rate limits per client key and route class, and request size limits, through gateway → authorizer → handler."""

import importlib
import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from clarion.store.keys import rate_bucket_pk
from local.runtime import LocalRuntime
from tests.integration.conftest import Api
from tests.integration.support.campaigns import EMAIL_STEP, campaign

WINDOW = 600  # long enough that the real time a test takes refills nothing measurable

Limits = Callable[..., None]


@pytest.fixture
def limits(runtime: LocalRuntime, monkeypatch: pytest.MonkeyPatch) -> Iterator[Limits]:
    """Deploy the stack with these RateLimit* parameters (each function's environment, then a cold start)."""

    def deploy(trigger: int = 0, configuration: int = 0, global_: int = 0, burst_percent: int = 0) -> None:
        values = {
            "RATE_LIMIT_TRIGGER": trigger,
            "RATE_LIMIT_CONFIGURATION": configuration,
            "RATE_LIMIT_GLOBAL": global_,
            "RATE_LIMIT_WINDOW_SECONDS": WINDOW,
            "RATE_LIMIT_BURST_PERCENT": burst_percent,
        }
        for config in runtime.registry.functions.values():
            for name, value in values.items():
                monkeypatch.setitem(config.environment, name, str(value))
        runtime.registry.cold_start()

    yield deploy
    monkeypatch.undo()
    runtime.registry.cold_start()


def rate_headers(response: Any) -> dict[str, str]:
    return {
        name: value for name, value in response.headers.items() if name.startswith("ratelimit") or name == "retry-after"
    }


def test_calls_under_the_limit_carry_the_rate_limit_headers(admin: Api, limits: Limits):
    limits(global_=3)
    remaining = [admin.get("/v1/subscribers").headers["ratelimit-remaining"] for _ in range(3)]
    assert remaining == ["2", "1", "0"]
    response = admin.get("/v1/topics")
    assert response.status == 429
    headers = rate_headers(response)
    assert headers["ratelimit-limit"] == "3"
    assert headers["ratelimit-remaining"] == "0"
    assert headers["retry-after"] == str(WINDOW // 3)  # one token's refill
    assert headers["ratelimit-reset"] == str(WINDOW)  # until all three are back
    assert 'category="global"' in headers["ratelimit-policy"]
    body = response.json()
    assert body["statusCode"] == 429
    assert body["message"] == "API rate limit exceeded"
    assert body["path"] == "/v1/topics"


def test_a_refused_call_is_not_processed_and_takes_no_token(runtime: LocalRuntime, admin: Api, limits: Limits):
    limits(configuration=1)
    assert admin.post("/v1/topics", {"key": "first", "name": "First"}).status == 201
    refused = admin.post("/v1/topics", {"key": "second", "name": "Second"})
    assert refused.status == 429
    keys = {item["pk"] for item in runtime.scan_table("SubscribersTable") if admin.environment_id in item["pk"]}
    assert not any(key.endswith("#TOPIC#second") for key in keys)
    assert refused.headers["retry-after"] == str(WINDOW)  # refusals leave the bucket as it was


def test_retry_after_is_honoured_when_the_tokens_refill(runtime: LocalRuntime, admin: Api, limits: Limits):
    limits(global_=2)
    admin.get("/v1/subscribers"), admin.get("/v1/subscribers")
    retry_after = int(admin.get("/v1/subscribers").headers["retry-after"])
    runtime.clock.advance(retry_after - 5)
    assert admin.get("/v1/subscribers").status == 429
    runtime.clock.advance(5)
    again = admin.get("/v1/subscribers")
    assert again.status == 200
    assert again.headers["ratelimit-remaining"] == "0"
    runtime.clock.advance(WINDOW)  # a long idle time refills the bucket to its size, never more
    assert admin.get("/v1/subscribers").headers["ratelimit-remaining"] == "1"


def test_the_burst_allowance_lets_an_idle_key_go_over_its_limit_once(admin: Api, limits: Limits):
    limits(global_=10, burst_percent=50)
    first = admin.get("/v1/subscribers")
    assert first.headers["ratelimit-limit"] == "10"
    assert first.headers["ratelimit-remaining"] == "14"
    assert "burst=15" in first.headers["ratelimit-policy"]


def test_classes_have_buckets_of_their_own(admin: Api, limits: Limits):
    limits(trigger=1, configuration=1, global_=1)
    assert admin.get("/v1/subscribers").status == 200
    assert admin.get("/v1/subscribers").status == 429
    created = admin.post("/v1/subscribers", {"subscriberId": "classes-1"})
    assert created.status == 201
    assert 'category="configuration"' in created.headers["ratelimit-policy"]
    assert admin.put("/v1/subscribers/classes-1", {"firstName": "Ada"}).status == 429
    triggered = admin.post("/v1/events/trigger", {"name": "no-such-workflow", "to": "classes-1"})
    assert triggered.status != 429  # the trigger bucket was untouched (the workflow's absence is another matter)
    assert triggered.headers["ratelimit-remaining"] == "0"
    assert 'category="trigger"' in triggered.headers["ratelimit-policy"]


def test_another_key_is_unaffected(admin: Api, limits: Limits):
    other = admin.client("other app", ["list:profile"])
    limits(global_=1)
    assert admin.get("/v1/subscribers").status == 200
    assert admin.get("/v1/subscribers").status == 429
    response = other.get("/v1/subscribers")
    assert response.status == 200
    assert response.headers["ratelimit-remaining"] == "0"


def test_a_bulk_trigger_costs_one_token_per_event(admin: Api, limits: Limits):
    sent = campaign(admin, EMAIL_STEP)
    limits(trigger=10)

    def bulk(count: int) -> Any:
        to = {"subscriberId": f"bulk-{uuid.uuid4().hex[:8]}", "email": "bulk@example.com"}
        events = [{"name": sent["identifier"], "to": to, "payload": {"n": n}} for n in range(count)]
        return admin.post("/v1/events/trigger/bulk", {"events": events})

    first = bulk(4)
    assert first.status == 201, first.json()
    assert first.headers["ratelimit-remaining"] == "6"
    assert 'cost="bulk"' in first.headers["ratelimit-policy"]
    refused = bulk(7)
    assert refused.status == 429
    assert refused.headers["retry-after"] == str(WINDOW // 10)  # 7 tokens wanted, 6 left: one to wait for
    assert bulk(6).headers["ratelimit-remaining"] == "0"


def test_bulk_subscribers_cost_one_token_per_ten(admin: Api, limits: Limits):
    limits(configuration=10)
    subscribers = [{"subscriberId": f"bulk-sub-{n}"} for n in range(25)]
    response = admin.post("/v1/subscribers/bulk", {"subscribers": subscribers})
    assert response.status in (200, 201), response.json()
    assert response.headers["ratelimit-remaining"] == "7"  # 25 subscribers: 3 tokens


def test_the_limits_are_kept_in_the_clients_table_under_the_callers_environment(
    runtime: LocalRuntime, admin: Api, limits: Limits
):
    limits(global_=5)
    admin.get("/v1/subscribers")
    buckets = [item for item in runtime.scan_table("ClientsTable") if item["sk"].startswith("RATE#")]
    mine = [item for item in buckets if item["pk"] == rate_bucket_pk(admin.environment_id, admin.client_id)]
    assert [item["sk"] for item in mine] == ["RATE#global"]
    assert mine[0]["expiresAt"] > runtime.clock.time()


def test_default_limits_are_novus_team_tier_and_every_call_carries_them(admin: Api):
    response = admin.get("/v1/subscribers")
    assert response.headers["ratelimit-limit"] == "300"
    assert "w=1;burst=330" in response.headers["ratelimit-policy"]
    assert admin.post("/v1/events/trigger", {"name": "nothing", "to": "x"}).headers["ratelimit-limit"] == "600"
    assert admin.post("/v1/topics", {"key": "defaults", "name": "D"}).headers["ratelimit-limit"] == "200"


def test_a_client_created_with_its_own_limits_is_held_to_them_and_keeps_them_across_rotation(admin: Api):
    limited = admin.client("slow app", ["list:profile", "list:topic"], rateLimits={"global": 2})
    assert admin.get(f"/v1/clients/{limited.client_id}").json()["data"]["rateLimits"] == {"global": 2}
    first = limited.get("/v1/subscribers")
    assert first.headers["ratelimit-limit"] == "2"
    assert first.headers["ratelimit-remaining"] == "1"  # no burst above a limit this small
    assert limited.get("/v1/topics").status == 200
    assert limited.get("/v1/topics").status == 429
    assert admin.get("/v1/subscribers").headers["ratelimit-limit"] == "300"  # the stack's, for everyone else
    rotated = admin.post(f"/v1/clients/{limited.client_id}/rotate").json()["data"]
    assert rotated["rateLimits"] == {"global": 2}
    again = Api(admin.runtime, rotated["key"], limited.client_id, limited.environment_id)
    assert again.get("/v1/subscribers").headers["ratelimit-limit"] == "2"


def test_a_client_cannot_grant_a_limit_above_its_own(admin: Api):
    response = admin.post("/v1/clients", {"name": "greedy", "scopes": [], "rateLimits": {"global": 100_000}})
    assert response.status == 403
    assert "rateLimits.global" in response.json()["errors"]
    bounded = admin.client("bounded", ["clients:manage"], rateLimits={"trigger": 10})
    refused = bounded.post("/v1/clients", {"name": "child", "scopes": [], "rateLimits": {"trigger": 11}})
    assert refused.status == 403
    assert bounded.post("/v1/clients", {"name": "child", "scopes": [], "rateLimits": {"trigger": 10}}).status == 201


def test_an_unknown_class_or_a_zero_limit_is_a_422(admin: Api):
    for limits_ in ({"everything": 5}, {"global": 0}):
        response = admin.post("/v1/clients", {"name": "bad", "scopes": [], "rateLimits": limits_})
        assert response.status == 422, response.json()
        assert any(field.startswith("rateLimits") for field in response.json()["errors"])


def test_a_refusal_is_a_429_even_when_a_test_imported_the_handler_before_the_function_started(
    runtime: LocalRuntime, limits: Limits
):
    """A unit or contract test on this worker may import a handler first, without its function's environment (no
    metrics namespace: the refusal's metric could not be flushed, a 500); the function's start initialises it again."""
    importlib.reload(importlib.import_module("topics.handler"))
    LocalRuntime.suspend_active()  # the stack starts again when next used: its functions start cold
    credentials = runtime.bootstrap_admin(environment_name=f"reimported-{uuid.uuid4().hex[:8]}")
    api = Api(runtime, credentials.key, credentials.client_id, credentials.environment_id)
    limits(global_=1)
    assert api.get("/v1/topics").status == 200
    refused = api.get("/v1/topics")
    assert refused.status == 429, refused.json()
    assert refused.headers["retry-after"] == str(WINDOW)


# request size limits


def test_an_oversized_body_is_refused_with_413_naming_the_body_before_it_is_parsed(runtime: LocalRuntime, admin: Api):
    big = json.dumps({"subscriberId": "too-big", "data": {"blob": "x" * (256 * 1024)}})
    response = admin.call("POST", "/v1/subscribers", body=big)
    assert response.status == 413
    body = response.json()
    assert body["statusCode"] == 413
    assert "body" in body["errors"]
    assert admin.get("/v1/subscribers/too-big").status == 404
    not_json = admin.call("POST", "/v1/subscribers", body="{" * (300 * 1024))
    assert not_json.status == 413  # refused before parsing: no 422 for the broken JSON


def test_bulk_routes_take_bodies_up_to_a_megabyte(admin: Api):
    padding = "y" * 1000
    subscribers = [{"subscriberId": f"large-{n}", "data": {"note": padding}} for n in range(400)]  # ~420 KB
    accepted = admin.post("/v1/subscribers/bulk", {"subscribers": subscribers})
    assert accepted.status in (200, 201), accepted.json()
    too_many_bytes = [{"subscriberId": f"huge-{n}", "data": {"note": "z" * 3000}} for n in range(400)]  # ~1.2 MB
    refused = admin.post("/v1/subscribers/bulk", {"subscribers": too_many_bytes})
    assert refused.status == 413
    assert "body" in refused.json()["errors"]


def test_a_trigger_payload_over_its_own_limit_is_a_413_naming_the_payload(admin: Api):
    name = campaign(admin, EMAIL_STEP)["identifier"]
    to = {"subscriberId": "payload-1", "email": "payload@example.com"}
    response = admin.post("/v1/events/trigger", {"name": name, "to": to, "payload": {"blob": "p" * (100 * 1024)}})
    assert response.status == 413
    assert "payload" in response.json()["errors"]


# the bucket itself: atomic under containers that do not know each other's state


def take_as_a_new_container(runtime: LocalRuntime, owner: Api, limit: int) -> bool:
    """One call's decision, taken by a container that has never seen the bucket (its warm memo is empty)."""
    from clarion.limits.buckets import Policy, TokenBuckets, _seen
    from clarion.limits.routes import RouteClass

    with runtime.registry.environment_of("TriggersFunction"):
        _seen().clear()
        policy = Policy(RouteClass.TRIGGER, limit=limit, window_seconds=WINDOW, burst=limit)
        return TokenBuckets().take(owner.environment_id, owner.client_id, policy, cost=1).allowed


def test_containers_that_never_saw_the_bucket_admit_no_more_than_the_limit(runtime: LocalRuntime, admin: Api):
    decisions = [take_as_a_new_container(runtime, admin, limit=4) for _ in range(7)]
    assert decisions == [True] * 4 + [False] * 3


def test_a_call_within_the_limit_costs_one_update_and_a_refusal_from_a_warm_container_none(
    runtime: LocalRuntime, admin: Api, limits: Limits
):
    limits(global_=2)
    admin.get("/v1/subscribers")  # warms the container: it has seen the bucket
    with runtime.count_aws_calls() as calls:
        assert admin.get("/v1/subscribers").status == 200
    assert calls.total("dynamodb", "UpdateItem", function="SubscribersFunction") == 1
    with runtime.count_aws_calls() as calls:
        assert admin.get("/v1/subscribers").status == 429
    assert calls.total("dynamodb", "UpdateItem", function="SubscribersFunction") == 0

"""Token buckets (clarion.limits.buckets, and clarion.limits.take_tokens) on the in-memory ClientsTable: policies
from the settings, cost, burst, refill over the window, Retry-After and the headers, with time on the clock seam."""

import pytest

from clarion.dynamo import DynamoTable
from clarion.ids import new_id
from clarion.limits import buckets, take_tokens
from clarion.limits.buckets import Policy, TokenBuckets, policy_for, stack_limit
from clarion.limits.routes import ROUTE_CLASSES, RouteClass
from clarion.settings import settings
from clarion.store.keys import rate_bucket_pk, rate_bucket_sk

WINDOW = 60
LIMIT = 4
BURST_PERCENT = 50
BURST = 6  # LIMIT plus BURST_PERCENT
SECONDS_PER_TOKEN = WINDOW // LIMIT
GLOBAL_ROUTE = next(route for route, kind in ROUTE_CLASSES.items() if kind is RouteClass.GLOBAL)


@pytest.fixture(autouse=True)
def frozen_clock(memory_tables, monkeypatch, use_clock):
    monkeypatch.setenv("RATE_LIMIT_WINDOW_SECONDS", str(WINDOW))
    monkeypatch.setenv("RATE_LIMIT_BURST_PERCENT", str(BURST_PERCENT))
    monkeypatch.setenv("RATE_LIMIT_GLOBAL", str(LIMIT))
    settings.cache_clear()
    yield use_clock(1_800_000_000.0)
    settings.cache_clear()


def policy(route_class: RouteClass = RouteClass.GLOBAL) -> Policy:
    found = policy_for(route_class, LIMIT)
    assert found is not None
    return found


def fresh_container() -> None:
    """Forget what this container saw of every bucket, as a cold container would."""
    buckets._seen.cache_clear()


def take_all(environment_id: str, client_id: str, count: int, cost: int = 1) -> list[bool]:
    return [TokenBuckets().take(environment_id, client_id, policy(), cost).allowed for _ in range(count)]


def test_the_burst_is_the_limit_plus_the_burst_percent_over_the_window():
    assert policy() == Policy(RouteClass.GLOBAL, LIMIT, WINDOW, BURST)
    assert policy().interval == SECONDS_PER_TOKEN * 1_000_000


def test_a_clients_own_limit_replaces_the_stacks():
    assert policy_for(RouteClass.GLOBAL).limit == LIMIT
    assert policy_for(RouteClass.GLOBAL, 4).limit == 4


def test_the_burst_is_at_least_one_token(monkeypatch):
    monkeypatch.setenv("RATE_LIMIT_BURST_PERCENT", "0")
    settings.cache_clear()
    assert policy_for(RouteClass.GLOBAL, 1).burst == 1


def test_a_class_the_stack_sets_to_zero_is_not_limited(monkeypatch):
    monkeypatch.setenv("RATE_LIMIT_TRIGGER", "0")
    settings.cache_clear()
    assert stack_limit(RouteClass.TRIGGER) == 0
    assert policy_for(RouteClass.TRIGGER) is None
    assert policy_for(RouteClass.TRIGGER, 3).limit == 3


@pytest.mark.parametrize(
    ("route_class", "variable"),
    [
        (RouteClass.TRIGGER, "RATE_LIMIT_TRIGGER"),
        (RouteClass.CONFIGURATION, "RATE_LIMIT_CONFIGURATION"),
        (RouteClass.GLOBAL, "RATE_LIMIT_GLOBAL"),
    ],
)
def test_each_class_reads_its_own_stack_limit(monkeypatch, route_class, variable):
    monkeypatch.setenv(variable, "1234")
    settings.cache_clear()
    assert stack_limit(route_class) == 1234


def test_an_idle_key_spends_its_whole_burst_at_once_then_is_refused():
    environment_id, client_id = new_id(), new_id()
    decisions = [TokenBuckets().take(environment_id, client_id, policy(), 1) for _ in range(BURST + 1)]
    assert [d.allowed for d in decisions] == [True] * BURST + [False]
    assert [d.remaining for d in decisions[:BURST]] == list(range(BURST - 1, -1, -1))
    assert decisions[-1].remaining == 0


def test_a_refusal_says_when_to_retry_and_a_retry_then_is_admitted(frozen_clock):
    environment_id, client_id = new_id(), new_id()
    take_all(environment_id, client_id, BURST)
    refused = TokenBuckets().take(environment_id, client_id, policy(), 1)
    assert not refused.allowed and refused.retry_after_seconds == SECONDS_PER_TOKEN
    frozen_clock.now += refused.retry_after_seconds - 1
    assert not TokenBuckets().take(environment_id, client_id, policy(), 1).allowed
    frozen_clock.now += 1
    assert TokenBuckets().take(environment_id, client_id, policy(), 1).allowed


def test_tokens_refill_at_the_limit_per_window(frozen_clock):
    environment_id, client_id = new_id(), new_id()
    take_all(environment_id, client_id, BURST)
    frozen_clock.now += WINDOW
    assert take_all(environment_id, client_id, LIMIT + 1) == [True] * LIMIT + [False]


def test_a_bucket_refills_no_further_than_its_burst(frozen_clock):
    environment_id, client_id = new_id(), new_id()
    take_all(environment_id, client_id, 1)
    frozen_clock.now += 10 * WINDOW
    assert take_all(environment_id, client_id, BURST + 1) == [True] * BURST + [False]


def test_a_call_costing_several_tokens_takes_them_all():
    environment_id, client_id = new_id(), new_id()
    decision = TokenBuckets().take(environment_id, client_id, policy(), 4)
    assert decision.allowed and decision.cost == 4 and decision.remaining == BURST - 4


def test_a_call_costing_more_than_remains_is_refused_and_takes_nothing():
    environment_id, client_id = new_id(), new_id()
    take_all(environment_id, client_id, BURST - 2)
    assert not TokenBuckets().take(environment_id, client_id, policy(), 3).allowed
    assert take_all(environment_id, client_id, 3) == [True, True, False]


def test_a_call_bigger_than_the_bucket_is_admitted_once_when_the_bucket_is_full():
    environment_id, client_id = new_id(), new_id()
    decision = TokenBuckets().take(environment_id, client_id, policy(), BURST * 3)
    assert decision.allowed and decision.cost == BURST and decision.remaining == 0
    assert not TokenBuckets().take(environment_id, client_id, policy(), BURST * 3).allowed


def test_the_reset_is_the_time_until_the_bucket_is_full_again():
    environment_id, client_id = new_id(), new_id()
    assert TokenBuckets().take(environment_id, client_id, policy(), 2).reset_seconds == 2 * SECONDS_PER_TOKEN
    take_all(environment_id, client_id, BURST - 2)
    refused = TokenBuckets().take(environment_id, client_id, policy(), 1)
    assert not refused.allowed and refused.reset_seconds == BURST * SECONDS_PER_TOKEN


def test_classes_clients_and_environments_have_buckets_of_their_own():
    environment_id, client_id = new_id(), new_id()
    take_all(environment_id, client_id, BURST)
    assert not TokenBuckets().take(environment_id, client_id, policy(), 1).allowed
    assert TokenBuckets().take(environment_id, client_id, policy(RouteClass.TRIGGER), 1).allowed
    assert TokenBuckets().take(environment_id, new_id(), policy(), 1).allowed
    assert TokenBuckets().take(new_id(), client_id, policy(), 1).allowed


def test_a_container_that_never_saw_the_bucket_admits_no_more_than_the_limit():
    environment_id, client_id = new_id(), new_id()
    take_all(environment_id, client_id, BURST - 1)
    fresh_container()
    assert take_all(environment_id, client_id, 2) == [True, False]
    fresh_container()
    assert take_all(environment_id, client_id, 1) == [False]


def test_the_bucket_is_one_item_under_the_clients_key_expiring_after_it_refills(frozen_clock):
    environment_id, client_id = new_id(), new_id()
    take_all(environment_id, client_id, 3)
    table = DynamoTable(settings().clients_table)
    item = table.get(rate_bucket_pk(environment_id, client_id), rate_bucket_sk(RouteClass.GLOBAL))
    assert item is not None
    assert item["tat"] == int((frozen_clock.now + 3 * SECONDS_PER_TOKEN) * 1_000_000)
    assert item["expiresAt"] > frozen_clock.now + BURST * SECONDS_PER_TOKEN


def test_an_admission_carries_the_rate_limit_headers_without_retry_after():
    decision = TokenBuckets().take(new_id(), new_id(), policy(), 1)
    headers = decision.headers()
    assert headers["RateLimit-Limit"] == str(LIMIT)
    assert headers["RateLimit-Remaining"] == str(BURST - 1)
    assert headers["RateLimit-Reset"] == str(SECONDS_PER_TOKEN)
    assert "Retry-After" not in headers
    assert f"w={WINDOW};burst={BURST}" in headers["RateLimit-Policy"]
    assert 'category="global";cost="single"' in headers["RateLimit-Policy"]


def test_a_refusal_carries_retry_after_and_a_bulk_call_says_so_in_the_policy():
    environment_id, client_id = new_id(), new_id()
    take_all(environment_id, client_id, BURST)
    headers = TokenBuckets().take(environment_id, client_id, policy(), 1).headers(bulk=True)
    assert headers["Retry-After"] == str(SECONDS_PER_TOKEN) and headers["RateLimit-Remaining"] == "0"
    assert headers["RateLimit-Policy"].endswith('cost="bulk"')


def test_take_tokens_holds_a_route_to_its_class_and_the_clients_own_limit():
    environment_id, client_id = new_id(), new_id()
    decisions = [take_tokens(environment_id, client_id, GLOBAL_ROUTE, 1, {"global": 2}) for _ in range(4)]
    assert all(d is not None and d.policy == Policy(RouteClass.GLOBAL, 2, WINDOW, 3) for d in decisions)
    assert [d.allowed for d in decisions if d] == [True, True, True, False]


def test_take_tokens_does_not_limit_a_route_without_a_class():
    assert take_tokens(new_id(), new_id(), "GET /v1/nowhere", 1, {}) is None


def test_take_tokens_does_not_limit_a_class_the_stack_sets_to_zero(monkeypatch):
    monkeypatch.setenv("RATE_LIMIT_GLOBAL", "0")
    settings.cache_clear()
    assert take_tokens(new_id(), new_id(), GLOBAL_ROUTE, 1, {}) is None


def test_take_tokens_admits_the_call_when_the_table_cannot_be_reached(monkeypatch):
    monkeypatch.setenv("CLIENTS_TABLE", "NoSuchTable")
    settings.cache_clear()
    assert take_tokens(new_id(), new_id(), GLOBAL_ROUTE, 1, {}) is None

"""clarion.audience.service and its stores on the in-memory store: the catalogues (names unique per environment,
batches with per-item results, paging) and tag hits (kept under the tag and counted on the profile, also when
hits of one profile race)."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError as PydanticValidationError

from clarion.audience import hits as hit_service
from clarion.audience import service
from clarion.audience.models import CreateAttributeRequest, CreateTagRequest, TagHitRequest
from clarion.audience.tag_hits import TagHitsStore, hit_time
from clarion.errors import Conflict, NotFound, ValidationFailed
from clarion.journeys.events import record_hit
from clarion.limits import cost_of
from clarion.principal import Principal
from clarion.store.keys import TAG_HIT_PREFIX, tag_hits_pk
from clarion.subscribers import service as subscribers
from clarion.subscribers.models import CreateSubscriberRequest
from clarion.subscribers.repository import SubscribersRepository
from tests.unit.conftest import StillClock

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def still_clock(use_clock) -> StillClock:
    return use_clock(NOW.timestamp())


@pytest.fixture
def caller(memory_tables: dict[str, str]) -> Principal:
    return Principal(client_id="c", environment_id=uuid.uuid4().hex, scopes=frozenset())


def hit(**fields: Any) -> TagHitRequest:
    return TagHitRequest.model_validate(fields)


def profile(caller: Principal, subscriber_id: str) -> dict[str, Any]:
    item = SubscribersRepository().get(caller.environment_id, subscriber_id)
    assert item is not None
    return dict(item)


def a_profile(caller: Principal, subscriber_id: str = "ada") -> str:
    subscribers.create_subscriber(caller, CreateSubscriberRequest(subscriberId=subscriber_id))
    return subscriber_id


def test_an_attribute_name_is_unique_in_its_environment_only(caller: Principal):
    service.create_attribute(caller, CreateAttributeRequest(name="plan", type="string"))
    with pytest.raises(Conflict):
        service.create_attribute(caller, CreateAttributeRequest(name="plan", type="number"))
    other = Principal(client_id="c", environment_id=uuid.uuid4().hex, scopes=frozenset())
    assert service.create_attribute(other, CreateAttributeRequest(name="plan", type="number")).type == "number"
    assert service.list_attributes(caller, page=0, limit=10).totalCount == 1


def test_a_batch_larger_than_a_transaction_creates_every_free_name(caller: Principal):
    service.create_tag(caller, CreateTagRequest(name="tag-150"))
    result = service.create_tags(caller, [CreateTagRequest(name=f"tag-{n}") for n in range(250)])
    assert len(result.created) == 249 and [(f.name, f.message) for f in result.failed] == [
        ("tag-150", "already exists")
    ]
    listed = service.list_tags(caller, page=2, limit=100)
    assert listed.totalCount == 250 and len(listed.data) == 50 and not listed.hasMore


def test_a_hit_is_kept_under_its_tag_and_counted_on_the_profile(caller: Principal):
    a_profile(caller)
    result = hit_service.record_tag_hit(caller, hit(tag="viewed", subscriberId="ada", value="shoes"))
    assert result.recorded == 1 and result.cataloguedTags == ["viewed"]
    stored = profile(caller, "ada")
    assert stored["tags"] == {"viewed"} and stored["tagHits"] == {"viewed": {"2026-03-10": 1}}
    page = hit_service.list_tag_hits(caller, "viewed", page=0, limit=10)
    assert [(h.subscriberId, h.value, h.timestamp) for h in page.data] == [("ada", "shoes", "2026-03-10T12:00:00.000Z")]
    assert subscribers.get_subscriber(caller, "ada").tags == ["viewed"]


def test_a_known_tag_is_not_catalogued_again_and_its_hits_add_up(caller: Principal):
    a_profile(caller)
    service.create_tag(caller, CreateTagRequest(name="viewed", description="Product page"))
    reported = [hit(tag="viewed", subscriberId="ada"), hit(tag="viewed", deviceId="d-1")]
    assert hit_service.record_tag_hits(caller, reported).cataloguedTags == []
    [tag] = service.list_tags(caller, page=0, limit=10).data
    assert tag.description == "Product page" and tag.hits == 2 and tag.lastHitAt == "2026-03-10T12:00:00.000Z"


def test_hits_racing_on_one_profile_are_all_counted(caller: Principal, monkeypatch: pytest.MonkeyPatch):
    a_profile(caller)
    store = TagHitsStore()
    read = store.profiles.get
    raced: list[bool] = []

    def read_then_race(*args: Any, **kwargs: Any) -> Any:
        item = read(*args, **kwargs)
        if not raced:  # another request's hit lands between this read and this write
            raced.append(True)
            TagHitsStore().record_for_profile(
                caller.environment_id, "ada", [("viewed", "2026-03-10T11:00:00.000Z", None)]
            )
        return item

    monkeypatch.setattr(store.profiles, "get", read_then_race)
    assert store.record_for_profile(caller.environment_id, "ada", [("viewed", "2026-03-10T12:00:00.000Z", None)])
    assert profile(caller, "ada")["tagHits"] == {"viewed": {"2026-03-10": 2}}
    both = store.hits.partition_items(tag_hits_pk(caller.environment_id, "viewed", "ada"), prefix=TAG_HIT_PREFIX)
    assert len(list(both)) == 2


def test_a_hit_for_a_missing_profile_writes_nothing(caller: Principal):
    with pytest.raises(NotFound) as missing:
        hit_service.record_tag_hit(caller, hit(tag="viewed", subscriberId="nobody"))
    assert missing.value.field == "subscriberId"
    assert service.list_tags(caller, page=0, limit=10).totalCount == 0


def test_a_batch_names_the_position_of_each_failure(caller: Principal):
    a_profile(caller)
    result = hit_service.record_tag_hits(
        caller,
        [
            hit(tag="a", subscriberId="ada"),
            hit(tag="a", subscriberId="nobody"),
            hit(tag="a", subscriberId="ada", timestamp="yesterday"),
        ],
    )
    assert result.recorded == 1
    assert [(f.index, f.message) for f in result.failed] == [
        (1, "hits[1].subscriberId: subscriber 'nobody' not found"),
        (2, "hits[2].timestamp: is not an ISO 8601 instant"),
    ]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("2026-03-10T12:06:00Z", "in the future"),
        ("2025-12-01T00:00:00Z", "days ago"),
        ("2026-03-10T11:00:00", "offset"),
        ("soon", "ISO 8601"),
    ],
)
def test_a_hit_time_too_far_off_or_without_an_offset_is_refused(text: str, problem: str):
    with pytest.raises(ValueError, match=problem):
        hit_time(text, NOW, future_seconds=300, past_seconds=90 * 86400)


def test_a_hit_time_is_stored_in_utc_and_a_missing_one_is_now():
    assert (
        hit_time("2026-03-10T13:04:00+01:00", NOW, future_seconds=300, past_seconds=86400) == "2026-03-10T12:04:00.000Z"
    )
    assert hit_time(None, NOW, future_seconds=300, past_seconds=86400) == "2026-03-10T12:00:00.000Z"
    assert hit_time((NOW + timedelta(minutes=4)).isoformat(), NOW, future_seconds=300, past_seconds=60)


def test_hits_of_an_unknown_tag_are_a_404_and_deep_pages_are_refused(caller: Principal):
    with pytest.raises(NotFound):
        hit_service.list_tag_hits(caller, "nothing", page=0, limit=10)
    with pytest.raises(ValidationFailed) as deep:
        hit_service.list_tag_hits(caller, "nothing", page=101, limit=100)
    assert deep.value.field == "page"


def test_a_hit_is_kept_90_days_and_its_value_is_bounded(caller: Principal):
    a_profile(caller)
    hit_service.record_tag_hit(caller, hit(tag="viewed", subscriberId="ada", value=3))
    [item] = TagHitsStore().hits.partition_items(tag_hits_pk(caller.environment_id, "viewed"), prefix=TAG_HIT_PREFIX)
    assert item["expiresAt"] == int(NOW.timestamp()) + 90 * 86400 and item["value"] == 3
    with pytest.raises(PydanticValidationError, match="value"):
        hit(tag="viewed", subscriberId="ada", value="x" * 257)


def test_a_profile_shows_its_tags_sorted(caller: Principal):
    a_profile(caller)
    hit_service.record_tag_hits(caller, [hit(tag="zebra", subscriberId="ada"), hit(tag="apple", subscriberId="ada")])
    assert subscribers.get_subscriber(caller, "ada").tags == ["apple", "zebra"]


def test_a_batch_of_hits_costs_a_token_a_hit():
    assert cost_of("POST /v1/hits/tag/batch", {"hits": [{}, {}, {}]}) == 3
    assert cost_of("POST /v1/hits/tag", {"tag": "x"}) == 1


def test_hits_of_a_profile_raced_on_every_try_are_a_409_and_write_nothing(
    caller: Principal, monkeypatch: pytest.MonkeyPatch
):
    a_profile(caller)
    store = TagHitsStore()
    read = store.profiles.get

    def always_raced(*args: Any, **kwargs: Any) -> Any:
        item = read(*args, **kwargs)
        TagHitsStore().record_for_profile(caller.environment_id, "ada", [("other", "2026-03-10T11:00:00.000Z", None)])
        return item

    monkeypatch.setattr(store.profiles, "get", always_raced)
    with pytest.raises(Conflict):
        store.record_for_profile(caller.environment_id, "ada", [("viewed", "2026-03-10T12:00:00.000Z", None)])
    assert "viewed" not in profile(caller, "ada")["tags"]


def test_an_event_is_counted_on_its_profile_per_day_and_kept_without_one(caller: Principal):
    a_profile(caller)
    record_hit(caller.environment_id, "ada", "bought", {"sku": "a"}, "2026-03-10T09:00:00.000Z")
    record_hit(caller.environment_id, "ada", "bought", {}, "2026-03-09T09:00:00.000Z")
    stored = profile(caller, "ada")
    assert stored["eventHits"] == {"bought": {"2026-03-10": 1, "2026-03-09": 1}} and "tags" not in stored
    kept = record_hit(caller.environment_id, "nobody", "bought", {}, "2026-03-10T09:00:00.000Z")
    assert TagHitsStore().hits.get(kept["pk"], kept["sk"]) is not None
    assert SubscribersRepository().get(caller.environment_id, "nobody") is None


def test_profile_writes_keep_its_tags_counts_and_values(caller: Principal):
    service.create_attribute(caller, CreateAttributeRequest(name="plan", type="string"))
    subscribers.create_subscriber(caller, CreateSubscriberRequest(subscriberId="ada", attributes={"plan": "pro"}))
    hit_service.record_tag_hit(caller, hit(tag="viewed", subscriberId="ada"))
    before = profile(caller, "ada")
    subscribers.bulk_create_subscribers(caller, [{"subscriberId": "ada", "firstName": "Ada"}])
    subscribers.create_subscriber(caller, CreateSubscriberRequest(subscriberId="ada", lastName="Lovelace"))
    after = profile(caller, "ada")
    kept = ("attributes", "tags", "tagHits", "tagHitsVersion")
    assert {name: after[name] for name in kept} == {name: before[name] for name in kept}
    assert (after["firstName"], after["lastName"]) == ("Ada", "Lovelace")

"""clarion.promotions on the in-memory CampaignsTable: a bonus engine's upsert (created once, replaced whole,
idempotent), listing with the live filter at a time, status and type, reading and deleting, each in the caller's
environment only; the request model's refusals."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from clarion.errors import NotFound
from clarion.principal import Principal
from clarion.promotions import service
from clarion.promotions.models import BulkPromotionsRequest, PromotionRequest

START = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock(memory_tables, use_clock):
    return use_clock(START)


@pytest.fixture
def caller() -> Principal:
    return Principal(client_id="engine", environment_id=uuid.uuid4().hex, scopes=frozenset())


def put(caller: Principal, external_id: str, **fields):
    return service.put_promotion(caller, external_id, PromotionRequest(**({"name": external_id} | fields)))


def listed(caller: Principal, **filters) -> list[str]:
    return [promotion.externalId for promotion in service.list_promotions(caller, page=0, limit=100, **filters).data]


def test_the_first_put_creates_and_the_next_replaces_keeping_created_at(caller, frozen_clock):
    first, created = put(caller, "welcome", description="Up to 100", terms="18+")
    frozen_clock.now += 60
    second, created_again = put(caller, "welcome", description="Up to 200")

    assert created and not created_again
    assert second.createdAt == first.createdAt and second.updatedAt > first.updatedAt
    assert second.description == "Up to 200"
    assert second.terms is None  # a PUT replaces the promotion whole
    assert service.get_promotion(caller, "welcome") == second


def test_the_same_put_twice_leaves_the_same_promotion(caller):
    put(caller, "welcome", type="deposit_bonus", metadata={"percent": 100})
    again, created = put(caller, "welcome", type="deposit_bonus", metadata={"percent": 100})

    assert not created
    assert listed(caller) == ["welcome"]
    assert again.metadata == {"percent": 100} and again.type == "deposit_bonus"


def test_active_means_active_status_within_its_window(caller):
    put(caller, "live", startsAt=START - timedelta(days=1), endsAt=START + timedelta(days=1))
    put(caller, "open-ended")
    put(caller, "later", startsAt=START + timedelta(days=2))
    put(caller, "over", endsAt=START - timedelta(seconds=1))
    put(caller, "paused", status="paused")

    assert listed(caller, active=True) == ["live", "open-ended"]
    assert listed(caller, active=False) == ["later", "over", "paused"]
    assert listed(caller, active=True, at=START + timedelta(days=3)) == ["later", "open-ended"]
    assert service.get_promotion(caller, "later").active is False


def test_status_and_type_filter(caller):
    put(caller, "a", type="free_spins")
    put(caller, "b", type="cashback", status="draft")

    assert listed(caller, status="draft") == ["b"]
    assert listed(caller, promotion_type="free_spins") == ["a"]


def test_a_page_counts_every_match(caller):
    for number in range(5):
        put(caller, f"p{number}")

    page = service.list_promotions(caller, page=1, limit=2)

    assert [p.externalId for p in page.data] == ["p2", "p3"]
    assert (page.totalCount, page.hasMore) == (5, True)


def test_bulk_reports_each_item(caller):
    put(caller, "old")
    body = BulkPromotionsRequest(promotions=[{"externalId": "old", "name": "Old"}, {"externalId": "new", "name": "N"}])

    results = service.put_promotions(caller, [(item.externalId, item) for item in body.promotions])

    assert [(r.externalId, r.result) for r in results] == [("old", "updated"), ("new", "created")]


def test_delete_then_not_found(caller):
    put(caller, "gone")

    service.delete_promotion(caller, "gone")

    with pytest.raises(NotFound):
        service.get_promotion(caller, "gone")
    with pytest.raises(NotFound):
        service.delete_promotion(caller, "gone")


def test_another_environment_sees_none_of_them(caller):
    put(caller, "mine")
    other = Principal(client_id="other", environment_id=uuid.uuid4().hex, scopes=frozenset())

    assert listed(other) == []
    with pytest.raises(NotFound):
        service.get_promotion(other, "mine")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"endsAt": START, "startsAt": START}, "endsAt"),
        ({"url": "http://example.com"}, "url"),
        ({"metadata": {"x": "y" * 17_000}}, "metadata"),
        ({"status": "live"}, "status"),
        ({"startsAt": "2027-03-01T12:00:00"}, "startsAt"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_fields_are_refused(fields, field):
    with pytest.raises(ValidationError) as refused:
        PromotionRequest(name="x", **fields)
    assert field in str(refused.value)

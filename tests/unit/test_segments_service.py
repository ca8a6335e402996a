"""clarion.segments.service and the segment audience on the in-memory store: a count and a preview page over the
environment's profiles with a bounded page, topic rules read in one batch per page, a send's targets carrying the
rule, and the engine's audience reading a segment page by page (a page may be empty but not exhausted)."""

import uuid
from typing import Any

import pytest

from clarion.dynamo import DynamoTable
from clarion.engine.audience import read_page
from clarion.engine.job_types import SegmentTarget
from clarion.errors import ValidationFailed
from clarion.principal import Principal
from clarion.schedules.service import audience_targets
from clarion.segments import service
from clarion.segments.models import CreateSegmentRequest
from clarion.subscribers.repository import SubscribersRepository
from clarion.topics.repository import TopicsRepository


@pytest.fixture
def caller(memory_tables: dict[str, str]) -> Principal:
    return Principal(client_id="client", environment_id=uuid.uuid4().hex, scopes=frozenset())


def profiles(caller: Principal, tagged: list[bool]) -> list[str]:
    """Profiles in id order; those marked True have hit the tag `vip`."""
    ids = [f"sub-{index:03d}" for index in range(len(tagged))]
    items: list[dict[str, Any]] = [
        {"id": uuid.uuid4().hex[:24], "environmentId": caller.environment_id, "subscriberId": s}
        | ({"tags": {"vip"}} if vip else {})
        for s, vip in zip(ids, tagged, strict=True)
    ]
    SubscribersRepository().put_many(caller.environment_id, items, created=len(items))
    return ids


def segment(caller: Principal, rule: dict[str, Any]) -> str:
    return service.create_segment(caller, CreateSegmentRequest.model_validate({"name": "S", "rule": rule})).id


VIP = {"type": "tag", "tag": "vip"}


def test_count_reads_every_profile_and_counts_the_matching_ones(caller: Principal):
    profiles(caller, [True, False, True, False, False])
    counted = service.count_segment(caller, segment(caller, VIP))
    assert (counted.count, counted.scanned) == (2, 5)


def test_preview_pages_with_a_cursor_that_resumes_after_the_last_answer(caller: Principal):
    ids = profiles(caller, [True, True, False, True])
    segment_id = segment(caller, VIP)
    first = service.preview_segment(caller, segment_id, limit=2, cursor=None)
    assert [m.subscriberId for m in first.data] == ids[:2] and first.next
    rest = service.preview_segment(caller, segment_id, limit=2, cursor=first.next)
    assert [m.subscriberId for m in rest.data] == [ids[3]] and rest.next is None
    with pytest.raises(ValidationFailed):
        service.preview_segment(caller, segment_id, limit=2, cursor="!!")


def test_a_topic_rule_reads_memberships_for_the_whole_page(caller: Principal, monkeypatch: pytest.MonkeyPatch):
    ids = profiles(caller, [False, False, False])
    topics = TopicsRepository()
    topic: Any = {"_id": uuid.uuid4().hex[:24], "key": "news", "name": "News", "subscriberCount": 0}
    assert topics.create(caller.environment_id, topic)
    assert topics.add_members(caller.environment_id, topic, [ids[1]], "2026-12-01T00:00:00.000Z")
    segment_id = segment(caller, {"type": "topic", "topicKey": "news"})
    calls: list[int] = []
    original = DynamoTable.batch_get

    def counted(self: DynamoTable, keys: list[Any], **kwargs: Any) -> list[Any]:
        calls.append(len(keys))
        return original(self, keys, **kwargs)

    monkeypatch.setattr(DynamoTable, "batch_get", counted)
    assert service.count_segment(caller, segment_id).count == 1
    assert calls == [3, 3]  # the page's profiles, then its (topic, profile) pairs: one batch each


def test_a_send_to_a_segment_carries_its_rule_and_the_audience_reads_it_page_by_page(caller: Principal):
    ids = profiles(caller, [False, False, True, False, True])
    segment_id = segment(caller, VIP)
    campaign: Any = {"_id": "c", "audience": {"type": "segment", "segmentId": segment_id}}
    targets = audience_targets(caller.environment_id, campaign)
    assert targets["segment"] == SegmentTarget(_id=segment_id, rule={"type": "tag", "tag": "vip", "has": True})
    pages, cursor = [], None
    while True:
        page = read_page(caller.environment_id, targets, cursor, page_size=2)
        pages.append(page.subscriber_ids)
        assert set(page.profiles) == set(page.subscriber_ids)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert pages == [[], [ids[2]], [ids[4]]]  # the first page matched nobody and was not the end


def test_a_segment_audience_naming_no_segment_is_a_422(caller: Principal):
    campaign: Any = {"_id": "c", "audience": {"type": "segment", "segmentId": "0" * 24}}
    with pytest.raises(ValidationFailed) as refused:
        audience_targets(caller.environment_id, campaign)
    assert refused.value.field == "audience.segmentId"


def test_an_empty_environment_counts_zero(caller: Principal):
    assert service.count_segment(caller, segment(caller, VIP)).model_dump() == {"count": 0, "scanned": 0}

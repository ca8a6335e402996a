"""clarion.lists.service and ListsRepository on the in-memory store: lists (create, read, page with totalCount and
member counts, update, delete) and their items (added when the profile exists, counted once, mirrored in the
profile's `lists` set in the same transaction, removed on both sides, paged), each in the caller's environment only;
deleting a list or a subscriber takes the memberships along."""

import uuid
from typing import Any

import pytest

from clarion.dynamo import DynamoTable
from clarion.engine.audience import read_page
from clarion.engine.job_types import Targets
from clarion.errors import NotFound, ValidationFailed
from clarion.lists import service
from clarion.lists.models import UpdateListRequest
from clarion.lists.repository import MEMBERS_PER_TRANSACTION, ListsRepository, require_lists
from clarion.principal import Principal
from clarion.schedules.service import audience_targets
from clarion.settings import settings
from clarion.store.keys import PROFILE_SK, list_pk, member_sk, subscriber_pk
from clarion.subscribers.repository import SubscribersRepository


@pytest.fixture
def caller(memory_tables: dict[str, str]) -> Principal:
    return a_caller()


def a_caller() -> Principal:
    return Principal(client_id="client", environment_id=uuid.uuid4().hex, scopes=frozenset())


def subscribers(caller: Principal, count: int) -> list[str]:
    """`count` stored subscribers of the caller's environment, in id order."""
    ids = sorted(f"sub-{uuid.uuid4().hex[:10]}" for _ in range(count))
    profiles: list[dict[str, Any]] = [
        {"id": uuid.uuid4().hex[:24], "environmentId": caller.environment_id, "subscriberId": s} for s in ids
    ]
    SubscribersRepository().put_many(caller.environment_id, profiles, created=count)
    return ids


def list_with(caller: Principal, members: list[str]) -> str:
    list_id = service.create_list(caller, "Newsletter", None).id
    if members:
        assert service.add_items(caller, list_id, members).succeeded == members
    return list_id


def lists_of(caller: Principal, subscriber_id: str) -> set[str]:
    profile = SubscribersRepository().get(caller.environment_id, subscriber_id)
    assert profile is not None
    return set(profile.get("lists") or ())


def member_item(caller: Principal, list_id: str, subscriber_id: str) -> dict[str, Any] | None:
    table = DynamoTable(settings().subscribers_table)
    return table.get(list_pk(caller.environment_id, list_id), member_sk(subscriber_id))


# lists


def test_a_created_list_reads_back_with_no_members(caller: Principal):
    created = service.create_list(caller, "VIP", "Our best customers")
    found = service.get_list(caller, created.id)
    assert (found.name, found.description, found.subscriberCount) == ("VIP", "Our best customers", 0)
    assert found.createdAt == found.updatedAt == created.createdAt


def test_lists_are_paged_with_the_total_and_each_lists_member_count(caller: Principal):
    members = subscribers(caller, 3)
    ids = [list_with(caller, members[:count]) for count in (0, 1, 2, 3)]
    first = service.list_lists(caller, page=0, limit=3)
    second = service.list_lists(caller, page=1, limit=3)
    assert (first.totalCount, first.hasMore, second.hasMore) == (4, True, False)
    shown = {item.id: item.subscriberCount for item in first.data + second.data}
    assert shown == dict(zip(ids, (0, 1, 2, 3), strict=True))


def test_an_update_changes_only_the_fields_given_and_null_clears_the_description(caller: Principal):
    list_id = service.create_list(caller, "VIP", "Best").id
    renamed = service.update_list(caller, list_id, UpdateListRequest(name="Gold"))
    assert (renamed.name, renamed.description) == ("Gold", "Best")
    cleared = service.update_list(caller, list_id, UpdateListRequest.model_validate({"description": None}))
    assert (cleared.name, cleared.description) == ("Gold", None)
    assert service.get_list(caller, list_id).description is None


def test_an_update_without_a_field_is_refused_naming_the_body(caller: Principal):
    list_id = service.create_list(caller, "VIP", None).id
    with pytest.raises(ValidationFailed) as refused:
        service.update_list(caller, list_id, UpdateListRequest())
    assert refused.value.field == "body"


def test_another_environments_list_is_not_found(caller: Principal):
    list_id = list_with(caller, subscribers(caller, 1))
    stranger = a_caller()
    for attempt in (
        lambda: service.get_list(stranger, list_id),
        lambda: service.add_items(stranger, list_id, ["x"]),
        lambda: service.list_items(stranger, list_id, page=0, limit=10),
        lambda: service.delete_list(stranger, list_id),
    ):
        with pytest.raises(NotFound):
            attempt()
    assert service.get_list(caller, list_id).subscriberCount == 1
    assert service.list_lists(stranger, page=0, limit=10).data == []


# items


def test_adding_reports_unknown_subscribers_per_item_and_adds_the_others(caller: Principal):
    known = subscribers(caller, 2)
    list_id = service.create_list(caller, "VIP", None).id
    result = service.add_items(caller, list_id, [known[0], "nobody", known[1]])
    assert result.succeeded == known
    assert result.failed is not None and result.failed.notFound == ["nobody"]
    assert service.get_list(caller, list_id).subscriberCount == 2


def test_a_membership_is_written_on_both_sides(caller: Principal):
    (ada,) = subscribers(caller, 1)
    list_id = list_with(caller, [ada])
    member = member_item(caller, list_id, ada)
    assert member is not None and member["listId"] == list_id
    assert lists_of(caller, ada) == {list_id}


def test_adding_a_member_again_counts_it_once(caller: Principal):
    members = subscribers(caller, 2)
    list_id = list_with(caller, members)
    again = service.add_items(caller, list_id, [members[0], members[0]])
    assert again.succeeded == [members[0]]
    assert service.get_list(caller, list_id).subscriberCount == 2


def test_a_subscriber_in_two_lists_holds_both_ids(caller: Principal):
    (ada,) = subscribers(caller, 1)
    first, second = list_with(caller, [ada]), list_with(caller, [ada])
    assert lists_of(caller, ada) == {first, second}


def test_removing_takes_both_sides_and_reports_non_members(caller: Principal):
    members = subscribers(caller, 2)
    list_id = list_with(caller, members)
    result = service.remove_items(caller, list_id, [members[0], "stranger"])
    assert result.succeeded == [members[0]]
    assert result.failed is not None and result.failed.notFound == ["stranger"]
    assert member_item(caller, list_id, members[0]) is None
    assert lists_of(caller, members[0]) == set()
    assert service.get_list(caller, list_id).subscriberCount == 1


def test_adding_a_member_again_restores_the_list_id_a_whole_profile_rewrite_dropped(caller: Principal):
    (ada,) = subscribers(caller, 1)
    list_id = list_with(caller, [ada])
    profile = SubscribersRepository().get(caller.environment_id, ada)
    assert profile is not None
    profile.pop("lists")
    SubscribersRepository().put_many(caller.environment_id, [profile], created=0)  # as a bulk upsert rewrites it
    assert lists_of(caller, ada) == set()
    assert service.add_items(caller, list_id, [ada]).succeeded == [ada]
    assert lists_of(caller, ada) == {list_id}
    assert service.get_list(caller, list_id).subscriberCount == 1


def test_a_hundred_members_are_added_in_transactions_of_at_most_49(caller: Principal, monkeypatch: pytest.MonkeyPatch):
    members = subscribers(caller, 100)
    list_id = service.create_list(caller, "Big", None).id
    sizes: list[int] = []
    transact = DynamoTable.transact

    def counted(self: DynamoTable, operations: Any) -> None:
        operations = list(operations)
        sizes.append(len(operations))
        transact(self, operations)

    monkeypatch.setattr(DynamoTable, "transact", counted)
    assert service.add_items(caller, list_id, members).succeeded == members
    assert sizes == [1 + 2 * 49, 1 + 2 * 49, 1 + 2 * 2]
    assert service.get_list(caller, list_id).subscriberCount == 100


def test_items_are_paged_in_subscriber_order_with_the_total(caller: Principal):
    members = subscribers(caller, 5)
    list_id = list_with(caller, members)
    pages = [service.list_items(caller, list_id, page=page, limit=2) for page in range(3)]
    assert [[item.subscriberId for item in page.data] for page in pages] == [members[:2], members[2:4], members[4:]]
    assert [page.hasMore for page in pages] == [True, True, False]
    assert {page.totalCount for page in pages} == {5}


# deletion


def test_deleting_a_list_removes_every_membership_on_both_sides(caller: Principal):
    members = subscribers(caller, MEMBERS_PER_TRANSACTION * 2 + 3)
    list_id = list_with(caller, members[:100])
    service.add_items(caller, list_id, members[100:])
    kept = list_with(caller, members[:1])
    service.delete_list(caller, list_id)
    with pytest.raises(NotFound):
        service.get_list(caller, list_id)
    assert all(member_item(caller, list_id, s) is None for s in members)
    assert lists_of(caller, members[0]) == {kept}
    assert all(lists_of(caller, s) == set() for s in members[1:])
    assert service.list_lists(caller, page=0, limit=10).totalCount == 1


def test_a_member_whose_profile_went_is_still_removed_and_its_list_deleted(caller: Principal):
    ada, bob = subscribers(caller, 2)
    list_id = list_with(caller, [ada, bob])
    DynamoTable(settings().subscribers_table).batch_write(
        deletes=[(subscriber_pk(caller.environment_id, ada), PROFILE_SK)]
    )
    assert service.remove_items(caller, list_id, [ada, bob]).succeeded == [ada, bob]
    assert member_item(caller, list_id, ada) is None
    assert SubscribersRepository().get(caller.environment_id, ada) is None  # no bare profile made by the removal
    assert lists_of(caller, bob) == set()
    service.add_items(caller, list_id, [bob])
    DynamoTable(settings().subscribers_table).batch_write(
        deletes=[(subscriber_pk(caller.environment_id, bob), PROFILE_SK)]
    )
    service.delete_list(caller, list_id)
    with pytest.raises(NotFound):
        service.get_list(caller, list_id)


def test_deleting_a_subscriber_leaves_its_lists_counted_right(caller: Principal):
    ada, bob = subscribers(caller, 2)
    list_id = list_with(caller, [ada, bob])
    assert SubscribersRepository().delete(caller.environment_id, ada)
    assert service.get_list(caller, list_id).subscriberCount == 1
    assert [item.subscriberId for item in service.list_items(caller, list_id, page=0, limit=10).data] == [bob]


def test_an_unknown_list_id_is_named_missing(caller: Principal):
    list_id = list_with(caller, [])
    assert ListsRepository().missing(caller.environment_id, [list_id, "0" * 24]) == ["0" * 24]
    with pytest.raises(ValidationFailed) as refused:
        require_lists(caller.environment_id, ["0" * 24], field="audience.listId")
    assert refused.value.field == "audience.listId"


# the list as an audience


def test_the_audience_reads_a_list_page_by_page_after_the_named_subscribers(caller: Principal):
    members = subscribers(caller, 5)
    list_id = list_with(caller, members)
    targets = Targets(subscriberIds=[members[0]], topicKeys=[], all=False, listIds=[list_id])
    pages, cursor = [], None
    while True:
        page = read_page(caller.environment_id, targets, cursor, page_size=2)
        pages.append(page.subscriber_ids)
        assert set(page.profiles) == set(page.subscriber_ids)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert pages == [[members[0]], members[:2], members[2:4], members[4:]]


def test_a_campaign_audience_of_a_list_becomes_the_jobs_list_target(caller: Principal):
    list_id = list_with(caller, [])
    campaign: Any = {"_id": "c", "audience": {"type": "list", "listId": list_id}}
    targets = audience_targets(caller.environment_id, campaign)
    assert (targets["listIds"], targets["subscriberIds"], targets["topicKeys"], targets["all"]) == (
        [list_id],
        [],
        [],
        False,
    )

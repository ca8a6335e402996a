"""clarion.topics.service and TopicsRepository on the in-memory store: Novu v1's topics (create, read, rename, the
paged list and its key filter, deletion only when empty) and their subscribers (added when they exist, counted once,
removed on both sides, listed by cursor), each in the caller's environment only."""

import uuid
from typing import Any

import pytest

from clarion.dynamo import DynamoTable
from clarion.errors import Conflict, NotFound, ValidationFailed
from clarion.principal import Principal
from clarion.settings import settings
from clarion.store.keys import membership_sk, subscriber_pk
from clarion.subscribers.repository import SubscribersRepository
from clarion.topics import repository as topics_repository
from clarion.topics import service
from clarion.topics.repository import TopicsRepository


@pytest.fixture
def caller(memory_tables: dict[str, str]) -> Principal:
    return a_caller()


def a_caller() -> Principal:
    return Principal(client_id="client", environment_id=uuid.uuid4().hex, scopes=frozenset())


def new_key() -> str:
    return f"topic-{uuid.uuid4().hex[:10]}"


def subscribers(caller: Principal, count: int) -> list[str]:
    """`count` stored subscribers of the caller's environment, in id order."""
    ids = sorted(f"sub-{uuid.uuid4().hex[:10]}" for _ in range(count))
    profiles: list[dict[str, Any]] = [
        {"id": uuid.uuid4().hex[:24], "environmentId": caller.environment_id, "subscriberId": s} for s in ids
    ]
    SubscribersRepository().put_many(caller.environment_id, profiles, created=count)
    return ids


def topic_with(caller: Principal, members: list[str], key: str | None = None) -> str:
    key = key or new_key()
    service.create_topic(caller, key, f"Name of {key}")
    assert service.add_subscribers(caller, key, members).succeeded == members
    return key


def has_membership(caller: Principal, subscriber_id: str, key: str) -> bool:
    item = DynamoTable(settings().subscribers_table).get(
        subscriber_pk(caller.environment_id, subscriber_id), membership_sk(key)
    )
    return item is not None


# create and read


def test_a_topic_is_read_back_in_novus_shape_without_subscribers(caller):
    key = new_key()
    created = service.create_topic(caller, key, "Weekly digest")
    topic = service.get_topic(caller, key)
    assert (topic.id, topic.key, topic.name, topic.subscribers, topic.subscriberCount) == (
        created.id,
        key,
        "Weekly digest",
        [],
        0,
    )
    assert (topic.environmentId, topic.organizationId) == (caller.environment_id, settings().organization_id)
    assert topic.createdAt == topic.updatedAt


def test_an_existing_key_is_a_conflict_naming_key_and_keeps_the_first_topic(caller):
    key = new_key()
    first = service.create_topic(caller, key, "First")
    with pytest.raises(Conflict) as error:
        service.create_topic(caller, key, "Second")
    assert (error.value.field, error.value.value) == ("key", key)
    assert (service.get_topic(caller, key).id, service.get_topic(caller, key).name) == (first.id, "First")
    assert service.list_topics(caller, page=0, page_size=10, key=None).totalCount == 1


def test_an_unknown_topic_is_not_found_naming_the_topic_key(caller):
    with pytest.raises(NotFound) as error:
        service.get_topic(caller, "nothing-here")
    assert error.value.field == "topicKey"


def test_another_environments_topic_is_as_absent_as_a_missing_one(caller):
    key = topic_with(caller, subscribers(caller, 1))
    stranger = a_caller()
    with pytest.raises(NotFound):
        service.get_topic(stranger, key)
    with pytest.raises(NotFound):
        service.rename_topic(stranger, key, "Taken over")
    with pytest.raises(NotFound):
        service.delete_topic(stranger, key)
    with pytest.raises(NotFound):
        service.list_members(stranger, key, limit=10, cursor=None)
    assert service.list_topics(stranger, page=0, page_size=10, key=key).data == []
    assert service.get_topic(caller, key).name == f"Name of {key}"


def test_the_same_key_in_another_environment_is_another_topic(caller):
    key = new_key()
    ours = service.create_topic(caller, key, "Ours")
    theirs = service.create_topic(a_caller(), key, "Theirs")
    assert ours.id != theirs.id
    assert service.get_topic(caller, key).name == "Ours"


# list


def test_topics_are_listed_in_key_order_page_by_page_with_the_total(caller):
    keys = [new_key() for _ in range(5)]
    for key in keys:
        service.create_topic(caller, key, key)
    pages = [service.list_topics(caller, page=page, page_size=2, key=None) for page in range(3)]
    assert [topic.key for page in pages for topic in page.data] == sorted(keys)
    assert [(page.page, page.pageSize, page.totalCount, page.hasMore) for page in pages] == [
        (0, 2, 5, True),
        (1, 2, 5, True),
        (2, 2, 5, False),
    ]


def test_an_environment_without_topics_lists_none(caller):
    service.create_topic(a_caller(), new_key(), "elsewhere")
    page = service.list_topics(caller, page=0, page_size=10, key=None)
    assert (page.data, page.totalCount, page.hasMore) == ([], 0, False)


def test_the_key_filter_matches_exactly_one_key(caller):
    key = new_key()
    for other in (key, f"{key}-longer", key[:-1]):
        service.create_topic(caller, other, other)
    page = service.list_topics(caller, page=0, page_size=10, key=key)
    assert ([topic.key for topic in page.data], page.totalCount, page.hasMore) == ([key], 1, False)


def test_the_key_filter_shows_its_topic_on_the_first_page_only(caller):
    key = new_key()
    service.create_topic(caller, key, key)
    page = service.list_topics(caller, page=1, page_size=10, key=key)
    assert (page.data, page.totalCount) == ([], 1)


def test_the_key_filter_of_an_unknown_key_finds_nothing(caller):
    service.create_topic(caller, new_key(), "other")
    page = service.list_topics(caller, page=0, page_size=10, key="unknown")
    assert (page.data, page.totalCount, page.hasMore) == ([], 0, False)


def test_listed_topics_show_their_subscribers_and_counts(caller):
    members = subscribers(caller, 2)
    key = topic_with(caller, members)
    empty = new_key()
    service.create_topic(caller, empty, "empty")
    shown = {
        topic.key: (topic.subscribers, topic.subscriberCount)
        for topic in service.list_topics(caller, page=0, page_size=10, key=None).data
    }
    assert shown == {key: (members, 2), empty: ([], 0)}


def test_a_topic_shows_only_its_first_subscribers_and_counts_them_all(caller, monkeypatch):
    monkeypatch.setattr(service, "SUBSCRIBERS_SHOWN", 3)
    members = subscribers(caller, 5)
    key = topic_with(caller, list(reversed(members)))
    topic = service.get_topic(caller, key)
    assert (topic.subscribers, topic.subscriberCount) == (members[:3], 5)


# rename


def test_renaming_changes_the_name_and_keeps_the_key_id_and_members(caller):
    members = subscribers(caller, 1)
    key = topic_with(caller, members)
    before = service.get_topic(caller, key)
    renamed = service.rename_topic(caller, key, "New name")
    assert (renamed.name, renamed.key, renamed.id, renamed.subscribers) == ("New name", key, before.id, members)
    assert renamed.updatedAt >= before.updatedAt
    assert service.get_topic(caller, key) == renamed


def test_renaming_an_unknown_topic_is_not_found_and_creates_nothing(caller):
    with pytest.raises(NotFound) as error:
        service.rename_topic(caller, "nothing-here", "Name")
    assert error.value.field == "topicKey"
    assert TopicsRepository().get(caller.environment_id, "nothing-here") is None


def test_renaming_a_topic_deleted_since_it_was_read_does_not_recreate_it(caller):
    key = new_key()
    service.create_topic(caller, key, "Old")
    repository = TopicsRepository()
    assert repository.delete_if_empty(caller.environment_id, key)
    assert repository.rename(caller.environment_id, key, "New", "2026-01-01T00:00:00.000Z") is False
    assert repository.get(caller.environment_id, key) is None


# delete


def test_an_empty_topic_is_deleted_and_uncounted(caller):
    key, kept = new_key(), new_key()
    service.create_topic(caller, key, "gone")
    service.create_topic(caller, kept, "kept")
    service.delete_topic(caller, key)
    with pytest.raises(NotFound):
        service.get_topic(caller, key)
    page = service.list_topics(caller, page=0, page_size=10, key=None)
    assert ([topic.key for topic in page.data], page.totalCount) == ([kept], 1)


def test_a_topic_with_subscribers_cannot_be_deleted_until_they_are_removed(caller):
    members = subscribers(caller, 2)
    key = topic_with(caller, members)
    with pytest.raises(Conflict) as error:
        service.delete_topic(caller, key)
    assert (error.value.field, error.value.value) == ("topicKey", key)
    assert service.get_topic(caller, key).subscriberCount == 2
    service.remove_subscribers(caller, key, members)
    service.delete_topic(caller, key)
    assert TopicsRepository().get(caller.environment_id, key) is None


def test_deleting_an_unknown_topic_is_not_found(caller):
    with pytest.raises(NotFound) as error:
        service.delete_topic(caller, "nothing-here")
    assert error.value.field == "topicKey"


def test_a_deleted_key_can_be_created_again(caller):
    key = new_key()
    first = service.create_topic(caller, key, "First")
    service.delete_topic(caller, key)
    again = service.create_topic(caller, key, "Again")
    assert again.id != first.id
    assert service.list_topics(caller, page=0, page_size=10, key=None).totalCount == 1


def test_the_repository_refuses_to_delete_a_topic_that_gained_a_member(caller):
    (member,) = subscribers(caller, 1)
    key = topic_with(caller, [member])
    repository = TopicsRepository()
    assert repository.delete_if_empty(caller.environment_id, key) is False
    assert repository.get(caller.environment_id, key) is not None
    assert repository.count(caller.environment_id) == 1


# add subscribers


def test_adding_existing_subscribers_reports_them_all_succeeded_without_failed(caller):
    members = subscribers(caller, 3)
    key = new_key()
    service.create_topic(caller, key, key)
    added = service.add_subscribers(caller, key, members)
    assert (added.succeeded, added.failed) == (members, None)
    assert "failed" not in added.model_dump()
    assert service.get_topic(caller, key).subscriberCount == 3


def test_unknown_subscribers_are_reported_not_found_and_not_added(caller):
    (known,) = subscribers(caller, 1)
    key = new_key()
    service.create_topic(caller, key, key)
    added = service.add_subscribers(caller, key, ["ghost-1", known, "ghost-2"])
    assert added.succeeded == [known]
    assert added.failed is not None
    assert added.failed.notFound == ["ghost-1", "ghost-2"]
    topic = service.get_topic(caller, key)
    assert (topic.subscribers, topic.subscriberCount) == ([known], 1)


def test_another_environments_subscriber_is_not_found_for_a_topic(caller):
    (theirs,) = subscribers(other := a_caller(), 1)
    key = new_key()
    service.create_topic(caller, key, key)
    added = service.add_subscribers(caller, key, [theirs])
    assert added.succeeded == []
    assert added.failed is not None and added.failed.notFound == [theirs]
    assert not has_membership(other, theirs, key)


def test_adding_a_member_again_succeeds_and_changes_nothing(caller):
    members = subscribers(caller, 2)
    key = topic_with(caller, members[:1])
    added_at = service.list_members(caller, key, limit=10, cursor=None).data[0].addedAt
    again = service.add_subscribers(caller, key, members)
    assert again.succeeded == members
    assert service.get_topic(caller, key).subscriberCount == 2
    first = service.list_members(caller, key, limit=10, cursor=None).data[0]
    assert (first.subscriberId, first.addedAt) == (members[0], added_at)


def test_a_subscriber_named_twice_in_one_call_is_added_and_counted_once(caller):
    (member,) = subscribers(caller, 1)
    key = new_key()
    service.create_topic(caller, key, key)
    added = service.add_subscribers(caller, key, [member, member, "ghost", "ghost"])
    assert added.succeeded == [member]
    assert added.failed is not None and added.failed.notFound == ["ghost"]
    assert service.get_topic(caller, key).subscriberCount == 1


def test_adding_to_an_unknown_topic_creates_it_as_novu_does(caller):
    members = subscribers(caller, 1)
    key = new_key()
    added = service.add_subscribers(caller, key, members)
    assert added.succeeded == members
    topic = service.get_topic(caller, key)
    assert (topic.name, topic.subscribers, topic.subscriberCount) == (f"Autogenerated-{key}", members, 1)
    assert service.list_topics(caller, page=0, page_size=10, key=None).totalCount == 1


def test_adding_only_unknown_subscribers_to_an_unknown_topic_still_creates_it_empty(caller):
    key = new_key()
    added = service.add_subscribers(caller, key, ["ghost"])
    assert added.succeeded == []
    assert service.get_topic(caller, key).subscriberCount == 0


def test_members_written_over_several_transactions_are_each_counted_once(caller, monkeypatch):
    # two members a transaction instead of 49, so a few subscribers span several chunks (moto copies every table
    # for each transaction: 60 members would take seconds)
    monkeypatch.setattr(topics_repository, "MEMBERS_PER_TRANSACTION", 2)
    members = subscribers(caller, 7)
    key = topic_with(caller, members[::3])
    added = service.add_subscribers(caller, key, members)
    assert added.succeeded == members
    assert service.get_topic(caller, key).subscriberCount == len(members)
    listed = service.list_members(caller, key, limit=len(members) + 1, cursor=None)
    assert [member.subscriberId for member in listed.data] == members
    service.remove_subscribers(caller, key, members[1:6])
    topic = service.get_topic(caller, key)
    assert (topic.subscribers, topic.subscriberCount) == ([members[0], members[6]], 2)


def test_a_membership_is_stored_in_the_topic_and_in_the_subscriber(caller):
    (member,) = subscribers(caller, 1)
    key = topic_with(caller, [member])
    assert TopicsRepository().get_member(caller.environment_id, key, member) is not None
    assert has_membership(caller, member, key)


def test_the_repository_adds_nothing_to_a_topic_that_is_gone(caller):
    (member,) = subscribers(caller, 1)
    key = new_key()
    repository = TopicsRepository()
    topic = {"_id": uuid.uuid4().hex[:24], "key": key, "name": key, "subscriberCount": 0}
    added = repository.add_members(caller.environment_id, topic, [member], "2026-01-01T00:00:00.000Z")
    assert added is False
    assert repository.get_member(caller.environment_id, key, member) is None
    assert not has_membership(caller, member, key)


# remove subscribers


def test_removing_uncounts_only_members_and_deletes_both_sides(caller):
    members = subscribers(caller, 3)
    outsider = subscribers(caller, 1)[0]
    key = topic_with(caller, members)
    service.remove_subscribers(caller, key, [members[0], outsider, "ghost", members[0]])
    topic = service.get_topic(caller, key)
    assert (topic.subscribers, topic.subscriberCount) == (members[1:], 2)
    assert TopicsRepository().get_member(caller.environment_id, key, members[0]) is None
    assert not has_membership(caller, members[0], key)
    assert has_membership(caller, members[1], key)


def test_removing_from_an_unknown_topic_is_not_found_and_creates_nothing(caller):
    members = subscribers(caller, 1)
    with pytest.raises(NotFound) as error:
        service.remove_subscribers(caller, "nothing-here", members)
    assert error.value.field == "topicKey"
    assert TopicsRepository().get(caller.environment_id, "nothing-here") is None


def test_a_deleted_subscriber_leaves_its_topics_and_their_counts(caller):
    members = subscribers(caller, 2)
    key = topic_with(caller, members)
    assert SubscribersRepository().delete(caller.environment_id, members[0])
    topic = service.get_topic(caller, key)
    assert (topic.subscribers, topic.subscriberCount) == (members[1:], 1)


# members


def test_members_are_listed_page_by_page_in_subscriber_id_order(caller):
    members = subscribers(caller, 5)
    key = topic_with(caller, list(reversed(members)))
    seen, cursor, pages = [], None, []
    while True:
        page = service.list_members(caller, key, limit=2, cursor=cursor)
        pages.append((len(page.data), page.hasMore, page.limit))
        seen += [member.subscriberId for member in page.data]
        if page.nextCursor is None:
            break
        cursor = page.nextCursor
    assert seen == members
    assert pages == [(2, True, 2), (2, True, 2), (1, False, 2)]


def test_a_page_ending_at_the_last_member_has_no_next_cursor(caller):
    key = topic_with(caller, subscribers(caller, 2))
    page = service.list_members(caller, key, limit=2, cursor=None)
    assert (len(page.data), page.hasMore, page.nextCursor) == (2, False, None)


def test_an_empty_topic_lists_no_members(caller):
    key = new_key()
    service.create_topic(caller, key, key)
    page = service.list_members(caller, key, limit=10, cursor=None)
    assert (page.data, page.hasMore, page.nextCursor) == ([], False, None)


@pytest.mark.parametrize("cursor", ["another topic's", "not-base64-json", "bnVsbA"])
def test_a_cursor_this_topics_list_did_not_return_is_refused_naming_cursor(caller, cursor):
    members = subscribers(caller, 3)
    key = topic_with(caller, members)
    if cursor == "another topic's":
        other = topic_with(caller, members)
        cursor = service.list_members(caller, other, limit=1, cursor=None).nextCursor
    with pytest.raises(ValidationFailed) as error:
        service.list_members(caller, key, limit=1, cursor=cursor)
    assert error.value.field == "cursor"


def test_a_member_is_read_in_novus_topic_subscriber_shape(caller):
    (member,) = subscribers(caller, 1)
    key = topic_with(caller, [member])
    profile = SubscribersRepository().get(caller.environment_id, member)
    assert profile is not None
    found = service.get_member(caller, key, member)
    assert (found.subscriberId, found.externalSubscriberId, found.topicKey) == (profile["id"], member, key)
    assert found.topicId == service.get_topic(caller, key).id
    assert (found.environmentId, found.organizationId) == (caller.environment_id, settings().organization_id)


def test_a_subscriber_outside_the_topic_is_not_found_naming_it(caller):
    members = subscribers(caller, 2)
    key = topic_with(caller, members[:1])
    for missing in (members[1], "ghost"):
        with pytest.raises(NotFound) as error:
            service.get_member(caller, key, missing)
        assert (error.value.field, error.value.value) == ("externalSubscriberId", missing)


def test_a_member_of_an_unknown_topic_is_not_found(caller):
    (member,) = subscribers(caller, 1)
    with pytest.raises(NotFound) as error:
        service.get_member(caller, "nothing-here", member)
    assert error.value.field == "externalSubscriberId"

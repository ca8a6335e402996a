"""SubscribersRepository on the in-memory store: profiles and their count, batch reads and writes, the contact
indexes (EmailIndex, PhoneIndex) kept in step with the profile, conditional updates, paging, and deletion of a
subscriber with its preferences and topic memberships."""

import uuid
from typing import Any

import pytest

from clarion.dynamo import DynamoTable
from clarion.settings import settings
from clarion.store.keys import GLOBAL_PREFERENCE_SK, TOPIC_SK, campaign_preference_sk, subscriber_pk, topic_pk
from clarion.subscribers.repository import SubscribersRepository
from clarion.topics.repository import TopicsRepository

NOW = "2026-01-01T00:00:00.000Z"
LATER = "2026-01-02T00:00:00.000Z"


@pytest.fixture
def repository(memory_tables: dict[str, str]) -> SubscribersRepository:
    return SubscribersRepository()


@pytest.fixture
def environment_id() -> str:
    return f"env-{uuid.uuid4().hex}"


def profile(environment_id: str, subscriber_id: str | None = None, **fields: Any) -> dict[str, Any]:
    return {
        "id": uuid.uuid4().hex[:24],
        "organizationId": "clarion",
        "environmentId": environment_id,
        "subscriberId": subscriber_id or f"sub-{uuid.uuid4().hex[:8]}",
        "channels": [],
        "isOnline": False,
        "deleted": False,
        "createdAt": NOW,
        "updatedAt": NOW,
    } | fields


def created(repository: SubscribersRepository, environment_id: str, subscriber_id: str | None = None, **fields: Any):
    stored = profile(environment_id, subscriber_id, **fields)
    assert repository.create(stored)
    return stored


def subscribers_table() -> DynamoTable:
    return DynamoTable(settings().subscribers_table)


# create, get, count


def test_a_missing_subscriber_reads_as_none(repository, environment_id):
    assert repository.get(environment_id, "nobody") is None


def test_a_created_profile_reads_back_with_its_fields(repository, environment_id):
    stored = created(repository, environment_id, firstName="Ada", data={"plan": "pro"})
    read = repository.get(environment_id, stored["subscriberId"])
    assert read is not None
    assert {name: read[name] for name in stored} == stored


def test_creating_an_existing_subscriber_returns_false_and_keeps_the_first_profile(repository, environment_id):
    first = created(repository, environment_id, "ada", firstName="Ada")
    assert repository.create(profile(environment_id, "ada", firstName="Other")) is False
    read = repository.get(environment_id, "ada")
    assert read is not None
    assert (read["firstName"], read["id"]) == ("Ada", first["id"])
    assert repository.count(environment_id) == 1


def test_an_environment_without_subscribers_counts_zero(repository, environment_id):
    assert repository.count(environment_id) == 0


def test_each_created_subscriber_is_counted_in_its_environment_only(repository, environment_id):
    other = f"env-{uuid.uuid4().hex}"
    for _ in range(3):
        created(repository, environment_id)
    created(repository, other)
    assert (repository.count(environment_id), repository.count(other)) == (3, 1)


def test_a_subscriber_of_another_environment_is_not_read(repository, environment_id):
    created(repository, environment_id, "ada")
    assert repository.get(f"env-{uuid.uuid4().hex}", "ada") is None


# batch reads


def test_get_many_returns_only_the_existing_profiles_by_subscriber_id(repository, environment_id):
    ada, bob = created(repository, environment_id, "ada"), created(repository, environment_id, "bob")
    found = repository.get_many(environment_id, ["bob", "nobody", "ada", "bob"])
    assert set(found) == {"ada", "bob"}
    assert (found["ada"]["id"], found["bob"]["id"]) == (ada["id"], bob["id"])


def test_existing_ids_reads_more_than_one_batch_of_keys(repository, environment_id):
    first, last = created(repository, environment_id, "first"), created(repository, environment_id, "last")
    wanted = ["first", *(f"missing-{index}" for index in range(150)), "last"]
    assert repository.existing_ids(environment_id, wanted) == {first["subscriberId"], last["subscriberId"]}


def test_existing_ids_of_no_ids_is_empty(repository, environment_id):
    assert repository.existing_ids(environment_id, []) == set()


# contact indexes


def test_an_email_finds_its_subscriber_whatever_its_case(repository, environment_id):
    ada = created(repository, environment_id, email="Ada@Example.com")
    assert repository.ids_with_contact(environment_id, email="ada@EXAMPLE.COM") == [ada["subscriberId"]]


def test_a_phone_finds_its_subscriber(repository, environment_id):
    ada = created(repository, environment_id, phone="+14155550100")
    assert repository.ids_with_contact(environment_id, phone="+14155550100") == [ada["subscriberId"]]


def test_every_subscriber_sharing_an_email_is_found(repository, environment_id):
    ids = {created(repository, environment_id, email="team@example.com")["subscriberId"] for _ in range(3)}
    created(repository, environment_id, email="other@example.com")
    assert set(repository.ids_with_contact(environment_id, email="team@example.com")) == ids


def test_a_lookup_by_email_and_phone_lists_a_subscriber_matching_both_once(repository, environment_id):
    both = created(repository, environment_id, email="a@example.com", phone="+14155550100")
    by_phone = created(repository, environment_id, phone="+14155550100")
    found = repository.ids_with_contact(environment_id, email="a@example.com", phone="+14155550100")
    assert sorted(found) == sorted([both["subscriberId"], by_phone["subscriberId"]])
    assert len(found) == 2


@pytest.mark.parametrize("contacts", [{}, {"email": None, "phone": None}, {"email": "", "phone": ""}])
def test_a_lookup_without_any_contact_finds_no_one(repository, environment_id, contacts):
    created(repository, environment_id, email="a@example.com", phone="+14155550100")
    assert repository.ids_with_contact(environment_id, **contacts) == []


def test_a_contact_of_another_environment_is_not_found(repository, environment_id):
    created(repository, environment_id, email="a@example.com")
    assert repository.ids_with_contact(f"env-{uuid.uuid4().hex}", email="a@example.com") == []


def test_an_updated_email_finds_the_subscriber_and_the_old_one_no_longer(repository, environment_id):
    ada = created(repository, environment_id, email="old@example.com")
    repository.update(environment_id, ada["subscriberId"], {"email": "new@example.com"})
    assert repository.ids_with_contact(environment_id, email="new@example.com") == [ada["subscriberId"]]
    assert repository.ids_with_contact(environment_id, email="old@example.com") == []


def test_an_email_cleared_with_none_is_removed_from_the_profile_and_the_index(repository, environment_id):
    ada = created(repository, environment_id, email="a@example.com", phone="+14155550100")
    updated = repository.update(environment_id, ada["subscriberId"], {"email": None})
    assert updated is not None
    assert "email" not in updated
    assert repository.ids_with_contact(environment_id, email="a@example.com") == []
    assert repository.ids_with_contact(environment_id, phone="+14155550100") == [ada["subscriberId"]]


def test_put_many_indexes_the_contacts_a_profile_holds_now_not_those_it_held(repository, environment_id):
    ada = created(repository, environment_id, email="old@example.com", phone="+14155550100")
    read = repository.get(environment_id, ada["subscriberId"])
    assert read is not None
    # a profile read (with its index keys) and merged with changes, as the bulk upsert writes it
    changed = {name: value for name, value in read.items() if name not in ("email", "phone")}
    changed["email"] = "new@example.com"
    repository.put_many(environment_id, [changed], created=0)
    assert repository.ids_with_contact(environment_id, email="new@example.com") == [ada["subscriberId"]]
    assert repository.ids_with_contact(environment_id, email="old@example.com") == []
    assert repository.ids_with_contact(environment_id, phone="+14155550100") == []


# batch writes


def test_put_many_counts_only_the_created_profiles(repository, environment_id):
    existing = created(repository, environment_id)
    new = [profile(environment_id) for _ in range(2)]
    repository.put_many(environment_id, [existing | {"firstName": "Changed"}, *new], created=2)
    assert repository.count(environment_id) == 3
    read = repository.get(environment_id, existing["subscriberId"])
    assert read is not None
    assert read["firstName"] == "Changed"


def test_put_many_writes_25_profiles_a_request_and_counts_them_in_one_more(repository, environment_id):
    profiles = [profile(environment_id) for _ in range(26)]
    assert repository.put_many(environment_id, profiles, created=26) == 3
    assert repository.count(environment_id) == 26


def test_put_many_without_new_profiles_makes_no_count_request(repository, environment_id):
    existing = created(repository, environment_id)
    assert repository.put_many(environment_id, [existing], created=0) == 1
    assert repository.count(environment_id) == 1


# update


def test_update_sets_the_given_fields_and_returns_the_whole_profile(repository, environment_id):
    ada = created(repository, environment_id, firstName="Ada", lastName="Lovelace")
    updated = repository.update(environment_id, ada["subscriberId"], {"firstName": "Augusta", "updatedAt": LATER})
    assert updated is not None
    assert (updated["firstName"], updated["lastName"], updated["updatedAt"]) == ("Augusta", "Lovelace", LATER)
    assert repository.get(environment_id, ada["subscriberId"]) == updated


def test_update_with_a_none_value_removes_that_field(repository, environment_id):
    ada = created(repository, environment_id, firstName="Ada", locale="en-US")
    updated = repository.update(environment_id, ada["subscriberId"], {"locale": None, "firstName": "A"})
    assert updated is not None
    assert "locale" not in updated
    assert updated["firstName"] == "A"


def test_updating_a_missing_subscriber_returns_none_and_creates_nothing(repository, environment_id):
    assert repository.update(environment_id, "nobody", {"firstName": "Ada"}) is None
    assert repository.get(environment_id, "nobody") is None


def test_an_update_expecting_a_stale_updated_at_returns_none_and_changes_nothing(repository, environment_id):
    ada = created(repository, environment_id, firstName="Ada")
    repository.update(environment_id, ada["subscriberId"], {"updatedAt": LATER})
    changes = {"firstName": "Lost", "updatedAt": "2026-01-03T00:00:00.000Z"}
    assert repository.update(environment_id, ada["subscriberId"], changes, expected_updated_at=NOW) is None
    read = repository.get(environment_id, ada["subscriberId"])
    assert read is not None
    assert (read["firstName"], read["updatedAt"]) == ("Ada", LATER)


def test_an_update_expecting_the_current_updated_at_is_applied(repository, environment_id):
    ada = created(repository, environment_id, firstName="Ada")
    updated = repository.update(environment_id, ada["subscriberId"], {"firstName": "Kept"}, expected_updated_at=NOW)
    assert updated is not None
    assert updated["firstName"] == "Kept"


# paging


def test_pages_list_every_subscriber_once_in_subscriber_id_order(repository, environment_id):
    ids = [f"s-{uuid.uuid4().hex[:6]}" for _ in range(7)]
    repository.put_many(environment_id, [profile(environment_id, s) for s in ids], created=len(ids))
    pages = [repository.list_page(environment_id, page=page, limit=3) for page in range(3)]
    assert [item["subscriberId"] for items, _ in pages for item in items] == sorted(ids)
    assert [has_more for _, has_more in pages] == [True, True, False]


def test_a_page_that_ends_exactly_at_the_last_subscriber_has_no_more(repository, environment_id):
    repository.put_many(environment_id, [profile(environment_id) for _ in range(4)], created=4)
    items, has_more = repository.list_page(environment_id, page=1, limit=2)
    assert (len(items), has_more) == (2, False)


def test_a_page_past_the_end_is_empty(repository, environment_id):
    created(repository, environment_id)
    assert repository.list_page(environment_id, page=5, limit=10) == ([], False)


def test_the_list_holds_only_the_environments_subscribers(repository, environment_id):
    ours = created(repository, environment_id)
    created(repository, f"env-{uuid.uuid4().hex}")
    items, _ = repository.list_page(environment_id, page=0, limit=10)
    assert [item["subscriberId"] for item in items] == [ours["subscriberId"]]


# delete


def test_deleting_a_missing_subscriber_returns_false_and_changes_no_count(repository, environment_id):
    created(repository, environment_id)
    assert repository.delete(environment_id, "nobody") is False
    assert repository.count(environment_id) == 1


def test_a_deleted_subscriber_is_gone_uncounted_and_no_longer_found_by_contact(repository, environment_id):
    ada = created(repository, environment_id, email="a@example.com")
    assert repository.delete(environment_id, ada["subscriberId"]) is True
    assert repository.get(environment_id, ada["subscriberId"]) is None
    assert repository.count(environment_id) == 0
    assert repository.ids_with_contact(environment_id, email="a@example.com") == []
    assert repository.list_page(environment_id, page=0, limit=10) == ([], False)


def test_deleting_a_subscriber_deletes_its_preferences(repository, environment_id):
    ada = created(repository, environment_id)
    table, pk = subscribers_table(), subscriber_pk(environment_id, ada["subscriberId"])
    for sk in (GLOBAL_PREFERENCE_SK, campaign_preference_sk("c1")):
        table.put({"pk": pk, "sk": sk, "enabled": False})
    repository.delete(environment_id, ada["subscriberId"])
    assert [table.get(pk, sk) for sk in (GLOBAL_PREFERENCE_SK, campaign_preference_sk("c1"))] == [None, None]


def test_deleting_a_subscriber_removes_it_from_its_topics_and_uncounts_it_there(repository, environment_id):
    topics = TopicsRepository()
    ada, bob = created(repository, environment_id), created(repository, environment_id)
    keys = [f"t-{uuid.uuid4().hex[:6]}" for _ in range(2)]
    for key in keys:
        topic = {"_id": uuid.uuid4().hex[:24], "key": key, "name": key, "subscriberCount": 0}
        assert topics.create(environment_id, topic)
        assert topics.add_members(environment_id, topic, [ada["subscriberId"], bob["subscriberId"]], NOW)
    assert repository.delete(environment_id, ada["subscriberId"])
    for key in keys:
        topic_item = topics.get(environment_id, key)
        assert topic_item is not None
        assert topic_item["subscriberCount"] == 1
        assert topics.member_ids(environment_id, key, limit=10) == [bob["subscriberId"]]


def test_deleting_a_member_of_a_topic_already_gone_still_deletes_it(repository, environment_id):
    topics = TopicsRepository()
    ada = created(repository, environment_id)
    key = f"t-{uuid.uuid4().hex[:6]}"
    topic = {"_id": uuid.uuid4().hex[:24], "key": key, "name": key, "subscriberCount": 0}
    topics.create(environment_id, topic)
    topics.add_members(environment_id, topic, [ada["subscriberId"]], NOW)
    subscribers_table().batch_write(deletes=[(topic_pk(environment_id, key), TOPIC_SK)])
    assert repository.delete(environment_id, ada["subscriberId"]) is True
    assert repository.get(environment_id, ada["subscriberId"]) is None
    assert topics.get_member(environment_id, key, ada["subscriberId"]) is None


def test_deleting_twice_is_true_then_false_and_uncounts_once(repository, environment_id):
    ada, _ = created(repository, environment_id), created(repository, environment_id)
    assert [repository.delete(environment_id, ada["subscriberId"]) for _ in range(2)] == [True, False]
    assert repository.count(environment_id) == 1


def test_reads_that_decide_a_write_ask_dynamodb_for_strongly_consistent_reads(repository, environment_id):
    """A profile created a moment before must not read as absent (moto is always consistent: the request shows it)."""
    from clarion.aws import client

    requests: list[dict[str, Any]] = []
    events = client("dynamodb").meta.events

    def record(params: dict[str, Any], **_: Any) -> None:
        requests.append(params)

    events.register("provide-client-params.dynamodb.BatchGetItem", record)
    try:
        repository.existing_ids(environment_id, ["a"])
        repository.get_many(environment_id, ["a"], consistent=True)
        repository.get_many(environment_id, ["a"])
    finally:
        events.unregister("provide-client-params.dynamodb.BatchGetItem", record)
    assert [next(iter(r["RequestItems"].values()))["ConsistentRead"] for r in requests] == [True, True, False]

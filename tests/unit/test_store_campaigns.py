"""clarion.store.campaigns.CampaignsRepository on the in-memory store: a campaign and its identifier written in one
transaction, updates conditioned on the version read, identifiers moved and kept unique, the environment's listing
in id order and newest-first pages."""

import uuid

import pytest

from clarion.dynamo import TRANSACTION_ATTEMPTS
from clarion.errors import Conflict, ValidationFailed
from clarion.store.campaigns import CampaignsRepository
from clarion.store.keys import environment_pk, layout_sk, schedule_sk
from tests.unit.conftest import answered


@pytest.fixture
def repository(memory_tables):
    return CampaignsRepository()


@pytest.fixture
def environment():
    return f"env-{uuid.uuid4().hex}"


def campaign(identifier: str | None = None, campaign_id: str | None = None, **fields):
    return {
        "_id": campaign_id or uuid.uuid4().hex,
        "identifier": identifier or f"trigger-{uuid.uuid4().hex[:8]}",
        "name": "Welcome",
        "steps": [{"channel": "email"}],
        "active": True,
        "version": 1,
    } | fields


def changed(read, **fields):
    """What a service writes: the campaign read with some fields changed, at the next version."""
    return {k: v for k, v in read.items() if k not in ("pk", "sk")} | fields | {"version": read["version"] + 1}


# create and read


def test_a_created_campaign_is_read_back_by_its_id(repository, environment):
    new = campaign()
    repository.create(environment, new)
    stored = repository.get(environment, new["_id"])
    assert {k: stored[k] for k in new} == new


def test_a_campaign_never_created_is_none(repository, environment):
    assert repository.get(environment, uuid.uuid4().hex) is None


def test_a_campaign_is_not_read_from_another_environment(repository, environment):
    new = campaign()
    repository.create(environment, new)
    assert repository.get(f"{environment}-other", new["_id"]) is None
    assert repository.find_by_identifier(f"{environment}-other", new["identifier"]) is None


def test_a_campaign_is_found_by_its_identifier(repository, environment):
    wanted, other = campaign(), campaign()
    repository.create(environment, wanted)
    repository.create(environment, other)
    assert repository.find_by_identifier(environment, wanted["identifier"])["_id"] == wanted["_id"]


def test_an_identifier_no_campaign_has_finds_nothing(repository, environment):
    repository.create(environment, campaign())
    assert repository.find_by_identifier(environment, "nobody-has-this") is None


def test_a_taken_identifier_is_a_409_naming_identifier_and_stores_nothing(repository, environment):
    first = campaign("welcome")
    repository.create(environment, first)
    second = campaign("welcome")
    with pytest.raises(Conflict) as refused:
        repository.create(environment, second)
    assert refused.value.field == "identifier"
    assert repository.get(environment, second["_id"]) is None
    assert repository.find_by_identifier(environment, "welcome")["_id"] == first["_id"]


def test_an_identifier_taken_in_another_environment_is_free_in_this_one(repository, environment):
    repository.create(f"{environment}-other", campaign("welcome"))
    mine = campaign("welcome")
    repository.create(environment, mine)
    assert repository.find_by_identifier(environment, "welcome")["_id"] == mine["_id"]


def test_creating_over_an_existing_campaign_id_is_a_409_that_claims_no_identifier(repository, environment):
    first = campaign()
    repository.create(environment, first)
    again = campaign(campaign_id=first["_id"], name="Replacement")
    with pytest.raises(Conflict) as refused:
        repository.create(environment, again)
    assert refused.value.field is None
    assert repository.get(environment, first["_id"])["name"] == "Welcome"
    assert repository.find_by_identifier(environment, again["identifier"]) is None


# update


def test_an_update_at_the_version_read_replaces_the_campaign(repository, environment):
    new = campaign(description="old")
    repository.create(environment, new)
    read = repository.get(environment, new["_id"])
    repository.update(environment, read, changed(read, name="Renamed", active=False))
    stored = repository.get(environment, new["_id"])
    assert (stored["name"], stored["active"], stored["version"]) == ("Renamed", False, 2)
    assert stored["description"] == "old"


def test_an_update_from_a_stale_read_is_a_409_and_changes_nothing(repository, environment):
    new = campaign()
    repository.create(environment, new)
    stale = repository.get(environment, new["_id"])
    repository.update(environment, stale, changed(stale, name="First"))
    with pytest.raises(Conflict) as refused:
        repository.update(environment, stale, changed(stale, name="Second"))
    assert refused.value.field is None
    assert repository.get(environment, new["_id"])["name"] == "First"


def test_an_update_of_a_campaign_that_is_gone_is_a_409(repository, environment):
    ghost = campaign()
    with pytest.raises(Conflict):
        repository.update(environment, ghost, changed(ghost, name="Back"))
    assert repository.get(environment, ghost["_id"]) is None


def test_a_new_identifier_moves_the_pointer_and_frees_the_old_one(repository, environment):
    new = campaign("before")
    repository.create(environment, new)
    read = repository.get(environment, new["_id"])
    repository.update(environment, read, changed(read, identifier="after"))
    assert repository.find_by_identifier(environment, "after")["_id"] == new["_id"]
    assert repository.find_by_identifier(environment, "before") is None
    reuser = campaign("before")
    repository.create(environment, reuser)
    assert repository.find_by_identifier(environment, "before")["_id"] == reuser["_id"]


def test_an_update_to_a_taken_identifier_is_a_409_naming_identifier_and_keeps_the_old_one(repository, environment):
    mine, theirs = campaign("mine"), campaign("theirs")
    repository.create(environment, mine)
    repository.create(environment, theirs)
    read = repository.get(environment, mine["_id"])
    with pytest.raises(Conflict) as refused:
        repository.update(environment, read, changed(read, identifier="theirs", name="Renamed"))
    assert refused.value.field == "identifier"
    assert repository.get(environment, mine["_id"])["name"] == "Welcome"
    assert repository.find_by_identifier(environment, "mine")["_id"] == mine["_id"]
    assert repository.find_by_identifier(environment, "theirs")["_id"] == theirs["_id"]


def test_a_transaction_conflict_on_the_campaign_is_not_blamed_on_its_identifier(repository, environment):
    new = campaign()
    repository.create(environment, new)
    read = repository.get(environment, new["_id"])

    def concurrent(body):
        return {
            "Error": {"Code": "TransactionCanceledException", "Message": "Transaction cancelled"},
            "CancellationReasons": [{"Code": "TransactionConflict"} for _ in body["TransactItems"]],
        }

    # a conflict is tried again (DynamoTable.transact): one that outlasts every try is the campaign's 409
    with answered("TransactWriteItems", [concurrent] * TRANSACTION_ATTEMPTS), pytest.raises(Conflict) as refused:
        repository.update(environment, read, changed(read, name="Renamed"))
    assert refused.value.field is None


# listing


def test_all_is_every_campaign_of_the_environment_in_id_order_and_nothing_else(repository, environment):
    ids = sorted(uuid.uuid4().hex for _ in range(4))
    for campaign_id in reversed(ids):
        repository.create(environment, campaign(campaign_id=campaign_id))
    repository.create(f"{environment}-other", campaign())
    table = repository.table
    table.put({"pk": environment_pk(environment), "sk": layout_sk("layout"), "_id": "layout"})
    table.put({"pk": environment_pk(environment), "sk": schedule_sk(ids[0]), "_id": "schedule"})
    assert [item["_id"] for item in repository.all(environment)] == ids


def test_an_environment_without_campaigns_lists_none(repository, environment):
    assert repository.all(environment) == []
    page = repository.list_page(environment, limit=10, cursor=None)
    assert (page.items, page.cursor) == ([], None)


def test_list_pages_are_newest_first_and_each_cursor_continues_where_the_last_page_stopped(repository, environment):
    ids = [f"{n:02d}{uuid.uuid4().hex[:6]}" for n in range(5)]  # ids sort by creation, as new_id's do
    for campaign_id in ids:
        repository.create(environment, campaign(campaign_id=campaign_id))
    first = repository.list_page(environment, limit=2, cursor=None)
    second = repository.list_page(environment, limit=2, cursor=first.cursor)
    third = repository.list_page(environment, limit=2, cursor=second.cursor)
    assert [[item["_id"] for item in page.items] for page in (first, second, third)] == [
        ids[4:2:-1],
        ids[2:0:-1],
        ids[:1],
    ]
    assert third.cursor is None


def test_a_list_cursor_of_another_environment_is_a_422_naming_cursor(repository, environment):
    other = f"{environment}-other"
    for _ in range(3):
        repository.create(other, campaign())
    cursor = repository.list_page(other, limit=1, cursor=None).cursor
    with pytest.raises(ValidationFailed) as refused:
        repository.list_page(environment, limit=1, cursor=cursor)
    assert refused.value.field == "cursor"

"""clarion.store.integrations.IntegrationsRepository on the in-memory store: integrations written in one transaction
at the version read plus one, identifiers claimed and released with them, and the environment's integrations read
oldest first."""

import uuid

import pytest

from clarion.errors import Conflict
from clarion.store.integrations import IntegrationsRepository
from clarion.store.keys import identifier_sk, integrations_pk


@pytest.fixture
def repository(memory_tables):
    return IntegrationsRepository()


@pytest.fixture
def environment():
    return f"env-{uuid.uuid4().hex}"


def integration(identifier: str | None = None, **fields):
    """A new integration as the service builds it (no version yet)."""
    return {
        "_id": uuid.uuid4().hex,
        "identifier": identifier or f"sendgrid-{uuid.uuid4().hex[:6]}",
        "providerId": "sendgrid",
        "channel": "email",
        "active": True,
        "primary": False,
        "createdAt": "2026-01-01T00:00:00.000Z",
    } | fields


def owner_of(repository, environment, identifier):
    """The integration id an identifier item names, or None when the identifier is free."""
    pointer = repository.table.get(integrations_pk(environment), identifier_sk(identifier))
    return pointer["integrationId"] if pointer else None


def created(repository, environment, **fields):
    new = integration(**fields)
    repository.write(environment, [new], claim=new)
    return repository.get(environment, new["_id"])


# new integrations and their identifiers


def test_a_new_integration_is_stored_at_version_one_with_its_identifier_claimed(repository, environment):
    new = integration()
    repository.write(environment, [new], claim=new)
    stored = repository.get(environment, new["_id"])
    assert {k: stored[k] for k in new} == new
    assert stored["version"] == 1
    assert owner_of(repository, environment, new["identifier"]) == new["_id"]


def test_an_integration_never_written_is_none(repository, environment):
    assert repository.get(environment, uuid.uuid4().hex) is None


def test_a_taken_identifier_is_a_409_naming_identifier_and_stores_nothing(repository, environment):
    first = created(repository, environment, identifier="mail")
    second = integration("mail")
    with pytest.raises(Conflict) as refused:
        repository.write(environment, [second], claim=second)
    assert refused.value.field == "identifier"
    assert repository.get(environment, second["_id"]) is None
    assert owner_of(repository, environment, "mail") == first["_id"]


def test_an_identifier_taken_in_another_environment_is_free_in_this_one(repository, environment):
    created(repository, f"{environment}-other", identifier="mail")
    mine = created(repository, environment, identifier="mail")
    assert owner_of(repository, environment, "mail") == mine["_id"]


def test_a_new_integration_over_an_existing_id_is_a_409_that_keeps_the_existing_one(repository, environment):
    existing = created(repository, environment, name="existing")
    clash = integration(name="clash") | {"_id": existing["_id"]}
    with pytest.raises(Conflict) as refused:
        repository.write(environment, [clash], claim=clash)
    assert refused.value.field is None
    assert repository.get(environment, existing["_id"])["name"] == "existing"
    assert owner_of(repository, environment, clash["identifier"]) is None


# changes at the version read


def test_a_change_at_the_version_read_is_stored_at_the_next_version(repository, environment):
    read = created(repository, environment)
    repository.write(environment, [read | {"active": False}])
    stored = repository.get(environment, read["_id"])
    assert (stored["active"], stored["version"]) == (False, 2)


def test_a_change_from_a_stale_read_is_a_409_without_a_field_and_changes_nothing(repository, environment):
    stale = created(repository, environment)
    repository.write(environment, [stale | {"name": "first"}])
    with pytest.raises(Conflict) as refused:
        repository.write(environment, [stale | {"name": "second"}])
    assert refused.value.field is None
    stored = repository.get(environment, stale["_id"])
    assert (stored["name"], stored["version"]) == ("first", 2)


def test_a_change_to_an_integration_that_is_gone_is_a_409(repository, environment):
    ghost = integration() | {"version": 3}
    with pytest.raises(Conflict):
        repository.write(environment, [ghost])
    assert repository.get(environment, ghost["_id"]) is None


def test_moving_the_primary_flag_writes_both_integrations_at_their_next_versions(repository, environment):
    old = created(repository, environment, primary=True)
    new = created(repository, environment)
    repository.write(environment, [old | {"primary": False}, new | {"primary": True}])
    after = {item["_id"]: item for item in repository.all(environment)}
    assert (after[old["_id"]]["primary"], after[old["_id"]]["version"]) == (False, 2)
    assert (after[new["_id"]]["primary"], after[new["_id"]]["version"]) == (True, 2)


def test_a_transaction_with_one_stale_integration_writes_none_of_them(repository, environment):
    old = created(repository, environment, primary=True)
    new = created(repository, environment)
    repository.write(environment, [new | {"name": "changed meanwhile"}])
    with pytest.raises(Conflict):
        repository.write(environment, [old | {"primary": False}, new | {"primary": True}])
    assert repository.get(environment, old["_id"])["primary"] is True
    assert repository.get(environment, new["_id"])["primary"] is False


# renames and deletes


def test_a_rename_claims_the_new_identifier_and_releases_the_old_one(repository, environment):
    read = created(repository, environment, identifier="before")
    renamed = read | {"identifier": "after"}
    repository.write(environment, [renamed], claim=renamed, release=read)
    assert owner_of(repository, environment, "after") == read["_id"]
    assert owner_of(repository, environment, "before") is None
    assert repository.get(environment, read["_id"])["identifier"] == "after"
    reuser = created(repository, environment, identifier="before")
    assert owner_of(repository, environment, "before") == reuser["_id"]


def test_a_rename_to_a_taken_identifier_is_a_409_naming_identifier_and_keeps_the_old_one(repository, environment):
    theirs = created(repository, environment, identifier="theirs")
    read = created(repository, environment, identifier="mine")
    renamed = read | {"identifier": "theirs"}
    with pytest.raises(Conflict) as refused:
        repository.write(environment, [renamed], claim=renamed, release=read)
    assert refused.value.field == "identifier"
    assert owner_of(repository, environment, "mine") == read["_id"]
    assert owner_of(repository, environment, "theirs") == theirs["_id"]
    assert repository.get(environment, read["_id"])["identifier"] == "mine"


def test_a_rename_from_a_stale_read_is_a_409_without_a_field_and_claims_nothing(repository, environment):
    stale = created(repository, environment, identifier="before")
    repository.write(environment, [stale | {"name": "changed meanwhile"}])
    renamed = stale | {"identifier": "after"}
    with pytest.raises(Conflict) as refused:
        repository.write(environment, [renamed], claim=renamed, release=stale)
    assert refused.value.field is None
    assert owner_of(repository, environment, "after") is None
    assert owner_of(repository, environment, "before") == stale["_id"]


def test_a_soft_deleted_integration_stays_listed_and_frees_its_identifier(repository, environment):
    read = created(repository, environment, identifier="mail")
    repository.write(environment, [read | {"deleted": True, "deletedAt": "2026-02-01T00:00:00.000Z"}], release=read)
    (listed,) = repository.all(environment)
    assert (listed["_id"], listed["deleted"]) == (read["_id"], True)
    assert owner_of(repository, environment, "mail") is None


# listing


def test_all_is_the_environments_integrations_oldest_first_ties_by_id(repository, environment):
    tie_low, tie_high = sorted(uuid.uuid4().hex for _ in range(2))
    newest = created(repository, environment, createdAt="2026-03-01T00:00:00.000Z")
    for integration_id in (tie_high, tie_low):
        new = integration(createdAt="2026-01-05T00:00:00.000Z") | {"_id": integration_id}
        repository.write(environment, [new], claim=new)
    oldest = created(repository, environment, createdAt="2025-12-31T23:59:59.999Z")
    created(repository, f"{environment}-other")
    listed = [item["_id"] for item in repository.all(environment)]
    assert listed == [oldest["_id"], tie_low, tie_high, newest["_id"]]


def test_an_environment_without_integrations_lists_none(repository, environment):
    assert repository.all(environment) == []

"""clarion.store.layouts.LayoutsRepository on the in-memory store: layouts and their identifiers written in one
transaction, the default pointer moved only from the default read, version-checked updates, deletes that spare the
default, and batch reads by id."""

import uuid

import pytest

from clarion.errors import Conflict
from clarion.store.layouts import LayoutsRepository


@pytest.fixture
def repository(memory_tables):
    return LayoutsRepository()


@pytest.fixture
def environment():
    return f"env-{uuid.uuid4().hex}"


def layout(identifier: str | None = None, *, default: bool = False, **fields):
    return {
        "_id": uuid.uuid4().hex,
        "name": "Brand",
        "identifier": identifier or f"brand-{uuid.uuid4().hex[:8]}",
        "content": "<main>{{{body}}}</main>",
        "isDefault": default,
        "version": 1,
        "createdAt": "2026-01-01T00:00:00.000Z",
    } | fields


def created(repository, environment, identifier=None, *, default=False, **fields):
    """A layout stored as the service stores it (a default takes over from the current one); returns it as read."""
    new = layout(identifier, default=default, **fields)
    repository.create(environment, new, replaces_default=repository.default_id(environment))
    return repository.get(environment, new["_id"])


def changed(read, **fields):
    return read | fields | {"version": read["version"] + 1}


def defaults(repository, environment):
    """The ids of the layouts marked `isDefault`."""
    return {item["_id"] for item in repository.all(environment) if item["isDefault"]}


# create and read


def test_a_created_layout_is_read_back_with_its_identifier(repository, environment):
    new = layout()
    repository.create(environment, new, replaces_default=None)
    stored = repository.get(environment, new["_id"])
    assert {k: stored[k] for k in new} == new
    assert repository.id_of_identifier(environment, new["identifier"]) == new["_id"]


def test_a_layout_that_is_not_the_default_leaves_the_environment_without_one(repository, environment):
    created(repository, environment)
    assert repository.default_id(environment) is None


def test_nothing_is_found_in_an_environment_without_layouts(repository, environment):
    assert repository.get(environment, uuid.uuid4().hex) is None
    assert repository.id_of_identifier(environment, "brand") is None
    assert repository.default_id(environment) is None
    assert repository.all(environment) == []


def test_the_first_default_layout_becomes_the_environments_default(repository, environment):
    first = created(repository, environment, default=True)
    assert repository.default_id(environment) == first["_id"]


def test_a_new_default_takes_the_default_over_and_unmarks_the_old_one(repository, environment):
    old = created(repository, environment, default=True)
    new = created(repository, environment, default=True)
    assert repository.default_id(environment) == new["_id"]
    assert defaults(repository, environment) == {new["_id"]}
    assert repository.get(environment, old["_id"])["isDefault"] is False


def test_a_default_created_as_if_there_were_none_is_a_409_when_there_is_one(repository, environment):
    existing = created(repository, environment, default=True)
    racer = layout(default=True)
    with pytest.raises(Conflict) as refused:
        repository.create(environment, racer, replaces_default=None)
    assert refused.value.field is None
    assert repository.get(environment, racer["_id"]) is None
    assert repository.id_of_identifier(environment, racer["identifier"]) is None
    assert repository.default_id(environment) == existing["_id"]


def test_a_default_replacing_a_layout_that_is_no_longer_the_default_is_a_409(repository, environment):
    first = created(repository, environment, default=True)
    second = created(repository, environment, default=True)
    late = layout(default=True)
    with pytest.raises(Conflict):
        repository.create(environment, late, replaces_default=first["_id"])
    assert repository.default_id(environment) == second["_id"]
    assert defaults(repository, environment) == {second["_id"]}


def test_a_taken_identifier_is_a_409_naming_identifier_and_stores_nothing(repository, environment):
    first = created(repository, environment, "brand")
    second = layout("brand")
    with pytest.raises(Conflict) as refused:
        repository.create(environment, second, replaces_default=None)
    assert refused.value.field == "identifier"
    assert repository.get(environment, second["_id"]) is None
    assert repository.id_of_identifier(environment, "brand") == first["_id"]


def test_a_taken_identifier_of_a_new_default_is_a_409_naming_identifier(repository, environment):
    first = created(repository, environment, "brand", default=True)
    with pytest.raises(Conflict) as refused:
        repository.create(environment, layout("brand", default=True), replaces_default=first["_id"])
    assert refused.value.field == "identifier"
    assert repository.default_id(environment) == first["_id"]


def test_an_identifier_taken_in_another_environment_is_free_in_this_one(repository, environment):
    created(repository, f"{environment}-other", "brand")
    mine = created(repository, environment, "brand")
    assert repository.id_of_identifier(environment, "brand") == mine["_id"]


def test_get_many_returns_the_existing_layouts_of_the_environment_by_id(repository, environment):
    wanted = [created(repository, environment)["_id"] for _ in range(3)]
    elsewhere = created(repository, f"{environment}-other")["_id"]
    found = repository.get_many(environment, {*wanted, elsewhere, uuid.uuid4().hex})
    assert set(found) == set(wanted)
    assert all(found[layout_id]["_id"] == layout_id for layout_id in wanted)


def test_get_many_of_no_ids_is_empty(repository, environment):
    assert repository.get_many(environment, set()) == {}


def test_all_is_every_layout_in_id_order_without_the_identifier_and_default_pointers(repository, environment):
    ids = sorted(created(repository, environment, default=n == 0)["_id"] for n in range(3))
    created(repository, f"{environment}-other")
    assert [item["_id"] for item in repository.all(environment)] == ids


# update


def test_an_update_at_the_version_read_replaces_the_layout(repository, environment):
    read = created(repository, environment)
    repository.update(environment, read, changed(read, name="Renamed"), replaces_default=None)
    stored = repository.get(environment, read["_id"])
    assert (stored["name"], stored["version"]) == ("Renamed", 2)


def test_an_update_from_a_stale_read_is_a_409_and_changes_nothing(repository, environment):
    stale = created(repository, environment)
    repository.update(environment, stale, changed(stale, name="First"), replaces_default=None)
    with pytest.raises(Conflict) as refused:
        repository.update(environment, stale, changed(stale, name="Second"), replaces_default=None)
    assert refused.value.field is None
    assert repository.get(environment, stale["_id"])["name"] == "First"


def test_a_new_identifier_moves_the_pointer_and_frees_the_old_one(repository, environment):
    read = created(repository, environment, "before")
    repository.update(environment, read, changed(read, identifier="after"), replaces_default=None)
    assert repository.id_of_identifier(environment, "after") == read["_id"]
    assert repository.id_of_identifier(environment, "before") is None
    reuser = created(repository, environment, "before")
    assert repository.id_of_identifier(environment, "before") == reuser["_id"]


def test_an_update_to_a_taken_identifier_is_a_409_naming_identifier_and_keeps_the_old_one(repository, environment):
    created(repository, environment, "theirs")
    read = created(repository, environment, "mine")
    with pytest.raises(Conflict) as refused:
        repository.update(environment, read, changed(read, identifier="theirs"), replaces_default=None)
    assert refused.value.field == "identifier"
    assert repository.get(environment, read["_id"])["identifier"] == "mine"
    assert repository.id_of_identifier(environment, "mine") == read["_id"]


def test_an_update_that_makes_a_layout_the_default_moves_the_default(repository, environment):
    old = created(repository, environment, default=True)
    read = created(repository, environment)
    repository.update(environment, read, changed(read, isDefault=True), replaces_default=old["_id"])
    assert repository.default_id(environment) == read["_id"]
    assert defaults(repository, environment) == {read["_id"]}


def test_an_update_that_makes_a_layout_the_default_from_a_stale_default_is_a_409(repository, environment):
    first = created(repository, environment, default=True)
    second = created(repository, environment, default=True)
    read = created(repository, environment)
    with pytest.raises(Conflict):
        repository.update(environment, read, changed(read, isDefault=True), replaces_default=first["_id"])
    assert repository.get(environment, read["_id"])["isDefault"] is False
    assert repository.default_id(environment) == second["_id"]


def test_an_update_of_the_default_that_keeps_it_default_leaves_the_pointer_alone(repository, environment):
    read = created(repository, environment, default=True)
    repository.update(environment, read, changed(read, name="Renamed"), replaces_default=None)
    assert repository.default_id(environment) == read["_id"]
    assert repository.get(environment, read["_id"])["name"] == "Renamed"


def test_an_update_from_a_read_taken_before_the_default_moved_is_a_409(repository, environment):
    old = created(repository, environment, default=True)
    new = created(repository, environment)
    read_before_move = repository.get(environment, old["_id"])
    repository.set_default(environment, new["_id"], replaces_default=old["_id"])
    with pytest.raises(Conflict):
        repository.update(
            environment, read_before_move, changed(read_before_move, name="Renamed"), replaces_default=None
        )
    assert defaults(repository, environment) == {new["_id"]}


# set_default


def test_set_default_moves_the_pointer_and_both_flags(repository, environment):
    old = created(repository, environment, default=True)
    new = created(repository, environment)
    repository.set_default(environment, new["_id"], replaces_default=old["_id"])
    assert repository.default_id(environment) == new["_id"]
    assert defaults(repository, environment) == {new["_id"]}


def test_set_default_in_an_environment_without_one_creates_the_pointer(repository, environment):
    only = created(repository, environment)
    repository.set_default(environment, only["_id"], replaces_default=None)
    assert repository.default_id(environment) == only["_id"]
    assert repository.get(environment, only["_id"])["isDefault"] is True


def test_set_default_of_a_missing_layout_is_a_409_that_moves_nothing(repository, environment):
    old = created(repository, environment, default=True)
    with pytest.raises(Conflict):
        repository.set_default(environment, uuid.uuid4().hex, replaces_default=old["_id"])
    assert repository.default_id(environment) == old["_id"]
    assert defaults(repository, environment) == {old["_id"]}
    assert len(repository.all(environment)) == 1


def test_of_two_default_moves_from_the_same_read_only_the_first_wins(repository, environment):
    old = created(repository, environment, default=True)
    first, second = created(repository, environment), created(repository, environment)
    repository.set_default(environment, first["_id"], replaces_default=old["_id"])
    with pytest.raises(Conflict):
        repository.set_default(environment, second["_id"], replaces_default=old["_id"])
    assert repository.default_id(environment) == first["_id"]
    assert defaults(repository, environment) == {first["_id"]}


# delete


def test_a_deleted_layout_is_gone_and_its_identifier_free(repository, environment):
    created(repository, environment, default=True)
    doomed = created(repository, environment, "brand")
    repository.delete(environment, doomed)
    assert repository.get(environment, doomed["_id"]) is None
    assert repository.id_of_identifier(environment, "brand") is None
    reuser = created(repository, environment, "brand")
    assert repository.id_of_identifier(environment, "brand") == reuser["_id"]


def test_deleting_the_default_layout_is_a_409_that_deletes_nothing(repository, environment):
    default = created(repository, environment, "brand", default=True)
    with pytest.raises(Conflict):
        repository.delete(environment, default)
    assert repository.get(environment, default["_id"]) is not None
    assert repository.id_of_identifier(environment, "brand") == default["_id"]


def test_deleting_a_layout_that_became_the_default_since_it_was_read_is_a_409(repository, environment):
    old = created(repository, environment, default=True)
    read = created(repository, environment)
    repository.set_default(environment, read["_id"], replaces_default=old["_id"])
    with pytest.raises(Conflict):
        repository.delete(environment, read)
    assert repository.get(environment, read["_id"])["isDefault"] is True


def test_deleting_a_layout_that_is_already_gone_is_a_409(repository, environment):
    doomed = created(repository, environment)
    repository.delete(environment, doomed)
    with pytest.raises(Conflict):
        repository.delete(environment, doomed)

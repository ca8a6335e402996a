"""Attribute values: each type's rule, the counters' moves, and the subscriber service keeping the counters in step
with the profiles on the in-memory store (create, update, null removes, bulk, delete)."""

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from pydantic import ValidationError as PydanticValidationError

from clarion.audience.catalogue import ATTRIBUTES, Catalogue
from clarion.audience.values import (
    MAX_COUNTER_OPS,
    MAX_LIST_ITEMS,
    AttributeSchema,
    AttributeValueCounters,
    stored_value,
    value_deltas,
)
from clarion.errors import Conflict, ValidationFailed
from clarion.principal import Principal
from clarion.subscribers import service
from clarion.subscribers.models import CreateSubscriberRequest, UpdateSubscriberRequest
from clarion.subscribers.repository import SubscribersRepository
from tests.unit.conftest import answered


@pytest.mark.parametrize(
    ("kind", "given", "stored"),
    [
        ("string", "pro", "pro"),
        ("number", 36, 36),
        ("number", 36.0, 36),  # one value, one counter, however it is written
        ("number", 0.5, 0.5),
        ("boolean", False, False),
        ("date", "1990-05-01", "1990-05-01"),
        ("date", "2026-03-01T10:00:00+01:00", "2026-03-01T09:00:00.000Z"),
        ("list", ["jazz", "chess", "jazz"], ["jazz", "chess"]),
    ],
)
def test_a_value_of_its_type_is_stored_in_its_canonical_form(kind: str, given: Any, stored: Any):
    assert stored_value(kind, given) == stored


@pytest.mark.parametrize(
    ("kind", "given"),
    [
        ("string", 3),
        ("string", "x" * 201),
        ("number", "36"),
        ("number", True),
        ("boolean", "true"),
        ("boolean", 1),
        ("date", "2026-02-30"),
        ("date", "2026-03-01T10:00:00"),
        ("date", 20260301),
        ("list", "jazz"),
        ("list", [1]),
        ("list", ["x"] * (MAX_LIST_ITEMS + 1)),
    ],
)
def test_a_value_of_another_type_is_refused(kind: str, given: Any):
    with pytest.raises(ValueError, match=r"^must "):
        stored_value(kind, given)


def test_deltas_move_only_the_values_that_change():
    before = {"plan": "pro", "interests": ["jazz", "chess"], "age": 36}
    after = {"plan": "free", "interests": ["jazz", "golf"], "age": 36}
    assert value_deltas(before, after) == {
        ("plan", "pro"): ("pro", -1),
        ("plan", "free"): ("free", 1),
        ("interests", "chess"): ("chess", -1),
        ("interests", "golf"): ("golf", 1),
    }
    assert value_deltas(None, {"vip": True}) == {("vip", "true"): (True, 1)}


@pytest.fixture
def caller(memory_tables: dict[str, str], use_clock: Any) -> Principal:
    use_clock(1_772_000_000.0)  # a still clock: every write of a test in one millisecond, as racing requests can be
    principal = Principal(client_id="c", environment_id=uuid.uuid4().hex, scopes=frozenset())
    entries = [
        {"name": "plan", "type": "string", "createdAt": "t"},
        {"name": "interests", "type": "list", "createdAt": "t"},
        {"name": "vip", "type": "boolean", "createdAt": "t"},
    ]
    assert Catalogue(ATTRIBUTES).create_many(principal.environment_id, entries) == []
    return principal


def counts(caller: Principal, name: str) -> dict[Any, int]:
    items, _ = AttributeValueCounters().page(caller.environment_id, name, page=0, limit=100)
    return {item["value"]: item["count"] for item in items}


def create(caller: Principal, subscriber_id: str, **attributes: Any) -> dict[str, Any]:
    request = CreateSubscriberRequest.model_validate({"subscriberId": subscriber_id, "attributes": attributes})
    return service.create_subscriber(caller, request).model_dump(by_alias=True)


def update(caller: Principal, subscriber_id: str, **fields: Any) -> dict[str, Any]:
    request = UpdateSubscriberRequest.model_validate(fields)
    return service.update_subscriber(caller, subscriber_id, request).model_dump(by_alias=True)


def test_the_schema_names_an_unknown_attribute_and_a_bad_value(caller: Principal):
    schema = AttributeSchema.of(caller.environment_id, ["plan", "vip", "nope"])
    assert schema.checked({"plan": "pro", "vip": None}) == {"plan": "pro", "vip": None}
    with pytest.raises(ValidationFailed) as unknown:
        schema.checked({"nope": 1})
    assert unknown.value.field == "attributes.nope"
    with pytest.raises(ValidationFailed) as bad:
        schema.checked({"vip": "yes"})
    assert bad.value.field == "attributes.vip" and bad.value.message == "must be true or false"


def test_creating_a_profile_counts_its_values(caller: Principal):
    create(caller, "ada", plan="pro", interests=["jazz", "chess"], vip=True)
    create(caller, "bob", plan="pro")
    assert counts(caller, "plan") == {"pro": 2}
    assert counts(caller, "interests") == {"jazz": 1, "chess": 1}
    assert AttributeValueCounters().count(caller.environment_id, "interests") == 2


def test_creating_an_existing_profile_updates_its_values_and_moves_the_counts(caller: Principal):
    create(caller, "ada", plan="pro")
    profile = create(caller, "ada", plan="free")
    assert profile["attributes"] == {"plan": "free"}
    assert counts(caller, "plan") == {"free": 1}


def test_null_removes_a_value_and_uncounts_it(caller: Principal):
    create(caller, "ada", plan="pro", vip=True)
    profile = update(caller, "ada", attributes={"plan": None})
    assert profile["attributes"] == {"vip": True}
    assert counts(caller, "plan") == {} and counts(caller, "vip") == {True: 1}
    assert update(caller, "ada", attributes={"vip": None})["attributes"] == {}


def test_an_update_without_attributes_leaves_values_and_counts_alone(caller: Principal):
    create(caller, "ada", plan="pro")
    assert update(caller, "ada", firstName="Ada", attributes=None)["attributes"] == {"plan": "pro"}
    assert counts(caller, "plan") == {"pro": 1}


def test_a_change_moving_more_counters_than_a_transaction_holds_is_refused_and_writes_nothing(caller: Principal):
    create(caller, "ada", interests=["a"])
    Catalogue(ATTRIBUTES).create_many(
        caller.environment_id, [{"name": f"n{n}", "type": "list", "createdAt": "t"} for n in range(5)]
    )
    lists = {f"n{n}": [f"{n}-{i}" for i in range(MAX_LIST_ITEMS)] for n in range(5)}  # 100 values
    assert sum(map(len, lists.values())) > MAX_COUNTER_OPS
    with pytest.raises(ValidationFailed) as refused:
        update(caller, "ada", attributes=lists)
    assert refused.value.field == "attributes"
    assert update(caller, "ada")["attributes"] == {"interests": ["a"]}
    assert counts(caller, "n0") == {}


def test_deleting_a_profile_uncounts_its_values(caller: Principal):
    create(caller, "ada", plan="pro", interests=["jazz"])
    create(caller, "bob", plan="pro")
    service.delete_subscriber(caller, "ada")
    assert counts(caller, "plan") == {"pro": 1} and counts(caller, "interests") == {}


def test_a_bulk_upsert_counts_created_and_changed_profiles_once_each(caller: Principal):
    create(caller, "ada", plan="pro")
    result = service.bulk_create_subscribers(
        caller,
        [
            {"subscriberId": "ada", "attributes": {"plan": "free"}},
            {"subscriberId": "bob", "attributes": {"plan": "free", "interests": ["jazz"]}},
            {"subscriberId": "cy", "firstName": "Cy"},
            {"subscriberId": "dee", "attributes": {"vip": "yes"}},
        ],
    )
    assert [f.message for f in result.failed] == ["subscribers[3].attributes.vip: must be true or false"]
    assert counts(caller, "plan") == {"free": 2} and counts(caller, "interests") == {"jazz": 1}
    assert service.get_subscriber(caller, "ada").attributes == {"plan": "free"}
    assert service.get_subscriber(caller, "cy").attributes == {}


def test_another_environment_has_its_own_counters(caller: Principal):
    create(caller, "ada", plan="pro")
    other = Principal(client_id="c", environment_id=uuid.uuid4().hex, scopes=frozenset())
    assert AttributeValueCounters().count(other.environment_id, "plan") == 0


def test_a_request_sets_at_most_40_attributes():
    fine = {f"a{n}": n for n in range(40)}
    assert UpdateSubscriberRequest.model_validate({"attributes": fine}).attributes == fine
    with pytest.raises(PydanticValidationError, match="attributes"):
        UpdateSubscriberRequest.model_validate({"attributes": fine | {"a40": 40}})


def test_a_concurrent_change_between_the_read_and_the_write_is_read_again(
    caller: Principal, monkeypatch: pytest.MonkeyPatch
):
    create(caller, "ada", plan="pro")
    read = service._existing
    raced: list[bool] = []

    def read_then_race(*args: Any) -> Any:
        profile = read(*args)
        if not raced:  # another request changes the profile between this read and this write
            raced.append(True)
            update(caller, "ada", attributes={"plan": "team"})
        return profile

    monkeypatch.setattr(service, "_existing", read_then_race)
    assert update(caller, "ada", attributes={"plan": "free"})["attributes"] == {"plan": "free"}
    assert counts(caller, "plan") == {"free": 1}


def test_a_profile_changed_on_every_try_is_a_409_and_keeps_its_counts(
    caller: Principal, monkeypatch: pytest.MonkeyPatch
):
    create(caller, "ada", plan="pro")
    monkeypatch.setattr(SubscribersRepository, "update", lambda *args, **kwargs: None)  # every write finds it changed
    with pytest.raises(Conflict):
        update(caller, "ada", attributes={"plan": "free"})
    assert counts(caller, "plan") == {"pro": 1}


def cancelled(code: str, *, at: int = -1) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A TransactWriteItems answer: cancelled for `code` on its operation `at`."""

    def answer(request: dict[str, Any]) -> dict[str, Any]:
        reasons = [{"Code": "None"} for _ in request["TransactItems"]]
        reasons[at] = {"Code": code}
        error = {"Code": "TransactionCanceledException", "Message": "Transaction cancelled"}
        return {"Error": error, "CancellationReasons": reasons}

    return answer


def test_a_transaction_meeting_another_on_a_hot_counter_is_tried_again(caller: Principal):
    with answered("TransactWriteItems", [cancelled("TransactionConflict"), cancelled("TransactionConflict")]):
        create(caller, "ada", plan="pro")
    assert counts(caller, "plan") == {"pro": 1}
    assert service.get_subscriber(caller, "ada").attributes == {"plan": "pro"}


def test_a_transaction_refused_for_a_condition_is_not_tried_again(caller: Principal):
    profile = {"id": "x", "organizationId": "o", "environmentId": caller.environment_id, "subscriberId": "bob"}
    with answered("TransactWriteItems", [cancelled("ConditionalCheckFailed", at=0)]):  # the profile exists
        assert not SubscribersRepository().create(profile | {"createdAt": "t", "updatedAt": "t"})  # type: ignore[arg-type]
    assert SubscribersRepository().get(caller.environment_id, "bob") is None

"""clarion.subscribers.service on the in-memory store: Novu v1's create (an upsert), update (null leaves a field,
except email), delete, bulk upsert, provider credentials, online status and the paged list, each in the caller's
environment only."""

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from clarion.errors import Conflict, NotFound, ValidationFailed
from clarion.principal import Principal
from clarion.settings import settings
from clarion.store.keys import GLOBAL_PREFERENCE_SK
from clarion.store.preferences import PreferencesRepository
from clarion.subscribers import service
from clarion.subscribers.fields import MAX_DEVICE_TOKENS, SubscriberChannelRequest
from clarion.subscribers.models import CreateSubscriberRequest, OnlineStatusRequest, UpdateSubscriberRequest
from clarion.subscribers.repository import SubscribersRepository
from tests.unit.conftest import StillClock

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC).timestamp()


@pytest.fixture(autouse=True)
def stepping_clock(use_clock) -> StillClock:
    return use_clock(START, step=1)  # every timestamp the service writes is distinct


@pytest.fixture
def caller(memory_tables: dict[str, str]) -> Principal:
    return a_caller()


def a_caller() -> Principal:
    return Principal(client_id=f"client-{uuid.uuid4().hex[:8]}", environment_id=uuid.uuid4().hex, scopes=frozenset())


def new_id() -> str:
    return f"sub-{uuid.uuid4().hex[:12]}"


def create(caller: Principal, subscriber_id: str | None = None, **fields: Any) -> dict[str, Any]:
    request = CreateSubscriberRequest.model_validate({"subscriberId": subscriber_id or new_id(), **fields})
    return service.create_subscriber(caller, request).model_dump()


def update(caller: Principal, subscriber_id: str, **fields: Any) -> dict[str, Any]:
    return service.update_subscriber(caller, subscriber_id, UpdateSubscriberRequest.model_validate(fields)).model_dump()


def channel(provider_id: str = "fcm", **credentials: Any) -> SubscriberChannelRequest:
    return SubscriberChannelRequest.model_validate({"providerId": provider_id, "credentials": credentials})


def stored(caller: Principal, subscriber_id: str) -> dict[str, Any]:
    item = SubscribersRepository().get(caller.environment_id, subscriber_id)
    assert item is not None
    return item


def total(caller: Principal) -> int:
    return service.list_subscribers(caller, page=0, limit=1).totalCount


# create and read


def test_a_created_subscriber_comes_back_in_novus_shape(caller):
    created = create(caller, "ada", firstName="Ada", email="ada@example.com", data={"plan": "pro"})
    assert created["subscriberId"] == "ada"
    assert (created["_environmentId"], created["_organizationId"]) == (
        caller.environment_id,
        settings().organization_id,
    )
    assert (created["firstName"], created["email"], created["data"]) == ("Ada", "ada@example.com", {"plan": "pro"})
    assert (created["isOnline"], created["deleted"], created["channels"]) == (False, False, [])
    assert created["createdAt"] == created["updatedAt"]
    assert len(created["_id"]) == 24


def test_a_created_subscriber_is_read_back_as_created(caller):
    created = create(caller, lastName="Lovelace", locale="en-GB", timezone="Europe/London")
    assert service.get_subscriber(caller, created["subscriberId"]).model_dump() == created


def test_credentials_given_at_creation_are_stored_without_absent_fields(caller):
    created = create(caller, channels=[{"providerId": "slack", "credentials": {"webhookUrl": "https://hooks.example"}}])
    assert created["channels"] == [
        {"providerId": "slack", "credentials": {"webhookUrl": "https://hooks.example"}, "_integrationId": ""}
    ]


def test_creating_an_existing_subscriber_updates_only_the_fields_given(caller):
    first = create(caller, "ada", firstName="Ada", lastName="Lovelace")
    again = create(caller, "ada", lastName="King", email="ada@example.com")
    assert (again["firstName"], again["lastName"], again["email"]) == ("Ada", "King", "ada@example.com")
    assert (again["_id"], again["createdAt"]) == (first["_id"], first["createdAt"])
    assert again["updatedAt"] > first["updatedAt"]
    assert total(caller) == 1


def test_an_unknown_subscriber_is_not_found_naming_subscriber_id(caller):
    with pytest.raises(NotFound) as error:
        service.get_subscriber(caller, "nobody")
    assert error.value.field == "subscriberId"


def test_another_environments_subscriber_is_as_absent_as_a_missing_one(caller):
    create(caller, "ada", firstName="Ada")
    stranger = a_caller()
    for attempt in (
        lambda: service.get_subscriber(stranger, "ada"),
        lambda: update(stranger, "ada", firstName="Eve"),
        lambda: service.delete_subscriber(stranger, "ada"),
        lambda: service.set_online_status(stranger, "ada", OnlineStatusRequest(isOnline=True)),
        lambda: service.set_credentials(stranger, "ada", channel(deviceTokens=["t"])),
    ):
        with pytest.raises(NotFound):
            attempt()
    assert (stored(caller, "ada")["firstName"], stored(caller, "ada")["channels"]) == ("Ada", [])


def test_the_same_subscriber_id_in_two_environments_is_two_subscribers(caller):
    other = a_caller()
    ours, theirs = create(caller, "ada", firstName="Ours"), create(other, "ada", firstName="Theirs")
    assert ours["_id"] != theirs["_id"]
    assert service.get_subscriber(caller, "ada").firstName == "Ours"
    assert service.get_subscriber(other, "ada").firstName == "Theirs"


# update


def test_an_update_changes_the_fields_given_and_leaves_the_others(caller):
    created = create(caller, firstName="Ada", lastName="Lovelace", phone="+14155550100")
    updated = update(caller, created["subscriberId"], lastName="King", locale="en-GB")
    assert (updated["firstName"], updated["lastName"], updated["locale"]) == ("Ada", "King", "en-GB")
    assert updated["phone"] == "+14155550100"
    assert updated["updatedAt"] > created["updatedAt"]
    assert stored(caller, created["subscriberId"])["lastName"] == "King"


@pytest.mark.parametrize("field", ["firstName", "phone", "locale", "data"])
def test_null_leaves_a_field_unchanged(caller, field):
    values = {
        "firstName": "Ada",
        "lastName": "Lovelace",
        "phone": "+14155550100",
        "avatar": "https://example.com/a.png",
        "locale": "en-US",
        "timezone": "Europe/Paris",
        "data": {"a": 1},
    }
    created = create(caller, **values)
    updated = update(caller, created["subscriberId"], **{field: None})
    assert updated[field] == values[field]


def test_null_clears_the_email_and_its_lookup(caller):
    created = create(caller, email="ada@example.com", firstName="Ada")
    updated = update(caller, created["subscriberId"], email=None)
    assert (updated["email"], updated["firstName"]) == (None, "Ada")
    assert "email" not in stored(caller, created["subscriberId"])
    assert SubscribersRepository().ids_with_contact(caller.environment_id, email="ada@example.com") == []


def test_an_updated_email_is_the_one_the_lookup_finds(caller):
    created = create(caller, email="old@example.com")
    update(caller, created["subscriberId"], email="New@Example.com")
    repository = SubscribersRepository()
    assert repository.ids_with_contact(caller.environment_id, email="new@example.com") == [created["subscriberId"]]
    assert repository.ids_with_contact(caller.environment_id, email="old@example.com") == []


def test_an_update_naming_another_subscriber_in_its_body_is_refused_naming_subscriber_id(caller):
    created = create(caller, firstName="Ada")
    with pytest.raises(ValidationFailed) as error:
        update(caller, created["subscriberId"], subscriberId="someone-else", firstName="Eve")
    assert (error.value.field, error.value.value) == ("subscriberId", "someone-else")
    assert stored(caller, created["subscriberId"])["firstName"] == "Ada"


def test_an_update_repeating_the_paths_subscriber_id_in_its_body_is_applied(caller):
    created = create(caller, firstName="Ada")
    assert (
        update(caller, created["subscriberId"], subscriberId=created["subscriberId"], firstName="A")["firstName"] == "A"
    )


def test_updating_an_unknown_subscriber_is_not_found_and_creates_nothing(caller):
    with pytest.raises(NotFound) as error:
        update(caller, "nobody", firstName="Ada")
    assert error.value.field == "subscriberId"
    assert SubscribersRepository().get(caller.environment_id, "nobody") is None
    assert total(caller) == 0


def test_an_update_with_channels_replaces_every_channel(caller):
    created = create(caller, channels=[{"providerId": "fcm", "credentials": {"deviceTokens": ["a"]}}])
    slack = {"providerId": "slack", "credentials": {"webhookUrl": "https://hooks.example"}}
    updated = update(caller, created["subscriberId"], channels=[slack])
    assert [c["providerId"] for c in updated["channels"]] == ["slack"]


# delete


def test_a_deleted_subscriber_is_gone_with_its_preferences_and_uncounted(caller):
    created, kept = create(caller), create(caller)
    subscriber_id = created["subscriberId"]
    preference = {"sk": GLOBAL_PREFERENCE_SK, "enabled": False}
    PreferencesRepository().save(caller.environment_id, subscriber_id, preference, read=None)
    service.delete_subscriber(caller, subscriber_id)
    with pytest.raises(NotFound):
        service.get_subscriber(caller, subscriber_id)
    assert PreferencesRepository().items_for(caller.environment_id, subscriber_id) == []
    assert total(caller) == 1
    assert service.get_subscriber(caller, kept["subscriberId"]).subscriberId == kept["subscriberId"]


def test_deleting_an_unknown_subscriber_is_not_found_and_changes_no_count(caller):
    create(caller)
    with pytest.raises(NotFound) as error:
        service.delete_subscriber(caller, "nobody")
    assert error.value.field == "subscriberId"
    assert total(caller) == 1


def test_a_deleted_subscriber_can_be_created_again_as_a_new_one(caller):
    first = create(caller, "ada", firstName="Ada", lastName="Lovelace")
    service.delete_subscriber(caller, "ada")
    again = create(caller, "ada", firstName="Ada")
    assert again["_id"] != first["_id"]
    assert again["lastName"] is None
    assert total(caller) == 1


# list


def test_pages_of_the_list_cover_every_subscriber_once_in_id_order(caller):
    ids = [create(caller)["subscriberId"] for _ in range(5)]
    pages = [service.list_subscribers(caller, page=page, limit=2) for page in range(3)]
    assert [s.subscriberId for page in pages for s in page.data] == sorted(ids)
    assert [(p.page, p.pageSize, p.hasMore, p.totalCount) for p in pages] == [
        (0, 2, True, 5),
        (1, 2, True, 5),
        (2, 2, False, 5),
    ]


def test_a_page_past_the_end_is_empty_and_still_counts_every_subscriber(caller):
    create(caller)
    page = service.list_subscribers(caller, page=3, limit=10)
    assert (page.data, page.hasMore, page.totalCount) == ([], False, 1)


def test_an_environment_without_subscribers_lists_none(caller):
    create(a_caller())
    page = service.list_subscribers(caller, page=0, limit=10)
    assert (page.data, page.hasMore, page.totalCount) == ([], False, 0)


# bulk create


def test_bulk_create_reports_created_updated_and_failed_entries(caller):
    existing = create(caller, firstName="Ada", lastName="Lovelace")
    new_id_ = new_id()
    entries = [
        {"subscriberId": new_id_, "firstName": "New"},
        {"subscriberId": existing["subscriberId"], "lastName": "King"},
        {"subscriberId": "bad-email", "email": "not an email"},
    ]
    result = service.bulk_create_subscribers(caller, entries)
    assert [r.subscriberId for r in result.created] == [new_id_]
    assert [r.subscriberId for r in result.updated] == [existing["subscriberId"]]
    assert [f.subscriberId for f in result.failed] == ["bad-email"]
    assert result.failed[0].message.startswith("subscribers[2].email: ")
    assert (stored(caller, new_id_)["firstName"], stored(caller, existing["subscriberId"])["lastName"]) == (
        "New",
        "King",
    )
    assert stored(caller, existing["subscriberId"])["firstName"] == "Ada"
    assert SubscribersRepository().get(caller.environment_id, "bad-email") is None
    assert total(caller) == 2


def test_bulk_create_keeps_an_updated_subscribers_id_and_creation_time(caller):
    existing = create(caller)
    service.bulk_create_subscribers(caller, [{"subscriberId": existing["subscriberId"], "firstName": "B"}])
    after = stored(caller, existing["subscriberId"])
    assert (after["id"], after["createdAt"]) == (existing["_id"], existing["createdAt"])
    assert after["updatedAt"] > existing["updatedAt"]


@pytest.mark.parametrize(
    ("entry", "reference", "location"),
    [
        ("a string", "", "subscribers[0]: "),
        ({"firstName": "no id"}, "", "subscribers[0].subscriberId: "),
        ({"subscriberId": 7}, "", "subscribers[0].subscriberId: "),
        ({"subscriberId": "x", "surprise": 1}, "x", "subscribers[0].surprise: "),
        ({"subscriberId": "x", "phone": "12"}, "x", "subscribers[0].phone: "),
    ],
)
def test_a_bad_bulk_entry_fails_alone_naming_its_position_and_field(caller, entry, reference, location):
    good = new_id()
    result = service.bulk_create_subscribers(caller, [entry, {"subscriberId": good}])
    assert [(f.subscriberId, f.message.startswith(location)) for f in result.failed] == [(reference, True)]
    assert [r.subscriberId for r in result.created] == [good]


def test_a_subscriber_id_repeated_in_one_bulk_request_fails_after_its_first_entry(caller):
    repeated = new_id()
    entries = [{"subscriberId": repeated, "firstName": "First"}, {"subscriberId": repeated, "firstName": "Second"}]
    result = service.bulk_create_subscribers(caller, entries)
    assert [r.subscriberId for r in result.created] == [repeated]
    assert [(f.subscriberId, "appears more than once" in f.message) for f in result.failed] == [(repeated, True)]
    assert result.failed[0].message.startswith("subscribers[1].subscriberId")
    assert stored(caller, repeated)["firstName"] == "First"
    assert total(caller) == 1


def test_bulk_create_clears_an_email_given_as_null_and_moves_a_changed_one(caller):
    cleared, moved = create(caller, email="a@example.com"), create(caller, email="b@example.com")
    entries = [
        {"subscriberId": cleared["subscriberId"], "email": None},
        {"subscriberId": moved["subscriberId"], "email": "c@example.com"},
    ]
    service.bulk_create_subscribers(caller, entries)
    repository = SubscribersRepository()
    assert "email" not in stored(caller, cleared["subscriberId"])
    assert repository.ids_with_contact(caller.environment_id, email="a@example.com") == []
    assert repository.ids_with_contact(caller.environment_id, email="b@example.com") == []
    assert repository.ids_with_contact(caller.environment_id, email="c@example.com") == [moved["subscriberId"]]


def test_a_bulk_request_of_only_bad_entries_writes_and_counts_nothing(caller):
    result = service.bulk_create_subscribers(caller, [{"firstName": "no id"}, 42])
    assert (result.created, result.updated, len(result.failed)) == ([], [], 2)
    assert total(caller) == 0


# credentials


def test_set_credentials_replaces_the_providers_credentials(caller):
    created = create(caller)
    subscriber_id = created["subscriberId"]
    service.set_credentials(caller, subscriber_id, channel(deviceTokens=["a", "b"], title="T"))
    after = service.set_credentials(caller, subscriber_id, channel(deviceTokens=["c"])).model_dump()
    assert [c["credentials"] for c in after["channels"]] == [{"deviceTokens": ["c"]}]


def test_modify_credentials_appends_device_tokens_without_duplicates_and_keeps_other_fields(caller):
    subscriber_id = create(caller)["subscriberId"]
    service.set_credentials(caller, subscriber_id, channel(deviceTokens=["a", "b"], title="T"))
    after = service.modify_credentials(caller, subscriber_id, channel(deviceTokens=["b", "c"])).model_dump()
    assert [c["credentials"] for c in after["channels"]] == [{"deviceTokens": ["a", "b", "c"], "title": "T"}]


def test_modify_credentials_of_a_provider_not_held_adds_it(caller):
    subscriber_id = create(caller)["subscriberId"]
    after = service.modify_credentials(caller, subscriber_id, channel("apns", deviceTokens=["x"])).model_dump()
    assert [(c["providerId"], c["credentials"]) for c in after["channels"]] == [("apns", {"deviceTokens": ["x"]})]


def test_credentials_of_several_providers_and_integrations_are_kept_apart(caller):
    subscriber_id = create(caller)["subscriberId"]
    service.set_credentials(caller, subscriber_id, channel("fcm", deviceTokens=["f"]))
    service.set_credentials(caller, subscriber_id, channel("apns", deviceTokens=["a"]))
    second_fcm = SubscriberChannelRequest.model_validate(
        {"providerId": "fcm", "integrationIdentifier": "fcm-2", "credentials": {"deviceTokens": ["g"]}}
    )
    after = service.set_credentials(caller, subscriber_id, second_fcm).model_dump()
    held = [
        (c["providerId"], c.get("integrationIdentifier"), c["credentials"]["deviceTokens"]) for c in after["channels"]
    ]
    assert held == [("fcm", None, ["f"]), ("apns", None, ["a"]), ("fcm", "fcm-2", ["g"])]


def test_appending_past_the_device_token_limit_is_refused_naming_the_tokens_and_changes_nothing(caller):
    subscriber_id = create(caller)["subscriberId"]
    full = [f"t{index}" for index in range(MAX_DEVICE_TOKENS)]
    service.set_credentials(caller, subscriber_id, channel(deviceTokens=full))
    with pytest.raises(ValidationFailed) as error:
        service.modify_credentials(caller, subscriber_id, channel(deviceTokens=["one-more"]))
    assert error.value.field == "credentials.deviceTokens"
    assert stored(caller, subscriber_id)["channels"][0]["credentials"]["deviceTokens"] == full


def test_appending_tokens_already_held_to_a_full_provider_is_accepted(caller):
    subscriber_id = create(caller)["subscriberId"]
    full = [f"t{index}" for index in range(MAX_DEVICE_TOKENS)]
    service.set_credentials(caller, subscriber_id, channel(deviceTokens=full))
    after = service.modify_credentials(caller, subscriber_id, channel(deviceTokens=["t0", "t1"])).model_dump()
    assert after["channels"][0]["credentials"]["deviceTokens"] == full


def test_deleting_a_providers_credentials_removes_only_that_provider(caller):
    subscriber_id = create(caller)["subscriberId"]
    service.set_credentials(caller, subscriber_id, channel("fcm", deviceTokens=["f"]))
    service.set_credentials(caller, subscriber_id, channel("apns", deviceTokens=["a"]))
    service.delete_credentials(caller, subscriber_id, "fcm")
    assert [c["providerId"] for c in stored(caller, subscriber_id)["channels"]] == ["apns"]


def test_deleting_credentials_of_a_provider_not_held_writes_nothing(caller):
    created = create(caller)
    service.delete_credentials(caller, created["subscriberId"], "fcm")
    assert stored(caller, created["subscriberId"])["updatedAt"] == created["updatedAt"]


CREDENTIAL_OPERATIONS = {
    "set": lambda caller: service.set_credentials(caller, "nobody", channel(deviceTokens=["t"])),
    "modify": lambda caller: service.modify_credentials(caller, "nobody", channel(deviceTokens=["t"])),
    "delete": lambda caller: service.delete_credentials(caller, "nobody", "fcm"),
}


@pytest.mark.parametrize("operation", CREDENTIAL_OPERATIONS)
def test_credentials_of_an_unknown_subscriber_are_not_found(caller, operation):
    with pytest.raises(NotFound) as error:
        CREDENTIAL_OPERATIONS[operation](caller)
    assert error.value.field == "subscriberId"
    assert SubscribersRepository().get(caller.environment_id, "nobody") is None


def test_credentials_changed_by_another_request_since_the_read_are_a_conflict(caller, monkeypatch):
    subscriber_id = create(caller)["subscriberId"]
    repository_get = SubscribersRepository.get

    def read_then_changed_elsewhere(self: SubscribersRepository, environment_id: str, wanted: str) -> Any:
        item = repository_get(self, environment_id, wanted)
        # another request writes the profile between this read and the service's conditional write
        SubscribersRepository().update(environment_id, wanted, {"updatedAt": "2030-01-01T00:00:00.000Z"})
        return item

    monkeypatch.setattr(SubscribersRepository, "get", read_then_changed_elsewhere)
    with pytest.raises(Conflict):
        service.set_credentials(caller, subscriber_id, channel(deviceTokens=["t"]))
    monkeypatch.undo()
    assert stored(caller, subscriber_id)["channels"] == []


# online status


def test_going_online_sets_is_online_and_records_no_last_online_time(caller):
    subscriber_id = create(caller)["subscriberId"]
    online = service.set_online_status(caller, subscriber_id, OnlineStatusRequest(isOnline=True))
    assert (online.isOnline, online.lastOnlineAt) == (True, None)
    assert stored(caller, subscriber_id)["isOnline"] is True


def test_going_offline_records_when_the_subscriber_was_last_online(caller):
    subscriber_id = create(caller)["subscriberId"]
    service.set_online_status(caller, subscriber_id, OnlineStatusRequest(isOnline=True))
    offline = service.set_online_status(caller, subscriber_id, OnlineStatusRequest(isOnline=False))
    assert offline.isOnline is False
    assert offline.lastOnlineAt == offline.updatedAt
    assert stored(caller, subscriber_id)["lastOnlineAt"] == offline.lastOnlineAt


def test_going_online_again_keeps_the_last_online_time(caller):
    subscriber_id = create(caller)["subscriberId"]
    offline = service.set_online_status(caller, subscriber_id, OnlineStatusRequest(isOnline=False))
    online = service.set_online_status(caller, subscriber_id, OnlineStatusRequest(isOnline=True))
    assert (online.isOnline, online.lastOnlineAt) == (True, offline.lastOnlineAt)


def test_the_online_status_of_an_unknown_subscriber_is_not_found_and_creates_nothing(caller):
    with pytest.raises(NotFound) as error:
        service.set_online_status(caller, "nobody", OnlineStatusRequest(isOnline=True))
    assert error.value.field == "subscriberId"
    assert SubscribersRepository().get(caller.environment_id, "nobody") is None

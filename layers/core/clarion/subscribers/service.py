"""What can be done with subscribers (Novu v1 semantics), independent of HTTP."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple, cast

from pydantic import ValidationError

from clarion.audience.values import (
    AttributeSchema,
    AttributeValueCounters,
    Deltas,
    add_deltas,
    value_deltas,
)
from clarion.audience.values import merged as merged_attributes
from clarion.clock import timestamp_now
from clarion.dynamo import Item
from clarion.errors import Conflict, NotFound, ValidationFailed
from clarion.ids import new_id
from clarion.models import NovuPage
from clarion.principal import Principal
from clarion.settings import settings
from clarion.store.devices import DevicesStore
from clarion.subscribers.fields import MAX_DEVICE_TOKENS, SubscriberChannelRequest, SubscriberFields
from clarion.subscribers.models import (
    BulkCreateResult,
    CreateSubscriberRequest,
    FailedSubscriber,
    OnlineStatusRequest,
    Subscriber,
    SubscriberRef,
)
from clarion.subscribers.repository import SubscribersRepository

if TYPE_CHECKING:
    from clarion.store import entities

_ATTEMPTS = 3


def list_subscribers(caller: Principal, *, page: int, limit: int) -> NovuPage[Subscriber]:
    repository = SubscribersRepository()
    items, has_more = repository.list_page(caller.environment_id, page=page, limit=limit)
    return NovuPage(
        page=page,
        totalCount=repository.count(caller.environment_id),
        pageSize=limit,
        hasMore=has_more,
        data=[Subscriber.from_item(item) for item in items],
    )


def get_subscriber(caller: Principal, subscriber_id: str) -> Subscriber:
    return Subscriber.from_item(_existing(caller, subscriber_id))


def create_subscriber(caller: Principal, request: CreateSubscriberRequest) -> Subscriber:
    """Novu's create: a subscriberId that already exists has the given fields updated instead."""
    repository = SubscribersRepository()
    profile = _new_profile(caller.environment_id, request, timestamp_now())
    values = _checked_attributes(caller, request.attributes or {})
    _set_attributes(profile, merged_attributes(None, values))
    counts = AttributeValueCounters().ops(caller.environment_id, value_deltas(None, profile.get("attributes")))
    if repository.create(profile, extra_ops=counts):
        return Subscriber.from_item(profile)
    return update_subscriber(caller, request.subscriberId, request)


def update_subscriber(caller: Principal, subscriber_id: str, request: SubscriberFields) -> Subscriber:
    body_id = getattr(request, "subscriberId", None)
    if body_id is not None and body_id != subscriber_id:
        raise ValidationFailed("must be the subscriberId of the path, or absent", field="subscriberId", value=body_id)
    changes = _changes(request) | {"updatedAt": timestamp_now()}
    if "attributes" in changes:
        return _update_with_attributes(caller, subscriber_id, changes)
    updated = SubscribersRepository().update(caller.environment_id, subscriber_id, changes)
    if updated is None:
        raise _not_found(subscriber_id)
    return Subscriber.from_item(updated)


def _update_with_attributes(caller: Principal, subscriber_id: str, changes: Item) -> Subscriber:
    """The profile and the counters of the values it drops and gains change in one transaction, conditioned on the
    profile read (a concurrent change makes it read again)."""
    values = _checked_attributes(caller, changes["attributes"])
    repository, counters = SubscribersRepository(), AttributeValueCounters()
    for _ in range(_ATTEMPTS):
        profile = _existing(caller, subscriber_id)
        before = profile.get("attributes")
        after = merged_attributes(before, values)
        version = profile.get("attributesVersion", 0)
        updated = repository.update(
            caller.environment_id,
            subscriber_id,
            changes | {"attributes": after or None, "attributesVersion": version + 1},
            expected_attributes_version=version,
            extra_ops=counters.ops(caller.environment_id, value_deltas(before, after)),
        )
        if updated is not None:
            return Subscriber.from_item(updated)
    raise Conflict("the subscriber was changed by other requests meanwhile; retry")


def delete_subscriber(caller: Principal, subscriber_id: str) -> None:
    """The profile goes with its attribute values' counts, in one transaction conditioned on the profile read."""
    repository, counters, devices = SubscribersRepository(), AttributeValueCounters(), DevicesStore()
    for _ in range(_ATTEMPTS):
        profile = _existing(caller, subscriber_id)
        counts = counters.ops(caller.environment_id, value_deltas(profile.get("attributes"), None))
        version = profile.get("attributesVersion", 0)
        its_devices = devices.of_subscriber(caller.environment_id, subscriber_id)  # deleted with its partition
        if repository.delete(
            caller.environment_id, subscriber_id, expected_attributes_version=version, extra_ops=counts
        ):
            devices.forget(caller.environment_id, its_devices)
            return
    raise Conflict("the subscriber was changed by other requests meanwhile; retry")


class ProfileFailure(NamedTuple):
    """An entry of a bulk upsert that was refused: its position in the entries, the subscriberId it claimed (or ""),
    and each (location, reason) at fault (a location as `.email`, `.channels[0].providerId`, or empty)."""

    position: int
    subscriber_id: str
    problems: tuple[tuple[str, str], ...]

    @property
    def message(self) -> str:
        """`subscribers[3].email: value is not a valid email address; ...`"""
        return "; ".join(f"subscribers[{self.position}]{where}: {reason}" for where, reason in self.problems)


class UpsertOutcome(NamedTuple):
    created: list[str]
    updated: list[str]
    failures: list[ProfileFailure]


def bulk_create_subscribers(caller: Principal, entries: list[Any]) -> BulkCreateResult:
    """Novu's bulk upsert (`upsert_profiles`), with a failure's message naming its entry and field."""
    outcome = upsert_profiles(caller.environment_id, entries)
    return BulkCreateResult(
        created=[SubscriberRef(subscriberId=s) for s in outcome.created],
        updated=[SubscriberRef(subscriberId=s) for s in outcome.updated],
        failed=[FailedSubscriber(subscriberId=f.subscriber_id, message=f.message) for f in outcome.failures],
    )


def upsert_profiles(environment_id: str, entries: list[Any]) -> UpsertOutcome:
    """New subscribers are created, existing ones get the given fields; a bad entry fails alone, naming its field
    (the bulk route and imports). Batched writes cannot be conditional: a change another request makes to one of
    these subscribers between this read and this write is overwritten (one write a subscriber is the price). The
    counters move by what was read before the write, so running the same entries again counts nothing twice."""
    valid, failed = _validated(entries)
    values = _bulk_attributes(environment_id, valid, entries, failed)
    repository = SubscribersRepository()
    existing = repository.get_many(environment_id, valid, consistent=True)  # it writes what it did not find
    now = timestamp_now()
    profiles: list[entities.Subscriber] = []
    deltas: Deltas = {}
    for subscriber_id, request in valid.items():
        before = existing.get(subscriber_id)
        profile = _merged(before, request, now) if before is not None else _new_profile(environment_id, request, now)
        if request.attributes is not None:
            _set_attributes(profile, merged_attributes(before and before.get("attributes"), values[subscriber_id]))
            profile["attributesVersion"] = (before.get("attributesVersion", 0) if before else 0) + 1
        add_deltas(deltas, value_deltas(before and before.get("attributes"), profile.get("attributes")))
        profiles.append(profile)
    repository.put_many(environment_id, profiles, created=len(valid) - len(existing))
    AttributeValueCounters().apply(environment_id, deltas)
    return UpsertOutcome(
        created=[s for s in valid if s not in existing],
        updated=[s for s in valid if s in existing],
        failures=failed,
    )


def _validated(entries: list[Any]) -> tuple[dict[str, CreateSubscriberRequest], list[ProfileFailure]]:
    """The valid entries by subscriberId, and a failure naming the field for each other one."""
    valid: dict[str, CreateSubscriberRequest] = {}
    failed: list[ProfileFailure] = []
    for position, entry in enumerate(entries):
        claimed_id = entry.get("subscriberId") if isinstance(entry, dict) else None
        reference = claimed_id if isinstance(claimed_id, str) else ""
        try:
            request = CreateSubscriberRequest.model_validate(entry)
        except ValidationError as error:
            failed.append(ProfileFailure(position, reference, _problems(error)))
            continue
        if request.subscriberId in valid:
            problem = (".subscriberId", "appears more than once in this request")
            failed.append(ProfileFailure(position, reference, (problem,)))
            continue
        valid[request.subscriberId] = request
    return valid, failed


def _bulk_attributes(
    environment_id: str, valid: dict[str, CreateSubscriberRequest], entries: list[Any], failed: list[ProfileFailure]
) -> dict[str, dict[str, Any]]:
    """Each valid entry's attribute values, checked against the catalogue read once; an entry with a bad value
    leaves `valid` for `failed`, naming the value."""
    names = {name for request in valid.values() for name in request.attributes or {}}
    schema = AttributeSchema.of(environment_id, names) if names else AttributeSchema({})
    positions = {
        entry.get("subscriberId"): i for i, entry in reversed(list(enumerate(entries))) if isinstance(entry, dict)
    }
    values: dict[str, dict[str, Any]] = {}
    for subscriber_id, request in list(valid.items()):
        try:
            values[subscriber_id] = schema.checked(request.attributes or {})
        except ValidationFailed as error:
            problem = (f".{error.field}", error.message)
            failed.append(ProfileFailure(positions[subscriber_id], subscriber_id, (problem,)))
            del valid[subscriber_id]
    return values


def _checked_attributes(caller: Principal, given: dict[str, Any]) -> dict[str, Any]:
    return AttributeSchema.of(caller.environment_id, given).checked(given) if given else {}


def _set_attributes(profile: entities.Subscriber, values: dict[str, Any]) -> None:
    """A profile holding no value has no `attributes` map."""
    if values:
        profile["attributes"] = values
    else:
        profile.pop("attributes", None)


def set_credentials(caller: Principal, subscriber_id: str, request: SubscriberChannelRequest) -> Subscriber:
    """Replaces the credentials the subscriber holds for this provider (and integration)."""
    return _change_channels(caller, subscriber_id, request, merge=False)


def modify_credentials(caller: Principal, subscriber_id: str, request: SubscriberChannelRequest) -> Subscriber:
    """Novu's "modify": merges into the provider's credentials, appending device tokens without duplicates."""
    return _change_channels(caller, subscriber_id, request, merge=True)


def delete_credentials(caller: Principal, subscriber_id: str, provider_id: str) -> None:
    subscriber = _existing(caller, subscriber_id)
    channels = subscriber.get("channels") or []
    kept = [channel for channel in channels if channel["providerId"] != provider_id]
    if len(kept) != len(channels):
        _save_channels(caller, subscriber, kept)


def set_online_status(caller: Principal, subscriber_id: str, request: OnlineStatusRequest) -> Subscriber:
    """Going offline records when the subscriber was last online (Novu's lastOnlineAt)."""
    now = timestamp_now()
    changes: Item = {"isOnline": request.isOnline, "updatedAt": now}
    if not request.isOnline:
        changes["lastOnlineAt"] = now
    updated = SubscribersRepository().update(caller.environment_id, subscriber_id, changes)
    if updated is None:
        raise _not_found(subscriber_id)
    return Subscriber.from_item(updated)


def _change_channels(
    caller: Principal, subscriber_id: str, request: SubscriberChannelRequest, *, merge: bool
) -> Subscriber:
    subscriber = _existing(caller, subscriber_id)
    channels: list[Item] = list(subscriber.get("channels") or [])
    (given,) = _stored_channels([request])
    same = [i for i, c in enumerate(channels) if _channel_key(c) == _channel_key(given)]
    if not same:
        channels.append(given)
    elif merge:
        channels[same[0]] = _merged_channel(channels[same[0]], given)
    else:
        channels[same[0]] = given
    return _save_channels(caller, subscriber, channels)


def _merged_channel(current: Item, given: Item) -> Item:
    credentials = current["credentials"] | given["credentials"]
    tokens = [*current["credentials"].get("deviceTokens", []), *given["credentials"].get("deviceTokens", [])]
    if tokens:
        credentials["deviceTokens"] = list(dict.fromkeys(tokens))
    if len(credentials.get("deviceTokens", [])) > MAX_DEVICE_TOKENS:
        raise ValidationFailed(
            f"the provider would hold more than {MAX_DEVICE_TOKENS} device tokens; replace them with PUT",
            field="credentials.deviceTokens",
        )
    return current | given | {"credentials": credentials}


def _save_channels(caller: Principal, subscriber: entities.Subscriber, channels: list[Item]) -> Subscriber:
    changes = {"channels": channels, "updatedAt": timestamp_now()}
    updated = SubscribersRepository().update(
        caller.environment_id, subscriber["subscriberId"], changes, expected_updated_at=subscriber["updatedAt"]
    )
    if updated is None:
        raise Conflict("the subscriber was changed by another request; read it again and retry")
    return Subscriber.from_item(updated)


def _channel_key(channel: Item) -> tuple[str, str | None]:
    return channel["providerId"], channel.get("integrationIdentifier")


def _stored_channels(channels: list[SubscriberChannelRequest]) -> list[Item]:
    return [channel.model_dump(exclude_none=True) for channel in channels]


def _new_profile(environment_id: str, request: CreateSubscriberRequest, now: str) -> entities.Subscriber:
    fields = request.model_dump(exclude_none=True, exclude={"channels", "attributes"})
    return _as_profile(
        {
            "id": new_id(),
            "organizationId": settings().organization_id,
            "environmentId": environment_id,
            **fields,
            "channels": _stored_channels(request.channels or []),
            "isOnline": False,
            "deleted": False,
            "createdAt": now,
            "updatedAt": now,
        }
    )


def _changes(request: SubscriberFields) -> Item:
    """The fields the request gives, as stored. Novu's rule for null: it leaves a field as it is (SDKs send
    every unset field as null), except `email`, where null clears it (None here removes the attribute)."""
    given = request.model_fields_set - {"subscriberId"}
    changes = {name: getattr(request, name) for name in given if getattr(request, name) is not None or name == "email"}
    if "channels" in changes:
        changes["channels"] = _stored_channels(request.channels or [])
    return changes


def _merged(profile: entities.Subscriber, request: SubscriberFields, now: str) -> entities.Subscriber:
    merged = profile | _changes(request) | {"updatedAt": now}
    return _as_profile({name: value for name, value in merged.items() if value is not None})


def _as_profile(fields: dict[str, Any]) -> entities.Subscriber:
    """A profile made of a request's fields, as stored (the attributes of SubscriberFields, named alike)."""
    return cast("entities.Subscriber", fields)


def _existing(caller: Principal, subscriber_id: str) -> entities.Subscriber:
    """A subscriber of the caller's environment; another environment's is as absent as a missing one."""
    subscriber = SubscribersRepository().get(caller.environment_id, subscriber_id)
    if subscriber is None:
        raise _not_found(subscriber_id)
    return subscriber


def _not_found(subscriber_id: str) -> NotFound:
    return NotFound(f"subscriber '{subscriber_id}' not found", field="subscriberId")


def _problems(error: ValidationError) -> tuple[tuple[str, str], ...]:
    """(`.email`, `value is not a valid email address`) for each error of one bulk entry."""
    problems = []
    for detail in error.errors():
        location = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in detail["loc"])
        problems.append((location, detail["msg"]))
    return tuple(problems)

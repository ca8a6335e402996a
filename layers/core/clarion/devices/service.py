"""Registering, updating and listing devices, independent of HTTP (docs/api.md, "Devices")."""

from typing import TYPE_CHECKING, Any, cast

from clarion import clock
from clarion.devices.models import Device, RegisterDeviceRequest, UpdateDeviceRequest
from clarion.errors import Conflict, NotFound, ValidationFailed
from clarion.models import NovuPage, novu_page
from clarion.principal import Principal
from clarion.store.devices import MAX_DEVICES_PER_SUBSCRIBER, DevicesStore, is_active
from clarion.store.keys import device_token_hash
from clarion.subscribers.repository import SubscribersRepository

if TYPE_CHECKING:
    from clarion.store import entities

MAX_DEVICES_OFFSET = 10_000
TOKEN_HINT_LENGTH = 4
MIN_HINTED_TOKEN = 16  # a shorter token would be too much shown by its last 4 characters


def public(device: "entities.Device") -> Device:
    """What the API shows of a device: never its token, only the token's hint."""
    return Device(
        deviceId=device["deviceId"],
        subscriberId=device["subscriberId"],
        platform=cast(Any, device["platform"]),
        pushTokenHint=device.get("tokenHint"),
        pushEnabled=device["pushEnabled"],
        active=is_active(device),
        disabledAt=device.get("disabledAt"),
        disabledReason=device.get("disabledReason"),
        appVersion=device.get("appVersion"),
        locale=device.get("locale"),
        timezone=device.get("timezone"),
        lastSeenAt=device.get("lastSeenAt"),
        createdAt=device["createdAt"],
        updatedAt=device["updatedAt"],
    )


def register_device(caller: Principal, subscriber_id: str, device_id: str, request: RegisterDeviceRequest) -> Device:
    """Creates the subscriber's device, or updates it when it is already the subscriber's (an app registers at
    every start): the device is seen now."""
    environment_id, store = caller.environment_id, DevicesStore()
    if SubscribersRepository().get(environment_id, subscriber_id) is None:
        raise NotFound(f"subscriber '{subscriber_id}' not found", field="subscriberId")
    existing = store.get(environment_id, subscriber_id, device_id)
    if existing is not None:
        if existing["platform"] != request.platform:
            raise ValidationFailed("a device's platform cannot change", field="platform", value=request.platform)
        return _update(store, existing, request)
    owner = store.owner(environment_id, device_id)
    if owner is not None:
        raise Conflict(f"device '{device_id}' belongs to another subscriber", field="deviceId")
    if len(store.of_subscriber(environment_id, subscriber_id)) >= MAX_DEVICES_PER_SUBSCRIBER:
        raise ValidationFailed(
            f"a subscriber has at most {MAX_DEVICES_PER_SUBSCRIBER} devices; remove one first", field="deviceId"
        )
    now = clock.timestamp_now()
    device: entities.Device = {
        "environmentId": environment_id,
        "subscriberId": subscriber_id,
        "deviceId": device_id,
        "platform": request.platform,
        "pushEnabled": True if request.pushEnabled is None else request.pushEnabled,
        "lastSeenAt": now,
        "createdAt": now,
        "updatedAt": now,
    }
    device |= cast("entities.Device", _changes(environment_id, request))
    if not store.create(device):
        raise Conflict(f"device '{device_id}' was registered meanwhile; try again", field="deviceId")
    store.summarise(environment_id, subscriber_id)
    return public(device)


def update_device(caller: Principal, device_id: str, request: UpdateDeviceRequest) -> Device:
    store = DevicesStore()
    return _update(store, _found(store, caller.environment_id, device_id), request)


def get_device(caller: Principal, device_id: str) -> Device:
    return public(_found(DevicesStore(), caller.environment_id, device_id))


def list_devices(
    caller: Principal, *, page: int, limit: int, platform: str | None = None, subscriber_id: str | None = None
) -> NovuPage[Device]:
    """Every device of the environment (ListIndex, counted), or one subscriber's (its partition), of a platform."""
    store = DevicesStore()
    if subscriber_id is not None:
        devices = store.of_subscriber(caller.environment_id, subscriber_id)
        kept = [device for device in devices if platform is None or device["platform"] == platform]
        return novu_page(kept, page=page, page_size=limit, public=public)
    if page * limit > MAX_DEVICES_OFFSET:
        raise ValidationFailed(
            f"pages reach at most {MAX_DEVICES_OFFSET} devices; filter by platform or subscriberId", field="page"
        )
    items, has_more = store.page(caller.environment_id, platform=platform, offset=page * limit, limit=limit)
    total = store.count(caller.environment_id, platform)
    return NovuPage(page=page, pageSize=limit, totalCount=total, hasMore=has_more, data=[public(i) for i in items])


def list_subscriber_devices(caller: Principal, subscriber_id: str, *, page: int, limit: int) -> NovuPage[Device]:
    if SubscribersRepository().get(caller.environment_id, subscriber_id) is None:
        raise NotFound(f"subscriber '{subscriber_id}' not found", field="subscriberId")
    return list_devices(caller, page=page, limit=limit, subscriber_id=subscriber_id)


def _found(store: DevicesStore, environment_id: str, device_id: str) -> "entities.Device":
    owner = store.owner(environment_id, device_id)
    device = None if owner is None else store.get(environment_id, owner, device_id)
    if device is None:
        raise NotFound(f"device '{device_id}' not found", field="deviceId")
    return device


def _update(store: DevicesStore, device: "entities.Device", request: UpdateDeviceRequest) -> Device:
    environment_id = device["environmentId"]
    read_at = device["updatedAt"]
    changed = cast("entities.Device", {**device, **_changes(environment_id, request)})
    if changed.get("tokenHash") != device.get("tokenHash"):
        changed.pop("disabledAt", None)  # a new token: its provider has not refused it
        changed.pop("disabledReason", None)
    changed["lastSeenAt"] = changed["updatedAt"] = max(clock.timestamp_now(), read_at)
    if not store.replace(changed, expected_updated_at=read_at):
        raise Conflict(f"device '{device['deviceId']}' changed meanwhile; try again", field="deviceId")
    store.summarise(environment_id, device["subscriberId"])
    return public(changed)


def _changes(environment_id: str, request: UpdateDeviceRequest) -> dict[str, Any]:
    """The attributes a request sets (its token as token, hash and hint)."""
    changes = request.model_dump(exclude_unset=True, exclude={"pushToken", "platform"})
    changes = {name: value for name, value in changes.items() if value is not None}
    if request.pushToken is not None:
        token = request.pushToken
        changes |= {
            "token": token,
            "tokenHash": device_token_hash(environment_id, token),
            "tokenHint": token[-TOKEN_HINT_LENGTH:] if len(token) >= MIN_HINTED_TOKEN else None,
        }
    return changes

"""A subscriber's devices in SubscribersTable: each in its subscriber's partition (the push sender reads them with
one Query), a pointer by device id (GET /v1/devices/{deviceId}), the ListIndex (every device of an environment, by
platform) and counters (Novu's totalCount in one read). docs/data-model.md, "Devices"."""

from collections.abc import Iterator
from itertools import islice
from typing import TYPE_CHECKING, Any, cast

from clarion.dynamo import NEW_ITEM, DynamoTable, Expression, Item, added, is_transaction_cancelled
from clarion.settings import settings
from clarion.store.keys import (
    DEVICE_POINTER_SK,
    DEVICE_PREFIX,
    PROFILE_SK,
    counters_pk,
    device_pk,
    device_sk,
    devices_counter_sk,
    devices_list_pk,
    subscriber_pk,
)

if TYPE_CHECKING:
    from clarion.store.entities import Device

MAX_DEVICES_PER_SUBSCRIBER = 20
LIST_INDEX = "ListIndex"
_PROFILE_EXISTS = "attribute_exists(pk)"


def is_active(device: "Device") -> bool:
    """A device the push sender publishes to: push-enabled, with a token, not disabled by its provider."""
    return bool(device.get("pushEnabled") and device.get("token") and not device.get("disabledAt"))


def profile_summary(devices: list["Device"]) -> Item:
    """What a segment reads about a profile's devices: `devices` ({platform: count}), `pushEnabled` (one device is
    active) and `lastSeenAt` (the latest of its devices')."""
    platforms: dict[str, int] = {}
    for device in devices:
        platforms[device["platform"]] = platforms.get(device["platform"], 0) + 1
    seen = [device["lastSeenAt"] for device in devices if device.get("lastSeenAt")]
    return {
        "devices": platforms,
        "pushEnabled": any(is_active(d) for d in devices),
        "lastSeenAt": max(seen, default=None),
    }


class DevicesStore:
    def __init__(self, table: DynamoTable | None = None) -> None:
        self.table = table or DynamoTable(settings().subscribers_table)

    def owner(self, environment_id: str, device_id: str) -> str | None:
        """The subscriber whose device `device_id` is, or None."""
        pointer = self.table.get(device_pk(environment_id, device_id), DEVICE_POINTER_SK, consistent=True)
        return None if pointer is None else str(pointer["subscriberId"])

    def get(self, environment_id: str, subscriber_id: str, device_id: str) -> "Device | None":
        item = self.table.get(subscriber_pk(environment_id, subscriber_id), device_sk(device_id), consistent=True)
        return cast("Device | None", item)

    def of_subscriber(self, environment_id: str, subscriber_id: str) -> list["Device"]:
        """The subscriber's devices (at most MAX_DEVICES_PER_SUBSCRIBER: one Query), in device id order."""
        items = self.table.partition_items(subscriber_pk(environment_id, subscriber_id), prefix=DEVICE_PREFIX)
        return cast("list[Device]", list(islice(items, MAX_DEVICES_PER_SUBSCRIBER)))

    def create(self, device: "Device") -> bool:
        """Puts a new device, its pointer and its counts in one transaction; False when its id is taken."""
        environment_id, device_id = device["environmentId"], device["deviceId"]
        pointer = {"pk": device_pk(environment_id, device_id), "sk": DEVICE_POINTER_SK}
        count = added(1)
        counters = counters_pk(environment_id)
        operations = [
            self.table.put_op(pointer | {"subscriberId": device["subscriberId"]}, NEW_ITEM),
            self.table.put_op(self._keyed(device), NEW_ITEM),
            self.table.update_op(counters, devices_counter_sk(), count),
            self.table.update_op(counters, devices_counter_sk(device["platform"]), count),
        ]
        try:
            self.table.transact(operations)
        except Exception as error:
            if is_transaction_cancelled(error):
                return False
            raise
        return True

    def forget(self, environment_id: str, devices: list["Device"]) -> None:
        """After their subscriber's partition was deleted: its devices' pointers go, and their counts."""
        if not devices:
            return
        self.table.batch_write(deletes=[(device_pk(environment_id, d["deviceId"]), DEVICE_POINTER_SK) for d in devices])
        per_platform: dict[str | None, int] = {None: len(devices)}
        for device in devices:
            per_platform[device["platform"]] = per_platform.get(device["platform"], 0) + 1
        for platform, count in per_platform.items():
            uncount = added(-count)
            self.table.update(counters_pk(environment_id), devices_counter_sk(platform), uncount)

    def replace(self, device: "Device", *, expected_updated_at: str) -> bool:
        """Writes the device over the one read (unchanged since `expected_updated_at`); False when it changed."""
        condition = Expression("updatedAt = :read", values={":read": expected_updated_at})
        return self.table.put(self._keyed(device), condition)

    def disable(self, device: "Device", *, reason: str, at: str) -> bool:
        """Marks the device disabled by its provider, unless its token changed since it was read."""
        pk, sk = subscriber_pk(device["environmentId"], device["subscriberId"]), device_sk(device["deviceId"])
        update = Expression(
            "SET disabledAt = :at, disabledReason = :reason, updatedAt = :at",
            values={":at": at, ":reason": reason, ":hash": device.get("tokenHash")},
        )
        return self.table.update(pk, sk, update, "tokenHash = :hash") is not None

    def summarise(self, environment_id: str, subscriber_id: str) -> None:
        """Writes the profile's device summary (profile_summary) from its devices as they are now."""
        summary = profile_summary(self.of_subscriber(environment_id, subscriber_id))
        names = {f"#{name}": name for name in summary}
        update = Expression(
            "SET " + ", ".join(f"#{name} = :{name}" for name in summary),
            names,
            {f":{name}": value for name, value in summary.items()},
        )
        self.table.update(subscriber_pk(environment_id, subscriber_id), PROFILE_SK, update, _PROFILE_EXISTS)

    def page(
        self, environment_id: str, *, platform: str | None, offset: int, limit: int
    ) -> tuple[list["Device"], bool]:
        """Devices `offset` to `offset + limit` of the environment (of one platform), in platform then id order,
        and whether more follow: the index's keys are skipped, only the page's items are read."""
        keys = list(islice(self._listed_keys(environment_id, platform), offset, offset + limit + 1))
        return cast("list[Device]", self.table.batch_get(keys[:limit], consistent=False)), len(keys) > limit

    def count(self, environment_id: str, platform: str | None) -> int:
        return self.table.count_at(counters_pk(environment_id), devices_counter_sk(platform))

    def _listed_keys(self, environment_id: str, platform: str | None) -> Iterator[Item]:
        key = Expression("listPk = :pk", values={":pk": devices_list_pk(environment_id)})
        if platform is not None:
            key = Expression(
                f"{key.text} AND begins_with(listSk, :prefix)", values=key.values | {":prefix": f"{platform}#"}
            )
        for item in self.table.query_items(key, index=LIST_INDEX, page_size=1000):
            yield {"pk": item["pk"], "sk": item["sk"]}

    @staticmethod
    def _keyed(device: "Device") -> dict[str, Any]:
        environment_id, device_id = device["environmentId"], device["deviceId"]
        return {
            **device,
            "pk": subscriber_pk(environment_id, device["subscriberId"]),
            "sk": device_sk(device_id),
            "listPk": devices_list_pk(environment_id),
            "listSk": f"{device['platform']}#{device_id}",
        }

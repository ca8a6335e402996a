"""A subscriber's credentials for one chat provider: one entry of the `channels` list on its profile item."""

from typing import Any

from clarion.clock import timestamp_now
from clarion.dynamo import DynamoTable, Expression, Item
from clarion.errors import Conflict, NotFound
from clarion.settings import settings
from clarion.store.keys import PROFILE_SK, subscriber_pk
from clarion.subscribers.fields import MAX_CHANNELS

_ATTEMPTS = 3


class SubscriberChannelsRepository:
    def __init__(self, table: DynamoTable | None = None) -> None:
        self.table = table or DynamoTable(settings().subscribers_table)

    def set_channel(self, environment_id: str, subscriber_id: str, channel: Item) -> None:
        """Replace the entry with the same providerId and integrationIdentifier, or append one; no other entry
        changes. Each write is conditioned on the list it read, so a concurrent change makes it read again."""
        pk = subscriber_pk(environment_id, subscriber_id)
        for _ in range(_ATTEMPTS):
            subscriber = self.table.get(pk, PROFILE_SK, consistent=True)
            if subscriber is None:
                raise NotFound(f"subscriber '{subscriber_id}' not found", field="subscriberId")
            update, condition = _channel_update(subscriber.get("channels"), channel)
            if self.table.update(pk, PROFILE_SK, update, condition) is not None:
                return
        raise Conflict("the subscriber's channels kept changing; try again", field="subscriberId")


def _channel_update(channels: Any, channel: Item) -> tuple[Expression, str]:
    """The UpdateItem that puts `channel` into the list as read, and the condition that the list is still so."""
    names = {"#channels": "channels", "#updatedAt": "updatedAt"}
    values: dict[str, Any] = {":now": timestamp_now(), ":channel": channel}
    if not isinstance(channels, list):
        values |= {":list": "L", ":channel": [channel]}
        update = "SET #channels = :channel, #updatedAt = :now"
        return Expression(update, names, values), "attribute_exists(pk) AND NOT attribute_type(#channels, :list)"
    values[":count"] = len(channels)
    index = _index_of(channels, channel)
    if index is None:
        if len(channels) >= MAX_CHANNELS:
            raise Conflict(f"the subscriber already holds credentials for {MAX_CHANNELS} providers", field="providerId")
        values[":channel"] = [channel]
        update = "SET #channels = list_append(#channels, :channel), #updatedAt = :now"
        return Expression(update, names, values), "size(#channels) = :count"
    names["#providerId"] = "providerId"
    values[":providerId"] = channel["providerId"]
    update = f"SET #channels[{index}] = :channel, #updatedAt = :now"
    return Expression(
        update, names, values
    ), f"size(#channels) = :count AND #channels[{index}].#providerId = :providerId"


def _index_of(channels: list[Any], channel: Item) -> int | None:
    """Where the entry for the same provider and integration is (a subscriber holds one per pair)."""
    key = (channel["providerId"], channel.get("integrationIdentifier"))
    for index, entry in enumerate(channels):
        if isinstance(entry, dict) and (entry.get("providerId"), entry.get("integrationIdentifier")) == key:
            return index
    return None

"""Push actions in MessagesTable: one item per (message, action) in the message's partition (what makes a duplicate
idempotent), a copy in each listing partition (campaign, subscriber, device) and their counters, written in one
transaction (docs/data-model.md, "Push actions")."""

from collections.abc import Iterator
from datetime import date
from itertools import islice
from typing import Any

from clarion.actions.models import COUNTER_OF
from clarion.dynamo import NEW_ITEM, DynamoTable, Expression, Item
from clarion.settings import settings
from clarion.store.keys import (
    ACTION_PREFIX,
    ACTIONS_BY_CAMPAIGN,
    ACTIONS_BY_DEVICE,
    ACTIONS_BY_SUBSCRIBER,
    ACTIONS_COUNT_SK,
    ACTIONS_DAY_COUNT_PREFIX,
    action_copy_sk,
    action_sk,
    actions_day_count_sk,
    actions_pk,
    record_pk,
)

CAMPAIGN, SUBSCRIBER, DEVICE = ACTIONS_BY_CAMPAIGN, ACTIONS_BY_SUBSCRIBER, ACTIONS_BY_DEVICE
_PUBLIC = ("pk", "sk", "expiresAt")


class ActionsStore:
    def __init__(self, table: DynamoTable | None = None) -> None:
        self.table = table or DynamoTable(settings().messages_table)

    def record(self, action: Item) -> bool:
        """Writes the action, its copies and its counts; False (nothing written) when its message has it already."""
        environment_id, at = action["environmentId"], action["at"]
        primary = {"pk": record_pk(environment_id, action["messageId"]), "sk": action_sk(action["action"])}
        operations = [self.table.put_op(action | primary, NEW_ITEM)]
        for kind, owner_id in _owners(action):
            pk = actions_pk(environment_id, kind, owner_id)
            operations.append(self.table.put_op(action | {"pk": pk, "sk": action_copy_sk(at, action["actionId"])}))
            operations.append(self.table.update_op(pk, ACTIONS_COUNT_SK, _counted(action, campaign=kind == CAMPAIGN)))
            if kind == CAMPAIGN:
                operations.append(self.table.update_op(pk, actions_day_count_sk(at[:10]), _counted(action, True)))
        return self.table.transact_unless_refused(operations)

    def get(self, environment_id: str, message_id: str, action: str) -> Item | None:
        item = self.table.get(record_pk(environment_id, message_id), action_sk(action), consistent=True)
        return None if item is None else public(item)

    def page(
        self, environment_id: str, kind: str, owner_id: str, *, offset: int, limit: int
    ) -> tuple[list[Item], bool]:
        """Actions `offset` to `offset + limit` of a listing partition, newest first, and whether more follow."""
        items = self.table.partition_items(
            actions_pk(environment_id, kind, owner_id), prefix=ACTION_PREFIX, newest_first=True
        )
        found = [public(item) for item in islice(items, offset, offset + limit + 1)]
        return found[:limit], len(found) > limit

    def count(self, environment_id: str, kind: str, owner_id: str) -> int:
        return self.table.count_at(actions_pk(environment_id, kind, owner_id), ACTIONS_COUNT_SK)

    def campaign_days(self, environment_id: str, campaign_id: str, since: date, until: date) -> Iterator[Item]:
        """The campaign's action counts per UTC day from `since` to `until` (both included): one key range."""
        key = Expression(
            "pk = :pk AND sk BETWEEN :first AND :last",
            values={
                ":pk": actions_pk(environment_id, CAMPAIGN, campaign_id),
                ":first": actions_day_count_sk(since.isoformat()),
                ":last": actions_day_count_sk(until.isoformat()),
            },
        )
        for item in self.table.query_items(key):
            yield public(item) | {"day": item["sk"].removeprefix(ACTIONS_DAY_COUNT_PREFIX)}


def campaign_days(environment_id: str, campaign_id: str, since: date, until: date) -> Iterator[Item]:
    return ActionsStore().campaign_days(environment_id, campaign_id, since, until)


def public(item: Item) -> Item:
    return {name: value for name, value in item.items() if name not in _PUBLIC and name != "environmentId"}


def _owners(action: Item) -> list[tuple[str, str]]:
    owners = [(SUBSCRIBER, action["subscriberId"])]
    if action.get("campaignId"):
        owners.append((CAMPAIGN, action["campaignId"]))
    if action.get("deviceId"):
        owners.append((DEVICE, action["deviceId"]))
    return owners


def _counted(action: Item, campaign: bool) -> Expression:
    """`ADD total 1` (and, in a campaign's counters, the action's own counter, opened, clicked or dismissed, in all
    and for the action's channel)."""
    names: dict[str, Any] = {"#total": "total"}
    text = "ADD #total :one"
    if campaign:
        names["#action"] = COUNTER_OF[action["action"]]
        names["#channel"] = channel_counter(COUNTER_OF[action["action"]], action["channel"])
        text += ", #action :one, #channel :one"
    return Expression(text, names, {":one": 1})


def channel_counter(counter: str, channel: str) -> str:
    """The attribute of a campaign's counter (opened, clicked, dismissed) for one channel: `opened:push`."""
    return f"{counter}:{channel}"

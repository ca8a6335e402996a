"""In-app messages in MessagesTable (keys in clarion.store.keys, indexes in clarion.inbox.storage)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from itertools import islice
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from clarion import clock
from clarion.aws import client
from clarion.dynamo import (
    CONDITION_FAILED,
    NEW_ITEM,
    DynamoTable,
    Expression,
    Item,
    cancellation_reasons,
    is_condition_failed,
    is_transaction_cancelled,
)
from clarion.errors import Conflict
from clarion.ids import new_id
from clarion.inbox.expiry import ExpiredCampaigns, ExpiredCampaignsRepository
from clarion.inbox.storage import FEED_INDEX, UNSEEN_INDEX, message_expiry_key
from clarion.settings import settings
from clarion.store.keys import INBOX_MESSAGE_PREFIX, feed_sk, inbox_message_sk, inbox_pk, unseen_pk

if TYPE_CHECKING:
    from clarion.store.entities import InboxMessage

RETENTION_SECONDS = 180 * 24 * 3600  # a message's life in the inbox when it does not carry its own `expireAt`
PAYLOAD_FILTER_DEPTH = 3  # Novu compares payload filters key by key down to three levels, whole values below
TRANSACTION_SIZE = 100
TRANSACTION_ATTEMPTS = 5
_VISIBLE = "attribute_exists(pk) AND expiresAt > :now AND NOT #deleted = :true"


class FeedFilter(NamedTuple):
    """Which of an inbox's visible messages a read or a change is about; a field left None does not filter."""

    read: bool | None = None
    seen: bool | None = None
    payload: dict[str, Any] | None = None
    feeds: list[str] | None = None

    def expression(self, now: float) -> Expression:
        """Visible (not expired, not deleted) messages matching every field that is set."""
        parts = ["expiresAt > :now", "NOT #deleted = :true"]
        names = {"#deleted": "deleted"}
        values: Item = {":now": now, ":true": True}
        for flag, value in (("read", self.read), ("seen", self.seen)):
            if value is not None:
                parts.append(f"#{flag} = :{flag}")
                names[f"#{flag}"], values[f":{flag}"] = flag, value
        if self.feeds:
            feeds = {f":feed{number}": feed for number, feed in enumerate(self.feeds)}
            parts.append(f"#feed IN ({', '.join(feeds)})")
            names["#feed"], values = "_feedId", values | feeds
        for number, (path, value) in enumerate(_flatten(self.payload or {}, PAYLOAD_FILTER_DEPTH)):
            placeholders = [_placeholder(names, key) for key in ("payload", *path)]
            parts.append(f"{'.'.join(placeholders)} = :payload{number}")
            values[f":payload{number}"] = value
        return Expression(" AND ".join(parts), names, values)


class InboxRepository:
    def __init__(self, table: DynamoTable | None = None) -> None:
        self.table = table or DynamoTable(settings().messages_table)
        self._expired: dict[str, ExpiredCampaigns] = {}

    def expired_campaigns(self, environment_id: str) -> ExpiredCampaigns:
        """The environment's expire-inbox markers, read once for this repository (one request)."""
        if environment_id not in self._expired:
            self._expired[environment_id] = ExpiredCampaignsRepository(self.table).of_environment(environment_id)
        return self._expired[environment_id]

    def put_message(self, environment_id: str, subscriber_id: str, message: Item) -> InboxMessage:
        """Delivers an in-app message to the subscriber's inbox and returns the stored item. `message` has Novu's
        message shape; fields it leaves out get Novu's defaults (unseen, unread, sent, expiring after retention)."""
        now = clock.timestamp_now()
        stored = cast("InboxMessage", _novu_defaults(environment_id, subscriber_id, now) | message)
        expires_at = int(datetime.fromisoformat(stored["expireAt"].replace("Z", "+00:00")).timestamp())
        item = stored | {
            "pk": inbox_pk(environment_id, subscriber_id),
            "sk": inbox_message_sk(stored["_id"]),
            "feedSk": feed_sk(stored["createdAt"], stored["_id"]),
            "expiresAt": expires_at,
            "expiryKey": message_expiry_key(expires_at, stored["_id"]),
        }
        if not stored["seen"]:
            item["unseenPk"] = unseen_pk(environment_id, subscriber_id)
        if not self.table.put(item, NEW_ITEM):
            raise Conflict(f"message '{stored['_id']}' is already in the inbox", field="_id")
        return item

    def get(self, environment_id: str, subscriber_id: str, message_id: str, *, now: float) -> InboxMessage | None:
        """The message if it is in the subscriber's inbox and visible."""
        found = self.table.get(inbox_pk(environment_id, subscriber_id), inbox_message_sk(message_id), consistent=True)
        item = cast("InboxMessage | None", found)
        if item is None or item["expiresAt"] <= now or item.get("deleted"):
            return None
        return None if self.expired_campaigns(environment_id).hides(item) else item

    def feed(
        self, environment_id: str, subscriber_id: str, feed_filter: FeedFilter, *, now: float, offset: int, limit: int
    ) -> tuple[list[InboxMessage], bool]:
        """Messages `offset` to `offset + limit` of the filtered feed, newest first, and whether more follow."""
        matching = self._matching(
            environment_id, subscriber_id, feed_filter, now, page_size=min(offset + limit + 1, 1000)
        )
        window = list(islice(matching, offset, offset + limit + 1))
        return window[:limit], len(window) > limit

    def count(
        self, environment_id: str, subscriber_id: str, feed_filter: FeedFilter, *, now: float, at_most: int
    ) -> int:
        return sum(1 for _ in islice(self._matching(environment_id, subscriber_id, feed_filter, now), at_most))

    def unseen_count(self, environment_id: str, subscriber_id: str, *, now: float, at_most: int) -> int:
        """Counted on the sparse UnseenIndex, which projects only what tells a visible message (its expiry, campaign
        and time): a message past its expiry, or of a campaign whose inbox was expired, is not counted."""
        expired = self.expired_campaigns(environment_id)
        key = Expression("unseenPk = :pk", values={":pk": unseen_pk(environment_id, subscriber_id)})
        unexpired = Expression("expiresAt > :now", values={":now": now})
        items = self.table.query_items(key, index=UNSEEN_INDEX, where=unexpired, page_size=max(at_most, 25))
        return sum(1 for _ in islice((item for item in items if not expired.hides(item)), at_most))

    def remove(self, environment_id: str, subscriber_id: str, message_id: str, campaign_id: str) -> bool:
        """Deletes the message from the subscriber's inbox if it is there and of that campaign."""
        condition = Expression("attribute_exists(pk) AND #tpl = :tpl", {"#tpl": "_templateId"}, {":tpl": campaign_id})
        op = self.table.delete_op(inbox_pk(environment_id, subscriber_id), inbox_message_sk(message_id))["Delete"]
        op |= condition.params("ConditionExpression")
        try:
            client("dynamodb").delete_item(**op)
        except Exception as error:
            if is_condition_failed(error):
                return False
            raise
        return True

    def remove_campaign_messages(self, environment_id: str, subscriber_id: str, campaign_id: str) -> int:
        """Deletes every message of the campaign from the subscriber's inbox; returns how many there were."""
        where = Expression("#tpl = :tpl", {"#tpl": "_templateId"}, {":tpl": campaign_id})
        items = self.table.partition_items(
            inbox_pk(environment_id, subscriber_id), prefix=INBOX_MESSAGE_PREFIX, where=where
        )
        keys = [(item["pk"], item["sk"]) for item in items]
        if keys:
            self.table.batch_write(deletes=keys)
        return len(keys)

    def mark(
        self, environment_id: str, subscriber_id: str, message_ids: Iterable[str], changes: Item, *, now: float
    ) -> list[InboxMessage]:
        """Sets `changes` on each of these messages that is in the subscriber's inbox and visible; the others are
        skipped (a deleted one too: marking it unseen would count it again). Returns the changed messages."""
        update = _marking(changes, unseen_pk(environment_id, subscriber_id), now)
        update = Expression(update.text, update.names | {"#deleted": "deleted"}, update.values | {":true": True})
        changed = []
        for message_id in dict.fromkeys(message_ids):
            pk, sk = inbox_pk(environment_id, subscriber_id), inbox_message_sk(message_id)
            item = self.table.update(pk, sk, update, condition=_VISIBLE)
            if item is not None:
                changed.append(cast("InboxMessage", item))
        return changed

    def mark_all(
        self, environment_id: str, subscriber_id: str, feed_filter: FeedFilter, changes: Item, *, now: float
    ) -> int:
        """Sets `changes` on every visible message matching `feed_filter`, 100 a transaction; returns how many
        changed (a message changed meanwhile by another request so that it no longer matches is left out)."""
        where = feed_filter.expression(now)
        update = _marking(changes, unseen_pk(environment_id, subscriber_id), now)
        update = Expression(update.text, update.names | where.names, update.values | where.values)
        matching = self._matching(environment_id, subscriber_id, feed_filter, now, page_size=TRANSACTION_SIZE)
        changed = 0
        while chunk := list(islice(matching, TRANSACTION_SIZE)):
            operations = [
                self.table.update_op(item["pk"], item["sk"], update, condition=f"attribute_exists(pk) AND {where.text}")
                for item in chunk
            ]
            changed += self._write_still_matching(operations)
        return changed

    def set_cta(
        self, environment_id: str, subscriber_id: str, message_id: str, cta: Item, *, now: float
    ) -> InboxMessage | None:
        """Replaces the message's call to action; None if the message is no longer in the inbox."""
        values = {":cta": cta, ":updatedAt": clock.timestamp_now(), ":now": now}
        update = Expression("SET cta = :cta, updatedAt = :updatedAt", values=values)
        pk, sk = inbox_pk(environment_id, subscriber_id), inbox_message_sk(message_id)
        changed = self.table.update(pk, sk, update, condition="attribute_exists(pk) AND expiresAt > :now")
        return cast("InboxMessage | None", changed)

    def _matching(
        self, environment_id: str, subscriber_id: str, feed_filter: FeedFilter, now: float, page_size: int = 100
    ) -> Iterator[InboxMessage]:
        """The inbox's visible messages matching the filter, newest first by creation time (InboxFeedIndex)."""
        expired = self.expired_campaigns(environment_id)
        items = self._newest_first(
            inbox_pk(environment_id, subscriber_id), feed_filter.expression(now), max(page_size, 25)
        )
        return (item for item in items if not expired.hides(item))

    def _newest_first(self, pk: str, where: Expression, page_size: int) -> Iterator[InboxMessage]:
        key = Expression("pk = :pk", values={":pk": pk})
        items = self.table.query_items(key, index=FEED_INDEX, where=where, newest_first=True, page_size=page_size)
        return cast("Iterator[InboxMessage]", items)

    def _write_still_matching(self, operations: list[dict[str, Any]]) -> int:
        """Runs the updates in one transaction, leaving out those whose condition no longer holds; returns how many
        were written."""
        for _ in range(TRANSACTION_ATTEMPTS):
            if not operations:
                return 0
            try:
                self.table.transact(operations)
                return len(operations)
            except Exception as error:
                if not is_transaction_cancelled(error):
                    raise
                reasons = cancellation_reasons(error)
                operations = [op for op, reason in zip(operations, reasons, strict=True) if reason != CONDITION_FAILED]
        raise Conflict("the inbox is being changed by other requests; retry")


def _marking(changes: Item, unseen_key: str, now: float) -> Expression:
    """The update setting `changes`; a message stays in UnseenIndex exactly while it is unseen."""
    names = {f"#{name}": name for name in changes}
    values: Item = {f":new{name}": value for name, value in changes.items()} | {":now": now}
    text = "SET " + ", ".join(f"#{name} = :new{name}" for name in changes)
    if changes.get("deleted") is True:  # a deleted message leaves UnseenIndex, seen or not
        text += " REMOVE unseenPk"
    elif changes.get("seen") is False:
        text += ", unseenPk = :unseenPk"
        values[":unseenPk"] = unseen_key
    elif changes.get("seen") is True:
        text += " REMOVE unseenPk"
    return Expression(text, names, values)


def _novu_defaults(environment_id: str, subscriber_id: str, now: str) -> Item:
    expires = datetime.fromtimestamp(clock.epoch_seconds() + RETENTION_SECONDS, UTC)
    return {
        "_id": new_id(),
        "_environmentId": environment_id,
        "_organizationId": settings().organization_id,
        "_subscriberId": subscriber_id,
        "subscriberId": subscriber_id,
        "channel": "in_app",
        "content": "",
        "cta": {"type": "redirect", "data": {}, "action": {"buttons": [], "result": {}}},
        "payload": {},
        "seen": False,
        "read": False,
        "lastSeenDate": None,
        "lastReadDate": None,
        "createdAt": now,
        "updatedAt": now,
        "expireAt": clock.timestamp(expires),
        "status": "sent",
        "deleted": False,
    }


def _flatten(document: dict[str, Any], depth: int, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """(path, value) of each leaf of `document`, descending into objects at most `depth` levels."""
    for key, value in document.items():
        if isinstance(value, dict) and depth > 1:
            yield from _flatten(value, depth - 1, (*path, key))
        else:
            yield (*path, key), value


def _placeholder(names: dict[str, str], attribute: str) -> str:
    """The `#name` standing for `attribute`, added to `names` on first use (any text can be an attribute name)."""
    for placeholder, name in names.items():
        if name == attribute:
            return placeholder
    placeholder = f"#a{len(names)}"
    names[placeholder] = attribute
    return placeholder

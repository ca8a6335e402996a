"""The in-app feed: what a subscriber sees, and marking what it saw, read or acted on, as Novu's v1 API does."""

import base64
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from clarion import clock
from clarion.dynamo import Item
from clarion.errors import NotFound, ValidationFailed
from clarion.inbox.models import ActionRequest, ActionType, MarkAllRequest, MarkAs, MarkAsRequest, Message, UnseenCount
from clarion.inbox.repository import FeedFilter, InboxRepository
from clarion.inbox.storage import STORAGE_ATTRIBUTES
from clarion.models import NovuPage
from clarion.principal import Principal
from clarion.subscribers.repository import SubscribersRepository

if TYPE_CHECKING:
    from clarion.store.entities import InboxMessage

# the messages each mark-all changes: those not in that state yet
_NOT_YET: dict[MarkAs, FeedFilter] = {
    "read": FeedFilter(read=False),
    "unread": FeedFilter(read=True),
    "seen": FeedFilter(seen=False),
    "unseen": FeedFilter(seen=True),
}
_DELETION: Item = {"deleted": True}
_BAD_PAYLOAD = "Invalid payload, the JSON object should be encoded to base64 string."
# each key becomes part of one DynamoDB filter expression, which has a size limit; empty names are refused
MAX_PAYLOAD_FILTER_KEYS = 50


def feed(
    caller: Principal,
    subscriber_id: str,
    *,
    page: int,
    limit: int,
    read: bool | None = None,
    seen: bool | None = None,
    payload: str | None = None,
    feed_identifiers: list[str] | None = None,
) -> NovuPage[Message]:
    """A page of the subscriber's feed, newest first; `payload` is base64 of a JSON object the messages' payloads
    must contain."""
    payload_filter = _decoded_payload(payload) if payload else None
    _require_subscriber(caller, subscriber_id)
    feed_filter = FeedFilter(read=read, seen=seen, payload=payload_filter, feeds=feed_identifiers)
    items, has_more = InboxRepository().feed(
        caller.environment_id, subscriber_id, feed_filter, now=clock.epoch_seconds(), offset=page * limit, limit=limit
    )
    messages = [_message(item) for item in items]
    # Novu's v1 feed counts no further than one page from the page's start: its totalCount is the page's size
    return NovuPage(page=page, totalCount=len(messages), pageSize=limit, hasMore=has_more, data=messages)


def unseen_count(
    caller: Principal, subscriber_id: str, *, seen: bool, limit: int, feed_identifiers: list[str] | None = None
) -> UnseenCount:
    """How many messages are unseen (or seen, with `seen`), counting no further than `limit`."""
    return count(caller, subscriber_id, seen=seen, limit=limit, feed_identifiers=feed_identifiers)


def count(
    caller: Principal,
    subscriber_id: str,
    *,
    seen: bool | None = None,
    read: bool | None = None,
    limit: int,
    feed_identifiers: list[str] | None = None,
) -> UnseenCount:
    """How many visible messages match the filters, counting no further than `limit`; the plain unseen count reads
    the sparse UnseenIndex."""
    _require_subscriber(caller, subscriber_id)
    inbox, now = InboxRepository(), clock.epoch_seconds()
    if seen is False and read is None and not feed_identifiers:
        return UnseenCount(count=inbox.unseen_count(caller.environment_id, subscriber_id, now=now, at_most=limit))
    feed_filter = FeedFilter(seen=seen, read=read, feeds=feed_identifiers)
    return UnseenCount(count=inbox.count(caller.environment_id, subscriber_id, feed_filter, now=now, at_most=limit))


def mark_as(caller: Principal, subscriber_id: str, request: MarkAsRequest) -> list[Message]:
    """Marks the messages; ids that are not the subscriber's visible messages are left out of the answer."""
    changes = _requested_changes(request, clock.timestamp_now())
    _require_subscriber(caller, subscriber_id)
    inbox = InboxRepository()
    changed = inbox.mark(caller.environment_id, subscriber_id, request.messageId, changes, now=clock.epoch_seconds())
    if changes.get("read"):  # a message read is opened (docs/api.md, "Push actions")
        for item in changed:
            _record_action(caller.environment_id, subscriber_id, item, "open")
    expired = inbox.expired_campaigns(caller.environment_id)
    return [_message(item) for item in changed if not expired.hides(item)]


def mark_all(caller: Principal, subscriber_id: str, request: MarkAllRequest) -> int:
    """Marks every visible message (of the given feeds) not yet in that state; returns how many changed."""
    _require_subscriber(caller, subscriber_id)
    feed_filter = _NOT_YET[request.markAs]._replace(feeds=request.feedIdentifier)
    changes = _status_changes(request.markAs, clock.timestamp_now())
    return InboxRepository().mark_all(
        caller.environment_id, subscriber_id, feed_filter, changes, now=clock.epoch_seconds()
    )


def remove(caller: Principal, subscriber_id: str, message_id: str) -> Message:
    """Deletes one of the subscriber's visible messages, as Novu does (`deleted`: it leaves every feed and count, and
    no mark reaches it); the message as it is now."""
    removed = remove_many(caller, subscriber_id, [message_id])
    if not removed:
        raise NotFound(f"Message {message_id} not found", field="messageId", value=message_id)
    return removed[0]


def remove_many(caller: Principal, subscriber_id: str, message_ids: list[str]) -> list[Message]:
    """Deletes those of the messages that are the subscriber's visible ones; the others are left out of the answer."""
    _require_subscriber(caller, subscriber_id)
    inbox, now = InboxRepository(), clock.timestamp_now()
    changed = inbox.mark(
        caller.environment_id, subscriber_id, message_ids, _DELETION | {"updatedAt": now}, now=clock.epoch_seconds()
    )
    expired = inbox.expired_campaigns(caller.environment_id)
    return [_message(item) for item in changed if not expired.hides(item)]


def remove_all(caller: Principal, subscriber_id: str, feed_identifiers: list[str] | None = None) -> int:
    """Deletes every visible message (of the given feeds); returns how many."""
    _require_subscriber(caller, subscriber_id)
    changes = _DELETION | {"updatedAt": clock.timestamp_now()}
    return InboxRepository().mark_all(
        caller.environment_id, subscriber_id, FeedFilter(feeds=feed_identifiers), changes, now=clock.epoch_seconds()
    )


def act(
    caller: Principal, subscriber_id: str, message_id: str, action_type: ActionType, request: ActionRequest
) -> Message:
    """Records the subscriber's answer to a message's primary or secondary button."""
    _require_subscriber(caller, subscriber_id)
    inbox, now = InboxRepository(), clock.epoch_seconds()
    message = inbox.get(caller.environment_id, subscriber_id, message_id, now=now)
    if message is not None:
        cta = message.get("cta") or {"type": "redirect", "data": {}}
        action = cta.get("action") or {"buttons": []}
        result = (action.get("result") or {}) | {"type": action_type}
        if request.payload is not None:
            result["payload"] = request.payload
        action = action | {"status": request.status, "result": result}
        message = inbox.set_cta(caller.environment_id, subscriber_id, message_id, cta | {"action": action}, now=now)
    if message is None:
        raise NotFound(f"Message {message_id} not found", field="messageId", value=message_id)
    _record_action(caller.environment_id, subscriber_id, message, "click", button_id=action_type)
    return _message(message)


def _status_changes(mark_as: MarkAs, now: str) -> Item:
    """What marking as `mark_as` sets (Novu's rules: read implies seen; unread leaves the message seen)."""
    changes: dict[MarkAs, Item] = {
        "read": {"read": True, "lastReadDate": now, "seen": True, "lastSeenDate": now},
        "unread": {"read": False, "lastReadDate": now, "seen": True, "lastSeenDate": now},
        "seen": {"seen": True, "lastSeenDate": now},
        "unseen": {"seen": False, "lastSeenDate": now},
    }
    return changes[mark_as] | {"updatedAt": now}


def _requested_changes(request: MarkAsRequest, now: str) -> Item:
    """The changes `markAs` asks for, or those of Novu's older `mark: {seen?, read?}` form."""
    if request.markAs and request.mark:
        raise ValidationFailed("give either markAs or mark, not both", field="mark")
    if request.markAs:
        return _status_changes(request.markAs, now)
    mark = request.mark
    if mark is None or (mark.seen is None and mark.read is None):
        raise ValidationFailed("markAs is required: read, seen, unread or unseen", field="markAs")
    changes: Item = {"updatedAt": now}
    if mark.seen is not None or mark.read:
        changes |= {"seen": bool(mark.seen) or bool(mark.read), "lastSeenDate": now}
    if mark.read is not None:
        changes |= {"read": mark.read, "lastReadDate": now}
    return changes


def _decoded_payload(encoded: str) -> dict[str, Any]:
    """The JSON object `encoded` holds in base64 (standard or URL-safe, padded or not)."""
    text = encoded.strip().replace(" ", "+").replace("-", "+").replace("_", "/")  # an unencoded '+' arrives as ' '
    try:
        value = json.loads(base64.b64decode(text + "=" * (-len(text) % 4), validate=True), parse_constant=_no_nan)
    except ValueError as error:
        raise ValidationFailed(_BAD_PAYLOAD, field="payload", value=encoded) from error
    if not isinstance(value, dict):
        raise ValidationFailed(_BAD_PAYLOAD, field="payload", value=encoded)
    keys = _keys(value)
    if not all(keys) or len(keys) > MAX_PAYLOAD_FILTER_KEYS:
        message = f"payload filter keys must be non-empty, at most {MAX_PAYLOAD_FILTER_KEYS} of them"
        raise ValidationFailed(message, field="payload", value=encoded)
    return value


def _no_nan(constant: str) -> Any:
    raise ValueError(f"{constant} is not a JSON number")


def _keys(value: Any) -> list[str]:
    """The keys of the object and of the objects nested in it."""
    if not isinstance(value, dict):
        return []
    return [*value, *(key for nested in value.values() for key in _keys(nested))]


def _require_subscriber(caller: Principal, subscriber_id: str) -> None:
    if SubscribersRepository().get(caller.environment_id, subscriber_id) is None:
        raise NotFound(f"Subscriber with id: {subscriber_id} not found", field="subscriberId", value=subscriber_id)


def _message(item: Mapping[str, Any]) -> Message:
    return Message.model_validate({name: value for name, value in item.items() if name not in STORAGE_ATTRIBUTES})


def _record_action(
    environment_id: str, subscriber_id: str, message: "InboxMessage", action: str, button_id: str | None = None
) -> None:
    # the actions' service with the devices', campaigns' and records' stores (~2-3 ms) loads with the first read or
    # clicked message: the feed's other routes never need it
    from clarion.actions import service as actions  # noqa: PLC0415 - cold start, docs/architecture.md

    actions.record_inbox_action(environment_id, subscriber_id, message, action, button_id)

"""Digest windows and throttle counters of journey steps, in MessagesTable (docs/data-model.md, "Journey runs").

Digest (Novu's): ENV#<env>#DIGEST#<campaign>#<step>#<subscriber>#<key hash>, sk CURRENT names the open window's
leader and end; sk WINDOW#<leader transactionId> collects the window's events. The first run of a window leads:
it waits until the window's end, closes the window and sends once with every event; a later run in the window
appends its payload there and ends ("digested"). Two runs racing to lead are settled by a conditional write.

Throttle (Novu's): ENV#<env>#THROTTLE#<campaign>#<step>#<subscriber>#<key hash>, sk WINDOW#<window start>: a
counter per fixed window; a run passes only if its conditional increment keeps it at most `limit`.
"""

import hashlib
from typing import Any, NamedTuple

from clarion import clock
from clarion.aws import client
from clarion.conditions import lookup
from clarion.dynamo import NEW_ITEM, DynamoTable, Expression, Item, is_condition_failed
from clarion.settings import settings
from clarion.store.keys import DIGEST_CURRENT_SK, window_sk

MAX_DIGEST_EVENTS = 50  # events kept for the template; `count` counts them all
# runs remembered past the events' cap, so that a retried task counts once (21 bytes each: ~105 KB of the item)
MAX_DIGEST_MEMBERS = 5_000


def key_hash(payload: dict[str, Any], path: str | None) -> str:
    """The digest or throttle key: the payload's value at `path` (hashed: any text fits a key)."""
    value = lookup(payload, path) if path else ""
    text = "" if not isinstance(value, str | int | float | bool) else str(value)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


class DigestEntry(NamedTuple):
    leader: bool
    until: float  # epoch seconds: the window's end


class Digests:
    def __init__(self, table: DynamoTable | None = None) -> None:
        self.table = table or DynamoTable(settings().messages_table)

    def enter(
        self, pk: str, transaction_id: str, payload: dict[str, Any], window_seconds: int, triggered_at: str = ""
    ) -> DigestEntry:
        """Joins the open window (its leader sends this payload too) or opens a new one led by this run.
        `triggered_at` orders the events on release: runs reach their digest step in any order."""
        event = {"at": triggered_at, "payload": payload}
        for _ in range(5):
            current = self.table.get(pk, DIGEST_CURRENT_SK, consistent=True)
            now = clock.epoch_seconds()
            if current is not None and current["leader"] == transaction_id:
                return DigestEntry(True, float(current["until"]))  # a retried task
            open_window = current is not None and float(current["until"]) > now
            if current is not None and open_window and self._append(pk, current["leader"], transaction_id, event):
                return DigestEntry(False, float(current["until"]))
            until = now + window_seconds
            if self._lead(pk, current, transaction_id, event, until):
                return DigestEntry(True, until)
        raise RuntimeError("digest window contended too long")

    def release(self, pk: str, transaction_id: str) -> Item:
        """Closes the leader's window: its events and count."""
        update = Expression("SET closed = :true", values={":true": True})
        window = self.table.update(pk, window_sk(transaction_id), update, condition="attribute_exists(pk)")
        if window is None:
            return {"events": [], "count": 0}
        entries = [_timed(entry) for entry in window.get("events") or []]
        entries.sort(key=lambda entry: entry["at"])  # stable: ties keep the order the runs arrived in
        return {"events": [entry["payload"] for entry in entries], "count": int(window.get("count") or 0)}

    def _append(self, pk: str, leader: str, transaction_id: str, event: dict[str, Any]) -> bool:
        """Adds the run's event to the open window (once: a retried task finds itself among the members)."""
        sk = window_sk(leader)
        member = key_hash({"t": transaction_id}, "t")
        values = {":one": 1, ":false": False, ":event": [event], ":cap": MAX_DIGEST_EVENTS, ":member": member}
        with_event = Expression(
            "SET events = list_append(events, :event) ADD #count :one, members :members",
            {"#count": "count"},
            values | {":members": {member}},
        )
        condition = "closed = :false AND #count < :cap AND NOT contains(members, :member)"
        if self.table.update(pk, sk, with_event, condition=condition) is not None:
            return True
        if self._counted(pk, sk, member):
            return True
        remembered = Expression(
            "ADD #count :one, members :members",
            {"#count": "count"},
            {":one": 1, ":false": False, ":member": member, ":members": {member}, ":mcap": MAX_DIGEST_MEMBERS},
        )
        condition = "closed = :false AND NOT contains(members, :member) AND size(members) < :mcap"
        if self.table.update(pk, sk, remembered, condition=condition) is not None:
            return True
        if self._counted(pk, sk, member):
            return True
        count_only = Expression("ADD #count :one", {"#count": "count"}, {":one": 1, ":false": False})
        return self.table.update(pk, sk, count_only, condition="closed = :false") is not None  # past both caps

    def _counted(self, pk: str, sk: str, member: str) -> bool:
        window = self.table.get(pk, sk, consistent=True) or {}
        return member in (window.get("members") or set())

    def _lead(self, pk: str, current: Item | None, transaction_id: str, event: dict[str, Any], until: float) -> bool:
        expires = int(until) + 7 * 86400
        window = {"pk": pk, "sk": window_sk(transaction_id), "events": [event], "count": 1, "closed": False}
        self.table.put(window | {"expiresAt": expires})
        condition = (
            NEW_ITEM if current is None else Expression("leader = :leader", values={":leader": current["leader"]})
        )
        pointer = {"pk": pk, "sk": DIGEST_CURRENT_SK, "leader": transaction_id, "until": until, "expiresAt": expires}
        return self.table.put(pointer, condition)


def _timed(entry: dict[str, Any]) -> dict[str, Any]:
    """A window's event; one a window stored before events carried their trigger time sorts first."""
    return entry if set(entry) == {"at", "payload"} else {"at": "", "payload": entry}


class Throttles:
    def __init__(self, table: DynamoTable | None = None) -> None:
        self.table = table or DynamoTable(settings().messages_table)

    def admit(self, pk: str, limit: int, window_seconds: int, ticket: str) -> bool:
        """Whether one more run passes in the current fixed window. `ticket` (the run) makes a retried task count
        once: a run already admitted in the window passes again without counting."""
        start = int(clock.epoch_seconds()) // window_seconds * window_seconds
        update = Expression(
            "ADD hits :one, tickets :ticket SET expiresAt = :expires",
            values={":one": 1, ":ticket": {ticket}, ":limit": limit, ":expires": start + window_seconds + 86400},
        )
        condition = "(attribute_not_exists(hits) OR hits < :limit) AND NOT contains(tickets, :t)"
        update.values[":t"] = ticket
        try:
            client("dynamodb").update_item(**self.table.update_op(pk, window_sk(start), update, condition)["Update"])
        except Exception as error:
            if not is_condition_failed(error):
                raise
            window = self.table.get(pk, window_sk(start), consistent=True) or {}
            return ticket in (window.get("tickets") or set())
        return True

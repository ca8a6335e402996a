"""Analytics items in MessagesTable: raw hits (with a TTL) that claim their counting, and the hourly rollups.

MessagesTable `ENV#<env>#SESSION#<sessionId>` / `SESSION`       a session's start and end (expire with `expiresAt`)
MessagesTable `ENV#<env>#LOCHIT#<hitId>` / `LOCATION`           one coarse location hit (expires with `expiresAt`)
MessagesTable `ENV#<env>#SEEN#<user>` / `FIRST_SEEN`            when a user was first seen (kept)
MessagesTable `ENV#<env>#ANALYTICS` / `HOUR#<yyyy-mm-ddThh>`    an hour's counters, distinct-users sketch, version
MessagesTable `ENV#<env>#ANALYTICS` / `PLACES#<hour>#<place>`   an hour's hits of one place

A hit is counted in the same transaction as its claim (a conditional write of its raw item), so a hit sent again
fails its condition and counts nothing, and a counted hit is never lost between its claim and its counters. An
hour's sketch is read first and written back only when a user raises one of its registers, conditioned on the
version read (another writer meanwhile: read again, try again).
"""

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from clarion.analytics import sketch
from clarion.dynamo import (
    CONDITION_FAILED,
    DynamoTable,
    Expression,
    cancellation_reasons,
    is_transaction_cancelled,
)
from clarion.settings import settings
from clarion.store.keys import (
    FIRST_SEEN_SK,
    SESSION_SK,
    analytics_pk,
    first_seen_pk,
    place_hour_sk,
    rollup_hour_sk,
    session_pk,
)

if TYPE_CHECKING:
    from clarion.store import entities

MAX_TRANSACTION_ITEMS = 100
MAX_SKETCH_ATTEMPTS = 10
COUNTERS = ("sessions", "newUsers", "endedSessions", "sessionSeconds", "locations")
"""The counters of an hour's rollup."""


@dataclass
class Claim:
    """A conditional write that claims a hit (its index in the request), and what it adds to the rollups if it
    holds: counters and sketch entries per UTC hour, and hits per (hour, place)."""

    index: int
    op: dict[str, Any]
    counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    users: set[tuple[str, tuple[int, int]]] = field(default_factory=set)
    """(hour, sketch entry) of the users a claim counts as seen."""
    places: Counter[tuple[str, str]] = field(default_factory=Counter)
    place: dict[str, Any] = field(default_factory=dict)
    auxiliary: bool = False
    """A claim riding along a hit's (a user's first-seen marker): it counts, but is neither recorded nor a
    duplicate in the outcome."""

    @property
    def key(self) -> tuple[str, str]:
        ((_, op),) = self.op.items()
        item = op.get("Key") or op["Item"]
        return item["pk"]["S"], item["sk"]["S"]


@dataclass
class Outcome:
    recorded: list[int] = field(default_factory=list)
    duplicates: list[int] = field(default_factory=list)
    requests: int = 0


class AnalyticsStore:
    def __init__(self) -> None:
        self.table = DynamoTable(settings().messages_table)

    def sessions(self, environment_id: str, session_ids: Iterable[str]) -> dict[str, "entities.AnalyticsSession"]:
        """The sessions already recorded among `session_ids`, by id."""
        keys = [{"pk": session_pk(environment_id, sid), "sk": SESSION_SK} for sid in dict.fromkeys(session_ids)]
        return {item["sessionId"]: cast("entities.AnalyticsSession", item) for item in self.table.batch_get(keys)}

    def seen(self, environment_id: str, users: Iterable[str]) -> set[str]:
        """The users among `users` seen before."""
        keys = [{"pk": first_seen_pk(environment_id, user), "sk": FIRST_SEEN_SK} for user in dict.fromkeys(users)]
        return {item["user"] for item in self.table.batch_get(keys)}

    def record(self, environment_id: str, claims: list[Claim]) -> Outcome:
        """Writes each claim with its counts, at most MAX_TRANSACTION_ITEMS writes a transaction; a claim whose
        condition fails is a duplicate and counts nothing."""
        outcome, pending = Outcome(), claims
        while pending:
            chunk, pending = _chunk(pending)
            for _ in range(MAX_SKETCH_ATTEMPTS):
                if not chunk:
                    break
                sketches = self._sketches(environment_id, {hour for claim in chunk for hour, _ in claim.users})
                ops = [claim.op for claim in chunk] + _rollup_ops(self.table, environment_id, chunk, sketches)
                outcome.requests += 1
                try:
                    self.table.transact(ops)
                except Exception as error:
                    if not is_transaction_cancelled(error):
                        raise
                    reasons = cancellation_reasons(error)
                    refused = {i for i, reason in enumerate(reasons[: len(chunk)]) if reason == CONDITION_FAILED}
                    if not refused and CONDITION_FAILED not in reasons[len(chunk) :]:
                        raise
                    outcome.duplicates += [chunk[i].index for i in sorted(refused) if not chunk[i].auxiliary]
                    chunk = [claim for i, claim in enumerate(chunk) if i not in refused]
                    continue  # duplicates left out, or a sketch written meanwhile: read the sketches again
                outcome.recorded += [claim.index for claim in chunk if not claim.auxiliary]
                break
            else:
                raise RuntimeError("an hour's sketch kept changing under its writes")
        return outcome

    def _sketches(self, environment_id: str, hours: set[str]) -> dict[str, "entities.AnalyticsRollup"]:
        """The rollups of `hours` that exist (their sketch and version), by hour: one BatchGetItem."""
        if not hours:
            return {}
        keys = [{"pk": analytics_pk(environment_id), "sk": rollup_hour_sk(hour)} for hour in sorted(hours)]
        return {item["hour"]: cast("entities.AnalyticsRollup", item) for item in self.table.batch_get(keys)}

    def rollups(self, environment_id: str, first_hour: str, last_hour: str) -> Iterator["entities.AnalyticsRollup"]:
        """The hourly rollups from `first_hour` to `last_hour` (both included), oldest first; hours without hits
        have none."""
        return cast(
            Iterator["entities.AnalyticsRollup"], self._between(environment_id, rollup_hour_sk, first_hour, last_hour)
        )

    def places(self, environment_id: str, first_hour: str, last_hour: str) -> Iterator["entities.AnalyticsPlace"]:
        """The hourly place counters from `first_hour` to `last_hour` (both included)."""

        def bound(hour: str) -> str:
            return place_hour_sk(hour, "")

        items = self._between(environment_id, bound, first_hour, last_hour + "\uffff")
        return cast(Iterator["entities.AnalyticsPlace"], items)

    def _between(self, environment_id: str, sort_key: Any, first: str, last: str) -> Iterator[dict[str, Any]]:
        key = Expression(
            "pk = :pk AND sk BETWEEN :first AND :last",
            values={":pk": analytics_pk(environment_id), ":first": sort_key(first), ":last": sort_key(last)},
        )
        return self.table.query_items(key, page_size=1000)


def _chunk(pending: list[Claim]) -> tuple[list[Claim], list[Claim]]:
    """The claims of `pending`, in order, that fit one transaction with their rollup writes without touching an item
    twice, and the others (a session's end whose start is taken goes in the next transaction)."""
    chunk: list[Claim] = []
    rest: list[Claim] = []
    keys: set[tuple[str, str]] = set()
    rollups: set[str] = set()
    for claim in pending:
        hours = {hour for hour, _ in claim.counts} | {hour for hour, _ in claim.users}
        added = {f"h{hour}" for hour in hours} | {f"p{hour}{place}" for hour, place in claim.places}
        if claim.key in keys or len(chunk) + 1 + len(rollups | added) > MAX_TRANSACTION_ITEMS:
            rest.append(claim)
            continue
        chunk.append(claim)
        keys.add(claim.key)
        rollups |= added
    return (chunk, rest) if chunk else (pending[:1], pending[1:])


def _rollup_ops(
    table: DynamoTable, environment_id: str, claims: list[Claim], sketches: dict[str, "entities.AnalyticsRollup"]
) -> list[dict[str, Any]]:
    """One update per hour touched (its counters, and its sketch when a user raises a register) and per (hour,
    place)."""
    counts: Counter[tuple[str, str]] = Counter()
    users: dict[str, list[tuple[int, int]]] = {}
    places: Counter[tuple[str, str]] = Counter()
    place_of: dict[str, dict[str, Any]] = {}
    for claim in claims:
        counts.update(claim.counts)
        for hour, entry in claim.users:
            users.setdefault(hour, []).append(entry)
        places.update(claim.places)
        for _, place in claim.places:
            place_of[place] = claim.place
    pk = analytics_pk(environment_id)
    ops = []
    for hour in sorted({hour for hour, _ in counts} | set(users)):
        names = {"#hour": "hour"}
        values: dict[str, Any] = {":hour": hour}
        sets, adds, condition = ["#hour = :hour"], [], None
        for index, counter in enumerate(COUNTERS):
            if counts[(hour, counter)]:
                names[f"#c{index}"], values[f":c{index}"] = counter, counts[(hour, counter)]
                adds.append(f"#c{index} :c{index}")
        current: entities.AnalyticsRollup | dict[str, Any] = sketches.get(hour, {})
        registers = bytearray(current.get("sketch") or sketch.empty())
        if sketch.raised(registers, users.get(hour, ())):
            version = int(current.get("version", 0))
            names |= {"#sketch": "sketch", "#version": "version"}
            values |= {":sketch": bytes(registers), ":next": version + 1}
            sets += ["#sketch = :sketch", "#version = :next"]
            if version:
                values[":version"] = version
                condition = "#version = :version"
            else:
                condition = "attribute_not_exists(#version)"
        text = f"SET {', '.join(sets)}" + (f" ADD {', '.join(adds)}" if adds else "")
        ops.append(table.update_op(pk, rollup_hour_sk(hour), Expression(text, names, values), condition))
    for (hour, place), hits in sorted(places.items()):
        described = {name: value for name, value in place_of[place].items() if value is not None}
        names = {"#hits": "hits", "#hour": "hour"} | {f"#{name}": name for name in described}
        values = {":hits": hits, ":hour": hour} | {f":{name}": value for name, value in described.items()}
        assigned = ", ".join(["#hour = :hour"] + [f"#{name} = :{name}" for name in described])
        update = Expression(f"SET {assigned} ADD #hits :hits", names, values)
        ops.append(table.update_op(pk, place_hour_sk(hour, place), update))
    return ops

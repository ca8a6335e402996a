"""Recording session and location hits: each is checked, claimed once and counted into its UTC hour's rollup.

A session start counts a session, its user in the hour's distinct-users sketch and, the first time the user is seen,
a new user. A session end counts its length (given, or since the recorded start) into the hour the session started,
so a period's average session time is over the sessions that started in it.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from clarion import clock
from clarion.analytics import sketch
from clarion.analytics.hit_models import HitBatchResult, LocationHit, LocationHitBatch, SessionHit, SessionHitBatch
from clarion.analytics.periods import hour_key
from clarion.analytics.store import AnalyticsStore, Claim
from clarion.audience.models import FailedHit
from clarion.audience.tag_hits import HIT_RETENTION_SECONDS, hit_time
from clarion.dynamo import NEW_ITEM, DynamoTable, Expression
from clarion.ids import new_id
from clarion.principal import Principal
from clarion.store.keys import FIRST_SEEN_SK, LOCATION_HIT_SK, SESSION_SK, first_seen_pk, location_hit_pk, session_pk

FUTURE_TOLERANCE_SECONDS = 300


def record_sessions(caller: Principal, batch: SessionHitBatch) -> HitBatchResult:
    """Counts each start and end not counted before; a hit that cannot be counted is reported in `failed`."""
    environment_id, store, now = caller.environment_id, AnalyticsStore(), clock.utc_now()
    failed: list[FailedHit] = []
    times = _times(batch.hits, now, failed)
    known = store.sessions(environment_id, (hit.sessionId for hit in batch.hits))
    starts = {hit.sessionId: times[i] for i, hit in enumerate(batch.hits) if hit.type == "start" and i in times}
    first_start: dict[str, int] = {}
    for index, hit in enumerate(batch.hits):
        if hit.type == "start" and index in times:
            earliest = first_start.get(hit.user)
            if earliest is None or times[index] < times[earliest]:
                first_start[hit.user] = index
    seen = store.seen(environment_id, first_start)
    claims: list[Claim] = []
    already = 0
    for index, hit in enumerate(batch.hits):
        if index not in times:
            continue
        recorded: dict[str, Any] = dict(known.get(hit.sessionId, {}))
        if ("startedAt" if hit.type == "start" else "endedAt") in recorded:
            already += 1
            continue
        if hit.type == "start":
            claims.append(_start(store.table, environment_id, index, hit, times[index]))
            if first_start.get(hit.user) == index and hit.user not in seen:
                claims.append(_first_seen(store.table, environment_id, index, hit.user, times[index]))
            continue
        started = starts.get(hit.sessionId) or _instant(recorded.get("startedAt"))
        try:
            duration = _length(hit, times[index], started)
        except ValueError as error:
            failed.append(FailedHit(index=index, message=f"hits[{index}].{error}"))
            continue
        began = started or times[index] - timedelta(seconds=duration)
        claims.append(_end(store.table, environment_id, index, hit, at=times[index], duration=duration, began=began))
    outcome = store.record(environment_id, claims)
    return HitBatchResult(
        recorded=len(outcome.recorded),
        duplicates=already + len(outcome.duplicates),
        failed=sorted(failed, key=lambda hit: hit.index),
    )


def record_locations(caller: Principal, batch: LocationHitBatch) -> HitBatchResult:
    """Counts each location hit into its hour and place; a hit sent again with its `hitId` is counted once."""
    environment_id, store, now = caller.environment_id, AnalyticsStore(), clock.utc_now()
    failed: list[FailedHit] = []
    times = _times(batch.hits, now, failed)
    claims = [
        _location(store.table, environment_id, i, hit, at) for i, hit in enumerate(batch.hits) if (at := times.get(i))
    ]
    outcome = store.record(environment_id, claims)
    return HitBatchResult(recorded=len(outcome.recorded), duplicates=len(outcome.duplicates), failed=failed)


def _times(hits: Sequence[SessionHit | LocationHit], now: datetime, failed: list[FailedHit]) -> dict[int, datetime]:
    """Each hit's instant by its index; a hit with a bad or out-of-range timestamp is added to `failed`."""
    times = {}
    for index, hit in enumerate(hits):
        try:
            text = hit_time(
                hit.timestamp, now, future_seconds=FUTURE_TOLERANCE_SECONDS, past_seconds=HIT_RETENTION_SECONDS
            )
        except ValueError as error:
            failed.append(FailedHit(index=index, message=f"hits[{index}].timestamp: {error}"))
            continue
        times[index] = clock.parse_instant(text)
    return times


def _length(hit: SessionHit, at: datetime, started: datetime | None) -> int:
    """An end's session length in seconds; ValueError naming the field when it cannot be known."""
    if hit.duration is not None:
        return hit.duration
    if started is None:
        raise ValueError("duration: no start recorded for this session: give its duration")
    seconds = int((at - started).total_seconds())
    if seconds < 0:
        raise ValueError("timestamp: the session ends before it starts")
    return seconds


def _instant(text: str | None) -> datetime | None:
    return clock.parse_instant(text) if text else None


def _expires_at() -> int:
    return int(clock.epoch_seconds()) + HIT_RETENTION_SECONDS


def _start(table: DynamoTable, environment_id: str, index: int, hit: SessionHit, at: datetime) -> Claim:
    hour = hour_key(at)
    update = Expression(
        "SET #sid = :sid, #user = :user, #started = :at, #expires = :expires",
        {"#sid": "sessionId", "#user": "user", "#started": "startedAt", "#expires": "expiresAt"},
        {":sid": hit.sessionId, ":user": hit.user, ":at": clock.timestamp(at), ":expires": _expires_at()},
    )
    op = table.update_op(
        session_pk(environment_id, hit.sessionId), SESSION_SK, update, "attribute_not_exists(startedAt)"
    )
    claim = Claim(index, op, users={(hour, sketch.entry(hit.user))})
    claim.counts[(hour, "sessions")] = 1
    return claim


def _end(
    table: DynamoTable,
    environment_id: str,
    index: int,
    hit: SessionHit,
    *,
    at: datetime,
    duration: int,
    began: datetime,
) -> Claim:
    """The session's end, its length counted in the hour it began: its recorded start's, else its end less its
    length."""
    update = Expression(
        "SET #sid = :sid, #user = :user, #ended = :at, #duration = :duration, #expires = :expires",
        {"#sid": "sessionId", "#user": "user", "#ended": "endedAt", "#duration": "duration", "#expires": "expiresAt"},
        {
            ":sid": hit.sessionId,
            ":user": hit.user,
            ":at": clock.timestamp(at),
            ":duration": duration,
            ":expires": _expires_at(),
        },
    )
    pk = session_pk(environment_id, hit.sessionId)
    op = table.update_op(pk, SESSION_SK, update, "attribute_not_exists(endedAt)")
    claim = Claim(index, op)
    hour = hour_key(began)
    claim.counts[(hour, "endedSessions")] = 1
    claim.counts[(hour, "sessionSeconds")] = duration
    return claim


def _first_seen(table: DynamoTable, environment_id: str, index: int, user: str, at: datetime) -> Claim:
    item = {
        "pk": first_seen_pk(environment_id, user),
        "sk": FIRST_SEEN_SK,
        "user": user,
        "firstSeenAt": clock.timestamp(at),
    }
    claim = Claim(index, table.put_op(item, NEW_ITEM), auxiliary=True)
    claim.counts[(hour_key(at), "newUsers")] = 1
    return claim


def _location(table: DynamoTable, environment_id: str, index: int, hit: LocationHit, at: datetime) -> Claim:
    place = {"country": hit.country, "city": hit.city, "latitude": hit.latitude, "longitude": hit.longitude}
    item = {
        "pk": location_hit_pk(environment_id, hit.hitId or new_id()),
        "sk": LOCATION_HIT_SK,
        "user": hit.user,
        "at": clock.timestamp(at),
        "expiresAt": _expires_at(),
    } | {name: value for name, value in place.items() if value is not None}
    hour = hour_key(at)
    claim = Claim(index, table.put_op(item, NEW_ITEM), place=place)
    claim.places[(hour, "|".join("" if value is None else str(value) for value in place.values()))] = 1
    claim.counts[(hour, "locations")] = 1
    return claim

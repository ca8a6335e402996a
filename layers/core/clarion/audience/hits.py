"""Recording tag hits and listing them, independent of HTTP: a hit is kept under its tag, counted on its profile
(clarion.audience.tag_hits) and on its tag's catalogue entry, which its first hit creates."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from clarion import clock
from clarion.audience.catalogue import TAGS, Catalogue
from clarion.audience.models import FailedHit, HitsPage, TagHit, TagHitRequest, TagHitResult
from clarion.audience.tag_hits import HIT_RETENTION_SECONDS, Hit, TagHitsStore, hit_time
from clarion.errors import ClarionError, NotFound, ValidationFailed
from clarion.principal import Principal

FUTURE_TOLERANCE_SECONDS = 300
MAX_HITS_OFFSET = 10_000


def record_tag_hit(caller: Principal, request: TagHitRequest) -> TagHitResult:
    """One hit: its failure is the answer (404 for an unknown subscriber, 422 for a bad time)."""
    result, errors = _record(caller, [request], prefix="")
    if errors:
        raise errors[0]
    return result


def record_tag_hits(caller: Principal, requests: list[TagHitRequest]) -> TagHitResult:
    """A batch of hits: each that fails is reported in `failed` with its position; the others are recorded."""
    result, _ = _record(caller, requests, prefix="hits[{index}].")
    return result


@dataclass
class _Batch:
    """The hits of a request by target, and those refused, each with its position in the request."""

    by_subscriber: dict[str, list[tuple[int, Hit]]] = field(default_factory=lambda: defaultdict(list))
    by_device: dict[str, list[Hit]] = field(default_factory=lambda: defaultdict(list))
    errors: list[tuple[int, ClarionError]] = field(default_factory=list)

    @classmethod
    def of(cls, requests: list[TagHitRequest], prefix: str, now: datetime) -> "_Batch":
        batch = cls()
        for index, request in enumerate(requests):
            try:
                at = hit_time(
                    request.timestamp, now, future_seconds=FUTURE_TOLERANCE_SECONDS, past_seconds=HIT_RETENTION_SECONDS
                )
            except ValueError as error:
                field_name = prefix.format(index=index) + "timestamp"
                batch.errors.append((index, ValidationFailed(str(error), field=field_name, value=request.timestamp)))
                continue
            hit = (request.tag, at, request.value)
            if request.subscriberId is not None:
                batch.by_subscriber[request.subscriberId].append((index, hit))
            elif request.deviceId is not None:
                batch.by_device[request.deviceId].append(hit)
        return batch


def _record(
    caller: Principal, requests: list[TagHitRequest], *, prefix: str
) -> tuple[TagHitResult, list[ClarionError]]:
    environment_id, store = caller.environment_id, TagHitsStore()
    batch = _Batch.of(requests, prefix, clock.utc_now())
    recorded: list[Hit] = []
    for subscriber_id, group in batch.by_subscriber.items():
        hits = [hit for _, hit in group]
        if store.record_for_profile(environment_id, subscriber_id, hits):
            recorded += hits
            continue
        field_name = prefix.format(index=group[0][0]) + "subscriberId"
        missing = NotFound(f"subscriber '{subscriber_id}' not found", field=field_name)
        batch.errors += [(index, missing) for index, _ in group]
    for device_id, hits in batch.by_device.items():
        store.record_for_device(environment_id, device_id, hits)
        recorded += hits
    catalogued = _catalogue_and_count(environment_id, store, recorded)
    errors = sorted(batch.errors, key=lambda pair: pair[0])
    failed = [FailedHit(index=index, message=f"{error.field}: {error.message}") for index, error in errors]
    result = TagHitResult(recorded=len(recorded), failed=failed, cataloguedTags=catalogued)
    return result, [error for _, error in errors]


def _catalogue_and_count(environment_id: str, store: TagHitsStore, hits: list[Hit]) -> list[str]:
    """Catalogues the tags hit that were not (an unknown tag is catalogued by its first hit, as reported tags are
    in XtremePush) and adds the hits to each tag's count; returns the tags catalogued."""
    per_tag = Counter(tag for tag, _, _ in hits)
    if not per_tag:
        return []
    catalogue, now = Catalogue(TAGS), clock.timestamp_now()
    known = catalogue.get_many(environment_id, per_tag)
    fresh = [{"name": tag, "createdAt": now} for tag in per_tag if tag not in known]
    taken = set(catalogue.create_many(environment_id, fresh))  # taken: catalogued meanwhile by another request
    store.count_tag_hits(environment_id, per_tag, at=now)
    return sorted(entry["name"] for entry in fresh if entry["name"] not in taken)


def list_tag_hits(
    caller: Principal,
    tag: str,
    *,
    page: int,
    limit: int,
    subscriber_id: str | None = None,
    device_id: str | None = None,
) -> HitsPage:
    if subscriber_id is not None and device_id is not None:
        raise ValidationFailed("filter by subscriberId or by deviceId, not both", field="deviceId")
    if page * limit > MAX_HITS_OFFSET:
        raise ValidationFailed(
            f"pages reach at most {MAX_HITS_OFFSET} hits back; filter by subscriberId or deviceId", field="page"
        )
    if not Catalogue(TAGS).get_many(caller.environment_id, [tag]):
        raise NotFound(f"tag '{tag}' not found", field="tag")
    items, has_more = TagHitsStore().page(
        caller.environment_id, tag, offset=page * limit, limit=limit, subscriber_id=subscriber_id, device_id=device_id
    )
    return HitsPage(page=page, pageSize=limit, hasMore=has_more, data=[TagHit.model_validate(i) for i in items])

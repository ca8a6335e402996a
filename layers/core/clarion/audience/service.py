"""What can be done with the attribute and tag catalogues, attribute value counts and tag hits, independent of HTTP."""

from collections import Counter, defaultdict
from typing import TypeVar

from clarion import clock
from clarion.audience.catalogue import ATTRIBUTES, TAGS, Catalogue, Kind
from clarion.audience.models import (
    Attribute,
    AttributeValue,
    BatchResult,
    CreateAttributeRequest,
    CreateTagRequest,
    FailedHit,
    FailedItem,
    HitsPage,
    Tag,
    TagHit,
    TagHitRequest,
    TagHitResult,
)
from clarion.audience.tag_hits import HIT_RETENTION_SECONDS, Hit, TagHitsStore, hit_time
from clarion.audience.values import AttributeValueCounters
from clarion.dynamo import Item
from clarion.errors import ClarionError, Conflict, NotFound, ValidationFailed
from clarion.models import Model, NovuPage
from clarion.principal import Principal

FUTURE_TOLERANCE_SECONDS = 300
MAX_HITS_OFFSET = 10_000
M = TypeVar("M", bound=Model)


def create_attribute(caller: Principal, request: CreateAttributeRequest) -> Attribute:
    return Attribute.model_validate(_create_one(caller, ATTRIBUTES, request.model_dump(exclude_none=True)))


def create_attributes(caller: Principal, requests: list[CreateAttributeRequest]) -> BatchResult:
    return _create_batch(caller, ATTRIBUTES, [request.model_dump(exclude_none=True) for request in requests])


def list_attributes(caller: Principal, *, page: int, limit: int) -> NovuPage[Attribute]:
    return _page(caller, ATTRIBUTES, page, limit, Attribute)


def list_attribute_values(caller: Principal, name: str, *, page: int, limit: int) -> NovuPage[AttributeValue]:
    if not Catalogue(ATTRIBUTES).get_many(caller.environment_id, [name]):
        raise NotFound(f"attribute '{name}' not found", field="name")
    counters = AttributeValueCounters()
    items, has_more = counters.page(caller.environment_id, name, page=page, limit=limit)
    return NovuPage(
        page=page,
        totalCount=counters.count(caller.environment_id, name),
        pageSize=limit,
        hasMore=has_more,
        data=[AttributeValue(value=item["value"], count=item["count"]) for item in items],
    )


def create_tag(caller: Principal, request: CreateTagRequest) -> Tag:
    return Tag.model_validate(_create_one(caller, TAGS, request.model_dump(exclude_none=True)))


def create_tags(caller: Principal, requests: list[CreateTagRequest]) -> BatchResult:
    return _create_batch(caller, TAGS, [request.model_dump(exclude_none=True) for request in requests])


def list_tags(caller: Principal, *, page: int, limit: int) -> NovuPage[Tag]:
    return _page(caller, TAGS, page, limit, Tag)


def _create_one(caller: Principal, kind: Kind, fields: Item) -> Item:
    entry = fields | {"createdAt": clock.timestamp_now()}
    if Catalogue(kind).create_many(caller.environment_id, [entry]):
        raise Conflict(f"'{entry['name']}' already exists", field="name", value=entry["name"])
    return entry


def _create_batch(caller: Principal, kind: Kind, entries: list[Item]) -> BatchResult:
    """Creates each entry whose name is free; a name taken, or given twice, fails alone."""
    now = clock.timestamp_now()
    unique: dict[str, Item] = {}
    failed: list[FailedItem] = []
    for entry in entries:
        if entry["name"] in unique:
            failed.append(FailedItem(name=entry["name"], message="appears more than once in this request"))
        else:
            unique[entry["name"]] = entry | {"createdAt": now}
    taken = set(Catalogue(kind).create_many(caller.environment_id, list(unique.values())))
    failed += [FailedItem(name=name, message="already exists") for name in unique if name in taken]
    return BatchResult(created=[name for name in unique if name not in taken], failed=failed)


def _page(caller: Principal, kind: Kind, page: int, limit: int, model: type[M]) -> NovuPage[M]:
    catalogue = Catalogue(kind)
    items, has_more = catalogue.page(caller.environment_id, page=page, limit=limit)
    return NovuPage(
        page=page,
        totalCount=catalogue.count(caller.environment_id),
        pageSize=limit,
        hasMore=has_more,
        data=[model.model_validate(item) for item in items],
    )


def record_tag_hit(caller: Principal, request: TagHitRequest) -> TagHitResult:
    """One hit: its failure is the answer (404 for an unknown subscriber, 422 for a bad time)."""
    result, errors = _record(caller, [request], single=True)
    if errors:
        raise errors[0]
    return result


def record_tag_hits(caller: Principal, requests: list[TagHitRequest]) -> TagHitResult:
    """A batch of hits: each that fails is reported in `failed` with its position; the others are recorded."""
    result, _ = _record(caller, requests, single=False)
    return result


def _record(
    caller: Principal, requests: list[TagHitRequest], *, single: bool
) -> tuple[TagHitResult, list[ClarionError]]:
    environment_id, now = caller.environment_id, clock.utc_now()
    errors: list[tuple[int, ClarionError]] = []
    by_subscriber: dict[str, list[tuple[int, Hit]]] = defaultdict(list)
    by_device: dict[str, list[Hit]] = defaultdict(list)
    for index, request in enumerate(requests):
        field = "timestamp" if single else f"hits[{index}].timestamp"
        try:
            at = hit_time(
                request.timestamp, now, future_seconds=FUTURE_TOLERANCE_SECONDS, past_seconds=HIT_RETENTION_SECONDS
            )
        except ValueError as error:
            errors.append((index, ValidationFailed(str(error), field=field, value=request.timestamp)))
            continue
        hit = (request.tag, at, request.value)
        if request.subscriberId is not None:
            by_subscriber[request.subscriberId].append((index, hit))
        elif request.deviceId is not None:
            by_device[request.deviceId].append(hit)
    store, recorded = TagHitsStore(), []
    for subscriber_id, group in by_subscriber.items():
        if store.record_for_profile(environment_id, subscriber_id, [hit for _, hit in group]):
            recorded += [hit for _, hit in group]
            continue
        field = "subscriberId" if single else f"hits[{group[0][0]}].subscriberId"
        missing = NotFound(f"subscriber '{subscriber_id}' not found", field=field)
        errors += [(index, missing) for index, _ in group]
    for device_id, device_hits in by_device.items():
        store.record_for_device(environment_id, device_id, device_hits)
        recorded += device_hits
    catalogued = _catalogue_and_count(environment_id, store, recorded)
    errors.sort(key=lambda pair: pair[0])
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


def list_tag_hits(caller: Principal, tag: str, *, page: int, limit: int, subscriber_id: str | None = None) -> HitsPage:
    if page * limit > MAX_HITS_OFFSET:
        raise ValidationFailed(f"pages reach at most {MAX_HITS_OFFSET} hits back; filter by subscriberId", field="page")
    if not Catalogue(TAGS).get_many(caller.environment_id, [tag]):
        raise NotFound(f"tag '{tag}' not found", field="tag")
    items, has_more = TagHitsStore().page(
        caller.environment_id, tag, offset=page * limit, limit=limit, subscriber_id=subscriber_id
    )
    return HitsPage(page=page, pageSize=limit, hasMore=has_more, data=[TagHit.model_validate(i) for i in items])

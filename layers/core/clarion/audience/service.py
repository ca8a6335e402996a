"""What can be done with the attribute and tag catalogues and attribute value counts, independent of HTTP."""

from typing import TypeVar

from clarion import clock
from clarion.audience.catalogue import ATTRIBUTES, TAGS, Catalogue, Kind
from clarion.audience.models import (
    Attribute,
    AttributeValue,
    BatchResult,
    CreateAttributeRequest,
    CreateTagRequest,
    FailedItem,
    Tag,
)
from clarion.audience.values import AttributeValueCounters
from clarion.dynamo import Item
from clarion.errors import Conflict, NotFound
from clarion.models import Model, NovuPage
from clarion.principal import Principal

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

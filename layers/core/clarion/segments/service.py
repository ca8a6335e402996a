"""What can be done with segments; independent of HTTP."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from clarion.audience.catalogue import ATTRIBUTES, Catalogue
from clarion.clock import timestamp_now
from clarion.errors import NotFound, ValidationFailed
from clarion.ids import new_id
from clarion.lists.repository import ListsRepository
from clarion.models import NovuPage, counted_page
from clarion.principal import Principal
from clarion.segments.members import matching, parse
from clarion.segments.models import (
    CreateSegmentRequest,
    Segment,
    SegmentCount,
    SegmentMember,
    SegmentPreview,
    UpdateSegmentRequest,
)
from clarion.segments.repository import SegmentsRepository
from clarion.segments.rules import AttributeRule, GroupRule, ListRule, NotRule, Rule, TopicRule
from clarion.subscribers.everyone import AllSubscribers
from clarion.topics.repository import TopicsRepository

if TYPE_CHECKING:
    from clarion.store import entities

PAGE = 100  # profiles a read: one Query of ListIndex and one BatchGetItem
PREVIEW_BUDGET = 5000  # profiles a preview reads at most before it answers with what it found and a cursor
_SCALAR_OPERATORS = {"eq", "ne", "in", "exists", "not_exists"}
OPERATORS_BY_TYPE: dict[str, set[str]] = {
    "string": _SCALAR_OPERATORS | {"contains"},
    "number": _SCALAR_OPERATORS | {"gt", "gte", "lt", "lte"},
    "boolean": {"eq", "ne", "exists", "not_exists"},
    "date": _SCALAR_OPERATORS | {"before", "after"},
    "list": {"contains", "exists", "not_exists"},
}


def create_segment(caller: Principal, request: CreateSegmentRequest) -> Segment:
    checked_rule(caller.environment_id, request.rule)
    now = timestamp_now()
    item: entities.Segment = {
        "_id": new_id(),
        "name": request.name,
        "rule": request.rule.model_dump(mode="json", exclude_none=True),
        "version": 1,
        "createdAt": now,
        "updatedAt": now,
    }
    if request.description is not None:
        item["description"] = request.description
    SegmentsRepository().create(caller.environment_id, item)
    return _view(item)


def list_segments(caller: Principal, *, page: int, limit: int) -> NovuPage[Segment]:
    return counted_page(SegmentsRepository(), caller.environment_id, page=page, limit=limit, public=_view)


def get_segment(caller: Principal, segment_id: str) -> Segment:
    return _view(existing_segment(caller.environment_id, segment_id))


def update_segment(caller: Principal, segment_id: str, request: UpdateSegmentRequest) -> Segment:
    given = request.model_fields_set
    changes: dict[str, Any] = {}
    if "name" in given and request.name:
        changes["name"] = request.name
    if "description" in given:
        changes["description"] = request.description
    if "rule" in given and request.rule is not None:
        checked_rule(caller.environment_id, request.rule)
        changes["rule"] = request.rule.model_dump(mode="json", exclude_none=True)
    if not changes:
        raise ValidationFailed("give name, description or rule to change", field="body")
    updated = SegmentsRepository().update(caller.environment_id, segment_id, changes | {"updatedAt": timestamp_now()})
    if updated is None:
        raise _not_found(segment_id)
    return _view(updated)


def delete_segment(caller: Principal, segment_id: str) -> None:
    """A send already under way keeps the rule it snapshotted; a schedule or journey naming the segment later
    sends to nobody and records why (docs/api.md, Segments)."""
    if not SegmentsRepository().delete(caller.environment_id, segment_id):
        raise _not_found(segment_id)


def count_segment(caller: Principal, segment_id: str) -> SegmentCount:
    """One streamed pass over the environment's profiles, a page of 100 at a time."""
    rule = parse(existing_segment(caller.environment_id, segment_id)["rule"])
    count = scanned = 0
    cursor: str | None = None
    while True:
        ids, cursor = AllSubscribers().ids_page(caller.environment_id, limit=PAGE, cursor=cursor)
        page = matching(caller.environment_id, rule, ids)
        count, scanned = count + len(page.subscriber_ids), scanned + page.scanned
        if cursor is None:
            return SegmentCount(count=count, scanned=scanned)


def preview_segment(caller: Principal, segment_id: str, *, limit: int, cursor: str | None) -> SegmentPreview:
    """The first `limit` members after `cursor` (the last subscriberId a preview read, encoded); reading stops after
    PREVIEW_BUDGET profiles (a rare segment answers fewer members and a cursor to go on from)."""
    environment_id = caller.environment_id
    rule = parse(existing_segment(environment_id, segment_id)["rule"])
    position = AllSubscribers.cursor_after(environment_id, _decoded(cursor)) if cursor else None
    found: list[entities.Subscriber] = []
    scanned, last = 0, None
    while len(found) < limit and scanned < PREVIEW_BUDGET:
        ids, position = AllSubscribers().ids_page(environment_id, limit=PAGE, cursor=position)
        page = matching(environment_id, rule, ids)
        scanned += page.scanned
        wanted = page.subscriber_ids[: limit - len(found)]
        found += [page.profiles[i] for i in wanted]
        # stopped inside the page: go on after the last one answered; else after the page
        last = wanted[-1] if len(wanted) < len(page.subscriber_ids) else (ids[-1] if ids else last)
        if position is None and len(wanted) == len(page.subscriber_ids):
            last = None
            break
    members = [
        SegmentMember.model_validate({name: profile.get(name) for name in SegmentMember.model_fields})
        for profile in found
    ]
    following = base64.urlsafe_b64encode(last.encode()).decode().rstrip("=") if last else None
    return SegmentPreview(data=members, scanned=scanned, next=following)


def _decoded(cursor: str) -> str:
    try:
        decoded = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        decoded = ""
    if not decoded:
        raise ValidationFailed("cursor is not one a preview returned", field="cursor")
    return decoded


def existing_segment(environment_id: str, segment_id: str) -> entities.Segment:
    """A segment of the environment; another environment's segment is as absent as a missing one."""
    found = SegmentsRepository().get(environment_id, segment_id)
    if found is None:
        raise _not_found(segment_id)
    return found


def checked_rule(environment_id: str, rule: Rule) -> None:
    """Every attribute a rule names is catalogued and its operator and value fit the attribute's type, every list and
    topic exists: a 422 naming the rule's path otherwise (three BatchGetItems at most)."""
    named = list(_walk(rule, "rule"))
    attributes = [(path, leaf) for path, leaf in named if isinstance(leaf, AttributeRule)]
    catalogued = Catalogue(ATTRIBUTES).get_many(environment_id, [leaf.name for _, leaf in attributes])
    for path, leaf in attributes:
        _check_attribute(path, leaf, catalogued.get(leaf.name))
    list_rules = [(path, leaf) for path, leaf in named if isinstance(leaf, ListRule)]
    missing_lists = set(ListsRepository().missing(environment_id, [leaf.listId for _, leaf in list_rules]))
    for path, in_list in list_rules:
        if in_list.listId in missing_lists:
            message = f"no list has the id '{in_list.listId}'"
            raise ValidationFailed(message, field=f"{path}.listId", value=in_list.listId)
    topic_rules = [(path, leaf) for path, leaf in named if isinstance(leaf, TopicRule)]
    missing_topics = set(TopicsRepository().missing(environment_id, [leaf.topicKey for _, leaf in topic_rules]))
    for path, in_topic in topic_rules:
        if in_topic.topicKey in missing_topics:
            message = f"no topic has the key '{in_topic.topicKey}'"
            raise ValidationFailed(message, field=f"{path}.topicKey", value=in_topic.topicKey)


def _check_attribute(path: str, leaf: AttributeRule, entry: dict[str, Any] | None) -> None:
    if entry is None:
        raise ValidationFailed(f"no attribute is named '{leaf.name}'", field=f"{path}.name", value=leaf.name)
    kind = str(entry["type"])
    if leaf.operator not in OPERATORS_BY_TYPE[kind]:
        allowed = ", ".join(sorted(OPERATORS_BY_TYPE[kind]))
        raise ValidationFailed(
            f"'{leaf.operator}' does not fit a {kind} attribute (use {allowed})", field=f"{path}.operator"
        )
    if leaf.operator in ("exists", "not_exists"):
        return
    values = leaf.value if leaf.operator == "in" else [leaf.value]
    if not isinstance(values, list) or (leaf.operator == "in") != isinstance(leaf.value, list):
        raise ValidationFailed("'in' takes a list of values, the other operators one value", field=f"{path}.value")
    element = "string" if kind == "list" else kind
    if not values or not all(_fits(element, value) for value in values):
        raise ValidationFailed(f"the value must be a {element} (the attribute's type)", field=f"{path}.value")


def _fits(kind: str, value: Any) -> bool:
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    return isinstance(value, str)


def _walk(rule: Rule, path: str) -> Iterator[tuple[str, Any]]:
    if isinstance(rule, GroupRule):
        for index, child in enumerate(rule.rules):
            yield from _walk(child, f"{path}.rules[{index}]")
    elif isinstance(rule, NotRule):
        yield from _walk(rule.rule, f"{path}.rule")
    else:
        yield path, rule


def _not_found(segment_id: str) -> NotFound:
    return NotFound(f"segment '{segment_id}' not found", field="segmentId", value=segment_id)


def _view(item: entities.Segment) -> Segment:
    return Segment.model_validate(
        {name: item.get(name) for name in ("_id", "name", "description", "rule", "createdAt", "updatedAt")}
    )

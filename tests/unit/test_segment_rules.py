"""The segment rule grammar and `matches`, one test per rule type and operator (no I/O)."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from clarion.segments.evaluate import Context, matches
from clarion.segments.rules import Rule, depth, leaves, size

RULE: TypeAdapter[Any] = TypeAdapter(Rule)
TODAY = date(2026, 12, 6)
CONTEXT = Context(today=TODAY, topics=frozenset({"news"}))
PROFILE: dict[str, Any] = {
    "attributes": {
        "plan": "pro",
        "age": Decimal(36),
        "vip": True,
        "birthday": "1990-05-01",
        "interests": ["jazz", "chess"],
        "bio": "Likes Jazz",
    },
    "tags": {"checkout"},
    "tagHits": {"checkout": {"2026-12-06": 2, "2026-12-01": 1, "2026-11-01": 9}},
    "eventHits": {"opened": {"2026-12-05": 3}},
    "lists": {"0" * 24},
    "subscriptions": {"email": {"status": "unsubscribed", "at": "2026-12-01T00:00:00.000Z", "source": "api"}},
    "consent": {"marketing": {"granted": True, "at": "2026-12-01T00:00:00.000Z", "source": "api"}},
    "devices": {"ios": Decimal(2)},
    "pushEnabled": True,
}


def check(rule: dict[str, Any], profile: dict[str, Any] | None = None) -> bool:
    return matches(RULE.validate_python(rule), PROFILE if profile is None else profile, CONTEXT)


@pytest.mark.parametrize(
    ("operator", "value", "expected"),
    [
        ("eq", "pro", True),
        ("eq", "free", False),
        ("ne", "free", True),
        ("ne", "pro", False),
        ("in", ["free", "pro"], True),
        ("in", ["free"], False),
        ("contains", "RO", True),  # on a string: a substring, case-insensitive
        ("exists", None, True),
        ("not_exists", None, False),
    ],
)
def test_attribute_text_operators(operator: str, value: Any, expected: bool) -> None:
    assert check({"type": "attribute", "name": "plan", "operator": operator, "value": value}) is expected


@pytest.mark.parametrize(
    ("operator", "value", "expected"),
    [("gt", 35, True), ("gt", 36, False), ("gte", 36, True), ("lt", 37, True), ("lte", 35, False), ("eq", 36, True)],
)
def test_attribute_number_operators(operator: str, value: int, expected: bool) -> None:
    assert check({"type": "attribute", "name": "age", "operator": operator, "value": value}) is expected


def test_attribute_boolean_date_list_and_absent() -> None:
    assert check({"type": "attribute", "name": "vip", "operator": "eq", "value": True})
    assert not check({"type": "attribute", "name": "vip", "operator": "eq", "value": 1})
    assert check({"type": "attribute", "name": "birthday", "operator": "before", "value": "2000-01-01"})
    assert not check({"type": "attribute", "name": "birthday", "operator": "after", "value": "2000-01-01"})
    assert check({"type": "attribute", "name": "interests", "operator": "contains", "value": "jazz"})
    assert not check({"type": "attribute", "name": "interests", "operator": "contains", "value": "golf"})
    assert check({"type": "attribute", "name": "bio", "operator": "contains", "value": "jazz"})
    # an absent attribute matches only ne and not_exists
    for operator in ("eq", "gt", "lt", "contains", "before", "exists"):
        assert not check({"type": "attribute", "name": "zip", "operator": operator, "value": "1"})
    assert check({"type": "attribute", "name": "zip", "operator": "not_exists"})
    assert check({"type": "attribute", "name": "zip", "operator": "ne", "value": "1"})


def test_tag_rule() -> None:
    assert check({"type": "tag", "tag": "checkout"})
    assert not check({"type": "tag", "tag": "checkout", "has": False})
    assert check({"type": "tag", "tag": "cart", "has": False})


def test_hits_rules_count_the_days_of_the_window() -> None:
    assert check({"type": "tag_hits", "name": "checkout", "minCount": 3, "withinDays": 7})
    assert not check({"type": "tag_hits", "name": "checkout", "minCount": 3, "withinDays": 1})
    assert not check({"type": "tag_hits", "name": "checkout", "minCount": 1, "maxCount": 2, "withinDays": 7})
    assert check({"type": "event_hits", "name": "opened", "minCount": 3, "withinDays": 2})
    assert not check({"type": "event_hits", "name": "opened", "withinDays": 1})
    assert check({"type": "event_hits", "name": "bought", "minCount": 0, "maxCount": 0})


def test_device_rule() -> None:
    assert check({"type": "device"})
    assert check({"type": "device", "platform": "ios", "minDevices": 2})
    assert not check({"type": "device", "platform": "android"})
    assert check({"type": "device", "pushEnabled": True})
    assert not check({"type": "device"}, {})
    assert check({"type": "device", "minDevices": 0, "pushEnabled": False}, {})


def test_consent_and_subscription_rules() -> None:
    assert check({"type": "consent", "purpose": "marketing", "granted": True})
    assert not check({"type": "consent", "purpose": "marketing", "granted": False})
    assert not check({"type": "consent", "purpose": "newsletter", "granted": True})  # never recorded
    assert check({"type": "subscription", "channel": "email", "status": "unsubscribed"})
    assert check({"type": "subscription", "channel": "sms", "status": "unknown"})
    assert not check({"type": "subscription", "channel": "sms", "status": "subscribed"})


def test_list_and_topic_rules() -> None:
    assert check({"type": "list", "listId": "0" * 24})
    assert check({"type": "list", "listId": "1" * 24, "member": False})
    assert check({"type": "topic", "topicKey": "news"})
    assert not check({"type": "topic", "topicKey": "sport"})


def test_groups_and_not() -> None:
    pro = {"type": "attribute", "name": "plan", "operator": "eq", "value": "pro"}
    free = {"type": "attribute", "name": "plan", "operator": "eq", "value": "free"}
    assert check({"operator": "AND", "rules": [pro, {"type": "tag", "tag": "checkout"}]})
    assert not check({"operator": "AND", "rules": [pro, free]})
    assert check({"operator": "OR", "rules": [free, pro]})
    assert check({"operator": "NOT", "rule": free})
    tree = RULE.validate_python({"operator": "NOT", "rule": {"operator": "OR", "rules": [pro, free]}})
    assert (depth(tree), size(tree), len(leaves(tree))) == (2, 4, 2)


@pytest.mark.parametrize(
    ("rule", "where"),
    [
        ({"type": "colour"}, ()),
        ({"operator": "AND", "rules": []}, ("rules",)),
        ({"operator": "XOR", "rules": [{"type": "tag", "tag": "a"}]}, ("operator",)),
        ({"type": "tag_hits", "name": "a", "withinDays": 31}, ("withinDays",)),
        ({"type": "tag", "tag": "a", "extra": 1}, ("extra",)),
        ({"operator": "AND", "rules": [{"type": "list", "listId": "nope"}]}, ("rules", 0, "listId")),
    ],
)
def test_a_bad_rule_names_its_field(rule: dict[str, Any], where: tuple[Any, ...]) -> None:
    with pytest.raises(ValidationError) as raised:
        RULE.validate_python(rule)
    locations = [tuple(e["loc"]) for e in raised.value.errors()]
    assert any(
        tuple(part for part in loc if part not in ("group", "not", "tag", "list", "tag_hits")) == where
        for loc in locations
    ), locations

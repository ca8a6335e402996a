"""Whether one profile matches a segment's rule: a pure function of the rule, the profile item and a context (today's
UTC date, the profile's topic memberships read for its page); no I/O, so a fan-out evaluates a page in memory."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple, cast

from clarion.audience.hit_counts import hits_within
from clarion.segments.rules import (
    AttributeRule,
    ConsentRule,
    DeviceRule,
    GroupRule,
    HitsRule,
    ListRule,
    NotRule,
    Rule,
    SubscriptionRule,
    TagRule,
    TopicRule,
)


class Context(NamedTuple):
    today: date
    topics: frozenset[str] = frozenset()  # the topic keys the profile is a member of


def matches(rule: Rule, profile: Mapping[str, Any], context: Context) -> bool:
    if isinstance(rule, GroupRule):
        found = (matches(child, profile, context) for child in rule.rules)
        return all(found) if rule.operator == "AND" else any(found)
    if isinstance(rule, NotRule):
        return not matches(rule.rule, profile, context)
    if isinstance(rule, AttributeRule):
        return _attribute(rule, (profile.get("attributes") or {}).get(rule.name))
    if isinstance(rule, TagRule):
        return (rule.tag in (profile.get("tags") or ())) == rule.has
    if isinstance(rule, HitsRule):
        counts = profile.get("eventHits" if rule.type == "event_hits" else "tagHits")
        hits = hits_within(counts, rule.name, rule.withinDays, context.today)
        return hits >= rule.minCount and (rule.maxCount is None or hits <= rule.maxCount)
    if isinstance(rule, DeviceRule):
        return _device(rule, profile)
    if isinstance(rule, ConsentRule):
        consent = (profile.get("consent") or {}).get(rule.purpose)
        return consent is not None and consent.get("granted") is rule.granted
    if isinstance(rule, SubscriptionRule):
        subscription = (profile.get("subscriptions") or {}).get(rule.channel)
        return ((subscription or {}).get("status") or "unknown") == rule.status
    if isinstance(rule, ListRule):
        return (rule.listId in (profile.get("lists") or ())) == rule.member
    assert isinstance(rule, TopicRule)
    return (rule.topicKey in context.topics) == rule.member


def _device(rule: DeviceRule, profile: Mapping[str, Any]) -> bool:
    devices = profile.get("devices") or {}
    held = int(devices.get(rule.platform) or 0) if rule.platform else sum(int(n) for n in devices.values())
    push = bool(profile.get("pushEnabled"))
    return held >= rule.minDevices and (rule.pushEnabled is None or push == rule.pushEnabled)


def _number(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def _attribute(rule: AttributeRule, held: Any) -> bool:
    operator, wanted = rule.operator, rule.value
    if operator == "exists":
        return held is not None
    if operator == "not_exists":
        return held is None
    if operator == "ne":
        return held is None or not _equal(held, wanted)
    if held is None:
        return False
    if operator == "eq":
        return _equal(held, wanted)
    if operator == "in":
        return any(_equal(held, option) for option in (wanted if isinstance(wanted, list) else []))
    if operator == "contains":
        if isinstance(held, (list, set)):
            return any(_equal(element, wanted) for element in held)
        return isinstance(held, str) and isinstance(wanted, str) and wanted.lower() in held.lower()
    return _ordered(operator, held, wanted)


def _ordered(operator: str, held: Any, wanted: Any) -> bool:
    left: Any = _number(held)
    right: Any = wanted
    if isinstance(left, bool) or isinstance(right, bool):
        return False
    if not (isinstance(left, (int, float)) and isinstance(right, (int, float))) and not (
        isinstance(left, str) and isinstance(right, str)
    ):
        return False  # a value of another type than the attribute's (written before it was catalogued)
    return _ORDERS[operator](cast("Any", left), cast("Any", right))


_ORDERS: dict[str, Callable[[Any, Any], bool]] = {
    "gt": lambda a, b: bool(a > b),
    "after": lambda a, b: bool(a > b),
    "gte": lambda a, b: bool(a >= b),
    "lt": lambda a, b: bool(a < b),
    "before": lambda a, b: bool(a < b),
    "lte": lambda a, b: bool(a <= b),
}


def _equal(held: Any, wanted: Any) -> bool:
    left = _number(held)
    if isinstance(left, bool) or isinstance(wanted, bool):
        return left is wanted
    return bool(left == wanted)

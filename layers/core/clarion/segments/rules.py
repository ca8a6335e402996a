"""A segment's rule tree on the wire: AND/OR groups, NOT, and leaf rules over what a profile holds
(docs/data-model.md, "What a segment reads from a profile").

A group is recognised by its `rules` (AND/OR) or `rule` (NOT); a leaf by its `type`. A tree holds at most
`MAX_RULES` rules and nests at most `MAX_DEPTH` groups deep, so evaluating one profile stays cheap.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, StrictBool, StrictFloat, StrictInt, StrictStr, Tag

from clarion.audience.hit_counts import TAG_HIT_DAYS
from clarion.audience.names import AttributeName, TagName
from clarion.models import ObjectId, Request, TopicKey
from clarion.store.records import Channel
from clarion.subscriptions.models import SubscriptionStatus
from clarion.subscriptions.rules import Purpose

MAX_DEPTH = 5
MAX_RULES = 50
MAX_IN_VALUES = 100

AttributeOperator = Literal[
    "eq", "ne", "gt", "gte", "lt", "lte", "contains", "in", "exists", "not_exists", "before", "after"
]
Scalar = Annotated[StrictStr, Field(max_length=256)] | StrictInt | StrictFloat | StrictBool
Platform = Literal["ios", "android", "web"]


class AttributeRule(Request):
    type: Literal["attribute"]
    name: AttributeName = Field(description="A catalogued attribute")
    operator: AttributeOperator
    value: Scalar | list[Scalar] | None = Field(
        default=None, description="What to compare with: a list for `in`, nothing for exists/not_exists"
    )


class TagRule(Request):
    type: Literal["tag"]
    tag: TagName
    has: StrictBool = Field(default=True, description="true: the profile has hit the tag; false: it never has")


class HitsRule(Request):
    type: Literal["event_hits", "tag_hits"]
    name: Annotated[str, Field(min_length=1, max_length=100)] = Field(description="The event's name or the tag")
    minCount: int = Field(default=1, ge=0, le=1_000_000)
    maxCount: int | None = Field(default=None, ge=0, le=1_000_000)
    withinDays: int = Field(default=TAG_HIT_DAYS, ge=1, le=TAG_HIT_DAYS, description="Today (UTC) and the days before")


class DeviceRule(Request):
    type: Literal["device"]
    platform: Platform | None = Field(default=None, description="A device on this platform (any when absent)")
    minDevices: int = Field(default=1, ge=0, le=1000, description="At least this many devices (on the platform)")
    pushEnabled: StrictBool | None = Field(default=None, description="Reachable by push (an active device) or not")


class ConsentRule(Request):
    type: Literal["consent"]
    purpose: Purpose
    granted: StrictBool = Field(description="true: consent recorded as granted; false: recorded as withdrawn")


class SubscriptionRule(Request):
    type: Literal["subscription"]
    channel: Channel
    status: SubscriptionStatus = Field(description="A channel never set is `unknown`")


class ListRule(Request):
    type: Literal["list"]
    listId: ObjectId
    member: StrictBool = True


class TopicRule(Request):
    type: Literal["topic"]
    topicKey: TopicKey
    member: StrictBool = True


class GroupRule(Request):
    operator: Literal["AND", "OR"]
    rules: list[Rule] = Field(min_length=1, max_length=MAX_RULES)


class NotRule(Request):
    operator: Literal["NOT"]
    rule: Rule


def _kind(value: Any) -> str | None:
    if isinstance(value, dict):
        if "rules" in value:
            return "group"
        if "rule" in value:
            return "not"
        return value.get("type") if isinstance(value.get("type"), str) else None
    if isinstance(value, GroupRule):
        return "group"
    if isinstance(value, NotRule):
        return "not"
    return getattr(value, "type", None)


Leaf = AttributeRule | TagRule | HitsRule | DeviceRule | ConsentRule | SubscriptionRule | ListRule | TopicRule
Rule = Annotated[
    Annotated[GroupRule, Tag("group")]
    | Annotated[NotRule, Tag("not")]
    | Annotated[AttributeRule, Tag("attribute")]
    | Annotated[TagRule, Tag("tag")]
    | Annotated[HitsRule, Tag("event_hits")]
    | Annotated[HitsRule, Tag("tag_hits")]
    | Annotated[DeviceRule, Tag("device")]
    | Annotated[ConsentRule, Tag("consent")]
    | Annotated[SubscriptionRule, Tag("subscription")]
    | Annotated[ListRule, Tag("list")]
    | Annotated[TopicRule, Tag("topic")],
    Discriminator(
        _kind,
        custom_error_type="rule_kind",
        custom_error_message="a rule is a group (operator and rules), NOT (operator and rule) or a leaf with a type: "
        "attribute, tag, event_hits, tag_hits, device, consent, subscription, list or topic",
    ),
]


def leaves(rule: Rule) -> list[Leaf]:
    """Every leaf of the tree, depth first."""
    if isinstance(rule, GroupRule):
        return [leaf for child in rule.rules for leaf in leaves(child)]
    if isinstance(rule, NotRule):
        return leaves(rule.rule)
    return [rule]


def depth(rule: Rule) -> int:
    if isinstance(rule, GroupRule):
        return 1 + max(depth(child) for child in rule.rules)
    if isinstance(rule, NotRule):
        return 1 + depth(rule.rule)
    return 0


def size(rule: Rule) -> int:
    if isinstance(rule, GroupRule):
        return 1 + sum(size(child) for child in rule.rules)
    if isinstance(rule, NotRule):
        return 1 + size(rule.rule)
    return 1

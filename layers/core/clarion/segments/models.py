"""Segments on the wire: `{"data": ...}` envelopes, Novu-style page/limit paging."""

from pydantic import ConfigDict, Field, field_validator

from clarion.models import Model, Name, Request
from clarion.segments.rules import MAX_DEPTH, MAX_RULES, Rule, depth, size

MAX_DESCRIPTION = 1000
MAX_PREVIEW = 100


def bounded(rule: Rule | None) -> Rule | None:
    """The rule, when it nests at most MAX_DEPTH groups and holds at most MAX_RULES rules and groups."""
    if rule is not None and depth(rule) > MAX_DEPTH:
        raise ValueError(f"groups nest at most {MAX_DEPTH} deep")
    if rule is not None and size(rule) > MAX_RULES:
        raise ValueError(f"a segment holds at most {MAX_RULES} rules and groups")
    return rule


class CreateSegmentRequest(Request):
    name: Name
    description: str | None = Field(default=None, max_length=MAX_DESCRIPTION)
    rule: Rule = Field(description="The rule tree a profile must match (docs/api.md, Segments)")

    _bounded = field_validator("rule")(bounded)


class UpdateSegmentRequest(Request):
    """The fields to change; those absent keep their value, and a null description clears it."""

    name: Name | None = None
    description: str | None = Field(default=None, max_length=MAX_DESCRIPTION)
    rule: Rule | None = None

    _bounded = field_validator("rule")(bounded)


class Segment(Model):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    id: str = Field(alias="_id")
    name: str
    description: str | None = None
    rule: dict[str, object]
    createdAt: str
    updatedAt: str


class SegmentCount(Model):
    count: int = Field(description="The profiles matching the segment now")
    scanned: int = Field(description="The profiles read to count them (every profile of the environment)")


class SegmentMember(Model):
    subscriberId: str
    email: str | None = None
    firstName: str | None = None
    lastName: str | None = None


class SegmentPreview(Model):
    """The first matching profiles from `cursor`: pass `next` back as `cursor` for the following ones."""

    data: list[SegmentMember]
    scanned: int = Field(description="The profiles read for this answer")
    next: str | None = Field(description="The cursor of the next page; null when every profile was read")

"""Attributes, tags and tag hits on the wire."""

from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, model_validator

from clarion.audience.names import AttributeName, DeviceId, TagName
from clarion.models import Model, Request, SubscriberId

AttributeType = Literal["string", "number", "boolean", "date", "list"]
Description = Annotated[str, StringConstraints(max_length=500)]
TagValue = Annotated[str, StringConstraints(max_length=256)] | int | float | bool
MAX_BATCH = 100
MAX_TAG_HITS = 25


class CreateAttributeRequest(Request):
    name: AttributeName = Field(description="Unique in the environment; the key of the value on profiles")
    type: AttributeType = Field(description="What every value must be: string, number, boolean, date or list")
    description: Description | None = None


class BatchCreateAttributesRequest(Request):
    attributes: list[CreateAttributeRequest] = Field(min_length=1, max_length=MAX_BATCH)


class Attribute(Model):
    name: str
    type: AttributeType
    description: str | None = None
    createdAt: str


class CreateTagRequest(Request):
    name: TagName
    description: Description | None = None


class BatchCreateTagsRequest(Request):
    tags: list[CreateTagRequest] = Field(min_length=1, max_length=MAX_BATCH)


class Tag(Model):
    name: str
    description: str | None = None
    createdAt: str
    hits: int = Field(default=0, description="Hits reported for the tag since it was catalogued")
    lastHitAt: str | None = Field(default=None, description="The time of the latest hit reported")


class FailedItem(Model):
    name: str
    message: str


class BatchResult(Model):
    """Per-item results of a batch create: what was created, and each name refused with why."""

    created: list[str]
    failed: list[FailedItem]


class AttributeValue(Model):
    value: Any = Field(description="A value profiles hold (for a list attribute, one element)")
    count: int = Field(description="How many profiles hold it")


class TagHitRequest(Request):
    """One hit: a profile's (`subscriberId`) or a device's (`deviceId`, stored as given)."""

    tag: TagName
    subscriberId: SubscriberId | None = None
    deviceId: DeviceId | None = None
    timestamp: str | None = Field(
        default=None, max_length=40, description="When it happened (ISO 8601 with an offset or Z); now if absent"
    )
    value: TagValue | None = Field(default=None, description="Kept on the hit: text (≤ 256), a number or a boolean")

    @model_validator(mode="after")
    def _one_target(self) -> "TagHitRequest":
        if (self.subscriberId is None) == (self.deviceId is None):
            raise ValueError("give exactly one of subscriberId and deviceId")
        return self


class TagHitBatchRequest(Request):
    hits: list[TagHitRequest] = Field(min_length=1, max_length=MAX_TAG_HITS)


class TagHit(Model):
    tag: str
    subscriberId: str | None = None
    deviceId: str | None = None
    timestamp: str
    value: Any = None
    receivedAt: str


class FailedHit(Model):
    index: int = Field(description="The hit's position in `hits` (0 for a single hit)")
    message: str


class TagHitResult(Model):
    recorded: int
    failed: list[FailedHit]
    cataloguedTags: list[str] = Field(description="Tags the hits named that were not catalogued and now are")


class HitsPage(Model):
    """Offset pages like Novu's, without totalCount: counting a tag's hits would read every one of them."""

    page: int
    pageSize: int
    hasMore: bool
    data: list[TagHit]

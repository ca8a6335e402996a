"""Subscribers on the wire, in Novu v1's shapes."""

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    StrictBool,
    model_serializer,
)

from clarion.models import Model, Request, SubscriberId
from clarion.subscribers.fields import SubscriberFields

MAX_BULK_SUBSCRIBERS = 500


class CreateSubscriberRequest(SubscriberFields):
    subscriberId: SubscriberId = Field(description="Your application's id for the subscriber")


class UpdateSubscriberRequest(SubscriberFields):
    """Only the fields given change. As in Novu, null leaves a field unchanged, except `email`, which null clears."""

    subscriberId: SubscriberId | None = Field(
        default=None, description="If given, the id in the path (Novu's SDKs send it)"
    )


class BulkCreateSubscribersRequest(Request):
    subscribers: list[Any] = Field(
        min_length=1,
        max_length=MAX_BULK_SUBSCRIBERS,
        description="Up to 500 subscribers, each as in `POST /v1/subscribers`; each is validated on its own",
        # documented as what each entry should be, and accepted as anything: a bad entry fails alone, in `failed`
        json_schema_extra={
            "items": {
                "anyOf": [
                    {"$ref": "#/components/schemas/CreateSubscriberRequest"},
                    {"description": "Any other entry: refused alone, and reported in `failed`"},
                ]
            }
        },
    )


class OnlineStatusRequest(Request):
    isOnline: StrictBool


class ChannelSettings(Model):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    providerId: str
    integrationIdentifier: str | None = None
    credentials: dict[str, Any]
    integrationId: str = Field(default="", alias="_integrationId")

    @model_serializer(mode="wrap")
    def _omit_absent(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """Novu's SDKs refuse null for the optional `integrationIdentifier`: absent means absent."""
        return {key: value for key, value in handler(self).items() if value is not None}


class Subscriber(Model):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    id: str = Field(alias="_id")
    organizationId: str = Field(alias="_organizationId")
    environmentId: str = Field(alias="_environmentId")
    subscriberId: str
    firstName: str | None = None
    lastName: str | None = None
    email: str | None = None
    phone: str | None = None
    avatar: str | None = None
    locale: str | None = None
    timezone: str | None = None
    data: dict[str, Any] | None = None
    channels: list[ChannelSettings] = Field(default_factory=list)
    attributes: dict[str, Any] = Field(default_factory=dict, description="The profile's attribute values")
    tags: Annotated[list[str], AfterValidator(sorted)] = Field(default_factory=list, description="Tags it has hit")
    isOnline: bool = False
    lastOnlineAt: str | None = None
    deleted: bool = False
    createdAt: str
    updatedAt: str
    lists: Annotated[list[str], BeforeValidator(sorted)] = Field(
        default_factory=list, description="The ids of the lists it belongs to (Clarion extension)"
    )
    subscriptions: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="Its status by channel, as set: {status, at, source}; a channel absent is unknown (Clarion)",
    )
    consent: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="Its consent by purpose: {granted, at, source} (Clarion extension)"
    )

    @classmethod
    def from_item(cls, item: Mapping[str, Any]) -> "Subscriber":
        return cls.model_validate({name: item[name] for name in cls.model_fields if name in item})


class SubscriberRef(Model):
    subscriberId: str


class FailedSubscriber(Model):
    subscriberId: str = Field(default="", description="Empty when the entry gave no usable subscriberId")
    message: str


class BulkCreateResult(Model):
    created: list[SubscriberRef]
    updated: list[SubscriberRef]
    failed: list[FailedSubscriber]


class DeletedSubscriber(Model):
    acknowledged: bool = True
    status: str = "deleted"

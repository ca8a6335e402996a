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

from clarion.audience.names import MAX_ATTRIBUTES_PER_REQUEST, AttributeName
from clarion.models import Model, Name, Request, SubscriberId
from clarion.subscribers.validation import (
    CustomData,
    DeviceToken,
    Email,
    HttpUrl,
    Locale,
    Phone,
    ProviderId,
    ShortText,
    Timezone,
)

MAX_DEVICE_TOKENS = 50
MAX_CHANNELS = 10
MAX_BULK_SUBSCRIBERS = 500


class ChannelCredentials(Request):
    """Novu's credentials for a chat or push provider; only the fields given are stored."""

    webhookUrl: HttpUrl | None = Field(default=None, description="Chat webhook URL (http or https)")
    channel: ShortText | None = Field(default=None, description="Channel, for Mattermost")
    deviceTokens: list[DeviceToken] | None = Field(
        default=None, max_length=MAX_DEVICE_TOKENS, description="Push device tokens"
    )
    alertUid: ShortText | None = None
    title: ShortText | None = None
    imageUrl: HttpUrl | None = None
    state: ShortText | None = None
    externalUrl: HttpUrl | None = None


class SubscriberChannelRequest(Request):
    """A provider's credentials: the body of PUT/PATCH /credentials and an entry of `channels`."""

    providerId: ProviderId
    integrationIdentifier: ShortText | None = Field(default=None, description="Which integration of the provider")
    credentials: ChannelCredentials


class SubscriberFields(Request):
    firstName: Name | None = None
    lastName: Name | None = None
    email: Email | None = None
    phone: Phone | None = Field(default=None, description="E.164, e.g. +14155550100")
    avatar: HttpUrl | None = Field(default=None, description="http(s) URL of the subscriber's picture")
    locale: Locale | None = Field(default=None, description="BCP 47, e.g. en-US")
    timezone: Timezone | None = Field(default=None, description="IANA time zone, e.g. Europe/Paris")
    data: CustomData | None = Field(default=None, description="Custom JSON object, at most 16 KB")
    channels: list[SubscriberChannelRequest] | None = Field(default=None, max_length=MAX_CHANNELS)
    attributes: dict[AttributeName, Any] | None = Field(
        default=None,
        max_length=MAX_ATTRIBUTES_PER_REQUEST,
        description="Values of catalogued attributes (`POST /v1/attributes`), each of its type; null removes a value",
    )


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

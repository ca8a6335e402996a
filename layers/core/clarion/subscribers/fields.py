"""The fields a subscriber's profile is written with (its create and update bodies, a preview's inline subscriber)
and a provider's credentials: apart from the other subscriber models, so a route that takes only these does not
create the rest at its function's cold start (the campaigns' preview)."""

from typing import Any

from pydantic import Field

from clarion.audience.names import MAX_ATTRIBUTES_PER_REQUEST, AttributeName
from clarion.models import Name, Request
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

"""Devices on the wire. A push token is accepted, never shown: a device answers with `pushTokenHint`."""

from typing import Literal

from pydantic import Field

from clarion.audience.names import DeviceId
from clarion.models import Model, Request
from clarion.subscribers.validation import DeviceToken, Locale, ShortText, Timezone

Platform = Literal["ios", "android", "web"]
__all__ = ["Device", "DeviceId", "Platform", "RegisterDeviceRequest", "UpdateDeviceRequest"]


class UpdateDeviceRequest(Request):
    """The fields to change; a field absent keeps its value."""

    pushToken: DeviceToken | None = Field(
        default=None, description="A new push token (APNs or FCM): re-activates a device its provider disabled"
    )
    pushEnabled: bool | None = Field(default=None, description="false: the device receives no push")
    appVersion: ShortText | None = None
    locale: Locale | None = Field(default=None, description="BCP 47, e.g. en-US")
    timezone: Timezone | None = Field(default=None, description="IANA time zone, e.g. Europe/Paris")


class RegisterDeviceRequest(UpdateDeviceRequest):
    platform: Platform = Field(description="ios (APNs), android or web (FCM)")


class Device(Model):
    deviceId: str
    subscriberId: str
    platform: Platform
    pushTokenHint: str | None = Field(default=None, description="The push token's last 4 characters")
    pushEnabled: bool
    active: bool = Field(description="Push-enabled, with a token, not disabled by its provider: pushes reach it")
    disabledAt: str | None = Field(default=None, description="When the provider refused its token")
    disabledReason: str | None = None
    appVersion: str | None = None
    locale: str | None = None
    timezone: str | None = None
    lastSeenAt: str | None = None
    createdAt: str
    updatedAt: str

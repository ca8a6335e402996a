"""Environments on the wire, in Novu's shape."""

from typing import Annotated

from pydantic import ConfigDict, Field, StringConstraints

from clarion.models import Model, Name, ObjectId, Request

Origin = Annotated[str, StringConstraints(pattern=r"^(\*|https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?)$", max_length=256)]


class CreateEnvironmentRequest(Request):
    name: Name
    parentId: ObjectId | None = Field(default=None, description="Id of the parent environment")
    color: Annotated[str, StringConstraints(pattern=r"^#[0-9A-Fa-f]{6}$")] | None = Field(
        default=None, description="Hex colour shown for the environment"
    )


class UpdateEnvironmentRequest(Request):
    """The settings to change; those absent keep their value."""

    inboxExpiryDays: Annotated[int, Field(ge=1, le=365)] | None = Field(
        default=None, description="Days an in-app message stays in the inbox when its campaign sets none"
    )
    widgetHmacRequired: bool | None = Field(
        default=None, description="Whether a widget session needs the subscriberId's hmacHash"
    )
    widgetOrigins: list[Origin] | None = Field(
        default=None, max_length=50, description="The browser origins the widget API answers (`*` for any)"
    )


class Environment(Model):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    id: str = Field(alias="_id")
    name: str
    organizationId: str = Field(alias="_organizationId")
    identifier: str
    parentId: str | None = Field(default=None, alias="_parentId")
    slug: str
    color: str | None = None
    inboxExpiryDays: int | None = Field(default=None, description="The default inbox expiry of the campaigns")
    widgetHmacRequired: bool | None = Field(
        default=None, description="Set: whether widget sessions need hmacHash; unset, all but Development do"
    )
    widgetOrigins: list[str] = Field(default_factory=list, description="Browser origins the widget API answers")
    createdAt: str


class SubscriberHmacKey(Model):
    """The key an application signs subscriberIds with: `hmacHash` = hex HMAC-SHA256(hmacKey, subscriberId)."""

    environmentId: str
    hmacKey: str = Field(description="64 hex digits; used as the HMAC key as text, like Novu's API key")

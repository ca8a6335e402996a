"""The widget API's session on the wire, in Novu's v1 shape (`POST /v1/widgets/session/initialize`)."""

from typing import Annotated

from pydantic import Field, StringConstraints

from clarion.models import Model, Name, Request, SubscriberId
from clarion.subscribers.validation import Email, Phone

HmacHash = Annotated[str, StringConstraints(min_length=1, max_length=128)]


class SessionRequest(Request):
    applicationIdentifier: Annotated[str, StringConstraints(min_length=1, max_length=64)] = Field(
        description="The environment's identifier (GET /v1/environments/me)"
    )
    subscriberId: SubscriberId
    hmacHash: HmacHash | None = Field(
        default=None, description="Hex HMAC-SHA256 of the subscriberId under the environment's key"
    )
    subscriberHash: HmacHash | None = Field(default=None, description="The same, under the name Novu's newer SDKs use")
    email: Email | None = None
    firstName: Name | None = None
    lastName: Name | None = None
    phone: Phone | None = None


class SessionProfile(Model):
    id: str = Field(serialization_alias="_id")
    subscriberId: str
    firstName: str | None = None
    lastName: str | None = None
    email: str | None = None
    phone: str | None = None
    avatar: str | None = None


class Session(Model):
    token: str = Field(description="The subscriber token: `Authorization: Bearer <token>` on the widget routes, 1 h")
    profile: SessionProfile

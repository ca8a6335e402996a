"""Novu v1 integrations on the wire: requests as Novu's SDKs send them, the integration as Novu returns it.

Credentials are never returned in clear: each field is shown with its value for the fields a provider does not
hold secret (host, port, from, ...) and as MASK for its secret ones (user, password, ...). Sending MASK back for
a secret field keeps the stored value, so a read-modify-write of an integration never loses its secret."""

from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import ConfigDict, Field, StringConstraints

from clarion.conditions import Conditions
from clarion.models import Model, Name, ObjectId, Request

if TYPE_CHECKING:
    from clarion.store import entities

MASK = "****"
# the order of clarion.store.records.Channel: typing caches `X | None` by equality, and Literals of the same
# values in another order are equal, so one order keeps every schema (and docs/openapi.json) the same
IntegrationChannel = Literal["email", "sms", "push", "in_app", "chat"]
Identifier = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")]
ProviderId = Annotated[str, StringConstraints(min_length=1, max_length=50)]
Credentials = dict[str, str | int | float | bool | None]
_NOVU = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class CreateIntegrationRequest(Request):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    providerId: ProviderId = Field(description="email: ses, smtp; sms: sns; push: sns; chat: webhook; in_app: clarion")
    channel: IntegrationChannel
    credentials: Credentials = Field(default_factory=dict, description="The provider's settings and secrets")
    active: bool = Field(default=False, description="Only active integrations deliver")
    check: bool = Field(default=False, description="Verify the credentials (SES identity, SNS application) first")
    conditions: Conditions = Field(default_factory=list, description="When the integration is chosen for a message")
    identifier: Identifier | None = Field(default=None, description="Unique in the environment; generated if absent")
    name: Name | None = Field(default=None, description="Defaults to the providerId")
    environmentId: ObjectId | None = Field(default=None, alias="_environmentId", description="The caller's, if given")
    removeNovuBranding: bool | None = Field(default=None, description="Accepted for compatibility; no effect")


class UpdateIntegrationRequest(Request):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    providerId: ProviderId | None = Field(default=None, description="Novu's SDKs send it: only the integration's own")
    channel: IntegrationChannel | None = Field(default=None, description="Likewise: only the integration's own")
    name: Name | None = None
    identifier: Identifier | None = None
    environmentId: ObjectId | None = Field(default=None, alias="_environmentId")
    active: bool | None = None
    credentials: Credentials | None = Field(default=None, description=f"Replaces them; {MASK} keeps a stored secret")
    check: bool = False
    conditions: Conditions | None = None
    removeNovuBranding: bool | None = None


class Integration(Model):
    model_config = _NOVU

    id: str = Field(alias="_id")
    environmentId: str = Field(alias="_environmentId")
    organizationId: str = Field(alias="_organizationId")
    name: str
    identifier: str
    providerId: str
    channel: IntegrationChannel
    credentials: dict[str, Any] = Field(description=f"Field names; secret values shown as {MASK}")
    active: bool
    deleted: bool = False
    deletedAt: str | None = None
    deletedBy: str | None = None
    primary: bool
    conditions: list[dict[str, Any]]
    createdAt: str
    updatedAt: str

    @classmethod
    def from_item(cls, item: "entities.Integration", organization_id: str) -> "Integration":
        shown = ("name", "identifier", "providerId", "channel", "active", "deleted", "deletedAt", "deletedBy")
        return cls.model_validate(
            {name: item.get(name) for name in shown}
            | {
                "_id": item["_id"],
                "_environmentId": item["environmentId"],
                "_organizationId": organization_id,
                "credentials": item.get("maskedCredentials") or {},
                "primary": bool(item.get("primary")),
                "conditions": item.get("conditions") or [],
                "createdAt": item["createdAt"],
                "updatedAt": item["updatedAt"],
            }
        )


class ChannelLimit(Model):
    """Novu's quota of its own demo providers on a channel; Clarion sends through the environment's own providers
    only, so there is none: both are 0, as Novu answers when its demo provider is not in use."""

    limit: int = 0
    count: int = 0

"""API clients on the wire."""

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints

from clarion.models import Model, Name, ObjectId, Request

RateLimitClass = Literal["trigger", "configuration", "global"]
RateLimits = dict[RateLimitClass, Annotated[int, Field(ge=1, le=100_000)]]

ScopeName = Annotated[str, StringConstraints(min_length=1, max_length=64)]
ClientStatus = Literal["active", "revoked"]


class CreateClientRequest(Request):
    name: Name
    environmentId: ObjectId | None = Field(
        default=None, description="Environment the client belongs to; defaults to the caller's"
    )
    scopes: list[ScopeName] = Field(default_factory=list, max_length=200, description="Fine scopes or bundles")
    rateLimits: RateLimits | None = Field(
        default=None,
        description="This key's tokens per window by rate-limit class, instead of the stack's (e.g. {\"trigger\": 50})",
    )


class SetScopesRequest(Request):
    scopes: list[ScopeName] = Field(max_length=200, description="Fine scopes or bundles; replaces the current set")


class Client(Model):
    clientId: str
    name: str
    environmentId: str
    scopes: list[str]
    status: ClientStatus
    keyHint: str
    createdAt: str
    createdBy: str
    updatedAt: str
    updatedBy: str
    rateLimits: RateLimits | None = Field(default=None, description="Its own rate limits; the stack's otherwise")


class ClientWithKey(Client):
    key: str = Field(description="The secret key: shown only in this response, stored only as a hash")


class AuditEntry(Model):
    clientId: str
    action: Literal["created", "scopes_changed", "key_rotated", "revoked"]
    changedBy: str
    changedAt: str
    before: list[str] | None
    after: list[str] | None


class ApiKey(Model):
    """Novu's environment API key, masked: Clarion stores only a key's hash, so `key` is its hint."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    id: str = Field(alias="_id", description="The client's id")
    key: str = Field(description="The key's hint (`sk_...` and its last 4 characters); never the key itself")
    userId: str = Field(alias="_userId", description="The client the key belongs to (Novu: the user)")
    name: str
    createdAt: str


class RegeneratedApiKey(Model):
    """Novu's regenerated environment key: here the calling client's new key, shown in this answer only."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    id: str = Field(alias="_id", description="The client's id")
    key: str = Field(description="The new key: shown only in this response; the old one stops working")
    userId: str = Field(alias="_userId", description="The client the key belongs to (Novu: the user)")

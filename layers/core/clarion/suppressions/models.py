"""Suppressions on the wire: entries to add, one suppression, and the per-entry result of an add."""

from typing import Literal

from pydantic import Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from clarion.models import Model, Request
from clarion.suppressions.addresses import normalized

SuppressionChannel = Literal["email", "sms"]
Reason = Literal["bounce", "complaint", "manual", "unsubscribe"]
MAX_ENTRIES_PER_CALL = 100


class SuppressionEntry(Request):
    channel: SuppressionChannel = Field(description="`email` (an email address) or `sms` (an E.164 phone number)")
    address: str = Field(min_length=1, max_length=254, description="The email address or phone number")
    reason: Reason = "manual"

    @field_validator("address")
    @classmethod
    def _normalised(cls, address: str, info: ValidationInfo) -> str:
        """The channel is validated first: an address is checked only against a known channel."""
        if "channel" not in info.data:
            return address
        try:
            return normalized(info.data["channel"], address)
        except ValueError as error:
            raise PydanticCustomError("invalid_value", str(error)) from error


class AddSuppressionsRequest(Request):
    suppressions: list[SuppressionEntry] = Field(
        min_length=1, max_length=MAX_ENTRIES_PER_CALL, description="The addresses to suppress, at most 100 a call"
    )


class Suppression(Model):
    channel: SuppressionChannel
    address: str = Field(description="Normalised: an email lower-cased, a phone in E.164")
    reason: Reason
    source: str = Field(description="`api`, `import`, or `ses` (an SES bounce or complaint notification)")
    createdAt: str


class SuppressionResult(Model):
    channel: SuppressionChannel
    address: str
    status: Literal["added", "existing"] = Field(
        description="`existing`: the address was suppressed already; its first reason is kept"
    )


class AddSuppressionsResult(Model):
    results: list[SuppressionResult] = Field(description="One per entry, in the request's order")

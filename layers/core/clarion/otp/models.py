"""One-time passwords on the wire. No model that is answered carries a code."""

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints, model_validator

from clarion.models import Model, Request, SubscriberId
from clarion.subscribers.validation import Email, Phone

DEFAULT_TTL_SECONDS = 300
DEFAULT_MAX_ATTEMPTS = 5
MAX_TEMPLATE_CHARS = 2000
Purpose = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:-]{1,64}$")]
Channel = Literal["sms", "email"]
_KINDS = ("subscriberId", "email", "phone")


class OtpRecipient(Request):
    """Exactly one of: a subscriber (its profile's phone or email), an email address, a phone number (E.164)."""

    subscriberId: SubscriberId | None = None
    email: Email | None = None
    phone: Phone | None = Field(default=None, description="E.164, e.g. +14155550100")

    @model_validator(mode="after")
    def _exactly_one(self) -> "OtpRecipient":
        if len([name for name in _KINDS if getattr(self, name) is not None]) != 1:
            raise ValueError("give exactly one of subscriberId, email, phone")
        return self

    def identity(self) -> str:
        """`kind:value`: the recipient the active code, the throttle and validation are keyed by."""
        kind = next(name for name in _KINDS if getattr(self, name) is not None)
        return f"{'subscriber' if kind == 'subscriberId' else kind}:{getattr(self, kind)}"

    def stored(self) -> dict[str, str]:
        return self.model_dump(exclude_none=True)


class OtpTemplate(Request):
    """The message, as templates are written elsewhere (`{{ code }}`, `{{ minutes }}`, `{{ purpose }}`)."""

    body: str = Field(min_length=1, max_length=MAX_TEMPLATE_CHARS, description="Must show {{ code }}")
    subject: str | None = Field(default=None, min_length=1, max_length=256, description="Email only")


class _OtpSendFields(Request):
    recipient: OtpRecipient
    channel: Channel | None = Field(
        default=None, description="sms or email; by default the recipient's phone (sms), else its email"
    )
    purpose: Purpose = Field(default="default", description="One active code per recipient and purpose")
    expiresInSeconds: int = Field(default=DEFAULT_TTL_SECONDS, ge=30, le=3600)
    maxAttempts: int = Field(default=DEFAULT_MAX_ATTEMPTS, ge=1, le=10)
    template: OtpTemplate | None = None


class SendOtpRequest(_OtpSendFields):
    length: int = Field(default=6, ge=4, le=10, description="Digits of the generated code")


class SendOwnOtpRequest(_OtpSendFields):
    code: str = Field(pattern=r"^[A-Za-z0-9]{4,12}$", description="The code to send; never echoed back")


class ValidateOtpRequest(Request):
    recipient: OtpRecipient
    purpose: Purpose = "default"
    code: str = Field(min_length=1, max_length=64)


class Otp(Model):
    """A one-time password's history: who, when, channel, status and attempts; never the code."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    id: str = Field(alias="_id")
    recipient: dict[str, str]
    channel: Channel
    purpose: str
    status: Literal["sent", "validated", "expired", "locked", "invalidated", "failed"]
    attempts: int
    maxAttempts: int
    ownCode: bool = Field(description="The caller chose the code (send-own)")
    createdAt: str
    expiresAt: str = Field(description="When the code stops being accepted")
    validatedAt: str | None = None


class OtpValidation(Model):
    """The same answer for a wrong code, an expired or locked one and a recipient without a code."""

    valid: bool

"""The client trigger's user and a trigger's answer, apart from the other trigger models: the campaign operations'
models and routes use them without loading the recipients', overrides', subscribers' and tenants' models (~35
pydantic classes) at the campaigns function's cold start. `clarion.engine.models` re-exports them."""

from typing import Literal

from pydantic import Field

from clarion.models import Model, Request, SubscriberId
from clarion.subscribers.validation import DeviceToken, Email, Locale, Phone, Timezone


class TriggerUser(Request):
    """The client trigger's user, who receives the campaign, upserted as a subscriber (external_id: subscriberId)."""

    external_id: SubscriberId = Field(description="Your application's id for the user (the subscriberId)")
    email: Email | None = None
    phone: Phone | None = Field(default=None, description="E.164, e.g. +12345678900")
    device_token: DeviceToken | None = Field(default=None, description="A push token, stored for provider fcm")
    timezone: Timezone | None = Field(default=None, description="IANA time zone, e.g. America/Chicago")
    locale: Locale | None = Field(default=None, description="BCP 47, e.g. en")


class TriggerEventResult(Model):
    acknowledged: bool = True
    status: Literal["processed", "trigger_not_active"] = "processed"
    transactionId: str

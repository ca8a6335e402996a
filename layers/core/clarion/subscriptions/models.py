"""Subscription status and consent on the wire."""

from typing import Annotated, Literal

from pydantic import Field, StrictBool, StringConstraints

from clarion.models import Model, Request
from clarion.store.records import Channel
from clarion.subscriptions.rules import Purpose

MAX_PURPOSES = 50
SubscriptionStatus = Literal["subscribed", "unsubscribed", "unknown"]
Source = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,49}$"),
    Field(description="Where the change came from: api, unsubscribe_link, import, preference_center, or your own word"),
]


class SubscriptionChange(Request):
    status: SubscriptionStatus
    source: Source = "api"


class UpdateSubscriptionsRequest(Request):
    subscriptions: dict[Channel, SubscriptionChange] = Field(
        min_length=1, description="The channels to change, by name; the others keep their status"
    )


class ConsentChange(Request):
    granted: StrictBool
    source: Source = "api"


class UpdateConsentRequest(Request):
    consent: dict[Purpose, ConsentChange] = Field(
        min_length=1,
        max_length=MAX_PURPOSES,
        description="The purposes to record, by name; the others keep their consent",
    )


class Subscription(Model):
    status: SubscriptionStatus
    at: str | None = Field(default=None, description="When it was last set; null while unknown and never set")
    source: str | None = None


class Consent(Model):
    granted: bool
    at: str
    source: str

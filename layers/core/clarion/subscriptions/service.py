"""Reading and changing a profile's subscription status and consent; independent of HTTP.

Both live on the profile item (`subscriptions`, `consent`), where the dispatcher already reads the profile and a
segment's one pass over the profiles finds them; a change is one conditional write on what was read (a concurrent
change to the profile is a 409).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from clarion.clock import timestamp_now
from clarion.errors import Conflict, NotFound, ValidationFailed
from clarion.principal import Principal
from clarion.store.records import CHANNELS
from clarion.subscribers.repository import SubscribersRepository
from clarion.subscriptions.models import (
    MAX_PURPOSES,
    Consent,
    Subscription,
    UpdateConsentRequest,
    UpdateSubscriptionsRequest,
)

if TYPE_CHECKING:
    from clarion.store import entities


def subscriptions_of(profile: entities.Subscriber) -> dict[str, Subscription]:
    """Every channel's status; a channel never set is `unknown`."""
    states = profile.get("subscriptions") or {}
    return {channel: Subscription.model_validate(states.get(channel) or {"status": "unknown"}) for channel in CHANNELS}


def consent_of(profile: entities.Subscriber) -> dict[str, Consent]:
    """The purposes recorded, by name."""
    return {purpose: Consent.model_validate(state) for purpose, state in sorted((profile.get("consent") or {}).items())}


def get_subscriptions(caller: Principal, subscriber_id: str) -> dict[str, Subscription]:
    return subscriptions_of(_existing(caller, subscriber_id))


def update_subscriptions(
    caller: Principal, subscriber_id: str, request: UpdateSubscriptionsRequest
) -> dict[str, Subscription]:
    profile = _existing(caller, subscriber_id)
    now = timestamp_now()
    changes = {c: {"status": s.status, "at": now, "source": s.source} for c, s in request.subscriptions.items()}
    states = (profile.get("subscriptions") or {}) | changes
    return subscriptions_of(_save(caller, profile, "subscriptions", states, now))


def get_consent(caller: Principal, subscriber_id: str) -> dict[str, Consent]:
    return consent_of(_existing(caller, subscriber_id))


def update_consent(caller: Principal, subscriber_id: str, request: UpdateConsentRequest) -> dict[str, Consent]:
    profile = _existing(caller, subscriber_id)
    now = timestamp_now()
    changes = {p: {"granted": c.granted, "at": now, "source": c.source} for p, c in request.consent.items()}
    states = (profile.get("consent") or {}) | changes
    if len(states) > MAX_PURPOSES:
        raise ValidationFailed(
            f"a profile records consent to at most {MAX_PURPOSES} purposes; it would have {len(states)}",
            field="consent",
        )
    return consent_of(_save(caller, profile, "consent", states, now))


def _save(
    caller: Principal, profile: entities.Subscriber, attribute: str, states: dict[str, Any], now: str
) -> entities.Subscriber:
    updated = SubscribersRepository().update(
        caller.environment_id,
        profile["subscriberId"],
        {attribute: states, "updatedAt": now},
        expected_updated_at=profile["updatedAt"],
    )
    if updated is None:
        raise Conflict("the subscriber was changed by another request; read it again and retry")
    return updated


def _existing(caller: Principal, subscriber_id: str) -> entities.Subscriber:
    profile = SubscribersRepository().get(caller.environment_id, subscriber_id)
    if profile is None:
        raise NotFound(f"subscriber '{subscriber_id}' not found", field="subscriberId", value=subscriber_id)
    return profile

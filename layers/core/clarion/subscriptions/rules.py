"""Whether a campaign's message may use a channel, given the profile's subscription status and consent.

A campaign has a purpose: `marketing` unless it says otherwise, `transactional` when it is critical. A transactional
message goes whatever the profile says; any other purpose is refused on a channel the profile is `unsubscribed`
from, and when the profile withdrew consent (`granted: false`) to that purpose. A status or consent never recorded
does not refuse (opt-out, as Braze and Customer.io treat profiles without a subscription state).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import StringConstraints

if TYPE_CHECKING:
    from clarion.store import entities

MARKETING = "marketing"
TRANSACTIONAL = "transactional"
Purpose = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{0,49}$")]
"""`marketing`, `transactional`, or the application's own purpose (`newsletter`, `product_updates`...); here, with
the rules, so that campaigns' models name it without creating the subscriptions' models."""


def purpose_of(campaign: entities.CampaignVersion) -> str:
    if campaign.get("critical"):
        return TRANSACTIONAL
    return campaign.get("purpose") or MARKETING


def refusal(campaign: entities.CampaignVersion, channel: str, profile: Mapping[str, Any]) -> str | None:
    """Why the profile refuses the campaign's message on `channel` (the execution details' reason), or None."""
    purpose = purpose_of(campaign)
    if purpose == TRANSACTIONAL:
        return None
    subscription = (profile.get("subscriptions") or {}).get(channel)
    if subscription and subscription.get("status") == "unsubscribed":
        return (
            f"the subscriber is unsubscribed from {channel} (source {subscription.get('source')}, "
            f"{subscription.get('at')}) and the campaign's purpose is {purpose}"
        )
    consent = (profile.get("consent") or {}).get(purpose)
    if consent and consent.get("granted") is False:
        return (
            f"the subscriber has not consented to {purpose} (withdrawn: source {consent.get('source')}, "
            f"{consent.get('at')})"
        )
    return None

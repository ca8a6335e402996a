"""Where a subscriber receives each channel (the record's `to`), read from its profile."""

from collections.abc import Mapping
from typing import Any

from clarion.dynamo import Item

PUSH_PROVIDERS = ("fcm", "apns")
NO_ADDRESS = {
    "email": "the subscriber has no email address",
    "sms": "the subscriber has no phone number",
    "push": "the subscriber has no active device and no device token for fcm or apns",
    "chat": "the subscriber has no chat webhook URL",
}


def address_for(channel: str, profile: Mapping[str, Any]) -> Item | None:
    """The `to` of a `channel` message for the subscriber, or None when it cannot receive that channel."""
    if channel == "email":
        return {"email": profile["email"]} if profile.get("email") else None
    if channel == "sms":
        return {"phone": profile["phone"]} if profile.get("phone") else None
    if channel == "push":
        return _push_address(profile)
    if channel == "chat":
        return _chat_address(profile)
    return {}  # in_app: the inbox is the subscriber's own


def _push_address(profile: Mapping[str, Any]) -> Item | None:
    """Novu's device tokens (credentials) and, when the profile has an active device, `devices`: the push sender
    reads the active devices' tokens when it sends (clarion.delivery.devices)."""
    devices = {"devices": True} if profile.get("pushEnabled") else None
    for provider_id in PUSH_PROVIDERS:
        for channel in profile.get("channels") or []:
            tokens = channel.get("credentials", {}).get("deviceTokens")
            if channel.get("providerId") == provider_id and tokens:
                return {"providerId": provider_id, "deviceTokens": list(tokens), **(devices or {})}
    return devices


def _chat_address(profile: Mapping[str, Any]) -> Item | None:
    for channel in profile.get("channels") or []:
        webhook_url = channel.get("credentials", {}).get("webhookUrl")
        if webhook_url and channel.get("providerId") not in PUSH_PROVIDERS:
            return {"providerId": channel["providerId"], "webhookUrl": webhook_url}
    return None

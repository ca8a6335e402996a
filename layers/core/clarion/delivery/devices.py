"""The push sender's view of a subscriber's devices: the active ones to publish to, and disabling one whose token
its provider refused (recorded with the reason; later sends skip it until the app registers a new token)."""

from typing import TYPE_CHECKING

from aws_lambda_powertools import Logger

from clarion.clock import timestamp_now
from clarion.store.devices import DevicesStore, is_active

if TYPE_CHECKING:
    from clarion.store import entities

logger = Logger(child=True)

PLATFORM_PROVIDERS = {"ios": "apns", "android": "fcm", "web": "fcm"}
# The provider's answers that mean the token will never be accepted again (the app was uninstalled, the token
# expired or was never valid): SNS disables an endpoint on APNs/FCM feedback, and refuses a malformed token.
REFUSED_TOKEN_CODES = frozenset({"EndpointDisabled", "InvalidParameter", "InvalidParameterException"})


def active_devices(environment_id: str, subscriber_id: str) -> list["entities.Device"]:
    return [device for device in DevicesStore().of_subscriber(environment_id, subscriber_id) if is_active(device)]


def disable(device: "entities.Device", reason: str) -> None:
    """Disables the device (unless its token changed meanwhile) and updates its profile's summary."""
    store = DevicesStore()
    if store.disable(device, reason=reason, at=timestamp_now()):
        store.summarise(device["environmentId"], device["subscriberId"])
    # the reason can quote the token: only the device's id and the code are logged
    logger.warning("device disabled: its provider refused its token", extra={"deviceId": device["deviceId"]})

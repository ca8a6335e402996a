"""Mobile push through SNS platform endpoints (FCM or APNs), one endpoint per device token."""

import json
import re
from typing import TYPE_CHECKING, Any

from pydantic import Field

from clarion.aws import client
from clarion.delivery import devices
from clarion.delivery.errors import DeliveryFailure, PermanentFailure, aws_failure
from clarion.delivery.providers import required
from clarion.dynamo import Item
from clarion.errors import ValidationFailed
from clarion.models import Request
from clarion.settings import settings

if TYPE_CHECKING:
    from clarion.store import entities

SECRET_FIELDS: frozenset[str] = frozenset()

# CreatePlatformEndpoint refuses a token whose endpoint exists with other attributes (e.g. disabled); it names it.
EXISTING_ENDPOINT = re.compile(r"Endpoint (arn:\S+) already exists")


class Credentials(Request):
    platformApplicationArn: str | None = Field(
        default=None,
        pattern=r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:app/(GCM|APNS|APNS_SANDBOX)/[\w.-]+$",
        description="The SNS platform application (FCM or APNs) to publish through; default: the stack's",
    )


class SnsPush:
    def __init__(self, application_arn: str | None = None) -> None:
        self.application_arn = application_arn

    def send(self, record: "entities.DeliveryRecord") -> str:
        """Publishes to the subscriber's device tokens (Novu's credentials) and active devices (read now: a device
        disabled since the message was queued is skipped). A token its provider refuses is skipped, and its device
        disabled; the message fails with the last refusal when no token took it.
        Once one publish succeeded, a later failure is not raised: a retry would push the others twice."""
        sent: list[str] = []
        refused: DeliveryFailure = PermanentFailure("EndpointDisabled", "every device token's endpoint is disabled")
        for provider_id, token, device in _targets(record):
            application = self.application_arn or _application_arn(provider_id)
            try:
                endpoint = _endpoint(application, token)
                response = client("sns", single_attempt=True).publish(
                    TargetArn=endpoint, MessageStructure="json", Message=_message(provider_id, record["content"])
                )
            except Exception as error:
                failure = aws_failure(error)
                if failure.code in devices.REFUSED_TOKEN_CODES:
                    refused = failure
                    if device is not None:
                        devices.disable(device, failure.reason)
                elif not sent:
                    raise failure from error
                continue
            sent.append(response["MessageId"])
        if not sent:
            raise refused
        return ",".join(sent)


def _targets(record: "entities.DeliveryRecord") -> list[tuple[str, str, "entities.Device | None"]]:
    """(providerId, token, device) of each token to push to: the credentials' first, then the active devices'."""
    to = record.get("to") or {}
    if not to.get("devices"):
        provider_id = required(record, "to", "providerId")
        return [(provider_id, token, None) for token in required(record, "to", "deviceTokens")]
    targets: list[tuple[str, str, entities.Device | None]] = [
        (to["providerId"], token, None) for token in to.get("deviceTokens") or []
    ]
    active = devices.active_devices(record["environmentId"], record["subscriberId"])
    targets += [(devices.PLATFORM_PROVIDERS[device["platform"]], device["token"], device) for device in active]
    if not targets:
        raise PermanentFailure("NoActiveDevice", "the subscriber has no active device")
    return targets


def _application_arn(provider_id: str) -> str:
    arns = {"fcm": settings().fcm_platform_application_arn, "apns": settings().apns_platform_application_arn}
    if provider_id not in arns:
        raise PermanentFailure("UnknownProvider", f"push provider {provider_id!r} is neither fcm nor apns")
    return arns[provider_id]


def _endpoint(application_arn: str, token: str) -> str:
    try:
        arn: str = client("sns").create_platform_endpoint(PlatformApplicationArn=application_arn, Token=token)[
            "EndpointArn"
        ]
    except Exception as error:
        existing = EXISTING_ENDPOINT.search(str(error))
        if existing is None:
            raise
        return existing.group(1)
    return arn


def _message(provider_id: str, content: Item) -> str:
    """The JSON message structure: a payload for the token's platform and a default for any other."""
    title, body, data = content.get("title") or "", content.get("body") or "", content.get("data") or {}
    payloads: dict[str, Any] = {"default": body}
    if provider_id == "fcm":
        payloads["GCM"] = json.dumps({"notification": {"title": title, "body": body}, "data": data})
    else:
        apns = json.dumps({"aps": {"alert": {"title": title, "body": body}}, **data})
        payloads |= {"APNS": apns, "APNS_SANDBOX": apns}
    return json.dumps(payloads)


def adapter(credentials: Credentials) -> SnsPush:
    return SnsPush(credentials.platformApplicationArn)


def check(credentials: Credentials) -> None:
    """The platform application must exist (the stack's are checked when none is named)."""
    arns = [credentials.platformApplicationArn] if credentials.platformApplicationArn else []
    arns = arns or [
        arn for arn in (settings().fcm_platform_application_arn, settings().apns_platform_application_arn) if arn
    ]
    for arn in arns:
        try:
            client("sns").get_platform_application_attributes(PlatformApplicationArn=arn)
        except Exception as error:
            if aws_failure(error).code not in ("NotFound", "NotFoundException", "InvalidParameter"):
                raise
            raise ValidationFailed(
                "the SNS platform application does not exist", field="credentials.platformApplicationArn"
            ) from error


PROVIDER = SnsPush()

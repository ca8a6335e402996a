"""What can be done with one-time passwords; independent of HTTP.

A send stores the code's salted hash and points the recipient (for the purpose) at it before the provider is called,
so a code that reached someone can always be validated, and the previous code of that recipient and purpose stops
being accepted. The message is rendered, handed to the channel's providers (the environment's integrations, with
failover, else the stack's default) and never stored: no delivery record, execution detail or log holds the code.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, cast

from aws_lambda_powertools import Logger

from clarion import clock
from clarion.errors import NotFound, TooManyRequests, ValidationFailed
from clarion.ids import new_id
from clarion.models import NovuPage
from clarion.otp import codes
from clarion.otp.models import Otp, OtpRecipient, SendOtpRequest, SendOwnOtpRequest, ValidateOtpRequest
from clarion.otp.repository import OtpRepository
from clarion.principal import Principal
from clarion.store.keys import otp_recipient_sk

if TYPE_CHECKING:
    from clarion.dynamo import Item
    from clarion.store import entities
    from clarion.store.records import Channel

logger = Logger(child=True)

RETENTION_SECONDS = 30 * 24 * 3600
RESEND_INTERVAL_SECONDS = 30
SENDS_PER_HOUR = 10
_HOUR = 3600
DEFAULT_BODY = "Your verification code is {{ code }}. It expires in {{ minutes }} minutes."
DEFAULT_SUBJECT = "Your verification code"


def send_otp(caller: Principal, request: SendOtpRequest | SendOwnOtpRequest) -> Otp:
    """Generates (or takes send-own's) code, stores its hash as the recipient's active code, sends it."""
    environment_id = caller.environment_id
    code = request.code if isinstance(request, SendOwnOtpRequest) else codes.generate(request.length)
    profile = _profile(environment_id, request.recipient)
    channel, to = _address(request, profile)
    content = _content(channel, request, code)
    repository = OtpRepository()
    pointer_sk = otp_recipient_sk(request.purpose, request.recipient.identity())
    previous = repository.pointer(environment_id, pointer_sk)
    now_epoch, now = int(clock.epoch_seconds()), clock.timestamp_now()
    pointer = _throttled(previous, now_epoch)
    salt = codes.new_salt()
    otp: entities.OneTimePassword = {
        "_id": new_id(),
        "recipient": request.recipient.stored(),
        "channel": channel,
        "purpose": request.purpose,
        "status": "sent",
        "attempts": 0,
        "maxAttempts": request.maxAttempts,
        "salt": salt,
        "codeHash": codes.hash_code(code, salt),
        "ownCode": isinstance(request, SendOwnOtpRequest),
        "createdAt": now,
        "codeExpiresAt": clock.timestamp(datetime.fromtimestamp(now_epoch + request.expiresInSeconds, UTC)),
        "codeExpiresEpoch": now_epoch + request.expiresInSeconds,
        "updatedAt": now,
        "expiresAt": now_epoch + RETENTION_SECONDS,
    }
    pointer |= {"otpId": otp["_id"], "lastSentEpoch": now_epoch, "expiresAt": now_epoch + RETENTION_SECONDS}
    if not repository.create(environment_id, otp, pointer_sk, pointer, previous["otpId"] if previous else None):
        raise TooManyRequests(
            "another code was sent to this recipient at the same moment", retry_after=RESEND_INTERVAL_SECONDS
        )
    if previous is not None:
        repository.close(environment_id, previous["otpId"], "invalidated", {"updatedAt": now})
    _deliver(environment_id, otp, to, content, profile)
    return _view(otp)


def validate_otp(caller: Principal, request: ValidateOtpRequest) -> bool:
    """Whether `code` is the recipient's active code for the purpose. An unknown recipient, a wrong, expired or
    locked code all answer False after the same hashing work; each attempt on a live code is counted before the
    comparison (atomically), and the last allowed wrong attempt locks the code."""
    environment_id = caller.environment_id
    repository = OtpRepository()
    pointer = repository.pointer(environment_id, otp_recipient_sk(request.purpose, request.recipient.identity()))
    now_epoch, now = int(clock.epoch_seconds()), clock.timestamp_now()
    counted = repository.count_attempt(environment_id, pointer["otpId"], now_epoch, now) if pointer else None
    if counted is None:
        codes.burn(request.code)
        return False
    if codes.matches(request.code, counted["salt"], counted["codeHash"]):
        return repository.close(environment_id, counted["_id"], "validated", {"validatedAt": now, "updatedAt": now})
    if counted["attempts"] >= counted["maxAttempts"]:
        repository.close(environment_id, counted["_id"], "locked", {"updatedAt": now})
    return False


def get_otp(caller: Principal, otp_id: str) -> Otp:
    found = OtpRepository().get(caller.environment_id, otp_id)
    if found is None:
        raise NotFound(f"no one-time password has the id '{otp_id}'", field="otpId", value=otp_id)
    return _view(found)


def otp_history(caller: Principal, *, page: int, limit: int) -> NovuPage[Otp]:
    items, has_more = OtpRepository().history(caller.environment_id, offset=page * limit, limit=limit)
    total = page * limit + len(items) + (1 if has_more else 0)
    return NovuPage(page=page, pageSize=limit, totalCount=total, hasMore=has_more, data=[_view(i) for i in items])


def _profile(environment_id: str, recipient: OtpRecipient) -> Item | None:
    if recipient.subscriberId is None:
        return None
    from clarion.subscribers.repository import SubscribersRepository  # noqa: PLC0415 - subscriber recipients only

    profile = SubscribersRepository().get(environment_id, recipient.subscriberId)
    if profile is None:
        raise ValidationFailed(f"no subscriber has the id '{recipient.subscriberId}'", field="recipient.subscriberId")
    return cast("Item", profile)


def _address(request: SendOtpRequest | SendOwnOtpRequest, profile: Item | None) -> tuple[str, dict[str, str]]:
    """The channel and the `to` of the message: the one asked for, else sms when there is a phone, else email."""
    source = profile if profile is not None else request.recipient.stored()
    channel = request.channel or ("sms" if source.get("phone") else "email")
    field = "phone" if channel == "sms" else "email"
    if not source.get(field):
        raise ValidationFailed(f"the recipient has no {field} to send an {channel} code to", field="channel")
    return channel, {field: source[field]}


def _content(channel: str, request: SendOtpRequest | SendOwnOtpRequest, code: str) -> dict[str, str]:
    from clarion.templates.render import RenderFailed, render  # noqa: PLC0415 - jinja2, only when sending

    template = request.template
    body_source = template.body if template else DEFAULT_BODY
    variables = {"code": code, "minutes": max(1, request.expiresInSeconds // 60), "purpose": request.purpose}
    try:
        body = render(body_source, variables, field="template.body")
        subject = render(
            template.subject if template and template.subject else DEFAULT_SUBJECT, variables, field="template.subject"
        )
    except RenderFailed as failure:  # its reason names the template's fault, never the variables' values
        raise ValidationFailed(failure.reason, field=failure.field) from None
    if code not in body:
        raise ValidationFailed("the message must show the code: write {{ code }}", field="template.body")
    if channel == "sms":
        return {"body": body}
    return {"subject": subject, "html": body, "text": body}


def _throttled(previous: entities.OtpPointer | None, now_epoch: int) -> entities.OtpPointer:
    """The throttle part of the recipient's new pointer; TooManyRequests when the last send is under 30 s old or
    the hour already had its sends."""
    if previous is None or now_epoch - int(previous["hourStartEpoch"]) >= _HOUR:
        hour_start, sends = now_epoch, 0
    else:
        hour_start, sends = int(previous["hourStartEpoch"]), int(previous["sendsThisHour"])
    if previous is not None and (wait := int(previous["lastSentEpoch"]) + RESEND_INTERVAL_SECONDS - now_epoch) > 0:
        raise TooManyRequests(f"a code was sent to this recipient; wait {wait} s", retry_after=wait, field="recipient")
    if sends >= SENDS_PER_HOUR:
        wait = hour_start + _HOUR - now_epoch
        raise TooManyRequests(
            f"{SENDS_PER_HOUR} codes an hour at most; wait {wait} s", retry_after=wait, field="recipient"
        )
    return {
        "otpId": "",
        "lastSentEpoch": now_epoch,
        "hourStartEpoch": hour_start,
        "sendsThisHour": sends + 1,
        "expiresAt": 0,
    }


def _deliver(
    environment_id: str,
    otp: entities.OneTimePassword,
    to: dict[str, str],
    content: dict[str, str],
    profile: Item | None,
) -> None:
    """Hands the message to the channel's providers (never stored); a code no provider took is `failed`."""
    from clarion.delivery import routing  # noqa: PLC0415 - providers, only when sending
    from clarion.delivery.errors import DeliveryFailure  # noqa: PLC0415
    from clarion.integrations.selection import candidates  # noqa: PLC0415
    from clarion.store.records import new_record  # noqa: PLC0415

    channel: Channel = "sms" if otp["channel"] == "sms" else "email"
    record = new_record(environment_id, otp["recipient"].get("subscriberId", ""), channel, to=to, content=content)
    integrations = candidates({"environmentId": environment_id}, channel, profile or {}, {"purpose": otp["purpose"]})
    try:
        if integrations == []:
            raise DeliveryFailure("NoIntegration", "no active integration matches")
        if integrations:
            record["integrations"] = integrations
        routing.send(channel, record)
    except DeliveryFailure as failure:
        logger.warning("OTP message not sent: no provider took it", extra={"otpId": otp["_id"], "code": failure.code})
        OtpRepository().close(environment_id, otp["_id"], "failed", {"updatedAt": clock.timestamp_now()})
        otp["status"] = "failed"


def _view(otp: entities.OneTimePassword) -> Otp:
    status = otp["status"]
    if status == "sent" and clock.epoch_seconds() >= int(otp["codeExpiresEpoch"]):
        status = "expired"
    shown = ("_id", "recipient", "channel", "purpose", "attempts", "maxAttempts", "ownCode", "createdAt", "validatedAt")
    return Otp.model_validate(
        {name: otp.get(name) for name in shown} | {"status": status, "expiresAt": otp["codeExpiresAt"]}
    )

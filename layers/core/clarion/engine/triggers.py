"""Accepting a trigger: find the campaign, upsert the recipients given in full, write the notification, queue ONE
dispatch job (also for a bulk trigger's every event and for a broadcast to the whole environment).

A trigger never fans out inline, so it answers in bounded time whatever the audience's size; the dispatcher
(clarion.engine.fanout) turns the job into delivery records and channel jobs.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from clarion.dynamo import Item
from clarion.engine import trigger_extras, trigger_resolution
from clarion.engine.addresses import address_for
from clarion.engine.dispatch_jobs import SendJob
from clarion.engine.dispatch_queue import send_dispatch_job
from clarion.engine.job_types import SegmentTarget, Targets
from clarion.engine.models import (
    MAX_PAYLOAD_BYTES,
    BroadcastRequest,
    BulkTriggerRequest,
    CampaignTriggerRequest,
    EventTriggerRequest,
    FailedTriggerResult,
    ListRecipient,
    SegmentRecipient,
    TopicRecipient,
)
from clarion.engine.notifications import Notifications
from clarion.engine.wire import TriggerEventResult, TriggerUser
from clarion.errors import ClarionError, Conflict, NotFound, PayloadTooLarge, ValidationFailed
from clarion.ids import new_id
from clarion.lists.repository import require_lists
from clarion.principal import Principal
from clarion.segments.repository import SegmentsRepository
from clarion.store.campaigns import CampaignsRepository
from clarion.subscribers import service as subscribers
from clarion.subscribers.fields import SubscriberChannelRequest
from clarion.subscribers.models import CreateSubscriberRequest
from clarion.subscribers.repository import SubscribersRepository

if TYPE_CHECKING:
    from clarion.store import entities

ACTIVE = "active"
# the client campaign trigger: the user field that gives each channel's address
USER_FIELD_OF_CHANNEL = {"email": "email", "sms": "phone", "push": "device_token"}


def trigger_campaign_for_user(caller: Principal, campaign_id: str, request: CampaignTriggerRequest) -> None:
    """The client campaign trigger: upserts the user as a subscriber and starts the campaign for it, with `event` as
    the payload."""
    campaign = CampaignsRepository().get(caller.environment_id, campaign_id)
    if campaign is None:
        raise NotFound(f"campaign '{campaign_id}' not found", field="campaignId")
    if campaign["status"] != ACTIVE:
        raise Conflict(
            f"campaign '{campaign_id}' is {campaign['status']}: only an active campaign can be triggered",
            field="status",
        )
    payload = bounded_payload(request.event or {}, field="event")
    user = request.user
    _require_addresses(caller, campaign, user)
    upsert_user(caller, user)
    targets = Targets(subscriberIds=[user.external_id], topicKeys=[], all=False)
    start_trigger(caller, campaign, new_id(), payload, targets)


def trigger_event(
    caller: Principal, request: EventTriggerRequest, campaigns: dict[str, entities.Campaign] | None = None
) -> TriggerEventResult:
    """Novu's trigger: `name` is the campaign's identifier; an inactive campaign is acknowledged, not sent.
    `campaigns` caches the campaigns found by name across the events of one bulk trigger."""
    campaign = _campaign_named(caller, request.name, {} if campaigns is None else campaigns)
    transaction_id = request.transactionId or new_id()
    if campaign["status"] != ACTIVE:
        return TriggerEventResult(status="trigger_not_active", transactionId=transaction_id)
    payload = bounded_payload(request.payload, field="payload")
    overrides = _checked_overrides(caller, request)
    subscriber_ids: dict[str, None] = {}
    topic_keys: dict[str, None] = {}
    list_ids: dict[str, None] = {}
    profiles: dict[str, CreateSubscriberRequest] = {}
    segment_ids: dict[str, None] = {}
    for recipient in request.to:
        if isinstance(recipient, SegmentRecipient):
            segment_ids[recipient.segmentId] = None
        elif isinstance(recipient, TopicRecipient):
            topic_keys[recipient.topicKey] = None
        elif isinstance(recipient, ListRecipient):
            list_ids[recipient.listId] = None
        elif isinstance(recipient, CreateSubscriberRequest):
            subscriber_ids[recipient.subscriberId] = None
            profiles[recipient.subscriberId] = recipient
        else:
            subscriber_ids[recipient] = None
    if list_ids:  # before any upsert: a refused trigger changes nothing
        require_lists(caller.environment_id, list(list_ids), field="to")
    segment = _segment_target(caller.environment_id, list(segment_ids))
    if isinstance(request.actor, CreateSubscriberRequest):  # upserted like a recipient given in full
        profiles.setdefault(request.actor.subscriberId, request.actor)
    if profiles:
        entries = [profile.model_dump(exclude_unset=True) for profile in profiles.values()]
        subscribers.bulk_create_subscribers(caller, entries)
    targets = Targets(subscriberIds=list(subscriber_ids), topicKeys=list(topic_keys), all=False)
    if list_ids:
        targets["listIds"] = list(list_ids)
    if segment:
        targets["segment"] = segment
    start_trigger(
        caller, campaign, transaction_id, payload, targets, extras=_extras(caller, request, campaign, overrides)
    )
    return TriggerEventResult(transactionId=transaction_id)


def _segment_target(environment_id: str, segment_ids: list[str]) -> SegmentTarget | None:
    """The trigger's segment with its rule as it is now (a 422 naming `to` for more than one, or an unknown one)."""
    if not segment_ids:
        return None
    if len(segment_ids) > 1:
        raise ValidationFailed("a trigger names at most one segment", field="to")
    found = SegmentsRepository().get(environment_id, segment_ids[0])
    if found is None:
        raise ValidationFailed(f"no segment has the id '{segment_ids[0]}'", field="to", value=segment_ids[0])
    return SegmentTarget(_id=found["_id"], rule=found["rule"])


def trigger_bulk(caller: Principal, request: BulkTriggerRequest) -> list[TriggerEventResult | FailedTriggerResult]:
    """Each event triggered on its own, in order: one refused (unknown name, duplicate transactionId, payload too
    large) answers its error in its place and does not stop the others, which may already have been sent."""
    campaigns: dict[str, entities.Campaign] = {}
    results: list[TriggerEventResult | FailedTriggerResult] = []
    for event in request.events:
        try:
            results.append(trigger_event(caller, event, campaigns))
        except ClarionError as error:
            results.append(FailedTriggerResult(error=[error.message], transactionId=event.transactionId))
    return results


def broadcast(caller: Principal, request: BroadcastRequest) -> TriggerEventResult:
    """Novu's broadcast: the campaign to every subscriber of the environment, streamed by the dispatcher."""
    campaign = _campaign_named(caller, request.name, {})
    transaction_id = request.transactionId or new_id()
    if campaign["status"] != ACTIVE:
        return TriggerEventResult(status="trigger_not_active", transactionId=transaction_id)
    payload = bounded_payload(request.payload, field="payload")
    overrides = _checked_overrides(caller, request)
    if isinstance(request.actor, CreateSubscriberRequest):
        subscribers.bulk_create_subscribers(caller, [request.actor.model_dump(exclude_unset=True)])
    everyone = Targets(subscriberIds=[], topicKeys=[], all=True)
    start_trigger(
        caller, campaign, transaction_id, payload, everyone, extras=_extras(caller, request, campaign, overrides)
    )
    return TriggerEventResult(transactionId=transaction_id)


def _campaign_named(caller: Principal, name: str, campaigns: dict[str, entities.Campaign]) -> entities.Campaign:
    if name not in campaigns:
        campaign = CampaignsRepository().find_by_identifier(caller.environment_id, name)
        if campaign is None:
            raise ValidationFailed(f"workflow_not_found: no campaign has the identifier '{name}'", field="name")
        campaigns[name] = campaign
    return campaigns[name]


def start_trigger(
    caller: Principal,
    campaign: entities.Campaign,
    transaction_id: str,
    payload: dict[str, Any],
    targets: Targets,
    *,
    extras: Item | None = None,
) -> None:
    """The notification first (a transactionId used before is a 409 and nothing is queued), then the one job;
    `extras` are the trigger's actor, tenant and overrides (clarion.engine.trigger_extras)."""
    extras = extras or {}
    tenant = {"tenant": extras["tenant"]} if "tenant" in extras else {}
    Notifications().create(caller.environment_id, transaction_id, campaign, payload, targets, **tenant)
    job = SendJob(
        environmentId=caller.environment_id,
        campaignId=campaign["_id"],
        transactionId=transaction_id,
        payload=payload,
        targets=targets,
        **{name: extras[name] for name in trigger_extras.JOB_EXTRAS if name in extras},
    )
    send_dispatch_job(job)


def _checked_overrides(caller: Principal, request: EventTriggerRequest | BroadcastRequest) -> Item | None:
    """The overrides as the job carries them, once the integrations they name are known to exist (before any
    subscriber is upserted: a refused trigger changes nothing)."""
    overrides = request.overrides.as_job() if request.overrides else None
    trigger_resolution.require_named_integrations(caller.environment_id, overrides)
    return overrides


def _extras(
    caller: Principal,
    request: EventTriggerRequest | BroadcastRequest,
    campaign: entities.Campaign,
    overrides: Item | None,
) -> Item:
    actor = trigger_resolution.actor_of(caller.environment_id, request.actor)
    tenant, workflow_override = trigger_resolution.tenant_of(caller.environment_id, request.tenant, campaign["_id"])
    return trigger_resolution.job_extras(actor, tenant, overrides, workflow_override)


def bounded_payload(payload: dict[str, Any], *, field: str) -> dict[str, Any]:
    size = len(json.dumps(payload, separators=(",", ":")).encode())
    if size > MAX_PAYLOAD_BYTES:
        raise PayloadTooLarge(f"{field} is {size} bytes; at most {MAX_PAYLOAD_BYTES} are accepted", field=field)
    return payload


def _require_addresses(caller: Principal, campaign: entities.Campaign, user: TriggerUser) -> None:
    """Each channel step needs the user's address for it, given now or known from before; 422 naming the field."""
    channels = dict.fromkeys(step.get("channel") for step in campaign.get("steps") or [])
    missing = {c: USER_FIELD_OF_CHANNEL[c] for c in channels if c in USER_FIELD_OF_CHANNEL}
    missing = {channel: field for channel, field in missing.items() if getattr(user, field) is None}
    if not missing:
        return
    stored: Mapping[str, Any] = SubscribersRepository().get(caller.environment_id, user.external_id) or {}
    for channel, field in missing.items():
        if address_for(channel, stored) is None:
            raise ValidationFailed(f"the campaign sends {channel}: the user needs {field}", field=f"user.{field}")


def upsert_user(caller: Principal, user: TriggerUser) -> None:
    """The client trigger's user as a subscriber: its fields set, its device token added as an fcm credential."""
    fields = {"email": user.email, "phone": user.phone, "timezone": user.timezone, "locale": user.locale}
    given = {name: value for name, value in fields.items() if value is not None}
    subscriber = subscribers.create_subscriber(
        caller, CreateSubscriberRequest.model_validate({"subscriberId": user.external_id, **given})
    )
    if user.device_token is None:
        return
    held = [
        token for c in subscriber.channels if c.providerId == "fcm" for token in c.credentials.get("deviceTokens", [])
    ]
    if user.device_token not in held:
        credentials = {"providerId": "fcm", "credentials": {"deviceTokens": [user.device_token]}}
        subscribers.modify_credentials(caller, user.external_id, SubscriberChannelRequest.model_validate(credentials))

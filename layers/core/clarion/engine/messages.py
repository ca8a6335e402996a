"""One delivery record per (recipient, channel step): filtered, skipped, failed or queued, with its content
rendered and shaped as the channel's sender expects it."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from clarion.dynamo import Item
from clarion.engine import trigger_extras
from clarion.engine.addresses import NO_ADDRESS, address_for
from clarion.engine.job_types import TriggerContext
from clarion.engine.layouts import StepLayouts, layouts_of_trigger
from clarion.inbox.expiry import inbox_expire_at
from clarion.integrations.selection import NO_MATCH, candidates
from clarion.store.records import Channel, new_record
from clarion.subscriptions import rules as subscriptions
from clarion.suppressions.lookup import suppressed, suppression_key
from clarion.templates.render import RenderFailed, render_step

if TYPE_CHECKING:
    from clarion.store import entities

Suppressions = Mapping[tuple[str, str], "entities.Suppression"]
"""Suppressed addresses by (channel, normalised address), as clarion.suppressions.lookup.suppressed answers."""
_ADDRESS_FIELD = {"email": "email", "sms": "phone"}
"""The channels that send to an address a suppression can name, and the field of `to` holding it."""


def message_id(environment_id: str, transaction_id: str, subscriber_id: str, step_index: int) -> str:
    """The same (trigger, subscriber, step) always gets the same id: a re-run job finds the record it wrote."""
    key = f"{environment_id}\x1f{transaction_id}\x1f{subscriber_id}\x1f{step_index}"
    return hashlib.sha256(key.encode()).hexdigest()[:24]


def records_for(
    job: TriggerContext,
    campaign: entities.CampaignVersion,
    subscriber_id: str,
    profile: entities.Subscriber | None,
    preferences: Callable[[], dict[str, bool]],
    *,
    suppressions: Suppressions | None = None,
) -> list[entities.DeliveryRecord]:
    """The records of every step of the campaign for one recipient (`preferences` is read only when needed;
    `suppressions`: `suppressions_of` the page the recipient is on)."""
    allowed = preferences() if profile is not None else {}
    records = []
    for index, step in enumerate(campaign.get("steps") or []):
        channel: Channel = step["channel"]
        base = new_record(
            job["environmentId"],
            subscriber_id,
            channel,
            to={},
            content={},
            campaign_id=campaign["_id"],
            transaction_id=job["transactionId"],
        )
        base["_id"] = message_id(job["environmentId"], job["transactionId"], subscriber_id, index)
        base["stepIndex"] = index
        records.append(
            _record(base, job, campaign, step, profile=profile, allowed=allowed, suppressions=suppressions or {})
        )
    return records


def suppressions_of(
    environment_id: str, campaign: entities.CampaignVersion, profiles: Iterable[Mapping[str, Any]]
) -> Suppressions:
    """The suppressed addresses among the profiles' addresses on the campaign's email and sms steps: one
    BatchGetItem per 100 addresses, none when the campaign sends neither channel."""
    channels = {step["channel"] for step in campaign.get("steps") or []} & set(_ADDRESS_FIELD)
    addresses = [
        (channel, profile[_ADDRESS_FIELD[channel]])
        for profile in profiles
        for channel in sorted(channels)
        if profile.get(_ADDRESS_FIELD[channel])
    ]
    return suppressed(environment_id, addresses) if addresses else {}


def _record(
    base: entities.DeliveryRecord,
    job: TriggerContext,
    campaign: entities.CampaignVersion,
    step: Item,
    *,
    profile: entities.Subscriber | None,
    allowed: Any,
    suppressions: Suppressions,
) -> entities.DeliveryRecord:
    channel = step["channel"]
    inactive = trigger_extras.inactive_override(job)
    if inactive:
        return _closed(base, "filtered", inactive)
    if profile is None:
        return _closed(base, "skipped", "no such subscriber")
    if not allowed.get(channel, True):
        return _closed(base, "filtered", trigger_extras.filtered_reason(job, channel))
    if refused := subscriptions.refusal(campaign, channel, profile):
        return _closed(base, "filtered", refused)
    to = address_for(channel, profile)
    if to is None:
        return _closed(base, "skipped", NO_ADDRESS[channel])
    if found := _suppression(channel, to, suppressions):
        reason = f"the address is suppressed ({found['reason']}, source {found['source']}, {found['createdAt']})"
        return _closed(base | {"to": to}, "filtered", reason)
    overrides = job.get("overrides")
    named = trigger_extras.integration_named(channel, overrides)
    integrations = candidates(job, channel, profile, job["payload"], named=named)  # None: the stack's default
    if integrations == [] and named:  # deactivated since the trigger was accepted
        reason = f"overrides.{channel}.integrationIdentifier: no active {channel} integration '{named}'"
        return _closed(base | {"to": to}, "failed", reason)
    if integrations == []:
        return _closed(base | {"to": to}, "skipped", NO_MATCH)
    layouts = layouts_of_trigger(  # read once per trigger
        job["environmentId"], job["transactionId"], campaign, trigger_extras.layout_named(overrides)
    )
    try:
        content = rendered_content(
            step, subscriber=profile, payload=job["payload"], campaign=campaign, layouts=layouts, trigger=job
        )
    except RenderFailed as failure:
        return _closed(base | {"to": to}, "failed", f"{failure.field}: {failure.reason}")
    content = trigger_extras.overridden(channel, content, overrides)
    if channel == "in_app":
        content |= trigger_extras.in_app_actor(job.get("actor"))
    note = layouts.override_note() if channel == "email" else None
    if note:  # on the queued entry, so the execution details tell it
        base["history"][0]["reason"] = note
    record = base | {"to": to, "content": content, "providerId": to.get("providerId")}
    if integrations:
        record["integrations"] = integrations
    return record


def rendered_content(
    step: Item,
    *,
    subscriber: Mapping[str, Any],
    payload: Item,
    campaign: entities.CampaignVersion,
    layouts: StepLayouts,
    trigger: Any = None,
) -> Item:
    """What the step sends the subscriber, shaped for its sender (the campaign preview shows the same): the email
    body inside its layout. `trigger` gives the trigger's actor and tenant, and a journey's digest. Raises
    RenderFailed."""
    rendered = render_step(step, subscriber=subscriber, payload=payload, campaign=campaign, trigger=trigger)
    if step["channel"] == "email":
        rendered["body"] = layouts.wrap(
            step, rendered["body"], subscriber=subscriber, payload=payload, campaign=campaign, trigger=trigger
        )
    return _content(step["channel"], rendered, payload, campaign)


def _suppression(channel: str, to: Item, suppressions: Suppressions) -> entities.Suppression | None:
    field = _ADDRESS_FIELD.get(channel)
    key = suppression_key(channel, to[field]) if field else None
    return suppressions.get(key) if key else None


def _closed(record: entities.DeliveryRecord, status: str, reason: str) -> entities.DeliveryRecord:
    """A record written for the activity view, never queued."""
    return record | {"status": status, "history": [{"status": status, "at": record["createdAt"], "reason": reason}]}


def _content(channel: str, rendered: Item, payload: Item, campaign: entities.CampaignVersion) -> Item:
    """The rendered step content in the shape the channel's sender reads."""
    if channel == "email":
        content = {"subject": rendered["subject"], "html": rendered["body"]}
        content |= {name: rendered[name] for name in ("text", "from", "senderName") if rendered.get(name)}
        return content
    if channel == "push":
        return {name: rendered[name] for name in ("title", "body", "data") if rendered.get(name) is not None}
    if channel == "in_app":
        content = {"body": rendered["body"], "payload": payload, "templateIdentifier": campaign.get("identifier")}
        if days := campaign.get("inboxExpiryDays"):  # resolved by the dispatcher (clarion.inbox.expiry)
            content["expireAt"] = inbox_expire_at(days)
        return content | _in_app_cta(rendered)
    return {"body": rendered["body"]}  # sms, chat


def _in_app_cta(rendered: Item) -> Item:
    """Novu's `cta` of an in-app message: where a click leads, and the step's buttons under `action`, which the
    actions routes answer."""
    buttons = rendered.get("buttons") or []
    if not rendered.get("cta") and not buttons:
        return {}
    cta = dict(rendered.get("cta") or {"type": "redirect", "data": {}})
    if buttons:
        cta["action"] = {"buttons": buttons, "result": {}}
    return {"cta": cta}

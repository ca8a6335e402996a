"""One delivery record per (recipient, channel step): filtered, skipped, failed or queued, with its content
rendered and shaped as the channel's sender expects it."""

import hashlib
from collections.abc import Callable
from typing import Any

from clarion.delivery.records import Channel, new_record
from clarion.dynamo import Item
from clarion.engine.addresses import NO_ADDRESS, address_for
from clarion.engine.models import DispatchJob
from clarion.templates.render import RenderFailed, render_step


def message_id(environment_id: str, transaction_id: str, subscriber_id: str, step_index: int) -> str:
    """The same (trigger, subscriber, step) always gets the same id: a re-run job finds the record it wrote."""
    key = f"{environment_id}\x1f{transaction_id}\x1f{subscriber_id}\x1f{step_index}"
    return hashlib.sha256(key.encode()).hexdigest()[:24]


def records_for(
    job: DispatchJob,
    campaign: Item,
    subscriber_id: str,
    profile: Item | None,
    preferences: Callable[[], dict[str, bool]],
) -> list[Item]:
    """The records of every step of the campaign for one recipient (`preferences` is read only when needed)."""
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
        records.append(_record(base, job, campaign, step, profile=profile, allowed=allowed))
    return records


def _record(base: Item, job: DispatchJob, campaign: Item, step: Item, *, profile: Item | None, allowed: Any) -> Item:
    channel = step["channel"]
    if profile is None:
        return _closed(base, "skipped", "no such subscriber")
    if not allowed.get(channel, True):
        return _closed(base, "filtered", f"the subscriber's preferences turn {channel} off for this campaign")
    to = address_for(channel, profile)
    if to is None:
        return _closed(base, "skipped", NO_ADDRESS[channel])
    try:
        rendered = render_step(step, subscriber=profile, payload=job["payload"], campaign=campaign)
    except RenderFailed as failure:
        return _closed(base | {"to": to}, "failed", f"{failure.field}: {failure.reason}")
    content = _content(channel, rendered, job["payload"], campaign)
    return base | {"to": to, "content": content, "providerId": to.get("providerId")}


def _closed(record: Item, status: str, reason: str) -> Item:
    """A record written for the activity view, never queued."""
    return record | {"status": status, "history": [{"status": status, "at": record["createdAt"], "reason": reason}]}


def _content(channel: str, rendered: Item, payload: Item, campaign: Item) -> Item:
    """The rendered step content in the shape the channel's sender reads."""
    if channel == "email":
        content = {"subject": rendered["subject"], "html": rendered["body"]}
        content |= {name: rendered[name] for name in ("text", "from") if rendered.get(name)}
        return content
    if channel == "push":
        return {name: rendered[name] for name in ("title", "body", "data") if rendered.get(name) is not None}
    if channel == "in_app":
        content = {"body": rendered["body"], "payload": payload, "templateIdentifier": campaign.get("identifier")}
        return content | ({"cta": rendered["cta"]} if rendered.get("cta") else {})
    return {"body": rendered["body"]}  # sms, chat

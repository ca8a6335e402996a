"""The campaign operations: send, execute, start, stop, expire inbox, remove inbox. Independent of HTTP.

Send and execute reuse the trigger engine: a notification and ONE dispatch job (execute: one job per
EXECUTE_JOB_TARGETS targets), fanned out asynchronously by the dispatcher.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from clarion.campaigns import service
from clarion.campaigns.models import Campaign
from clarion.campaigns.operation_models import (
    ExecuteCampaignRequest,
    ExecutedTarget,
    ExecuteResult,
    ExpireInboxResult,
    RemovedItem,
    RemoveInboxRequest,
    RemoveInboxResult,
    SendCampaignRequest,
)
from clarion.clock import timestamp_now
from clarion.engine.addresses import address_for
from clarion.engine.dispatch_jobs import ExecuteJob
from clarion.engine.dispatch_queue import send_dispatch_job
from clarion.engine.job_types import ExecutionTarget
from clarion.engine.triggers import USER_FIELD_OF_CHANNEL, bounded_payload, start_trigger
from clarion.engine.wire import TriggerEventResult
from clarion.errors import Conflict, ValidationFailed
from clarion.ids import new_id
from clarion.inbox.expiry import ExpiredCampaignsRepository
from clarion.inbox.repository import InboxRepository
from clarion.principal import Principal
from clarion.schedules.service import audience_targets
from clarion.store.campaigns import CampaignsRepository
from clarion.store.records import DeliveryRecords
from clarion.subscribers.repository import SubscribersRepository

if TYPE_CHECKING:
    from clarion.store import entities

ACTIVE, STOPPED = "active", "stopped"
STARTABLE = ("draft", "paused", "stopped")
STOPPABLE = ("active", "paused")
EXECUTE_JOB_TARGETS = 100
EXECUTE_JOB_BYTES = 200 * 1024  # under SQS's 256 KiB message limit, with room for the job's other fields
REMOVED_REASON = "removed from the inbox before it was sent"


def send_campaign(caller: Principal, campaign_id: str, request: SendCampaignRequest) -> TriggerEventResult:
    """The campaign to its own audience, now."""
    campaign = _active(caller, campaign_id)
    targets = audience_targets(caller.environment_id, campaign)
    transaction_id = request.transactionId or new_id()
    start_trigger(caller, campaign, transaction_id, bounded_payload(request.payload, field="payload"), targets)
    return TriggerEventResult(transactionId=transaction_id)


def execute_campaign(caller: Principal, campaign_id: str, request: ExecuteCampaignRequest) -> ExecuteResult:
    """Validates every target, answers their ids at once; the upserts and the fan-out happen in dispatch jobs."""
    campaign = _active(caller, campaign_id)
    for index, target in enumerate(request.targets):
        bounded_payload(target.payload, field=f"targets[{index}].payload")
    _require_user_addresses(caller, campaign, request)
    execution_id = new_id()
    targets: list[ExecutionTarget] = []
    for target in request.targets:
        entry = ExecutionTarget(id=new_id(), subscriberId=target.recipient_id, payload=target.payload)
        if target.user is not None:
            entry["user"] = target.user.model_dump(exclude_none=True)
        targets.append(entry)
    for chunk in _chunks(targets):
        send_dispatch_job(
            ExecuteJob(
                environmentId=caller.environment_id,
                campaignId=campaign["_id"],
                transactionId=execution_id,
                execution=chunk,
                clientId=caller.client_id,
            )
        )
    return ExecuteResult(
        executionId=execution_id,
        targets=[ExecutedTarget(id=target["id"], subscriberId=target["subscriberId"]) for target in targets],
    )


def start_campaign(caller: Principal, campaign_id: str) -> Campaign:
    """Draft, paused or stopped → active; an active campaign is answered as it is (a retried start is harmless)."""
    campaign = service.existing_campaign(caller, campaign_id)
    if campaign["status"] == ACTIVE:
        return service.public_campaign(campaign)
    if campaign["status"] not in STARTABLE:
        raise Conflict(f"campaign '{campaign_id}' is {campaign['status']} and cannot be started", field="status")
    return _change_status(caller, campaign, ACTIVE)


def stop_campaign(caller: Principal, campaign_id: str) -> Campaign:
    """Active or paused → stopped: triggers are refused and its queued messages cancelled by the senders (every
    message queued before `stoppedAt`); a stopped campaign is answered as it is."""
    campaign = service.existing_campaign(caller, campaign_id)
    if campaign["status"] == STOPPED:
        return service.public_campaign(campaign)
    if campaign["status"] not in STOPPABLE:
        raise Conflict(f"campaign '{campaign_id}' is {campaign['status']} and cannot be stopped", field="status")
    return _change_status(caller, campaign, STOPPED, stopped_at=timestamp_now())


def expire_inbox(caller: Principal, campaign_id: str) -> ExpireInboxResult:
    """Every in-app message of the campaign delivered until now leaves every feed and unseen count, at once."""
    campaign = service.existing_campaign(caller, campaign_id)
    if "in_app" not in (campaign.get("channels") or []):
        raise ValidationFailed(f"campaign '{campaign_id}' has no in_app step: it has no inbox messages", field="steps")
    expired_at = ExpiredCampaignsRepository().mark(caller.environment_id, campaign_id)
    changed = campaign | {"inboxExpiredAt": expired_at, "version": campaign["version"] + 1, "updatedAt": expired_at}
    CampaignsRepository().update(caller.environment_id, campaign, changed | {"updatedBy": caller.client_id})
    return ExpireInboxResult(campaignId=campaign_id, expiredAt=expired_at)


def remove_inbox(caller: Principal, campaign_id: str, request: RemoveInboxRequest) -> RemoveInboxResult:
    """Removes the campaign's messages named, or its messages to the subscribers named, from their inboxes (a
    message still queued is cancelled instead); anything else, of another campaign or environment, is not_found."""
    service.existing_campaign(caller, campaign_id)
    environment_id = caller.environment_id
    inbox, records = InboxRepository(), DeliveryRecords()
    results: list[RemovedItem] = []
    for message_id in dict.fromkeys(request.messageIds):
        record = records.get(environment_id, message_id)
        removed = 0
        if record is not None and record.get("campaignId") == campaign_id and record["channel"] == "in_app":
            if record["status"] == "queued" and records.cancel_queued(environment_id, message_id, REMOVED_REASON):
                removed = 1
            else:
                removed = int(inbox.remove(environment_id, record["subscriberId"], message_id, campaign_id))
        results.append(RemovedItem(messageId=message_id, status="removed" if removed else "not_found", removed=removed))
    for subscriber_id in dict.fromkeys(request.subscriberIds):
        removed = inbox.remove_campaign_messages(environment_id, subscriber_id, campaign_id)
        status = "removed" if removed else "not_found"
        results.append(RemovedItem(subscriberId=subscriber_id, status=status, removed=removed))
    return RemoveInboxResult(results=results)


def _active(caller: Principal, campaign_id: str) -> entities.Campaign:
    campaign = service.existing_campaign(caller, campaign_id)
    if campaign["status"] != ACTIVE:
        raise Conflict(
            f"campaign '{campaign_id}' is {campaign['status']}: only an active campaign can be sent", field="status"
        )
    return campaign


def _change_status(
    caller: Principal, campaign: entities.Campaign, status: str, *, stopped_at: str | None = None
) -> Campaign:
    now = timestamp_now()
    changed = campaign.copy()
    if stopped_at is not None:
        changed["stoppedAt"] = stopped_at
    changed |= {"status": status, "version": campaign["version"] + 1}
    changed |= {"updatedAt": now, "updatedBy": caller.client_id}
    CampaignsRepository().update(caller.environment_id, campaign, changed)
    return service.public_campaign(changed)


def _require_user_addresses(caller: Principal, campaign: entities.Campaign, request: ExecuteCampaignRequest) -> None:
    """Each user object needs an address for each channel step, given now or stored before; the stored profiles of
    the users lacking one are read in one go. 422 naming `targets[i].user.<field>`."""
    channels = dict.fromkeys(step.get("channel") for step in campaign.get("steps") or [])
    needed = {channel: USER_FIELD_OF_CHANNEL[channel] for channel in channels if channel in USER_FIELD_OF_CHANNEL}
    lacking = [
        (index, target.user, channel, field)
        for index, target in enumerate(request.targets)
        if target.user is not None
        for channel, field in needed.items()
        if getattr(target.user, field) is None
    ]
    if not lacking:
        return
    ids = list(dict.fromkeys(user.external_id for _, user, _, _ in lacking))
    stored = SubscribersRepository().get_many(caller.environment_id, ids)
    for index, user, channel, field in lacking:
        if address_for(channel, stored.get(user.external_id) or {}) is None:
            raise ValidationFailed(
                f"the campaign sends {channel}: the user needs {field}", field=f"targets[{index}].user.{field}"
            )


def _chunks(targets: list[ExecutionTarget]) -> list[list[ExecutionTarget]]:
    """The targets split into jobs of at most EXECUTE_JOB_TARGETS targets and EXECUTE_JOB_BYTES of JSON."""
    chunks: list[list[ExecutionTarget]] = [[]]
    size = 0
    for target in targets:
        target_size = len(json.dumps(target, separators=(",", ":")).encode())
        if chunks[-1] and (len(chunks[-1]) >= EXECUTE_JOB_TARGETS or size + target_size > EXECUTE_JOB_BYTES):
            chunks.append([])
            size = 0
        chunks[-1].append(target)
        size += target_size
    return chunks

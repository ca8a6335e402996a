"""Recording push actions and listing them, independent of HTTP (docs/api.md, "Push actions")."""

from typing import TYPE_CHECKING, Any

from clarion import clock
from clarion.actions.models import PushAction, PushActionRequest, PushActionResult
from clarion.actions.store import CAMPAIGN, DEVICE, SUBSCRIBER, ActionsStore
from clarion.audience.tag_hits import HIT_RETENTION_SECONDS, hit_time
from clarion.dynamo import Item
from clarion.errors import NotFound, ValidationFailed
from clarion.models import NovuPage
from clarion.principal import Principal
from clarion.store.campaigns import CampaignsRepository
from clarion.store.devices import DevicesStore
from clarion.store.records import DeliveryRecords
from clarion.subscribers.repository import SubscribersRepository

if TYPE_CHECKING:
    from clarion.store import entities

ACTED_CHANNELS = ("push", "in_app")
FUTURE_TOLERANCE_SECONDS = 300
MAX_ACTIONS_OFFSET = 10_000


def record_action(caller: Principal, request: PushActionRequest) -> PushActionResult:
    """Records an open, click or dismissal of a push or in-app message of the caller's environment; a second one of
    the same (message, action) changes nothing and answers the first."""
    environment_id = caller.environment_id
    record = DeliveryRecords().get(environment_id, request.messageId)
    if record is None:
        raise NotFound(f"message '{request.messageId}' not found", field="messageId")
    if record["channel"] not in ACTED_CHANNELS:
        raise ValidationFailed("only push and in-app messages have actions", field="messageId")
    if (
        request.deviceId is not None
        and DevicesStore().get(environment_id, record["subscriberId"], request.deviceId) is None
    ):
        raise NotFound(f"the message's subscriber has no device '{request.deviceId}'", field="deviceId")
    now = clock.utc_now()
    try:
        at = hit_time(request.at, now, future_seconds=FUTURE_TOLERANCE_SECONDS, past_seconds=HIT_RETENTION_SECONDS)
    except ValueError as error:
        raise ValidationFailed(str(error), field="at", value=request.at) from error
    details = {"deviceId": request.deviceId, "url": request.url, "buttonId": request.buttonId}
    return record_for(record, request.action, at=at, source="api", **details)


def record_for(record: Any, action: str, *, at: str, source: str, **details: str | None) -> PushActionResult:
    """Records `action` of the delivery record's message (the inbox's marks come here too)."""
    now = clock.utc_now()
    item: Item = {
        "actionId": f"{record['_id']}_{action}",
        "environmentId": record["environmentId"],
        "messageId": record["_id"],
        "action": action,
        "channel": record["channel"],
        "campaignId": record.get("campaignId"),
        "subscriberId": record["subscriberId"],
        "source": source,
        "at": at,
        "receivedAt": clock.timestamp(now),
        "expiresAt": int(now.timestamp()) + HIT_RETENTION_SECONDS,
    }
    item |= {name: value for name, value in details.items() if value is not None}
    item = {name: value for name, value in item.items() if value is not None}
    store = ActionsStore()
    if store.record(item):
        return PushActionResult(recorded=True, action=PushAction.model_validate(item))
    first = store.get(record["environmentId"], record["_id"], action)
    if first is None:  # deleted by its TTL between the two requests: nothing to answer but this one
        return PushActionResult(recorded=False, action=PushAction.model_validate(item))
    return PushActionResult(recorded=False, action=PushAction.model_validate(first))


def record_inbox_action(
    environment_id: str, subscriber_id: str, message: "entities.InboxMessage", action: str, button_id: str | None = None
) -> None:
    """An in-app message marked read (an open) or answered with a button (a click), counted as the API's are."""
    record: Item = {"_id": message["_id"], "environmentId": environment_id, "channel": "in_app"}
    record |= {"campaignId": message.get("_templateId"), "subscriberId": subscriber_id}
    record_for(record, action, at=clock.timestamp_now(), source="inbox", buttonId=button_id)


def get_action(caller: Principal, action_id: str) -> PushAction:
    message_id, _, action = action_id.rpartition("_")
    found = ActionsStore().get(caller.environment_id, message_id, action) if message_id else None
    if found is None:
        raise NotFound(f"action '{action_id}' not found", field="actionId")
    return PushAction.model_validate(found)


def list_campaign_actions(caller: Principal, campaign_id: str, *, page: int, limit: int) -> NovuPage[PushAction]:
    if CampaignsRepository().get(caller.environment_id, campaign_id) is None:
        raise NotFound(f"campaign '{campaign_id}' not found", field="campaignId")
    return _page(caller, CAMPAIGN, campaign_id, page=page, limit=limit)


def list_subscriber_actions(caller: Principal, subscriber_id: str, *, page: int, limit: int) -> NovuPage[PushAction]:
    if SubscribersRepository().get(caller.environment_id, subscriber_id) is None:
        raise NotFound(f"subscriber '{subscriber_id}' not found", field="subscriberId")
    return _page(caller, SUBSCRIBER, subscriber_id, page=page, limit=limit)


def list_device_actions(caller: Principal, device_id: str, *, page: int, limit: int) -> NovuPage[PushAction]:
    if DevicesStore().owner(caller.environment_id, device_id) is None:
        raise NotFound(f"device '{device_id}' not found", field="deviceId")
    return _page(caller, DEVICE, device_id, page=page, limit=limit)


def _page(caller: Principal, kind: str, owner_id: str, *, page: int, limit: int) -> NovuPage[PushAction]:
    if page * limit > MAX_ACTIONS_OFFSET:
        raise ValidationFailed(f"pages reach at most {MAX_ACTIONS_OFFSET} actions back", field="page")
    store = ActionsStore()
    items, has_more = store.page(caller.environment_id, kind, owner_id, offset=page * limit, limit=limit)
    total = store.count(caller.environment_id, kind, owner_id)
    data = [PushAction.model_validate(item) for item in items]
    return NovuPage(page=page, pageSize=limit, totalCount=total, hasMore=has_more, data=data)

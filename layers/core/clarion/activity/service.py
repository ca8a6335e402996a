"""The activity of an environment as Novu v1 shows it: messages, notifications (one per trigger) with their
messages as jobs, each message's history as execution details, and the sent counts. Independent of HTTP."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from typing import TYPE_CHECKING

from clarion import clock
from clarion.activity.models import (
    DAYS_SEARCHED,
    MAX_COUNTED,
    MAX_COUNTED_BY_READING,
    MAX_JOBS_SHOWN,
    ActivityMessage,
    ActivityStats,
    DeletedMessage,
    ExecutionDetail,
    Notification,
    NotificationJob,
)
from clarion.activity.repository import ActivityRepository, IndexPartition
from clarion.dynamo import Item
from clarion.engine.steps import MAX_STEPS
from clarion.errors import NotFound
from clarion.models import NovuPage
from clarion.principal import Principal
from clarion.settings import settings
from clarion.store.campaigns import CampaignsRepository
from clarion.store.keys import NOTIFICATION_SK, RECORD_SK, messages_day_key, notifications_day_key

if TYPE_CHECKING:
    from clarion.store import entities

WEEK_DAYS, MONTH_DAYS = 7, 30


def list_messages(
    caller: Principal,
    *,
    page: int,
    limit: int,
    channel: str | None,
    subscriber_id: str | None,
    transaction_id: str | None,
) -> NovuPage[ActivityMessage]:
    """Newest first: a transaction's or a subscriber's records through their index, otherwise the environment's
    of the last DAYS_SEARCHED days through the activity index, a day at a time."""
    environment_id = caller.environment_id
    if transaction_id is not None:
        partitions = [IndexPartition.transaction(environment_id, transaction_id)]
    elif subscriber_id is not None:
        partitions = [IndexPartition.subscriber(environment_id, subscriber_id)]
    else:
        partitions = _day_partitions(environment_id, messages_day_key)

    def matches(record: Item) -> bool:
        return (channel is None or record["channel"] == channel) and (
            subscriber_id is None or record["subscriberId"] == subscriber_id
        )

    filtered = channel is not None or (transaction_id is not None and subscriber_id is not None)
    records, has_more, total = _page(partitions, page, limit, matches if filtered else None)
    return NovuPage(
        page=page,
        totalCount=total,
        pageSize=limit,
        hasMore=has_more,
        data=[ActivityMessage.from_record(r, settings().organization_id) for r in records],
    )


def delete_message(caller: Principal, message_id: str) -> DeletedMessage:
    repository = ActivityRepository()
    record = repository.record(caller.environment_id, message_id)
    if record is None or not repository.delete_record(caller.environment_id, message_id, record["subscriberId"]):
        raise NotFound(f"message '{message_id}' not found", field="messageId")
    return DeletedMessage()


def delete_transaction_messages(caller: Principal, transaction_id: str, channel: str | None) -> None:
    """Deletes the messages a transaction sent (on `channel`, if given), with their in-app copies, as Novu does:
    the notification stays; NotFound when there were none."""
    if not ActivityRepository().delete_transaction_records(caller.environment_id, transaction_id, channel):
        on_channel = f" on channel {channel}" if channel else ""
        raise NotFound(f"transaction '{transaction_id}' has no messages{on_channel}", field="transactionId")


def list_notifications(
    caller: Principal, *, page: int, limit: int, channels: list[str], templates: list[str], transaction_id: str | None
) -> NovuPage[Notification]:
    """Newest first through the activity index's notification day partitions; one transaction by its key."""
    environment_id = caller.environment_id

    def matches(notification: Item) -> bool:
        sent_on = set(notification.get("channels") or [])
        return (not channels or bool(sent_on.intersection(channels))) and (
            not templates or notification.get("campaignId") in templates
        )

    if transaction_id is not None:
        found = ActivityRepository().notification(environment_id, transaction_id)
        total = int(found is not None and matches(found))
        shown = [found] if found and total and page == 0 else []
        data = _notifications(environment_id, shown)
        return NovuPage(page=page, totalCount=total, pageSize=limit, hasMore=False, data=data)
    partitions = _day_partitions(environment_id, notifications_day_key)
    found_page, has_more, total = _page(partitions, page, limit, matches if channels or templates else None)
    data = _notifications(environment_id, found_page)
    return NovuPage(page=page, totalCount=total, pageSize=limit, hasMore=has_more, data=data)


def get_notification(caller: Principal, notification_id: str) -> Notification:
    """`notification_id` is the notification's `_id`, or its transactionId."""
    return _notifications(caller.environment_id, [_find_notification(caller, notification_id)])[0]


def activity_stats(caller: Principal) -> ActivityStats:
    """Notifications (triggers) of the last 7 and 30 UTC days, counted through the activity index."""
    repository = ActivityRepository()
    days = _day_partitions(caller.environment_id, notifications_day_key, MONTH_DAYS)
    daily = [repository.count([day], at_most=2**62) for day in days]
    return ActivityStats(weeklySent=sum(daily[:WEEK_DAYS]), monthlySent=sum(daily))


def execution_details(caller: Principal, notification_id: str, subscriber_id: str) -> list[ExecutionDetail]:
    """One detail per status change of each message of the notification to the subscriber, step by step.
    `notification_id` is the notification's `_id` or its transactionId (which also finds the messages of a
    trigger whose notification was not recorded). A message's id derives from its transaction, subscriber and
    step, so the subscriber's messages are read by key, however many the notification has."""
    environment_id = caller.environment_id
    try:
        notification = _find_notification(caller, notification_id)
        reference, transaction_id = notification["_id"], notification["transactionId"]
    except NotFound:
        reference = transaction_id = notification_id
        if not _subscriber_records(environment_id, transaction_id, subscriber_id):
            raise
    return [
        detail
        for record in _subscriber_records(environment_id, transaction_id, subscriber_id)
        for detail in ExecutionDetail.from_record(record, reference, settings().organization_id)
    ]


def _subscriber_records(environment_id: str, transaction_id: str, subscriber_id: str) -> list[Item]:
    from clarion.engine.messages import message_id  # noqa: PLC0415 - pulls jinja2 (~150 ms) only this route needs

    ids = [message_id(environment_id, transaction_id, subscriber_id, step) for step in range(MAX_STEPS)]
    return ActivityRepository().records(environment_id, ids)


def _find_notification(caller: Principal, notification_id: str) -> Item:
    repository = ActivityRepository()
    found = repository.notification(caller.environment_id, notification_id)
    if found is None and _is_object_id(notification_id):
        found = repository.notification_by_id(caller.environment_id, notification_id)
    if found is None:
        raise NotFound(f"notification '{notification_id}' not found", field="notificationId")
    return found


def _page(
    partitions: list[IndexPartition], page: int, limit: int, matches: Callable[[Item], bool] | None
) -> tuple[list[Item], bool, int]:
    """Items `page * limit` onwards, newest first, whether more follow, and how many there are. Without a filter
    only the page's items are read in full (skipping reads keys) and the total is a Select=COUNT of the keys (up to
    MAX_COUNTED); with one, items are read a batch at a time, and counted up to MAX_COUNTED_BY_READING matches."""
    repository = ActivityRepository()
    keys = repository.keys(partitions)
    start, end = page * limit, page * limit + limit + 1
    if matches is None:
        wanted = list(islice(keys, start, end))
        total = repository.count(partitions, at_most=MAX_COUNTED)
        return repository.get_many(wanted[:limit]), len(wanted) > limit, total
    found, total = [], 0
    for position, item in enumerate(islice(filter(matches, repository.items(keys)), max(end, MAX_COUNTED_BY_READING))):
        if start <= position < end:
            found.append(item)
        total = position + 1
    return found[:limit], len(found) > limit, min(total, MAX_COUNTED_BY_READING)


def _jobs_of(environment_id: str, transaction_id: str) -> list[Item]:
    """The first MAX_JOBS_SHOWN records of a transaction, oldest first: a broadcast's are listed by /v1/messages."""
    repository = ActivityRepository()
    partition = IndexPartition.transaction(environment_id, transaction_id)
    keys = list(islice(repository.keys([partition], newest_first=False), MAX_JOBS_SHOWN))
    return [item for item in repository.get_many(keys) if item["sk"] == RECORD_SK]


def _notifications(environment_id: str, items: list[Item]) -> list[Notification]:
    campaigns = CampaignsRepository()
    found: dict[str, entities.Campaign | None] = {}
    shown = []
    for item in items:
        if item.get("sk") != NOTIFICATION_SK:
            continue
        campaign_id = item.get("campaignId")
        if campaign_id and campaign_id not in found:
            found[campaign_id] = campaigns.get(environment_id, campaign_id)
        records = _jobs_of(environment_id, item["transactionId"])
        organization_id = settings().organization_id
        shown.append(
            Notification.from_item(
                item | {"environmentId": environment_id},
                organization_id=organization_id,
                campaign=found.get(campaign_id) if campaign_id else None,
                jobs=[NotificationJob.from_record(record, item["_id"], organization_id) for record in records],
            )
        )
    return shown


def _day_partitions(
    environment_id: str, day_key: Callable[[str, str], str], days: int = DAYS_SEARCHED
) -> list[IndexPartition]:
    return [IndexPartition.activity(day_key(environment_id, d.isoformat())) for d in _days_back(environment_id, days)]


def _days_back(environment_id: str, days: int = DAYS_SEARCHED) -> list[date]:
    """Today and the `days - 1` before it, newest first, none before the environment was created (its id, like
    every id, starts with its creation time), so a young environment's activity costs a query a day of its life."""
    today = clock.utc_now().date()
    if _is_object_id(environment_id):
        created = datetime.fromtimestamp(int(environment_id[:8], 16), UTC).date()
        days = max(1, min(days, (today - created).days + 1))
    return [today - timedelta(days=back) for back in range(days)]


def _is_object_id(value: str) -> bool:
    return len(value) == 24 and all(c in "0123456789abcdef" for c in value)

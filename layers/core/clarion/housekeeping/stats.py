"""Daily campaign stats: per campaign per day, how many messages were sent, failed, filtered, skipped, cancelled;
and per environment per day, its notifications (Novu's activity graph: how many, of which campaigns, on which
channels).

Rolled up once a day, for the day before, from ActivityIndex (an environment's records of one day, keys only, then
the records read 100 a request): one item per campaign and day in CampaignsTable, pk `ENV#<env>`, sk
`STATS#<campaignId>#<yyyy-mm-dd>`, and one item per environment and day with notifications, sk `ACTIVITY#<yyyy-mm-dd>`
(from the day's notifications, read the same way), overwritten whole when a day is rolled up again (idempotent). A
marker item (pk `HOUSEKEEPING`, sk `ROLLUP#<day>`) records that the day is done, so the runs of the following
15-minute ticks cost one read.
"""

from collections import Counter, defaultdict
from datetime import date, timedelta
from typing import Any

from clarion import clock
from clarion.dynamo import DynamoTable, Expression, Item
from clarion.environments.repository import EnvironmentsRepository
from clarion.settings import settings
from clarion.store.keys import (
    HOUSEKEEPING_PK,
    NOTIFICATION_SK,
    RECORD_SK,
    activity_day_sk,
    environment_id_of,
    environment_pk,
    messages_day_key,
    notifications_day_key,
    rollup_sk,
    stats_sk,
)

ACTIVITY_INDEX = "ActivityIndex"
COUNTED = ("sent", "failed", "filtered", "skipped", "cancelled")


class CampaignStats:
    def __init__(self, campaigns: DynamoTable | None = None, messages: DynamoTable | None = None) -> None:
        self.campaigns = campaigns or DynamoTable(settings().campaigns_table)
        self.messages = messages or DynamoTable(settings().messages_table)

    def roll_up_yesterday(self) -> bool:
        """Rolls up the day before today (UTC) for every environment, once; False when it was already done."""
        day = (clock.utc_now().date() - timedelta(days=1)).isoformat()
        if self.campaigns.get(HOUSEKEEPING_PK, rollup_sk(day)) is not None:
            return False
        for environment in EnvironmentsRepository().list_all():
            self.roll_up(environment_id_of(environment["sk"]), day)
        self.campaigns.put(
            {"pk": HOUSEKEEPING_PK, "sk": rollup_sk(day), "day": day, "rolledUpAt": clock.timestamp_now()}
        )
        return True

    def roll_up(self, environment_id: str, day: str) -> list[Item]:
        """The environment's stats of `day`, per campaign, written over what a previous roll-up wrote."""
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        by_channel: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
        for record in self._records_of(environment_id, day):
            if record.get("campaignId"):
                counts[record["campaignId"]][record["status"]] += 1
                by_channel[record["campaignId"]][record["channel"]][record["status"]] += 1
        now = clock.timestamp_now()
        items = [
            {"pk": environment_pk(environment_id), "sk": stats_sk(campaign_id, day), "campaignId": campaign_id}
            | {"day": day, "rolledUpAt": now}
            | _counts(counted)
            | {"channels": {channel: _counts(c) for channel, c in by_channel[campaign_id].items()}}
            for campaign_id, counted in counts.items()
        ]
        self.campaigns.batch_write(items)
        self._roll_up_notifications(environment_id, day, now)
        return items

    def activity_days(self, environment_id: str, since: date, until: date) -> list[Item]:
        """The environment's rolled-up notification days from `since` to `until` (both included), oldest first."""
        key = Expression(
            "pk = :pk AND sk BETWEEN :first AND :last",
            values={
                ":pk": environment_pk(environment_id),
                ":first": activity_day_sk(since.isoformat()),
                ":last": activity_day_sk(until.isoformat()),
            },
        )
        return [_without_keys(item) for item in self.campaigns.query_items(key)]

    def _roll_up_notifications(self, environment_id: str, day: str, now: str) -> None:
        """Counted as Novu counts its activity graph: a notification once per channel of its campaign."""
        count, templates, channels = 0, set(), set()
        for notification in self._items_of(notifications_day_key(environment_id, day), NOTIFICATION_SK):
            sent_on = set(notification.get("channels") or [])
            count += len(sent_on)
            channels |= sent_on
            if notification.get("campaignId") and sent_on:
                templates.add(notification["campaignId"])
        if count:
            item = {"pk": environment_pk(environment_id), "sk": activity_day_sk(day), "day": day, "count": count}
            self.campaigns.put(item | {"templates": sorted(templates), "channels": sorted(channels), "rolledUpAt": now})

    def days(
        self, environment_id: str, campaign_id: str, *, since: date | None = None, until: date | None = None
    ) -> list[Item]:
        """The campaign's daily stats, oldest first, from `since` to `until` (both included): one key range."""
        first, last = stats_sk(campaign_id, since.isoformat() if since else ""), stats_sk(campaign_id, "~")
        if until is not None:
            last = stats_sk(campaign_id, until.isoformat())
        key = Expression(
            "pk = :pk AND sk BETWEEN :first AND :last",
            values={":pk": environment_pk(environment_id), ":first": first, ":last": last},
        )
        return [_without_keys(item) for item in self.campaigns.query_items(key)]

    def _records_of(self, environment_id: str, day: str) -> Any:
        return self._items_of(messages_day_key(environment_id, day), RECORD_SK)

    def _items_of(self, day_key: str, sk: str) -> Any:
        key = Expression("activityKey = :key", values={":key": day_key})
        for page in self.messages.query_pages(key, index=ACTIVITY_INDEX):
            yield from self.messages.batch_get([{"pk": item["pk"], "sk": sk} for item in page])


def _counts(counted: Counter[str]) -> Item:
    """A day's counts of records by status: the final ones, those still pending, and all."""
    return (
        {status: counted.get(status, 0) for status in COUNTED}
        | {"pending": counted.get("queued", 0) + counted.get("sending", 0)}
        | {"total": sum(counted.values())}
    )


def _without_keys(item: Item) -> Item:
    return {name: value for name, value in item.items() if name not in ("pk", "sk")}

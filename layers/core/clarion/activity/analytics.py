"""Campaign analytics ("statistics from all campaigns or from particular campaigns"): the daily
rows housekeeping rolls up (clarion.housekeeping.stats) over a date range, per campaign, with their totals; and
Novu's activity graph, from the notification days it rolls up."""

from collections.abc import Iterable
from datetime import date, timedelta
from typing import TYPE_CHECKING

from pydantic import ConfigDict, Field

from clarion import clock
from clarion.actions import store as actions
from clarion.actions.models import COUNTER_OF
from clarion.dynamo import Item
from clarion.errors import NotFound, ValidationFailed
from clarion.housekeeping.stats import COUNTED, CampaignStats
from clarion.models import Model
from clarion.principal import Principal
from clarion.store.campaigns import CampaignsRepository

if TYPE_CHECKING:
    from clarion.store import entities

DEFAULT_DAYS = 7
MAX_DAYS = 93
MAX_CAMPAIGN_IDS = 100
GRAPH_DAYS = 32  # Novu's default
MAX_GRAPH_DAYS = 366


class StatusCounts(Model):
    sent: int = 0
    failed: int = 0
    filtered: int = 0
    skipped: int = 0
    cancelled: int = 0
    pending: int = Field(default=0, description="Still queued or sending when the day was rolled up")
    total: int = 0
    opened: int = Field(default=0, description="Push and in-app messages opened (counted as they are recorded)")
    clicked: int = Field(default=0, description="Push and in-app messages clicked")
    dismissed: int = Field(default=0, description="Push and in-app messages dismissed")

    def add(self, counts: "StatusCounts") -> None:
        for name in StatusCounts.model_fields:
            setattr(self, name, getattr(self, name) + getattr(counts, name))


class CountsByChannel(StatusCounts):
    channels: dict[str, StatusCounts] = Field(
        default_factory=dict,
        description="The same counts per channel (email, sms, push, in_app, chat) that had messages or actions; "
        "days rolled up before channels were counted have messages' counts in the sum only",
    )

    def add(self, counts: "StatusCounts") -> None:
        super().add(counts)
        for channel, counted in getattr(counts, "channels", {}).items():
            self.channels.setdefault(channel, StatusCounts()).add(counted)


class DayStats(CountsByChannel):
    day: str = Field(description="UTC day, yyyy-mm-dd")


class CampaignAnalytics(Model):
    campaignId: str
    name: str
    days: list[DayStats] = Field(
        description="The days with messages or actions, oldest first (days without either are left out)"
    )
    totals: CountsByChannel


class AnalyticsReport(Model):
    from_: str = Field(alias="from", serialization_alias="from", description="First day, included")
    to: str = Field(description="Last day, included")
    campaigns: list[CampaignAnalytics]
    totals: CountsByChannel = Field(description="The sum over the campaigns")

    model_config = {"populate_by_name": True, "serialize_by_alias": True}


class ActivityGraphDay(Model):
    """A day of Novu's activity graph."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    day: str = Field(alias="_id", description="The UTC day, yyyy-mm-dd")
    count: int = Field(description="The day's notifications, each counted once per channel of its campaign, as Novu")
    templates: list[str] = Field(description="The ids of the campaigns triggered that day")
    channels: list[str] = Field(description="The channels of those campaigns")


def activity_graph(caller: Principal, days: int) -> list[ActivityGraphDay]:
    """The rolled-up days of the last `days` before today, oldest first; days without notifications are left out,
    and so is today, until housekeeping rolls it up after it ends."""
    today = clock.utc_now().date()
    rolled_up = CampaignStats().activity_days(caller.environment_id, today - timedelta(days=days), today)
    return [
        ActivityGraphDay.model_validate(
            {"_id": item["day"], "count": item["count"], "templates": item["templates"], "channels": item["channels"]}
        )
        for item in rolled_up
    ]


def date_range(since: date | None, until: date | None) -> tuple[date, date]:
    """The days asked for: by default the last DEFAULT_DAYS (UTC, today included), at most MAX_DAYS."""
    if until is None:
        until = _shifted(since, DEFAULT_DAYS - 1, "from") if since else clock.utc_now().date()
    if since is None:
        since = _shifted(until, 1 - DEFAULT_DAYS, "to")
    if since > until:
        raise ValidationFailed("from is after to", field="from", value=since.isoformat())
    if (until - since).days + 1 > MAX_DAYS:
        raise ValidationFailed(f"at most {MAX_DAYS} days can be asked at once", field="to", value=until.isoformat())
    return since, until


def _shifted(day: date, days: int, field: str) -> date:
    try:
        return day + timedelta(days=days)
    except OverflowError:  # within days of year 1 or 9999
        raise ValidationFailed("the default range around this day is out of the calendar", field=field) from None


def campaign_analytics(
    caller: Principal, campaign_ids: list[str], since: date | None, until: date | None
) -> AnalyticsReport:
    """Each campaign's daily stats between the dates; `campaign_ids` empty: every campaign of the environment."""
    since, until = date_range(since, until)
    campaigns = _campaigns(caller.environment_id, campaign_ids)
    stats = CampaignStats()
    report = AnalyticsReport(from_=since.isoformat(), to=until.isoformat(), campaigns=[], totals=CountsByChannel())
    for campaign in campaigns:
        days = [_day(item) for item in stats.days(caller.environment_id, campaign["_id"], since=since, until=until)]
        days = _with_actions(days, actions.campaign_days(caller.environment_id, campaign["_id"], since, until))
        totals = CountsByChannel()
        for day in days:
            totals.add(day)
        report.campaigns.append(
            CampaignAnalytics(campaignId=campaign["_id"], name=campaign.get("name", ""), days=days, totals=totals)
        )
        report.totals.add(totals)
    return report


def _with_actions(days: list[DayStats], action_days: Iterable[Item]) -> list[DayStats]:
    """The rolled-up days with each day's action counters (live: counted as each action is recorded) added; a day
    with actions and no rolled-up messages (today, or an open days later) gets a row of its own."""
    by_day = {day.day: day for day in days}
    for counted in action_days:
        day = by_day.setdefault(counted["day"], DayStats(day=counted["day"]))
        for name in COUNTER_OF.values():
            setattr(day, name, getattr(day, name) + int(counted.get(name, 0)))
        for attribute, value in counted.items():
            name, _, channel = attribute.partition(":")
            if channel and name in COUNTER_OF.values():
                in_channel = day.channels.setdefault(channel, StatusCounts())
                setattr(in_channel, name, getattr(in_channel, name) + int(value))
    return [by_day[day] for day in sorted(by_day)]


def _campaigns(environment_id: str, campaign_ids: list[str]) -> list["entities.Campaign"]:
    repository = CampaignsRepository()
    if not campaign_ids:
        return repository.all(environment_id)
    if len(campaign_ids) > MAX_CAMPAIGN_IDS:
        raise ValidationFailed(f"at most {MAX_CAMPAIGN_IDS} campaign ids", field="campaignIds")
    campaigns = []
    for campaign_id in dict.fromkeys(campaign_ids):
        campaign = repository.get(environment_id, campaign_id)
        if campaign is None:
            raise NotFound(f"campaign '{campaign_id}' not found", field="campaignIds")
        campaigns.append(campaign)
    return campaigns


def _day(item: Item) -> DayStats:
    channels = {channel: _counts(counted) for channel, counted in item.get("channels", {}).items()}
    return DayStats.model_validate({"day": item["day"], "channels": channels} | _counts(item))


def _counts(item: Item) -> dict[str, int]:
    return {"pending": item.get("pending", 0), "total": item.get("total", 0)} | {
        status: item.get(status, 0) for status in COUNTED
    }

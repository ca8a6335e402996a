"""Housekeeping (clarion.housekeeping) on the in-memory tables, with time on the clock seam: the sweep of expired
inbox messages hour by hour, the daily roll-up of campaign stats, and claims stuck in sending (moto's SQS takes the
in-app jobs re-queued)."""

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from clarion import clock
from clarion.aws import client
from clarion.dynamo import DynamoTable
from clarion.environments.models import CreateEnvironmentRequest
from clarion.environments.service import create_environment
from clarion.housekeeping import inbox_expiry, stuck
from clarion.housekeeping.stats import CampaignStats
from clarion.ids import new_id
from clarion.inbox.repository import InboxRepository
from clarion.settings import settings
from clarion.store.keys import INBOX_MESSAGE_PREFIX, inbox_pk
from clarion.store.records import DeliveryRecords, new_record
from tests.unit.conftest import StillClock

START = datetime(2027, 3, 1, 12, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock(memory_tables, use_clock) -> StillClock:
    return use_clock(START)


# Expired inbox messages


@pytest.fixture(autouse=True)
def short_look_back(monkeypatch):
    """Sweeps look back 4 hours here, not 48: each hour costs a Query per shard, and the rule is the same."""
    monkeypatch.setattr(inbox_expiry, "LOOK_BACK_HOURS", 4)


class Inbox:
    def __init__(self) -> None:
        self.environment_id, self.subscriber_id = new_id(), f"sub-{uuid.uuid4()}"

    def deliver(self, expires: datetime) -> str:
        message = {"expireAt": clock.timestamp(expires), "createdAt": clock.timestamp_now()}
        return InboxRepository().put_message(self.environment_id, self.subscriber_id, message)["_id"]

    def stored(self) -> set[str]:
        """The ids of the messages still stored, hidden or not."""
        table = DynamoTable(settings().messages_table)
        items = table.partition_items(inbox_pk(self.environment_id, self.subscriber_id), prefix=INBOX_MESSAGE_PREFIX)
        return {item["_id"] for item in items}


def at(hours: float) -> datetime:
    """`hours` from the start (negative: before it)."""
    return START + timedelta(hours=hours)


def test_a_sweep_deletes_the_messages_whose_expiry_hour_is_over_and_keeps_the_others():
    inbox = Inbox()
    over = inbox.deliver(at(-1))  # 11:30: its hour is over
    this_hour = inbox.deliver(at(-0.25))  # 12:15: expired, but its hour is not over
    later = inbox.deliver(at(5))
    assert inbox_expiry.delete_expired_inbox_messages() == 1
    assert inbox.stored() == {this_hour, later}
    assert over not in inbox.stored()


def test_a_sweep_deletes_every_expired_message_of_an_hour_across_its_shards():
    inbox = Inbox()
    for _ in range(12):
        inbox.deliver(at(-1))
    assert inbox_expiry.delete_expired_inbox_messages() == 12
    assert inbox.stored() == set()


def test_the_next_sweep_starts_after_the_last_swept_hour(frozen_clock):
    inbox = Inbox()
    this_hour = inbox.deliver(at(-0.25))
    assert inbox_expiry.delete_expired_inbox_messages() == 0
    assert inbox_expiry.delete_expired_inbox_messages() == 0
    frozen_clock.advance(hours=1)
    assert inbox_expiry.delete_expired_inbox_messages() == 1
    assert this_hour not in inbox.stored()


def test_an_hour_already_swept_is_not_read_again():
    inbox = Inbox()
    inbox_expiry.delete_expired_inbox_messages()
    late = inbox.deliver(at(-2))  # delivered already expired, into an hour the sweep has done
    assert inbox_expiry.delete_expired_inbox_messages() == 0
    assert inbox.stored() == {late}


def test_a_sweep_looks_back_no_further_than_its_limit_and_leaves_older_ones_to_the_ttl():
    inbox = Inbox()
    too_old = inbox.deliver(at(-inbox_expiry.LOOK_BACK_HOURS - 1))
    oldest_swept = inbox.deliver(at(-inbox_expiry.LOOK_BACK_HOURS + 0.5))
    assert inbox_expiry.delete_expired_inbox_messages() == 1
    assert inbox.stored() == {too_old}
    assert oldest_swept not in inbox.stored()


def test_the_sweep_marks_the_last_hour_it_swept():
    inbox_expiry.delete_expired_inbox_messages()
    marker = DynamoTable(settings().messages_table).get(*inbox_expiry.MARKER)
    assert marker is not None and marker["sweptHour"] == at(-1).strftime("%Y-%m-%dT%H")


# Campaign stats


def record(environment_id: str, campaign_id: str | None, status: str) -> dict:
    item = new_record(environment_id, f"sub-{uuid.uuid4()}", "email", to={}, content={}, campaign_id=campaign_id)
    item["status"] = status
    DeliveryRecords().create_many([item])
    return item


def counts(item: dict) -> tuple[int, ...]:
    return tuple(item[name] for name in ("sent", "failed", "filtered", "skipped", "cancelled", "pending", "total"))


def test_a_days_records_are_counted_per_campaign_and_status():
    environment_id, welcome, digest = new_id(), new_id(), new_id()
    for status in ("sent", "sent", "failed", "filtered", "skipped", "cancelled", "queued", "sending"):
        record(environment_id, welcome, status)
    record(environment_id, digest, "sent")
    record(environment_id, None, "sent")
    rolled = CampaignStats().roll_up(environment_id, START.date().isoformat())
    by_campaign = {item["campaignId"]: item for item in rolled}
    assert set(by_campaign) == {welcome, digest}
    assert counts(by_campaign[welcome]) == (2, 1, 1, 1, 1, 2, 8)
    assert counts(by_campaign[digest]) == (1, 0, 0, 0, 0, 0, 1)


def test_a_day_rolled_up_again_is_written_over_not_added_to(frozen_clock):
    environment_id, campaign_id = new_id(), new_id()
    day = START.date().isoformat()
    record(environment_id, campaign_id, "sent")
    stats = CampaignStats()
    stats.roll_up(environment_id, day)
    record(environment_id, campaign_id, "failed")
    stats.roll_up(environment_id, day)
    (stored,) = stats.days(environment_id, campaign_id)
    assert (stored["day"], stored["sent"], stored["failed"], stored["total"]) == (day, 1, 1, 2)


def test_another_days_or_environments_records_are_not_counted(frozen_clock):
    environment_id, campaign_id = new_id(), new_id()
    record(environment_id, campaign_id, "sent")
    record(new_id(), campaign_id, "sent")
    frozen_clock.advance(days=1)
    record(environment_id, campaign_id, "sent")
    (rolled,) = CampaignStats().roll_up(environment_id, START.date().isoformat())
    assert rolled["total"] == 1


def test_a_campaigns_days_are_read_oldest_first_within_the_range(frozen_clock):
    environment_id, campaign_id = new_id(), new_id()
    stats = CampaignStats()
    days = []
    for _ in range(3):
        record(environment_id, campaign_id, "sent")
        days.append(clock.utc_now().date())
        stats.roll_up(environment_id, days[-1].isoformat())
        frozen_clock.advance(days=1)
    assert [item["day"] for item in stats.days(environment_id, campaign_id)] == [d.isoformat() for d in days]
    within = stats.days(environment_id, campaign_id, since=days[1], until=days[1])
    assert [item["day"] for item in within] == [days[1].isoformat()]
    assert stats.days(environment_id, new_id()) == []


def test_yesterday_is_rolled_up_once_for_every_environment(frozen_clock):
    first = create_environment(CreateEnvironmentRequest(name=f"env {uuid.uuid4()}")).id
    second = create_environment(CreateEnvironmentRequest(name=f"env {uuid.uuid4()}")).id
    campaign_id = new_id()
    record(first, campaign_id, "sent")
    record(second, campaign_id, "failed")
    frozen_clock.advance(days=1)
    stats = CampaignStats()
    assert stats.roll_up_yesterday()
    assert [item["sent"] for item in stats.days(first, campaign_id)] == [1]
    assert [item["failed"] for item in stats.days(second, campaign_id)] == [1]
    record(first, campaign_id, "sent")  # today's: rolled up tomorrow
    assert not stats.roll_up_yesterday()
    assert [item["total"] for item in stats.days(first, campaign_id)] == [1]


# Claims stuck in sending


@pytest.fixture
def in_app_queue(monkeypatch) -> str:
    url = client("sqs").create_queue(QueueName=f"in-app-{uuid.uuid4()}")["QueueUrl"]
    monkeypatch.setenv("IN_APP_QUEUE_URL", url)
    settings.cache_clear()
    return url


def claimed(channel: str) -> dict:
    item = new_record(new_id(), f"sub-{uuid.uuid4()}", channel, to={}, content={})
    records = DeliveryRecords()
    records.create_many([item])
    claim = records.claim(item["environmentId"], item["_id"])
    assert claim is not None
    return claim


def queued_jobs(url: str) -> list[dict]:
    messages = client("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    return [json.loads(message["Body"]) for message in messages]


def stored(record_: dict) -> dict:
    found = DeliveryRecords().get(record_["environmentId"], record_["_id"])
    assert found is not None
    return found


@pytest.mark.parametrize("channel", ["email", "sms", "push", "chat"])
def test_a_claim_stuck_in_a_channel_without_idempotency_fails_as_outcome_unknown(frozen_clock, in_app_queue, channel):
    claim = claimed(channel)
    frozen_clock.advance(minutes=16)
    resolved = stuck.resolve_stuck_claims()
    assert (resolved.failed, resolved.requeued) == (1, 0)
    after = stored(claim)
    assert after["status"] == "failed" and "sendingKey" not in after
    assert after["history"][-1]["reason"] == stuck.OUTCOME_UNKNOWN
    assert queued_jobs(in_app_queue) == []


def test_an_in_app_claim_stuck_is_requeued_and_its_job_enqueued_again(frozen_clock, in_app_queue):
    claim = claimed("in_app")
    frozen_clock.advance(minutes=16)
    resolved = stuck.resolve_stuck_claims()
    assert (resolved.requeued, resolved.failed) == (1, 0)
    after = stored(claim)
    assert after["status"] == "queued" and "sendingKey" not in after
    assert after["history"][-1]["reason"] == stuck.REQUEUED_REASON
    assert queued_jobs(in_app_queue) == [{"environmentId": claim["environmentId"], "messageId": claim["_id"]}]
    assert DeliveryRecords().claim(claim["environmentId"], claim["_id"]) is not None


def test_a_recent_claim_is_left_to_its_sender(frozen_clock, in_app_queue):
    email, in_app = claimed("email"), claimed("in_app")
    frozen_clock.advance(minutes=14)
    assert stuck.resolve_stuck_claims() == stuck.Resolved(0, 0)
    assert stored(email)["status"] == stored(in_app)["status"] == "sending"


def test_a_claim_its_sender_finished_is_not_touched(frozen_clock, in_app_queue):
    claim = claimed("email")
    DeliveryRecords().mark_sent([(claim, "provider-1")])
    frozen_clock.advance(minutes=16)
    assert stuck.resolve_stuck_claims() == stuck.Resolved(0, 0)
    assert stored(claim)["status"] == "sent"


def test_a_stuck_claim_is_resolved_once(frozen_clock, in_app_queue):
    claimed("email")
    claimed("in_app")
    frozen_clock.advance(minutes=16)
    assert stuck.resolve_stuck_claims() == stuck.Resolved(requeued=1, failed=1)
    assert stuck.resolve_stuck_claims() == stuck.Resolved(0, 0)
    assert len(queued_jobs(in_app_queue)) == 1

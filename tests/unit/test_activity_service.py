"""The activity API's logic (clarion.activity: service, repository, analytics) on the in-memory MessagesTable and
CampaignsTable: messages by transaction, subscriber, channel and day, deletion, notifications with their jobs,
execution details, the sent counts and the campaign analytics over rolled-up days, with time on the clock seam."""

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from clarion import clock
from clarion.activity import analytics, service
from clarion.activity.models import DAYS_SEARCHED
from clarion.engine.messages import message_id
from clarion.engine.notifications import Notifications
from clarion.errors import NotFound, ValidationFailed
from clarion.housekeeping.stats import CampaignStats
from clarion.ids import new_id
from clarion.inbox.repository import InboxRepository
from clarion.principal import Principal
from clarion.store.campaigns import CampaignsRepository
from clarion.store.records import DeliveryRecords, new_record
from tests.unit.conftest import StillClock

START = datetime(2027, 5, 10, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock(memory_tables, use_clock) -> StillClock:
    return use_clock(START)


@pytest.fixture
def caller() -> Principal:
    """A key of an environment created now (an id starts with its creation time)."""
    return Principal(new_id(), new_id(), frozenset())


def campaign(caller: Principal, name: str = "Welcome") -> dict:
    item = {"_id": new_id(), "identifier": f"c-{uuid.uuid4()}", "name": name, "version": 1, "channels": ["email"]}
    CampaignsRepository().create(caller.environment_id, item)
    return item


def record(caller: Principal, subscriber_id: str, channel: str = "email", *, status: str = "sent", **fields) -> dict:
    """A delivery record as the pipeline leaves it, created now (with `_id` if given), stored; other `fields` go in
    its last history entry (a `reason`)."""
    chosen_id = fields.pop("_id", None)
    item = new_record(
        caller.environment_id,
        subscriber_id,
        channel,
        to={"email": "someone@example.invalid"} if channel == "email" else {},
        content={"html": "<p>Hello</p>", "subject": "Hi"} if channel == "email" else {"body": "Hello"},
        transaction_id=fields.pop("transaction_id", None),
        campaign_id=fields.pop("campaign_id", None),
    )
    if status != "queued":
        item["status"] = status
        item["history"] = [*item["history"], {"status": status, "at": item["createdAt"], **fields}]
    if chosen_id:
        item["_id"] = chosen_id
    DeliveryRecords().create_many([item])
    return item


def notify(caller: Principal, transaction_id: str, campaign_item: dict, channels=("email",)) -> dict:
    targets = {"subscriberIds": ["s1"], "topicKeys": [], "all": False}
    return Notifications().create(
        caller.environment_id, transaction_id, campaign_item | {"channels": list(channels)}, {"n": 1}, targets
    )


def messages(
    caller: Principal, *, page: int = 0, limit: int = 10, channel=None, subscriber_id=None, transaction_id=None
):
    return service.list_messages(
        caller, page=page, limit=limit, channel=channel, subscriber_id=subscriber_id, transaction_id=transaction_id
    )


def ids(page) -> list[str]:
    return [item.id for item in page.data]


def test_a_transactions_messages_are_listed_in_novus_shape(caller):
    transaction_id = f"tx-{uuid.uuid4()}"
    sent = record(caller, "alice", transaction_id=transaction_id, campaign_id="c1")
    record(caller, "bob", transaction_id=f"tx-{uuid.uuid4()}")
    (message,) = messages(caller, transaction_id=transaction_id).data
    assert (message.id, message.templateId, message.transactionId) == (sent["_id"], "c1", transaction_id)
    assert (message.channel, message.status, message.subject, message.content) == (
        "email",
        "sent",
        "Hi",
        "<p>Hello</p>",
    )
    assert message.email == "someone@example.invalid" and message.errorText is None
    assert "to" not in message.model_dump(by_alias=True)


def test_messages_are_filtered_by_channel_and_listed_by_subscriber(caller, frozen_clock):
    email = record(caller, "alice")
    frozen_clock.advance(seconds=1)
    sms = record(caller, "alice", "sms")
    frozen_clock.advance(seconds=1)
    other = record(caller, "bob", "sms")
    assert ids(messages(caller, channel="email")) == [email["_id"]]
    assert ids(messages(caller, subscriber_id="alice")) == [sms["_id"], email["_id"]]
    assert ids(messages(caller, subscriber_id="alice", channel="sms")) == [sms["_id"]]
    assert ids(messages(caller, channel="sms")) == [other["_id"], sms["_id"]]


def test_a_transaction_and_a_subscriber_together_list_the_subscribers_messages_of_it(caller):
    transaction_id = f"tx-{uuid.uuid4()}"
    alice = record(caller, "alice", transaction_id=transaction_id)
    record(caller, "bob", transaction_id=transaction_id)
    assert ids(messages(caller, transaction_id=transaction_id, subscriber_id="alice")) == [alice["_id"]]


def test_without_a_filter_the_environments_messages_are_listed_newest_first_across_days(caller, frozen_clock):
    first = record(caller, "alice")
    frozen_clock.advance(days=1)
    second = record(caller, "bob")
    assert ids(messages(caller)) == [second["_id"], first["_id"]]


def test_messages_older_than_the_days_searched_are_no_longer_listed(caller, frozen_clock):
    old = record(caller, "alice")
    frozen_clock.advance(days=DAYS_SEARCHED - 1)
    assert ids(messages(caller)) == [old["_id"]]
    frozen_clock.advance(days=1)
    assert ids(messages(caller)) == []
    assert ids(messages(caller, subscriber_id="alice")) == [old["_id"]]


def test_messages_are_paged_and_a_filtered_page_skips_the_earlier_matches(caller, frozen_clock):
    emails = []
    for _ in range(3):
        emails.append(record(caller, "alice")["_id"])
        record(caller, "alice", "sms")
        frozen_clock.advance(seconds=1)
    first, second = messages(caller, limit=4), messages(caller, page=1, limit=4)
    assert (len(first.data), first.hasMore, len(second.data), second.hasMore) == (4, True, 2, False)
    by_channel = [messages(caller, page=number, limit=2, channel="email") for number in range(2)]
    assert [ids(page) for page in by_channel] == [emails[::-1][:2], emails[::-1][2:]]
    assert [page.hasMore for page in by_channel] == [True, False]


def test_a_message_not_sent_says_why(caller):
    transaction_id = f"tx-{uuid.uuid4()}"
    record(caller, "alice", status="failed", reason="MessageRejected: address blocked", transaction_id=transaction_id)
    (message,) = messages(caller, transaction_id=transaction_id).data
    assert (message.status, message.errorText) == ("failed", "MessageRejected: address blocked")


def test_another_environment_lists_none_of_the_messages(caller):
    transaction_id = f"tx-{uuid.uuid4()}"
    record(caller, "alice", transaction_id=transaction_id)
    stranger = Principal(new_id(), new_id(), frozenset())
    assert messages(stranger).data == []
    assert messages(stranger, transaction_id=transaction_id).data == []
    assert messages(stranger, subscriber_id="alice").data == []


def test_deleting_a_message_removes_its_record_and_its_inbox_copy(caller):
    stored = record(caller, "alice", "in_app")
    InboxRepository().put_message(caller.environment_id, "alice", {"_id": stored["_id"]})
    assert service.delete_message(caller, stored["_id"]).acknowledged
    assert DeliveryRecords().get(caller.environment_id, stored["_id"]) is None
    assert InboxRepository().get(caller.environment_id, "alice", stored["_id"], now=clock.epoch_seconds()) is None


@pytest.mark.parametrize("whose", ["unknown", "another environment's", "already deleted"])
def test_deleting_a_message_that_is_not_there_is_not_found(caller, whose):
    stored = record(caller, "alice")
    target, message = {
        "unknown": (caller, new_id()),
        "another environment's": (Principal(new_id(), new_id(), frozenset()), stored["_id"]),
        "already deleted": (caller, stored["_id"]),
    }[whose]
    if whose == "already deleted":
        service.delete_message(caller, stored["_id"])
    with pytest.raises(NotFound) as refused:
        service.delete_message(target, message)
    assert refused.value.field == "messageId"
    assert (DeliveryRecords().get(caller.environment_id, stored["_id"]) is None) == (whose == "already deleted")


def test_the_activity_feed_lists_triggers_newest_first_with_their_campaign_and_jobs(caller, frozen_clock):
    welcome = campaign(caller)
    first = f"tx-{uuid.uuid4()}"
    notify(caller, first, welcome)
    job = record(caller, "alice", transaction_id=first, campaign_id=welcome["_id"])
    frozen_clock.advance(seconds=1)
    second = f"tx-{uuid.uuid4()}"
    notify(caller, second, welcome)
    feed = service.list_notifications(caller, page=0, limit=10, channels=[], templates=[], transaction_id=None)
    assert [n.transactionId for n in feed.data] == [second, first]
    shown = feed.data[1]
    assert shown.template is not None and shown.template.name == "Welcome"
    trigger = {
        "type": "event",
        "identifier": welcome["identifier"],
        "variables": [],
        "subscriberVariables": [{"name": "email"}],
    }
    assert shown.template.triggers == [trigger]
    assert [(j.id, j.type, j.status) for j in shown.jobs] == [(job["_id"], "email", "completed")]
    assert [d.status for d in shown.jobs[0].executionDetails] == ["Queued", "Success"]


def test_the_activity_feed_is_paged(caller, frozen_clock):
    welcome = campaign(caller)
    for _ in range(3):
        notify(caller, f"tx-{uuid.uuid4()}", welcome)
        frozen_clock.advance(seconds=1)
    pages = [
        service.list_notifications(caller, page=number, limit=2, channels=[], templates=[], transaction_id=None)
        for number in range(2)
    ]
    assert [(len(page.data), page.hasMore) for page in pages] == [(2, True), (1, False)]


def test_the_activity_feed_is_filtered_by_channels_and_by_templates(caller):
    welcome, digest = campaign(caller), campaign(caller, "Digest")
    by_email, by_sms = f"tx-{uuid.uuid4()}", f"tx-{uuid.uuid4()}"
    notify(caller, by_email, welcome, ["email"])
    notify(caller, by_sms, digest, ["sms", "push"])

    def shown(channels=(), templates=()) -> list[str]:
        feed = service.list_notifications(
            caller, page=0, limit=10, channels=list(channels), templates=list(templates), transaction_id=None
        )
        return [n.transactionId for n in feed.data]

    assert shown(channels=["push"]) == [by_sms]
    assert shown(templates=[welcome["_id"]]) == [by_email]
    assert shown(channels=["email"], templates=[digest["_id"]]) == []


def test_the_activity_feed_finds_one_transaction_on_its_first_page_only(caller):
    transaction_id = f"tx-{uuid.uuid4()}"
    notify(caller, transaction_id, campaign(caller))
    notify(caller, f"tx-{uuid.uuid4()}", campaign(caller))

    def page(number: int, channels=()) -> list[str]:
        feed = service.list_notifications(
            caller, page=number, limit=10, channels=list(channels), templates=[], transaction_id=transaction_id
        )
        return [n.transactionId for n in feed.data]

    assert page(0) == [transaction_id]
    assert page(1) == []
    assert page(0, channels=["sms"]) == []


def test_a_notification_is_read_by_its_id_or_its_transaction_id(caller):
    transaction_id = f"tx-{uuid.uuid4()}"
    created = notify(caller, transaction_id, campaign(caller))
    assert service.get_notification(caller, created["_id"]).transactionId == transaction_id
    assert service.get_notification(caller, transaction_id).id == created["_id"]


@pytest.mark.parametrize("which", ["unknown id", "unknown transaction", "another environment's"])
def test_a_notification_that_is_not_there_is_not_found(caller, which):
    transaction_id = f"tx-{uuid.uuid4()}"
    created = notify(caller, transaction_id, campaign(caller))
    target, wanted = {
        "unknown id": (caller, new_id()),
        "unknown transaction": (caller, f"tx-{uuid.uuid4()}"),
        "another environment's": (Principal(new_id(), new_id(), frozenset()), created["_id"]),
    }[which]
    with pytest.raises(NotFound) as refused:
        service.get_notification(target, wanted)
    assert refused.value.field == "notificationId"


def test_the_stats_count_the_notifications_of_the_week_and_of_the_month(caller, frozen_clock):
    welcome = campaign(caller)
    for days_later in (0, 10, 20, 26, 32):  # day 32's week starts on day 26, its 30 days on day 3
        frozen_clock.now = (START + timedelta(days=days_later)).timestamp()
        notify(caller, f"tx-{uuid.uuid4()}", welcome)
    frozen_clock.now = (START + timedelta(days=32)).timestamp()
    stats = service.activity_stats(caller)
    assert (stats.weeklySent, stats.monthlySent) == (2, 4)
    assert service.activity_stats(Principal(new_id(), new_id(), frozenset())).monthlySent == 0


def execution_record(caller: Principal, transaction_id: str, subscriber_id: str, step: int, **fields) -> dict:
    return record(
        caller,
        subscriber_id,
        transaction_id=transaction_id,
        _id=message_id(caller.environment_id, transaction_id, subscriber_id, step),
        **fields,
    )


def test_execution_details_are_the_subscribers_messages_history_step_by_step(caller):
    transaction_id = f"tx-{uuid.uuid4()}"
    created = notify(caller, transaction_id, campaign(caller))
    first = execution_record(caller, transaction_id, "alice", 0)
    second = execution_record(caller, transaction_id, "alice", 1, status="skipped", reason="no email address")
    execution_record(caller, transaction_id, "bob", 0)
    details = service.execution_details(caller, created["_id"], "alice")
    assert [(d.messageId, d.status) for d in details] == [
        (first["_id"], "Queued"),
        (first["_id"], "Success"),
        (second["_id"], "Queued"),
        (second["_id"], "Failed"),
    ]
    assert details[-1].detail == "Message skipped: no email address"
    assert {d.notificationId for d in details} == {created["_id"]}
    assert service.execution_details(caller, transaction_id, "alice") == details


def test_execution_details_of_a_trigger_without_its_notification_are_found_by_transaction_id(caller):
    transaction_id = f"tx-{uuid.uuid4()}"
    execution_record(caller, transaction_id, "alice", 0)
    details = service.execution_details(caller, transaction_id, "alice")
    assert [d.status for d in details] == ["Queued", "Success"]
    assert {d.notificationId for d in details} == {transaction_id}


def test_execution_details_of_nothing_the_subscriber_received_are_not_found(caller):
    transaction_id = f"tx-{uuid.uuid4()}"
    execution_record(caller, transaction_id, "alice", 0)
    for target, subscriber_id in ((caller, "bob"), (Principal(new_id(), new_id(), frozenset()), "alice")):
        with pytest.raises(NotFound) as refused:
            service.execution_details(target, transaction_id, subscriber_id)
        assert refused.value.field == "notificationId"


def today() -> date:
    return clock.utc_now().date()


def test_by_default_the_analytics_cover_the_last_seven_days_up_to_today():
    assert analytics.date_range(None, None) == (today() - timedelta(days=6), today())


@pytest.mark.parametrize(
    ("since", "until", "expected"),
    [
        (date(2027, 1, 1), None, (date(2027, 1, 1), date(2027, 1, 7))),
        (None, date(2027, 1, 7), (date(2027, 1, 1), date(2027, 1, 7))),
        (date(2027, 1, 1), date(2027, 1, 1), (date(2027, 1, 1), date(2027, 1, 1))),
        (date(2027, 1, 1), date(2027, 4, 3), (date(2027, 1, 1), date(2027, 4, 3))),
    ],
    ids=["from only", "to only", "one day", "93 days"],
)
def test_one_end_of_the_range_gives_the_seven_days_from_or_to_it(since, until, expected):
    assert analytics.date_range(since, until) == expected


@pytest.mark.parametrize(
    ("since", "until", "field"),
    [
        (date(2027, 1, 2), date(2027, 1, 1), "from"),
        (date(2027, 1, 1), date(2027, 4, 4), "to"),
        (date(9999, 12, 30), None, "from"),
        (None, date(1, 1, 2), "to"),
    ],
    ids=["from after to", "94 days", "past the calendar's end", "before the calendar's start"],
)
def test_a_range_that_cannot_be_served_is_refused_naming_its_end(since, until, field):
    with pytest.raises(ValidationFailed) as refused:
        analytics.date_range(since, until)
    assert refused.value.field == field


def test_campaign_analytics_sum_the_rolled_up_days_per_campaign_and_overall(caller, frozen_clock):
    welcome, digest = campaign(caller), campaign(caller, "Digest")
    record(caller, "alice", campaign_id=welcome["_id"])
    record(caller, "bob", campaign_id=welcome["_id"], status="failed", reason="bounced")
    record(caller, "carol", campaign_id=digest["_id"], status="queued")
    frozen_clock.advance(days=1)
    record(caller, "alice", campaign_id=welcome["_id"])
    stats = CampaignStats()
    for day in (START.date(), today()):
        stats.roll_up(caller.environment_id, day.isoformat())
    report = analytics.campaign_analytics(caller, [], None, None)
    by_campaign = {c.campaignId: c for c in report.campaigns}
    first = by_campaign[welcome["_id"]]
    assert first.name == "Welcome"
    assert [(d.day, d.sent, d.failed, d.total) for d in first.days] == [
        (START.date().isoformat(), 1, 1, 2),
        (today().isoformat(), 1, 0, 1),
    ]
    assert (first.totals.sent, first.totals.failed, first.totals.total) == (2, 1, 3)
    assert (by_campaign[digest["_id"]].totals.pending, report.totals.total) == (1, 4)


def test_campaign_analytics_count_each_channel_apart(caller, frozen_clock):
    welcome = campaign(caller)
    record(caller, "alice", campaign_id=welcome["_id"])
    record(caller, "bob", "sms", campaign_id=welcome["_id"], status="failed", reason="unreachable")
    record(caller, "carol", "sms", campaign_id=welcome["_id"])
    CampaignStats().roll_up(caller.environment_id, START.date().isoformat())
    (shown,) = analytics.campaign_analytics(caller, [welcome["_id"]], START.date(), START.date()).campaigns
    (day,) = shown.days
    assert {channel: (c.sent, c.failed, c.total) for channel, c in day.channels.items()} == {
        "email": (1, 0, 1),
        "sms": (1, 1, 2),
    }
    assert {channel: c.total for channel, c in shown.totals.channels.items()} == {"email": 1, "sms": 2}


def test_campaign_analytics_leave_out_the_days_outside_the_range(caller, frozen_clock):
    welcome = campaign(caller)
    record(caller, "alice", campaign_id=welcome["_id"])
    CampaignStats().roll_up(caller.environment_id, START.date().isoformat())
    after = START.date() + timedelta(days=1)
    (shown,) = analytics.campaign_analytics(caller, [welcome["_id"]], after, after + timedelta(days=3)).campaigns
    assert shown.days == [] and shown.totals.total == 0


def test_campaign_analytics_of_an_unknown_campaign_are_not_found(caller):
    with pytest.raises(NotFound) as refused:
        analytics.campaign_analytics(caller, [campaign(caller)["_id"], new_id()], None, None)
    assert refused.value.field == "campaignIds"


def test_campaign_analytics_take_at_most_a_hundred_campaigns(caller):
    with pytest.raises(ValidationFailed) as refused:
        analytics.campaign_analytics(caller, [new_id() for _ in range(analytics.MAX_CAMPAIGN_IDS + 1)], None, None)
    assert refused.value.field == "campaignIds"


def test_message_lists_count_every_message_they_page_through(caller, frozen_clock, monkeypatch):
    transaction_id = f"tx-{uuid.uuid4()}"
    for number in range(3):
        record(caller, "alice", transaction_id=transaction_id)
        record(caller, "bob", "sms")
        frozen_clock.advance(days=1 if number == 0 else 0, seconds=1)  # the messages span two day partitions
    assert [messages(caller, page=p, limit=4).totalCount for p in range(3)] == [6, 6, 6]
    assert messages(caller, channel="sms", limit=1).totalCount == 3
    assert messages(caller, subscriber_id="alice", limit=1).totalCount == 3
    assert messages(caller, transaction_id=transaction_id, subscriber_id="bob").totalCount == 0
    assert messages(Principal(new_id(), new_id(), frozenset())).totalCount == 0
    monkeypatch.setattr(service, "MAX_COUNTED", 4)
    monkeypatch.setattr(service, "MAX_COUNTED_BY_READING", 2)
    assert (messages(caller).totalCount, messages(caller, channel="email").totalCount) == (4, 2)
    assert messages(caller, page=2, limit=1, channel="email").data != []  # the cap limits the count, not the paging


def test_notification_lists_count_the_notifications_they_page_through(caller, frozen_clock):
    welcome, digest = campaign(caller), campaign(caller, "Digest")
    transaction_id = f"tx-{uuid.uuid4()}"
    notify(caller, transaction_id, welcome)
    frozen_clock.advance(days=1)
    notify(caller, f"tx-{uuid.uuid4()}", digest, ["sms"])
    notify(caller, f"tx-{uuid.uuid4()}", digest, ["sms"])

    def total(**filters) -> int:
        query = {"channels": [], "templates": [], "transaction_id": None} | filters
        return service.list_notifications(caller, page=0, limit=1, **query).totalCount

    assert (total(), total(channels=["sms"]), total(templates=[welcome["_id"]])) == (3, 2, 1)
    assert (total(transaction_id=transaction_id), total(transaction_id=transaction_id, channels=["sms"])) == (1, 0)


def test_deleting_a_transactions_messages_removes_them_and_their_inbox_copies(caller):
    transaction_id, other = f"tx-{uuid.uuid4()}", f"tx-{uuid.uuid4()}"
    in_app = record(caller, "alice", "in_app", transaction_id=transaction_id)
    InboxRepository().put_message(caller.environment_id, "alice", {"_id": in_app["_id"]})
    email = record(caller, "bob", transaction_id=transaction_id)
    kept = record(caller, "alice", transaction_id=other)
    service.delete_transaction_messages(caller, transaction_id, None)
    assert [DeliveryRecords().get(caller.environment_id, m["_id"]) is None for m in (in_app, email, kept)] == [
        True,
        True,
        False,
    ]
    assert InboxRepository().get(caller.environment_id, "alice", in_app["_id"], now=clock.epoch_seconds()) is None
    assert ids(messages(caller, transaction_id=other)) == [kept["_id"]]


def test_a_queued_message_of_a_deleted_transaction_is_never_sent(caller):
    transaction_id = f"tx-{uuid.uuid4()}"
    queued = record(caller, "alice", status="queued", transaction_id=transaction_id)
    service.delete_transaction_messages(caller, transaction_id, None)
    assert DeliveryRecords().claim(caller.environment_id, queued["_id"]) is None  # its sender finds nothing to send


def test_deleting_a_transactions_messages_of_one_channel_keeps_the_others(caller):
    transaction_id = f"tx-{uuid.uuid4()}"
    email, sms = (
        record(caller, "alice", transaction_id=transaction_id),
        record(caller, "alice", "sms", transaction_id=transaction_id),
    )
    service.delete_transaction_messages(caller, transaction_id, "sms")
    assert ids(messages(caller, transaction_id=transaction_id)) == [email["_id"]]
    assert DeliveryRecords().get(caller.environment_id, sms["_id"]) is None


@pytest.mark.parametrize("which", ["unknown transaction", "another environment's", "no message on the channel"])
def test_deleting_a_transaction_without_messages_is_not_found_and_deletes_nothing(caller, which):
    transaction_id = f"tx-{uuid.uuid4()}"
    stored = record(caller, "alice", transaction_id=transaction_id)
    target, wanted, channel = {
        "unknown transaction": (caller, f"tx-{uuid.uuid4()}", None),
        "another environment's": (Principal(new_id(), new_id(), frozenset()), transaction_id, None),
        "no message on the channel": (caller, transaction_id, "push"),
    }[which]
    with pytest.raises(NotFound) as refused:
        service.delete_transaction_messages(target, wanted, channel)
    assert refused.value.field == "transactionId"
    assert DeliveryRecords().get(caller.environment_id, stored["_id"]) is not None


def test_the_activity_graph_gives_each_rolled_up_day_its_notifications_campaigns_and_channels(caller, frozen_clock):
    welcome, digest = campaign(caller), campaign(caller, "Digest")
    notify(caller, f"tx-{uuid.uuid4()}", welcome, ["email", "sms"])
    notify(caller, f"tx-{uuid.uuid4()}", digest, ["sms"])
    first_day = today()
    frozen_clock.advance(days=1)
    notify(caller, f"tx-{uuid.uuid4()}", welcome, ["email", "sms"])
    for day in (first_day, today()):
        CampaignStats().roll_up(caller.environment_id, day.isoformat())
    graph = analytics.activity_graph(caller, analytics.GRAPH_DAYS)
    assert [(d.day, d.count, sorted(d.templates), d.channels) for d in graph] == [
        (first_day.isoformat(), 3, sorted([welcome["_id"], digest["_id"]]), ["email", "sms"]),
        (today().isoformat(), 2, [welcome["_id"]], ["email", "sms"]),
    ]
    assert graph[0].model_dump()["_id"] == first_day.isoformat()
    frozen_clock.advance(days=1)
    assert [d.day for d in analytics.activity_graph(caller, 1)] == [(today() - timedelta(days=1)).isoformat()]
    assert analytics.activity_graph(Principal(new_id(), new_id(), frozenset()), analytics.GRAPH_DAYS) == []


def test_the_activity_graph_leaves_out_the_days_not_rolled_up(caller):
    notify(caller, f"tx-{uuid.uuid4()}", campaign(caller))
    assert analytics.activity_graph(caller, analytics.GRAPH_DAYS) == []

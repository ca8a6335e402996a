"""The in-app inbox (clarion.inbox: service, repository, expiry, storage) on the in-memory MessagesTable: the feed's
pages and filters, seen/read marks and counts, actions, expiry of messages and of a campaign's inbox, with time on
the clock seam."""

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from clarion import clock
from clarion.environments.models import CreateEnvironmentRequest, UpdateEnvironmentRequest
from clarion.environments.service import create_environment, update_environment
from clarion.errors import Conflict, NotFound, ValidationFailed
from clarion.ids import new_id
from clarion.inbox import repository, service
from clarion.inbox.expiry import ExpiredCampaignsRepository, inbox_expire_at, with_inbox_expiry
from clarion.inbox.models import ActionRequest, MarkAllRequest, MarkAsRequest
from clarion.inbox.repository import InboxRepository
from clarion.inbox.storage import EXPIRY_SHARDS, STORAGE_ATTRIBUTES, expiry_hour, message_expiry_key
from clarion.principal import Principal
from clarion.subscribers.repository import SubscribersRepository
from tests.unit.conftest import StillClock

START = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock(memory_tables, use_clock) -> StillClock:
    return use_clock(START)


class Inbox:
    """A subscriber of a new environment, with a key of that environment."""

    def __init__(self) -> None:
        self.caller = Principal(new_id(), new_id(), frozenset())
        self.subscriber_id = f"subscriber-{uuid.uuid4()}"
        SubscribersRepository().create(
            {"environmentId": self.caller.environment_id, "subscriberId": self.subscriber_id}
        )
        self.delivered = 0

    def deliver(self, **fields) -> str:
        """A message, created one second after the previous one; returns its id."""
        self.delivered += 1
        created = clock.timestamp(clock.utc_now() + timedelta(seconds=self.delivered))
        stored = InboxRepository().put_message(
            self.caller.environment_id, self.subscriber_id, {"createdAt": created, "content": "hi"} | fields
        )
        return stored["_id"]

    def feed(self, *, page: int = 0, limit: int = 10, **filters):
        return service.feed(self.caller, self.subscriber_id, page=page, limit=limit, **filters)

    def ids(self, **filters) -> list[str]:
        return [message.id for message in self.feed(limit=100, **filters).data]

    def unseen(self, *, seen: bool = False, limit: int = 100, feeds=None) -> int:
        return service.unseen_count(
            self.caller, self.subscriber_id, seen=seen, limit=limit, feed_identifiers=feeds
        ).count

    def mark(self, message_ids, **body):
        return service.mark_as(self.caller, self.subscriber_id, MarkAsRequest(messageId=message_ids, **body))

    def mark_all(self, mark_as: str, feeds=None) -> int:
        request = MarkAllRequest(markAs=mark_as, feedIdentifier=feeds)
        return service.mark_all(self.caller, self.subscriber_id, request)

    def act(self, message_id: str, action_type: str = "primary", **body):
        return service.act(self.caller, self.subscriber_id, message_id, action_type, ActionRequest(**body))


@pytest.fixture
def inbox() -> Inbox:
    return Inbox()


def encoded(value) -> str:
    return base64.b64encode(json.dumps(value).encode()).decode()


def test_a_delivered_message_is_in_the_feed_unseen_and_unread_without_storage_attributes(inbox):
    message_id = inbox.deliver(payload={"order": 7})
    page = inbox.feed()
    (message,) = page.data
    assert (message.id, message.subscriberId) == (message_id, inbox.subscriber_id)
    assert (message.seen, message.read) == (False, False)
    assert message.environmentId == inbox.caller.environment_id and message.payload == {"order": 7}
    assert not STORAGE_ATTRIBUTES & set(message.model_dump(by_alias=True))
    assert (page.page, page.totalCount, page.pageSize, page.hasMore) == (0, 1, 10, False)


def test_the_feed_is_newest_first_by_creation_time(inbox):
    delivered = [inbox.deliver() for _ in range(4)]
    assert inbox.ids() == delivered[::-1]


def test_the_feed_comes_in_pages_and_says_whether_more_follow(inbox):
    delivered = [inbox.deliver() for _ in range(7)][::-1]
    pages = [inbox.feed(page=number, limit=3) for number in range(3)]
    assert [[m.id for m in page.data] for page in pages] == [delivered[:3], delivered[3:6], delivered[6:]]
    assert [page.hasMore for page in pages] == [True, True, False]
    assert [page.totalCount for page in pages] == [3, 3, 1]


def test_a_page_past_the_end_is_empty(inbox):
    inbox.deliver()
    page = inbox.feed(page=3, limit=10)
    assert page.data == [] and not page.hasMore


def test_the_feed_filters_on_read_and_on_seen(inbox):
    unseen, seen, read = inbox.deliver(), inbox.deliver(seen=True), inbox.deliver(seen=True, read=True)
    assert inbox.ids(read=True) == [read]
    assert inbox.ids(read=False) == [seen, unseen]
    assert inbox.ids(seen=False) == [unseen]
    assert inbox.ids(seen=True, read=False) == [seen]


def test_the_feed_filters_on_feed_identifiers(inbox):
    alerts, news, _ = inbox.deliver(_feedId="alerts"), inbox.deliver(_feedId="news"), inbox.deliver()
    assert inbox.ids(feed_identifiers=["alerts"]) == [alerts]
    assert inbox.ids(feed_identifiers=["alerts", "news"]) == [news, alerts]


def test_the_feed_keeps_messages_whose_payload_contains_the_filter(inbox):
    match = inbox.deliver(payload={"team": {"name": "core", "size": 3}, "kind": "alert"})
    inbox.deliver(payload={"team": {"name": "web"}, "kind": "alert"})
    inbox.deliver(payload={"kind": "alert"})
    assert inbox.ids(payload=encoded({"team": {"name": "core"}})) == [match]
    assert len(inbox.ids(payload=encoded({"kind": "alert"}))) == 3


def test_a_payload_filter_may_be_url_safe_base64_without_padding(inbox):
    match = inbox.deliver(payload={"q": "??>"})
    inbox.deliver(payload={"q": "other"})
    filter_ = base64.urlsafe_b64encode(json.dumps({"q": "??>"}).encode()).decode().rstrip("=")
    assert "_" in filter_ or "-" in filter_
    assert inbox.ids(payload=filter_) == [match]


@pytest.mark.parametrize(
    "payload",
    [
        "not base64!",
        encoded([1, 2]),
        encoded("text"),
        base64.b64encode(b'{"a": NaN}').decode(),
        base64.b64encode(b"{not json").decode(),
        encoded({"": 1}),
        encoded({"a": {"": 1}}),
        encoded({f"k{n}": n for n in range(service.MAX_PAYLOAD_FILTER_KEYS + 1)}),
    ],
    ids=["not base64", "a list", "a string", "NaN", "not JSON", "empty key", "nested empty key", "too many keys"],
)
def test_a_payload_filter_that_is_not_base64_of_a_fit_json_object_is_refused_naming_payload(inbox, payload):
    with pytest.raises(ValidationFailed) as refused:
        inbox.feed(payload=payload)
    assert (refused.value.field, refused.value.value) == ("payload", payload)


@pytest.mark.parametrize(
    "call",
    [
        lambda inbox: inbox.feed(),
        lambda inbox: inbox.unseen(),
        lambda inbox: inbox.mark([new_id()], markAs="read"),
        lambda inbox: inbox.mark_all("read"),
        lambda inbox: inbox.act(new_id(), status="done"),
    ],
    ids=["feed", "unseen count", "mark as", "mark all", "action"],
)
def test_every_inbox_call_is_not_found_for_an_unknown_subscriber(inbox, call):
    inbox.subscriber_id = f"nobody-{uuid.uuid4()}"
    with pytest.raises(NotFound) as refused:
        call(inbox)
    assert (refused.value.field, refused.value.value) == ("subscriberId", inbox.subscriber_id)


def test_another_environments_key_never_reaches_the_subscribers_messages(inbox):
    inbox.deliver()
    inbox.caller = Principal(new_id(), new_id(), frozenset())
    with pytest.raises(NotFound):
        inbox.feed()


def test_a_message_past_its_expiry_is_hidden(inbox):
    past = clock.timestamp(clock.utc_now() - timedelta(minutes=1))
    inbox.deliver(expireAt=past)
    kept = inbox.deliver()
    assert inbox.ids() == [kept]
    assert inbox.unseen() == 1


def test_messages_leave_the_feed_and_the_count_when_their_time_runs_out(inbox, frozen_clock):
    inbox.deliver(expireAt=inbox_expire_at(2))
    frozen_clock.advance(days=2, seconds=-10)
    assert len(inbox.ids()) == 1 and inbox.unseen() == 1
    frozen_clock.advance(seconds=20)
    assert inbox.ids() == [] and inbox.unseen() == 0


def test_a_message_without_its_own_expiry_stays_for_the_retention_period(inbox, frozen_clock):
    inbox.deliver()
    frozen_clock.advance(days=179)
    assert len(inbox.ids()) == 1
    frozen_clock.advance(days=2)
    assert inbox.ids() == []


def test_a_deleted_message_is_hidden(inbox):
    inbox.deliver(deleted=True)
    assert inbox.ids() == []


def test_expiring_a_campaigns_inbox_hides_its_messages_delivered_until_then_only(inbox, frozen_clock):
    campaign_id, other_campaign = new_id(), new_id()
    ended = inbox.deliver(_templateId=campaign_id)
    other = inbox.deliver(_templateId=other_campaign)
    frozen_clock.advance(seconds=10)  # past the messages' createdAt
    ExpiredCampaignsRepository().mark(inbox.caller.environment_id, campaign_id)
    frozen_clock.advance(seconds=10)
    later = inbox.deliver(_templateId=campaign_id)
    assert ended not in inbox.ids()
    assert inbox.ids() == [later, other]
    assert inbox.unseen() == 2
    assert inbox.mark([ended], markAs="read") == []


def test_the_unseen_count_counts_unseen_messages_up_to_the_limit(inbox):
    for _ in range(4):
        inbox.deliver()
    inbox.deliver(seen=True)
    assert inbox.unseen() == 4
    assert inbox.unseen(limit=3) == 3
    assert inbox.unseen(seen=True) == 1


def test_the_count_of_a_feed_counts_only_its_messages(inbox):
    inbox.deliver(_feedId="alerts")
    inbox.deliver(_feedId="alerts", seen=True)
    inbox.deliver(_feedId="news")
    assert inbox.unseen(feeds=["alerts"]) == 1
    assert inbox.unseen(seen=True, feeds=["alerts"]) == 1


def test_marking_read_marks_seen_too_and_lowers_the_unseen_count(inbox):
    message_id = inbox.deliver()
    inbox.deliver()
    (marked,) = inbox.mark([message_id], markAs="read")
    assert (marked.read, marked.seen) == (True, True)
    assert marked.lastReadDate == marked.lastSeenDate == clock.timestamp_now()
    assert inbox.unseen() == 1 and inbox.ids(read=True) == [message_id]


def test_marking_unseen_puts_a_message_back_in_the_unseen_count(inbox):
    message_id = inbox.deliver(seen=True)
    assert inbox.unseen() == 0
    (marked,) = inbox.mark([message_id], markAs="unseen")
    assert not marked.seen and inbox.unseen() == 1


def test_marking_unread_clears_read_and_leaves_the_message_seen(inbox):
    message_id = inbox.deliver(seen=True, read=True)
    (marked,) = inbox.mark([message_id], markAs="unread")
    assert (marked.read, marked.seen) == (False, True)
    assert inbox.unseen() == 0


@pytest.mark.parametrize(
    ("mark", "seen", "read"),
    [
        ({"seen": True}, True, False),
        ({"read": True}, True, True),
        ({"seen": False}, False, False),
        ({"read": False}, False, False),
        ({"seen": True, "read": False}, True, False),
    ],
)
def test_novus_older_mark_form_sets_seen_and_read_and_read_implies_seen(inbox, mark, seen, read):
    message_id = inbox.deliver()
    (marked,) = inbox.mark([message_id], mark=mark)
    assert (marked.seen, marked.read) == (seen, read)
    assert inbox.unseen() == (0 if seen else 1)


@pytest.mark.parametrize(
    ("body", "field"),
    [({"markAs": "read", "mark": {"seen": True}}, "mark"), ({}, "markAs"), ({"mark": {}}, "markAs")],
    ids=["both forms", "neither", "an empty mark"],
)
def test_a_mark_that_says_nothing_or_says_it_twice_is_refused_naming_the_field(inbox, body, field):
    message_id = inbox.deliver()
    with pytest.raises(ValidationFailed) as refused:
        inbox.mark([message_id], **body)
    assert refused.value.field == field
    assert inbox.unseen() == 1


def test_mark_as_leaves_out_ids_that_are_not_the_subscribers_visible_messages(inbox):
    mine = inbox.deliver()
    expired = inbox.deliver(expireAt=clock.timestamp(clock.utc_now() - timedelta(seconds=1)))
    someone_else = Inbox()
    theirs = someone_else.deliver()
    marked = inbox.mark([mine, theirs, expired, new_id(), mine], markAs="seen")
    assert [message.id for message in marked] == [mine]
    assert someone_else.unseen() == 1


def test_mark_as_takes_a_comma_separated_string_of_ids(inbox):
    first, second = inbox.deliver(), inbox.deliver()
    marked = inbox.mark(f"{first}, {second}", markAs="seen")
    assert {message.id for message in marked} == {first, second}


def test_mark_all_counts_only_the_messages_it_changed(inbox):
    inbox.deliver()
    inbox.deliver()
    inbox.deliver(seen=True, read=True)
    assert inbox.mark_all("read") == 2
    assert inbox.mark_all("read") == 0
    assert inbox.ids(read=False) == []


def test_mark_all_seen_empties_the_unseen_count_and_unseen_fills_it(inbox):
    for _ in range(3):
        inbox.deliver()
    assert inbox.mark_all("seen") == 3 and inbox.unseen() == 0
    assert inbox.mark_all("unseen") == 3 and inbox.unseen() == 3


def test_mark_all_of_a_feed_changes_only_that_feeds_messages(inbox):
    alerts = inbox.deliver(_feedId="alerts")
    inbox.deliver(_feedId="news")
    assert inbox.mark_all("read", feeds=["alerts"]) == 1
    assert inbox.ids(read=True) == [alerts]


def test_mark_all_leaves_hidden_messages_alone(inbox):
    inbox.deliver(expireAt=clock.timestamp(clock.utc_now() - timedelta(seconds=1)))
    inbox.deliver(deleted=True)
    visible = inbox.deliver()
    assert inbox.mark_all("read") == 1
    assert inbox.ids(read=True) == [visible]


def test_mark_all_changes_more_than_one_transaction_of_messages(inbox, monkeypatch):
    monkeypatch.setattr(repository, "TRANSACTION_SIZE", 2)  # 100 in production: 5 messages make three transactions
    for _ in range(5):
        inbox.deliver()
    assert inbox.mark_all("seen") == 5
    assert inbox.unseen() == 0


def test_an_action_records_its_status_and_result(inbox):
    buttons = [{"type": "primary", "content": "Accept"}]
    message_id = inbox.deliver(cta={"type": "redirect", "data": {}, "action": {"buttons": buttons}})
    acted = inbox.act(message_id, "primary", status="done", payload={"answer": "yes"})
    assert acted.cta.action.status == "done"
    assert (acted.cta.action.result.type, acted.cta.action.result.payload) == ("primary", {"answer": "yes"})
    assert [button.content for button in acted.cta.action.buttons] == ["Accept"]
    assert inbox.feed().data[0].cta.action.status == "done"


def test_a_second_action_keeps_the_earlier_payload_when_it_sends_none(inbox):
    message_id = inbox.deliver()
    inbox.act(message_id, "primary", status="pending", payload={"step": 1})
    acted = inbox.act(message_id, "secondary", status="done")
    assert (acted.cta.action.result.type, acted.cta.action.result.payload) == ("secondary", {"step": 1})


def test_an_action_on_a_message_that_is_not_visible_is_not_found_naming_it(inbox):
    expired = inbox.deliver(expireAt=clock.timestamp(clock.utc_now() - timedelta(seconds=1)))
    for message_id in (new_id(), expired, Inbox().deliver()):
        with pytest.raises(NotFound) as refused:
            inbox.act(message_id, status="done")
        assert (refused.value.field, refused.value.value) == ("messageId", message_id)


def test_a_message_id_is_delivered_to_an_inbox_once(inbox):
    message_id = inbox.deliver()
    with pytest.raises(Conflict) as refused:
        inbox.deliver(_id=message_id)
    assert refused.value.field == "_id"
    assert inbox.ids() == [message_id]


def test_removing_a_message_needs_its_campaign(inbox):
    campaign_id = new_id()
    message_id = inbox.deliver(_templateId=campaign_id)
    repository = InboxRepository()
    environment_id = inbox.caller.environment_id
    assert not repository.remove(environment_id, inbox.subscriber_id, message_id, new_id())
    assert repository.remove(environment_id, inbox.subscriber_id, message_id, campaign_id)
    assert not repository.remove(environment_id, inbox.subscriber_id, message_id, campaign_id)
    assert inbox.ids() == []


def test_removing_a_campaigns_messages_leaves_the_others(inbox):
    campaign_id = new_id()
    inbox.deliver(_templateId=campaign_id)
    inbox.deliver(_templateId=campaign_id)
    other = inbox.deliver(_templateId=new_id())
    removed = InboxRepository().remove_campaign_messages(inbox.caller.environment_id, inbox.subscriber_id, campaign_id)
    assert removed == 2 and inbox.ids() == [other]


def test_an_inbox_expiry_of_days_ends_that_many_days_from_now():
    assert inbox_expire_at(3) == clock.timestamp(clock.utc_now() + timedelta(days=3))


def test_a_campaigns_own_inbox_expiry_wins_over_the_environments():
    environment = create_environment(CreateEnvironmentRequest(name=f"env {uuid.uuid4()}"))
    update_environment(environment.id, UpdateEnvironmentRequest(inboxExpiryDays=30))
    campaign = {"channels": ["in_app"], "inboxExpiryDays": 2}
    assert with_inbox_expiry(environment.id, campaign) == campaign


def test_a_campaign_without_an_inbox_expiry_takes_the_environments():
    environment = create_environment(CreateEnvironmentRequest(name=f"env {uuid.uuid4()}"))
    update_environment(environment.id, UpdateEnvironmentRequest(inboxExpiryDays=30))
    assert with_inbox_expiry(environment.id, {"channels": ["email", "in_app"]})["inboxExpiryDays"] == 30


@pytest.mark.parametrize(
    "campaign", [{"channels": ["email"]}, {"channels": []}, {}], ids=["email only", "no channels", "no channel list"]
)
def test_a_campaign_that_sends_no_in_app_message_gets_no_inbox_expiry(campaign):
    environment = create_environment(CreateEnvironmentRequest(name=f"env {uuid.uuid4()}"))
    update_environment(environment.id, UpdateEnvironmentRequest(inboxExpiryDays=30))
    assert with_inbox_expiry(environment.id, campaign) == campaign


def test_without_a_setting_anywhere_a_campaign_keeps_the_retention_default():
    environment = create_environment(CreateEnvironmentRequest(name=f"env {uuid.uuid4()}"))
    campaign = {"channels": ["in_app"]}
    assert with_inbox_expiry(environment.id, campaign) == campaign
    assert with_inbox_expiry(new_id(), campaign) == campaign


def test_a_messages_expiry_key_is_its_utc_hour_and_one_of_the_shards():
    moment = datetime(2027, 3, 1, 23, 59, 59, tzinfo=UTC).timestamp()
    assert expiry_hour(moment) == "2027-03-01T23"
    keys = {message_expiry_key(moment, new_id()) for _ in range(64)}
    assert len(keys) == EXPIRY_SHARDS
    assert all("2027-03-01T23" in key for key in keys)
    assert message_expiry_key(moment + 1, "a" * 24) != message_expiry_key(moment, "a" * 24)


def test_a_removed_message_leaves_the_feed_and_the_unseen_count(inbox):
    gone, kept = inbox.deliver(), inbox.deliver()

    removed = service.remove(inbox.caller, inbox.subscriber_id, gone)

    assert removed.deleted is True and removed.id == gone
    assert inbox.ids() == [kept]
    assert inbox.unseen() == 1


def test_removing_a_message_twice_or_anothers_is_not_found(inbox):
    gone = inbox.deliver()
    service.remove(inbox.caller, inbox.subscriber_id, gone)
    other = Inbox()

    with pytest.raises(NotFound):
        service.remove(inbox.caller, inbox.subscriber_id, gone)
    with pytest.raises(NotFound):
        service.remove(other.caller, other.subscriber_id, inbox.deliver())


def test_no_mark_reaches_a_removed_message(inbox):
    gone = inbox.deliver()
    service.remove(inbox.caller, inbox.subscriber_id, gone)

    assert inbox.mark([gone], markAs="unseen") == []
    assert inbox.unseen() == 0


def test_remove_many_answers_only_the_subscribers_visible_messages(inbox):
    one, two = inbox.deliver(), inbox.deliver()
    expired = inbox.deliver(expireAt=clock.timestamp(clock.utc_now() - timedelta(seconds=1)))

    removed = service.remove_many(inbox.caller, inbox.subscriber_id, [one, expired, new_id()])

    assert [message.id for message in removed] == [one]
    assert inbox.ids() == [two]


def test_remove_all_of_a_feed_and_then_all(inbox):
    inbox.deliver(_feedId="alerts")
    news = inbox.deliver(_feedId="news")

    assert service.remove_all(inbox.caller, inbox.subscriber_id, ["alerts"]) == 1
    assert inbox.ids() == [news]
    assert service.remove_all(inbox.caller, inbox.subscriber_id) == 1
    assert inbox.ids() == [] and inbox.unseen() == 0


def test_count_combines_seen_and_read(inbox):
    first = inbox.deliver()
    inbox.deliver()
    inbox.mark([first], markAs="read")

    def count(**filters) -> int:
        return service.count(inbox.caller, inbox.subscriber_id, limit=100, **filters).count

    assert count(read=False) == 1
    assert count(seen=True, read=True) == 1
    assert count(seen=False) == 1
    assert count(seen=False, read=True) == 0

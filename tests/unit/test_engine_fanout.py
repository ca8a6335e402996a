"""The dispatcher's fan-out (clarion.engine.fanout, audience, steps, execution): a dispatch job's audience read a page
at a time becomes delivery records and channel jobs, exactly once however often the job runs; out of time it queues
its continuation; a cancelled trigger gets no more records; a journey's recipients get runs instead. The queues are
moto's SQS."""

import uuid
from typing import Any

import pytest

from clarion.aws import client
from clarion.campaigns.models import CreateCampaignRequest, UpdateCampaignRequest
from clarion.campaigns.service import create_campaign, update_campaign
from clarion.dynamo import from_item
from clarion.engine.audience import AudiencePage, in_zone, read_page
from clarion.engine.dispatch_jobs import ExecuteJob, SendJob, ZoneJob, parse_dispatch_job
from clarion.engine.execution import dispatch_execution
from clarion.engine.fanout import Run, Runners, active_campaign, send_audience
from clarion.engine.messages import message_id
from clarion.engine.notifications import Notifications
from clarion.engine.steps import is_journey
from clarion.environments.models import CreateEnvironmentRequest, UpdateEnvironmentRequest
from clarion.environments.service import create_environment, update_environment
from clarion.ids import new_id
from clarion.preferences.models import UpdateCampaignPreferenceRequest, UpdateGlobalPreferencesRequest
from clarion.preferences.service import update_campaign as update_campaign_preference
from clarion.preferences.service import update_global
from clarion.principal import Principal
from clarion.settings import settings
from clarion.store.keys import record_pk
from clarion.store.records import CHANNELS, DeliveryRecords
from clarion.subscribers.models import CreateSubscriberRequest
from clarion.subscribers.service import create_subscriber
from clarion.topics.service import add_subscribers

EMAIL_STEP = {"channel": "email", "content": {"subject": "Code {{ payload.code }}", "body": "<p>Hi</p>"}}
SMS_STEP = {"channel": "sms", "content": {"body": "Code {{ payload.code }}"}}
NO_JOURNEYS = Runners(start_runs=lambda *_: 0)


@pytest.fixture
def caller(memory_tables: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Principal:
    """A client of a fresh environment; the dispatch queue and each channel's queue in moto's SQS."""
    sqs = client("sqs")
    for name in ("dispatch", *CHANNELS):
        url = sqs.create_queue(QueueName=f"{name}-{uuid.uuid4().hex[:12]}")["QueueUrl"]
        monkeypatch.setenv(f"{name.upper()}_QUEUE_URL", url)
    settings.cache_clear()
    return Principal("client-1", new_id(), frozenset())


def campaign(caller: Principal, *steps: dict[str, Any], **fields: Any) -> dict[str, Any]:
    body = {"name": f"Campaign {uuid.uuid4().hex[:10]}", "status": "active", "steps": list(steps)} | fields
    created = create_campaign(caller, CreateCampaignRequest.model_validate(body))
    found = active_campaign(caller.environment_id, created.id)
    assert found is not None
    return found


def subscribers(caller: Principal, *ids: str, **fields: Any) -> None:
    for subscriber_id in ids:
        create_subscriber(caller, CreateSubscriberRequest.model_validate({"subscriberId": subscriber_id} | fields))


def send_job(caller: Principal, sent: dict[str, Any], **targets: Any) -> SendJob:
    """A trigger's job, its notification written as the trigger writes it."""
    audience: Any = {"subscriberIds": [], "topicKeys": [], "all": False} | targets
    transaction_id = new_id()
    Notifications().create(caller.environment_id, transaction_id, sent, {"code": "C1"}, audience)
    return SendJob(
        environmentId=caller.environment_id,
        campaignId=sent["_id"],
        transactionId=transaction_id,
        payload={"code": "C1"},
        targets=audience,
    )


def run(page_size: int = 100, remaining_ms: int = 300_000, runners: Runners = NO_JOURNEYS) -> Run:
    return Run(remaining_ms=lambda: remaining_ms, runners=runners, page_size=page_size, margin_ms=1)


def records_of(caller: Principal) -> list[dict[str, Any]]:
    prefix = record_pk(caller.environment_id, "")
    items = client("dynamodb").scan(TableName=DeliveryRecords().table.name)["Items"]
    return [item for item in map(from_item, items) if item["pk"].startswith(prefix) and item["sk"] == "MESSAGE"]


def jobs_in(channel: str) -> list[dict[str, Any]]:
    url = getattr(settings(), f"{channel}_queue_url")
    received: list[dict[str, Any]] = []
    while batch := client("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        received += batch
    return received


def dispatch_jobs() -> list[Any]:
    return [parse_dispatch_job(message["Body"]) for message in jobs_in("dispatch")]


def test_each_listed_recipient_gets_a_queued_record_and_a_job_on_its_channels_queue(caller):
    sent = campaign(caller, EMAIL_STEP)
    subscribers(caller, "ada", "bob", email="someone@example.com")
    job = send_job(caller, sent, subscriberIds=["ada", "bob"])
    outcome = send_audience(job, sent, run())
    assert (outcome.recipients, outcome.records, outcome.enqueued, outcome.continued) == (2, 2, 2, False)
    records = records_of(caller)
    assert {(r["subscriberId"], r["status"], r["content"]["subject"]) for r in records} == {
        ("ada", "queued", "Code C1"),
        ("bob", "queued", "Code C1"),
    }
    assert len(jobs_in("email")) == 2
    notification = Notifications().get(caller.environment_id, job.transactionId)
    assert notification is not None and "dispatchedAt" in notification


def test_the_same_job_run_again_writes_nothing_new_and_enqueues_only_what_no_sender_has_tried(caller):
    sent = campaign(caller, SMS_STEP)
    subscribers(caller, "ada", "bob", phone="+14155550100")
    job = send_job(caller, sent, subscriberIds=["ada", "bob"])
    send_audience(job, sent, run())
    records = DeliveryRecords()
    tried = records.claim(caller.environment_id, message_id(caller.environment_id, job.transactionId, "ada", 0))
    assert tried is not None
    records.requeue(tried, "Throttling")  # its job waits out a backoff in the queue
    again = send_audience(job, sent, run())
    assert (again.records, again.enqueued) == (0, 1)
    assert len(records_of(caller)) == 2


def test_records_written_before_a_crash_in_the_enqueue_get_their_jobs_on_the_rerun(caller, monkeypatch):
    sent = campaign(caller, SMS_STEP)
    subscribers(caller, "ada", phone="+14155550100")
    job = send_job(caller, sent, subscriberIds=["ada"])
    url = settings().sms_queue_url
    monkeypatch.setenv("SMS_QUEUE_URL", "")  # the enqueue fails once the records are written
    settings.cache_clear()
    with pytest.raises(RuntimeError):
        send_audience(job, sent, run())
    assert [record["status"] for record in records_of(caller)] == ["queued"]
    monkeypatch.setenv("SMS_QUEUE_URL", url)
    settings.cache_clear()
    rerun = send_audience(job, sent, run())
    assert (rerun.records, rerun.enqueued, len(jobs_in("sms"))) == (0, 1, 1)


def test_a_subscriber_listed_and_in_a_topic_gets_one_record(caller):
    sent = campaign(caller, SMS_STEP)
    subscribers(caller, "ada", phone="+14155550100")
    add_subscribers(caller, "beta", ["ada"])
    outcome = send_audience(send_job(caller, sent, subscriberIds=["ada"], topicKeys=["beta"]), sent, run())
    assert (outcome.recipients, outcome.records) == (2, 1)
    assert len(records_of(caller)) == 1  # its job may be enqueued twice: the sender's claim sends it once


def test_small_pages_stream_the_listed_subscribers_then_each_topic_in_turn(caller):
    sent = campaign(caller, SMS_STEP)
    listed, members = ["l-0", "l-1", "l-2"], ["m-0", "m-1", "m-2"]
    subscribers(caller, *listed, *members, phone="+14155550100")
    add_subscribers(caller, "t1", members)
    job = send_job(caller, sent, subscriberIds=listed, topicKeys=["t1", "missing-topic"])
    outcome = send_audience(job, sent, run(page_size=2))
    assert (outcome.recipients, outcome.records, outcome.continued) == (6, 6, False)
    assert sorted(record["subscriberId"] for record in records_of(caller)) == sorted(listed + members)


def test_out_of_time_a_continuation_is_queued_that_finishes_the_audience(caller):
    sent = campaign(caller, SMS_STEP)
    members = [f"m-{n}" for n in range(5)]
    subscribers(caller, *members, phone="+14155550100")
    add_subscribers(caller, "big", members)
    first = send_audience(send_job(caller, sent, topicKeys=["big"]), sent, run(page_size=2, remaining_ms=0))
    assert (first.recipients, first.continued) == (2, True)
    (continuation,) = dispatch_jobs()
    assert continuation.cursor is not None
    rest = send_audience(continuation, sent, run())
    assert (rest.recipients, rest.continued) == (3, False)
    assert sorted(record["subscriberId"] for record in records_of(caller)) == members


def test_an_all_subscribers_job_reaches_every_subscriber_of_the_environment(caller):
    sent = campaign(caller, SMS_STEP)
    everyone = [f"user-{n}" for n in range(5)]
    subscribers(caller, *everyone, phone="+14155550100")
    subscribers(Principal("client-2", new_id(), frozenset()), "stranger", phone="+14155550100")
    outcome = send_audience(send_job(caller, sent, all=True), sent, run(page_size=2))
    assert outcome.recipients == 5
    assert sorted(record["subscriberId"] for record in records_of(caller)) == everyone


def test_a_cancelled_trigger_gets_no_records(caller):
    sent = campaign(caller, SMS_STEP)
    subscribers(caller, "ada", phone="+14155550100")
    job = send_job(caller, sent, subscriberIds=["ada"])
    Notifications().mark_cancelled(caller.environment_id, job.transactionId)
    assert send_audience(job, sent, run()).records == 0
    assert (records_of(caller), jobs_in("sms")) == ([], [])


def test_a_zone_job_sends_only_to_the_subscribers_of_its_timezone(caller):
    sent = campaign(caller, SMS_STEP)
    subscribers(caller, "paris", phone="+14155550100", timezone="Europe/Paris")
    subscribers(caller, "tokyo", "nowhere", phone="+14155550100", timezone="Asia/Tokyo")
    job = send_job(caller, sent, subscriberIds=["paris", "tokyo", "nowhere"])
    zone = job.as_job(ZoneJob, zone={"timezone": "Europe/Paris", "others": None})
    assert send_audience(zone, sent, run()).recipients == 1
    assert [record["subscriberId"] for record in records_of(caller)] == ["paris"]


def page(profiles: dict[str, dict[str, Any]]) -> AudiencePage:
    return AudiencePage(list(profiles), profiles, None)


def test_the_default_zones_job_also_takes_subscribers_without_a_zone_or_in_a_zone_without_a_job():
    audience = page(
        {"a": {"timezone": "UTC"}, "b": {}, "c": {"timezone": "Asia/Tokyo"}, "d": {"timezone": "Europe/Paris"}}
    )
    due = in_zone(audience, {"timezone": "UTC", "others": ["Europe/Paris"]})
    assert (due.subscriber_ids, sorted(due.profiles)) == (["a", "b", "c"], ["a", "b", "c"])


def test_a_zone_job_without_others_takes_its_zone_only():
    audience = page({"a": {"timezone": "UTC"}, "b": {}, "c": {"timezone": "Asia/Tokyo"}})
    assert in_zone(audience, {"timezone": "Asia/Tokyo", "others": None}).subscriber_ids == ["c"]


def test_an_audience_page_gives_the_cursor_of_the_next_source_and_none_at_the_end(caller):
    subscribers(caller, "ada", "bob")
    targets: Any = {"subscriberIds": ["ada", "bob", "ghost"], "topicKeys": ["empty"], "all": False}
    first = read_page(caller.environment_id, targets, None, page_size=2)
    assert (first.subscriber_ids, sorted(first.profiles), first.next_cursor) == (
        ["ada", "bob"],
        ["ada", "bob"],
        {"source": 0, "position": 2},
    )
    second = read_page(caller.environment_id, targets, first.next_cursor, page_size=2)
    assert (second.subscriber_ids, second.profiles, second.next_cursor) == (
        ["ghost"],
        {},
        {"source": 1, "position": None},
    )
    last = read_page(caller.environment_id, targets, second.next_cursor, page_size=2)
    assert (last.subscriber_ids, last.next_cursor) == ([], None)


def test_a_channel_turned_off_by_the_subscriber_gets_a_filtered_record_and_no_job(caller):
    sent = campaign(caller, SMS_STEP, EMAIL_STEP)
    subscribers(caller, "ada", phone="+14155550100", email="ada@example.com")
    preference = UpdateCampaignPreferenceRequest.model_validate({"channel": {"type": "sms", "enabled": False}})
    update_campaign_preference(caller, "ada", sent["_id"], preference)
    outcome = send_audience(send_job(caller, sent, subscriberIds=["ada"]), sent, run())
    assert sorted((r["channel"], r["status"]) for r in records_of(caller)) == [("email", "queued"), ("sms", "filtered")]
    assert (outcome.enqueued, jobs_in("sms")) == (1, [])


def test_a_critical_campaign_reaches_a_subscriber_who_turned_everything_off(caller):
    sent = campaign(caller, SMS_STEP, critical=True)
    subscribers(caller, "ada", phone="+14155550100")
    update_global(caller, "ada", UpdateGlobalPreferencesRequest.model_validate({"enabled": False}))
    send_audience(send_job(caller, sent, subscriberIds=["ada"]), sent, run())
    assert [record["status"] for record in records_of(caller)] == ["queued"]


def test_a_journeys_recipients_get_runs_instead_of_records(caller):
    journey = {"_id": new_id(), "identifier": "j", "version": 1, "steps": [{"id": "wait", "type": "wait"}, SMS_STEP]}
    subscribers(caller, "ada")
    started: list[tuple[str, list[Any]]] = []

    def start_runs(environment_id: str, campaign: Any, recipients: Any, profiles: Any) -> int:
        started.append((environment_id, list(recipients)))
        return 1

    job = send_job(caller, journey, subscriberIds=["ada"]).model_copy(update={"tenant": {"identifier": "acme"}})
    outcome = send_audience(job, journey, run(runners=Runners(start_runs=start_runs)))
    assert started == [
        (caller.environment_id, [("ada", job.transactionId, {"code": "C1"}, {"tenant": {"identifier": "acme"}})])
    ]
    assert (outcome.records, records_of(caller)) == (0, [])


@pytest.mark.parametrize(
    ("steps", "journey"),
    [
        ([SMS_STEP, EMAIL_STEP], False),
        ([SMS_STEP | {"type": "send"}], False),
        ([], False),
        ([SMS_STEP | {"next": "other"}], True),
        ([{"type": "wait"}, SMS_STEP], True),
        ([{"type": "digest"}], True),
    ],
)
def test_only_campaigns_of_plain_send_steps_are_fanned_out_by_the_engine(steps: list[Any], journey: bool):
    assert is_journey(steps) is journey


@pytest.mark.parametrize("status", ["draft", "paused", "stopped"])
def test_a_job_of_a_campaign_no_longer_active_does_nothing(caller, status: str):
    created = create_campaign(
        caller,
        CreateCampaignRequest.model_validate(
            {"name": f"C {uuid.uuid4().hex}", "status": "active", "steps": [SMS_STEP]}
        ),
    )
    update_campaign(caller, created.id, UpdateCampaignRequest.model_validate({"status": status}))
    assert active_campaign(caller.environment_id, created.id) is None
    assert active_campaign(caller.environment_id, new_id()) is None


def test_an_in_app_campaign_without_an_inbox_expiry_takes_its_environments_default(memory_tables):
    environment = create_environment(CreateEnvironmentRequest(name=f"env-{uuid.uuid4().hex[:8]}"))
    update_environment(environment.id, UpdateEnvironmentRequest(inboxExpiryDays=9))
    caller = Principal("client-1", environment.id, frozenset())
    in_app = campaign(caller, {"channel": "in_app", "content": {"body": "b"}})
    own = campaign(caller, {"channel": "in_app", "content": {"body": "b"}}, inboxExpiryDays=3)
    sms = campaign(caller, SMS_STEP)
    assert (in_app["inboxExpiryDays"], own["inboxExpiryDays"], sms.get("inboxExpiryDays")) == (9, 3, None)


# campaign executes


def execute_job(caller: Principal, sent: dict[str, Any], targets: list[dict[str, Any]]) -> ExecuteJob:
    return ExecuteJob(
        environmentId=caller.environment_id,
        campaignId=sent["_id"],
        transactionId=new_id(),
        execution=targets,  # type: ignore[arg-type]
        clientId=caller.client_id,
    )


def test_each_execute_target_gets_its_user_upserted_its_notification_and_its_own_payload(caller):
    sent = campaign(caller, SMS_STEP)
    targets = [
        {
            "id": new_id(),
            "subscriberId": "ada",
            "payload": {"code": "A"},
            "user": {"external_id": "ada", "phone": "+14155550100"},
        },
        {
            "id": new_id(),
            "subscriberId": "bob",
            "payload": {"code": "B"},
            "user": {"external_id": "bob", "phone": "+14155550101"},
        },
    ]
    outcome = dispatch_execution(execute_job(caller, sent, targets), sent, run())
    assert (outcome.recipients, outcome.records, outcome.enqueued) == (2, 2, 2)
    by_subscriber = {record["subscriberId"]: record for record in records_of(caller)}
    assert {s: (r["transactionId"], r["content"]["body"]) for s, r in by_subscriber.items()} == {
        "ada": (targets[0]["id"], "Code A"),
        "bob": (targets[1]["id"], "Code B"),
    }
    assert all(Notifications().get(caller.environment_id, target["id"]) for target in targets)


def test_an_execute_job_run_again_sends_nothing_twice(caller):
    sent = campaign(caller, SMS_STEP)
    subscribers(caller, "ada", phone="+14155550100")
    job = execute_job(caller, sent, [{"id": new_id(), "subscriberId": "ada", "payload": {"code": "A"}}])
    dispatch_execution(job, sent, run())
    again = dispatch_execution(job, sent, run())
    assert (again.records, len(records_of(caller))) == (0, 1)


def test_an_execute_target_naming_an_unknown_subscriber_without_a_user_gets_a_skipped_record(caller):
    sent = campaign(caller, SMS_STEP)
    target = {"id": new_id(), "subscriberId": "nobody", "payload": {}}
    outcome = dispatch_execution(execute_job(caller, sent, [target]), sent, run())
    (record,) = records_of(caller)
    assert (record["status"], record["history"][-1]["reason"]) == ("skipped", "no such subscriber")
    assert (outcome.enqueued, jobs_in("sms")) == (0, [])

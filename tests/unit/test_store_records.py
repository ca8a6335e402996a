"""clarion.store.records on the in-memory store: new delivery records, their index keys, and every status move of
a record (claim, sent, failed, cancelled, re-queued, a stuck claim settled), each conditioned so a job delivered
twice sends nothing twice."""

import uuid

import pytest

from clarion.dynamo import Expression
from clarion.store import keys
from clarion.store.records import SENDING_SHARDS, DeliveryRecords, new_record, sending_key
from tests.unit.conftest import StillClock

MOMENT = 1_772_668_799.5  # 2026-03-04T23:59:59.500Z, half a second before a new day
DAY = 24 * 3600


@pytest.fixture
def time_now(use_clock) -> StillClock:
    return use_clock(MOMENT)


@pytest.fixture
def records(memory_tables):
    return DeliveryRecords()


@pytest.fixture
def environment():
    return f"env-{uuid.uuid4().hex}"


def queued(records, environment, channel="email", **options):
    """A queued record, stored; returns it as new_record built it."""
    record = new_record(
        environment,
        f"sub-{uuid.uuid4().hex[:8]}",
        channel,
        to={"email": "ada@example.com"},
        content={"subject": "Hi"},
        **options,
    )
    records.create_many([record])
    return record


def claimed(records, environment, **options):
    record = queued(records, environment, **options)
    return records.claim(environment, record["_id"])


def stored_many(records, batch):
    """The stored items of the records of `batch`, in its order (one BatchGetItem)."""
    return records.table.batch_get(
        [{"pk": keys.record_pk(record["environmentId"], record["_id"]), "sk": keys.RECORD_SK} for record in batch]
    )


def in_sending_index(records, record):
    stored = records.get(record["environmentId"], record["_id"])
    key = Expression("sendingKey = :k", values={":k": sending_key(record["_id"])})
    return any(item["pk"] == stored["pk"] for item in records.table.query_items(key, index="SendingIndex"))


def statuses(record):
    return [entry["status"] for entry in record["history"]]


# new records


def test_a_new_record_is_queued_with_one_history_entry_at_its_creation(time_now, environment):
    record = new_record(environment, "sub", "sms", to={"phone": "+14155550100"}, content={"body": "Hi"})
    assert record["status"] == "queued"
    assert record["history"] == [{"status": "queued", "at": "2026-03-04T23:59:59.500Z"}]
    assert record["createdAt"] == record["updatedAt"] == "2026-03-04T23:59:59.500Z"
    assert (record["attempts"], record["providerMessageId"]) == (0, None)


def test_a_new_record_expires_ninety_days_after_its_creation(time_now, environment):
    record = new_record(environment, "sub", "push", to={}, content={})
    assert record["expiresAt"] == int(MOMENT) + 90 * DAY


def test_every_new_record_has_its_own_id(environment):
    ids = {new_record(environment, "sub", "email", to={}, content={})["_id"] for _ in range(50)}
    assert len(ids) == 50


# create_many and get


def test_a_created_record_is_read_back_by_its_environment_and_id(records, environment):
    record = queued(records, environment, campaign_id="camp", provider_id="ses")
    stored = records.get(environment, record["_id"])
    assert {k: stored[k] for k in record} == record


def test_a_record_is_not_read_from_another_environment(records, environment):
    record = queued(records, environment)
    assert records.get(f"{environment}-other", record["_id"]) is None


def test_create_many_writes_every_record_25_a_request(records, environment):
    batch = [new_record(environment, f"sub-{n}", "email", to={}, content={}) for n in range(26)]
    assert records.create_many(batch) == 2
    assert [item["_id"] for item in stored_many(records, batch)] == [record["_id"] for record in batch]


def test_a_record_is_found_by_its_subscriber_its_transaction_and_its_day(time_now, records, environment):
    transaction = uuid.uuid4().hex
    record = queued(records, environment, transaction_id=transaction)
    pk = records.get(environment, record["_id"])["pk"]
    for index, key in [
        ("SubscriberIndex", {"subscriberKey": keys.subscriber_pk(environment, record["subscriberId"])}),
        ("TransactionIndex", {"transactionKey": keys.transaction_key(environment, transaction)}),
        ("ActivityIndex", {"activityKey": keys.messages_day_key(environment, "2026-03-04")}),
    ]:
        ((name, value),) = key.items()
        found = records.table.query_items(Expression(f"{name} = :v", values={":v": value}), index=index)
        assert [item["pk"] for item in found] == [pk], index


def test_a_record_created_the_next_day_is_in_the_next_days_activity(time_now, records, environment):
    time_now.now = MOMENT + 0.5
    record = queued(records, environment)
    stored = records.get(environment, record["_id"])
    assert stored["activityKey"] == keys.messages_day_key(environment, "2026-03-05")


def test_a_record_without_a_transaction_is_not_in_the_transaction_index(records, environment):
    record = queued(records, environment, transaction_id=None)
    assert "transactionKey" not in records.get(environment, record["_id"])


# claim


def test_a_claim_moves_a_queued_record_to_sending_and_returns_it_whole(records, environment):
    record = queued(records, environment, provider_id="ses")
    claim = records.claim(environment, record["_id"])
    assert claim["status"] == "sending"
    assert claim["attempts"] == 1
    assert statuses(claim) == ["queued", "sending"]
    assert claim["content"] == record["content"]
    assert claim["claimedAt"] == claim["updatedAt"]
    assert records.get(environment, record["_id"]) == claim


def test_a_claimed_record_is_in_its_shard_of_the_sending_index(records, environment):
    claim = claimed(records, environment)
    assert in_sending_index(records, claim)


def test_a_second_claim_of_the_same_record_gets_nothing(records, environment):
    record = queued(records, environment)
    records.claim(environment, record["_id"])
    assert records.claim(environment, record["_id"]) is None
    assert records.get(environment, record["_id"])["attempts"] == 1


def test_a_claim_of_a_record_that_does_not_exist_gets_nothing_and_creates_nothing(records, environment):
    message_id = uuid.uuid4().hex
    assert records.claim(environment, message_id) is None
    assert records.get(environment, message_id) is None


def test_a_claim_from_another_environment_gets_nothing(records, environment):
    record = queued(records, environment)
    assert records.claim(f"{environment}-other", record["_id"]) is None
    assert records.get(environment, record["_id"])["status"] == "queued"


def test_the_sending_index_is_spread_over_its_shards_by_the_ids_last_character():
    shards = {sending_key(f"{uuid.uuid4().hex[:-1]}{last}") for last in "0123456789abcdef"}
    assert shards == {keys.sending_key(shard) for shard in range(SENDING_SHARDS)}


# outcomes of a claim


def test_mark_sent_records_the_provider_message_and_leaves_the_sending_index(records, environment):
    claim = claimed(records, environment, provider_id="ses")
    records.mark_sent([(claim, "ses-123")])
    stored = records.get(environment, claim["_id"])
    assert (stored["status"], stored["providerMessageId"]) == ("sent", "ses-123")
    assert statuses(stored) == ["queued", "sending", "sent"]
    assert stored["history"][-1] | {"at": None} == {
        "status": "sent",
        "at": None,
        "providerMessageId": "ses-123",
        "providerId": "ses",
    }
    assert not in_sending_index(records, stored)


def test_mark_sent_names_no_provider_in_the_history_of_a_record_without_one(records, environment):
    claim = claimed(records, environment)
    records.mark_sent([(claim, "m-1")])
    assert "providerId" not in records.get(environment, claim["_id"])["history"][-1]


def test_mark_sent_writes_a_batch_25_records_a_request(records, environment):
    batch = [new_record(environment, f"sub-{n}", "email", to={}, content={}) for n in range(26)]
    records.create_many(batch)
    assert records.mark_sent([(record, f"p-{n}") for n, record in enumerate(stored_many(records, batch))]) == 2
    sent = [(item["status"], item["providerMessageId"]) for item in stored_many(records, batch)]
    assert sent == [("sent", f"p-{n}") for n in range(26)]


def test_mark_failed_records_the_reason_and_leaves_the_sending_index(records, environment):
    claim = claimed(records, environment, provider_id="twilio")
    records.mark_failed(claim, "InvalidNumber")
    stored = records.get(environment, claim["_id"])
    assert stored["status"] == "failed"
    assert {k: stored["history"][-1][k] for k in ("status", "reason", "providerId")} == {
        "status": "failed",
        "reason": "InvalidNumber",
        "providerId": "twilio",
    }
    assert not in_sending_index(records, stored)


def test_a_requeued_record_can_be_claimed_again_by_the_jobs_next_delivery(records, environment):
    claim = claimed(records, environment)
    records.requeue(claim, "Throttled")
    assert not in_sending_index(records, records.get(environment, claim["_id"]))
    again = records.claim(environment, claim["_id"])
    assert again["attempts"] == 2
    assert statuses(again) == ["queued", "sending", "queued", "sending"]
    assert again["history"][2]["reason"] == "Throttled"


def test_mark_cancelled_ends_a_claimed_record_and_leaves_the_sending_index(records, environment):
    claim = claimed(records, environment)
    records.mark_cancelled(claim, "CampaignStopped")
    stored = records.get(environment, claim["_id"])
    assert (stored["status"], stored["history"][-1]["reason"]) == ("cancelled", "CampaignStopped")
    assert not in_sending_index(records, stored)


# cancel_queued


def test_cancel_queued_cancels_a_queued_record_so_no_sender_can_claim_it(records, environment):
    record = queued(records, environment)
    cancelled = records.cancel_queued(environment, record["_id"], "Cancelled by API")
    assert cancelled["status"] == "cancelled"
    assert cancelled["history"][-1]["reason"] == "Cancelled by API"
    assert records.claim(environment, record["_id"]) is None


def test_cancel_queued_leaves_a_record_already_claimed_alone(records, environment):
    claim = claimed(records, environment)
    assert records.cancel_queued(environment, claim["_id"], "Cancelled by API") is None
    assert records.get(environment, claim["_id"])["status"] == "sending"


def test_cancel_queued_of_a_record_that_does_not_exist_creates_nothing(records, environment):
    message_id = uuid.uuid4().hex
    assert records.cancel_queued(environment, message_id, "Cancelled") is None
    assert records.get(environment, message_id) is None


# settle_stuck


@pytest.mark.parametrize("status", ["queued", "failed"])
def test_a_stuck_claim_is_settled_to_the_status_given_and_leaves_the_sending_index(records, environment, status):
    claim = claimed(records, environment)
    settled = records.settle_stuck(environment, claim["_id"], claim["claimedAt"], status, "OutcomeUnknown")
    assert settled["status"] == status
    assert settled["history"][-1]["reason"] == "OutcomeUnknown"
    assert "sendingKey" not in settled
    assert not in_sending_index(records, settled)


def test_a_stuck_claim_that_was_claimed_again_since_is_not_settled(records, environment, time_now):
    claim = claimed(records, environment)
    records.requeue(claim, "Throttled")
    time_now.now += 60
    again = records.claim(environment, claim["_id"])
    assert records.settle_stuck(environment, claim["_id"], claim["claimedAt"], "failed", "OutcomeUnknown") is None
    assert records.get(environment, claim["_id"]) == again


def test_a_claim_that_finished_meanwhile_is_not_settled(records, environment):
    claim = claimed(records, environment)
    records.mark_sent([(claim, "m-1")])
    assert records.settle_stuck(environment, claim["_id"], claim["claimedAt"], "failed", "OutcomeUnknown") is None
    assert records.get(environment, claim["_id"])["status"] == "sent"

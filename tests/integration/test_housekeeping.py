"""Housekeeping through the real scheduled rule: the runtime clock moves, the rate(15 minutes) rule fires the
HousekeepingFunction, `drain()` runs what it queued; the effects are asserted on moto (SES, the tables)."""

import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest

from clarion.housekeeping.stale_tasks import stale_error
from clarion.housekeeping.stats import CampaignStats
from clarion.housekeeping.stuck import OUTCOME_UNKNOWN, REQUEUED_REASON
from clarion.ids import new_id
from clarion.store.keys import environment_pk, record_pk, stats_sk
from clarion.store.records import DeliveryRecords
from clarion.task_kinds import RUNNERS
from local.runtime import LocalRuntime
from tests.integration.conftest import Api
from tests.integration.support.campaigns import (
    PAYLOAD_EMAIL_STEP,
    scheduled_campaign,
    subject,
    subscriber,
    trigger_with_code,
)
from tests.integration.support.delivery import emails_with_subject, stored, write


def records_of(runtime: LocalRuntime, api: Api, sent_campaign: dict[str, Any]) -> list[dict[str, Any]]:
    prefix = record_pk(api.environment_id, "")
    return [
        item
        for item in runtime.scan_table("MessagesTable")
        if item["pk"].startswith(prefix) and item.get("campaignId") == sent_campaign["_id"]
    ]


@pytest.fixture
def sent(runtime: LocalRuntime, admin: Api) -> dict[str, Any]:
    """An email campaign sent once to ada, drained: its record is `sent`."""
    subscriber(admin, "ada", email="ada@example.com")
    sent_campaign = scheduled_campaign(admin, PAYLOAD_EMAIL_STEP)
    trigger_with_code(admin, sent_campaign, ["ada"], "H1")
    runtime.drain()
    assert len(emails_with_subject(runtime, subject(sent_campaign, "H1"))) == 1
    return sent_campaign


def stuck_claim(runtime: LocalRuntime, api: Api, sent_campaign: dict[str, Any]) -> str:
    """A copy of the campaign's sent record, queued then claimed by a sender that died before sending."""
    (scanned,) = records_of(runtime, api, sent_campaign)
    with runtime.registry.environment_of("EmailSenderFunction"):
        records = DeliveryRecords()
        sent_record = records.get(api.environment_id, scanned["_id"])
        assert sent_record is not None
        copy = {k: v for k, v in sent_record.items() if k not in ("pk", "sk", "sendingKey", "claimedAt")}
        copy |= {"_id": new_id(), "status": "queued", "history": [], "providerMessageId": None}
        records.create_many([copy])
        assert records.claim(api.environment_id, copy["_id"]) is not None
    return str(copy["_id"])


def record(runtime: LocalRuntime, api: Api, message_id: str) -> dict[str, Any]:
    pk = record_pk(api.environment_id, message_id)
    (found,) = [item for item in runtime.scan_table("MessagesTable") if item["pk"] == pk]
    return found


def test_an_email_claim_stuck_in_sending_fails_as_outcome_unknown_and_is_never_resent(
    runtime: LocalRuntime, admin: Api, sent
):
    message_id = stuck_claim(runtime, admin, sent)
    assert record(runtime, admin, message_id)["sendingKey"].startswith("SENDING#")
    runtime.clock.advance(31 * 60)
    runtime.drain()
    failed = record(runtime, admin, message_id)
    assert failed["status"] == "failed"
    assert "sendingKey" not in failed  # resolved: out of SendingIndex
    assert [entry["status"] for entry in failed["history"]] == ["sending", "failed"]
    assert failed["history"][-1]["reason"] == OUTCOME_UNKNOWN
    assert len(emails_with_subject(runtime, subject(sent, "H1"))) == 1  # never twice
    runtime.clock.advance(31 * 60)
    runtime.drain()
    assert record(runtime, admin, message_id)["status"] == "failed"  # a later sweep leaves it alone


def test_an_in_app_claim_stuck_after_its_inbox_write_is_requeued_and_kept_once(runtime: LocalRuntime, admin: Api):
    subscriber_id = f"stuck-{uuid.uuid4().hex[:8]}"
    subscriber(admin, subscriber_id)
    queued = write(
        runtime, "in_app", {}, {"body": "Hi"}, environment_id=admin.environment_id, subscriber_id=subscriber_id
    )
    with runtime.registry.environment_of("InAppSenderFunction"):
        from clarion.delivery.providers.inbox import Inbox

        assert DeliveryRecords().claim(admin.environment_id, queued["_id"]) is not None
        Inbox().send(queued)  # the sender put it in the inbox, then died before recording it as sent
    runtime.clock.advance(31 * 60)
    runtime.drain()
    requeued = stored(runtime, queued)
    assert [entry["status"] for entry in requeued["history"]] == ["queued", "sending", "queued", "sending", "sent"]
    assert requeued["history"][2]["reason"] == REQUEUED_REASON
    feed = admin.get(f"/v1/subscribers/{subscriber_id}/notifications/feed").json()["data"]
    assert [message["_id"] for message in feed] == [queued["_id"]]


def test_a_recent_claim_is_left_to_its_sender(runtime: LocalRuntime, admin: Api, sent):
    message_id = stuck_claim(runtime, admin, sent)
    runtime.clock.advance(5 * 60)
    runtime.drain()
    assert record(runtime, admin, message_id)["status"] == "sending"
    assert len(emails_with_subject(runtime, subject(sent, "H1"))) == 1


def test_a_sent_record_leaves_no_claim_behind(runtime: LocalRuntime, admin: Api, sent):
    (sent_record,) = records_of(runtime, admin, sent)
    assert sent_record["status"] == "sent"
    assert "sendingKey" not in sent_record and "claimedAt" in sent_record


def test_yesterdays_campaign_stats_are_rolled_up_per_campaign(runtime: LocalRuntime, admin: Api):
    subscriber(admin, "with-email", email="with@example.com")
    subscriber(admin, "without-email")
    sent_campaign = scheduled_campaign(admin, PAYLOAD_EMAIL_STEP)
    trigger_with_code(admin, sent_campaign, ["with-email", "without-email"], f"R-{uuid.uuid4().hex[:6]}")
    runtime.drain()
    day = runtime.clock.now().date()
    next_day = datetime.combine(day + timedelta(days=1), datetime.min.time()).timestamp()
    runtime.clock.advance(next_day - runtime.clock.time() + 20 * 60)
    runtime.drain()

    pk, sk = environment_pk(admin.environment_id), stats_sk(sent_campaign["_id"], day.isoformat())
    (stats,) = [item for item in runtime.scan_table("CampaignsTable") if item["pk"] == pk and item["sk"] == sk]
    assert (stats["sent"], stats["skipped"], stats["failed"], stats["filtered"], stats["total"]) == (1, 1, 0, 0, 2)
    with runtime.registry.environment_of("HousekeepingFunction"):
        again = CampaignStats().roll_up(admin.environment_id, day.isoformat())  # idempotent: overwrites
        (days,) = CampaignStats().days(admin.environment_id, sent_campaign["_id"])
    assert [(item["sent"], item["skipped"]) for item in again] == [(1, 1)]
    assert (days["day"], days["sent"], days["skipped"]) == (day.isoformat(), 1, 1)


def test_a_task_whose_worker_keeps_failing_ends_failed_once_it_has_made_no_progress_for_eight_hours(
    runtime: LocalRuntime, admin: Api, monkeypatch: pytest.MonkeyPatch
):
    def crash(environment_id: str, task: Any, max_rows: int) -> Any:
        raise RuntimeError("the worker ran out of memory")

    monkeypatch.setitem(RUNNERS, "import", crash)
    response = admin.post("/v1/imports", {"type": "profiles", "content": "subscriberId\nann\n"})
    assert response.status == 202, response.json()
    task_id = response.json()["data"]["_id"]
    runtime.drain()  # the worker started it, then failed: its message waits out its visibility timeout
    assert admin.get(f"/v1/tasks/{task_id}").json()["data"]["status"] == "running"

    runtime.clock.advance(7 * 3600)
    runtime.drain()
    assert admin.get(f"/v1/tasks/{task_id}").json()["data"]["status"] == "running"  # within the bound: left

    runtime.clock.advance(3600 + 60)
    runtime.drain()
    task = admin.get(f"/v1/tasks/{task_id}").json()["data"]
    assert task["status"] == "failed" and task["finishedAt"] is not None
    assert task["error"] == stale_error("running", 8)
    again = admin.post("/v1/imports", {"type": "profiles", "content": "subscriberId\nann\n"}).json()["data"]
    assert (again["_id"], again["status"]) == (task_id, "failed")  # the same import answers it: retry from a new file

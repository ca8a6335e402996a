"""The fault soak (bench.soak): 10,000 messages over five channels with provider throttling and 5xx, lost SQS
deletes, sender deaths, a dispatcher death and chat webhooks down throughout injected (local.faults). Every message
ends sent, failed with its reason, or queued with its reason and its job in the DLQ; none is sent twice, none is
lost.

On a runtime of its own, as test_large_fanout.py: its 2,000 subscribers and 10,000 records would slow the other
tests' queries; the session runtime starts again, freshly provisioned, when the next test uses it.
"""

from collections.abc import Iterator

import pytest

from bench.soak import CHANNELS, SoakReport, run_soak
from clarion.delivery.jobs import BACKOFF_CAP_SECONDS
from local.faults import FaultInjector, FaultRates
from local.runtime import LocalRuntime
from tests.conftest import ROOT
from tests.integration.conftest import Api
from tests.integration.support.delivery import queue, stored

SUBSCRIBERS = 2000
RECEIVES = 5
"""The senders' queues' maxReceiveCount (template.yaml): a job's receives before SQS moves it to the DLQ."""
FAULT_KINDS = ("provider errors (email)", "provider errors (sms)", "provider errors (push)")
FAULT_KINDS += ("provider errors (in_app)", "provider errors (chat)", "lost delete", "sender death")
FAULT_KINDS += ("dispatcher death", "webhook down (HTTP 503)")


@pytest.fixture
def soak() -> Iterator[SoakReport]:
    with LocalRuntime.in_process(template_path=ROOT / "template.yaml") as runtime:
        admin = runtime.bootstrap_admin(environment_name="fault-soak")
        api = Api(runtime, admin.key, admin.client_id, admin.environment_id)
        yield run_soak(runtime, api, subscribers=SUBSCRIBERS, seed=7)


@pytest.mark.heavy
def test_ten_thousand_messages_survive_the_injected_faults(soak: SoakReport) -> None:
    print("\n".join(soak.markdown()))  # the figures, shown when an assertion fails
    assert soak.messages == SUBSCRIBERS * len(CHANNELS) == 10_000, "one message per subscriber and channel"
    injected = soak.injected_by_kind()
    assert all(injected.get(kind, 0) > 0 for kind in FAULT_KINDS), f"every kind of fault injected: {injected}"
    assert injected["dispatcher death"] == 1, "the dispatcher died once, mid-audience"
    assert soak.lost == [], f"every message settled (sent, failed, or queued with its job in the DLQ): {soak.lost}"
    assert soak.duplicates == 0, {c: f.duplicates for c, f in soak.channels.items()}
    contradicted = [reason for figures in soak.channels.values() for reason in figures.contradicted]
    assert contradicted == [], "no message the provider took ended failed for another reason than OutcomeUnknown"
    assert soak.delivered_outcome_unknown > 0, "the sender deaths left messages delivered but of unknown outcome"
    for channel, figures in soak.channels.items():
        accounted = figures.sent + sum(figures.failed.values()) + figures.dead_lettered
        assert accounted == figures.messages == SUBSCRIBERS, f"{channel}: every record sent, failed or dead-lettered"
        assert figures.recorded == figures.sent + figures.delivered_outcome_unknown, (
            f"{channel}: the provider delivered each sent message, and the OutcomeUnknown ones, once"
        )
    assert soak.channels["in_app"].failed == {}, "a dead in-app sender's claims are re-queued, never failed"
    down = soak.rates.webhooks_down
    assert soak.channels["chat"].dead_lettered >= down, "each webhook down's job dead-lettered"
    exhausted = {channel: figures.dead_letter_failures for channel, figures in soak.channels.items()}
    assert all(failures >= RECEIVES for each in exhausted.values() for failures in each), (
        f"a job is dead-lettered only when each of its {RECEIVES} receives met a failure: {exhausted}"
    )
    chat = soak.channels["chat"]
    assert chat.dead_letter_jobs == chat.dead_lettered, "one job each: the dispatcher's re-run skips tried records"
    assert soak.injected["webhook down (HTTP 503)"] == 5 * down, "each tried on each of its job's five receives"
    retried = {channel: figures.retried for channel, figures in soak.channels.items()}
    assert all(count > 0 for count in retried.values()), f"each channel's sender met its provider's faults: {retried}"


def test_a_throttled_inbox_put_fails_the_in_app_send_at_once_and_its_job_is_retried(runtime: LocalRuntime, admin: Api):
    """The inbox put is the in-app provider call: single-attempt as the others (no sender sleeping in botocore's
    retries), its error classified by its code."""
    assert admin.post("/v1/subscribers", {"subscriberId": "throttled"}).status == 201
    environment_id = admin.environment_id
    record = queue(runtime, "in_app", {}, {"body": "Hi"}, environment_id=environment_id, subscriber_id="throttled")
    every_inbox_put = FaultRates(provider=1.0, lost_delete=0, sender_death=0, dispatcher_death_after_page=None)
    with FaultInjector(runtime, seed=1, rates=every_inbox_put) as faults:
        runtime.drain()
    assert faults.injected == {"in_app ProvisionedThroughputExceededException": 1}, "one attempt, no SDK retry"
    waiting = stored(runtime, record)
    assert (waiting["status"], waiting["attempts"]) == ("queued", 1)
    assert waiting["history"][-1]["reason"].startswith("ProvisionedThroughputExceededException: ")
    runtime.clock.advance(BACKOFF_CAP_SECONDS + 1)
    runtime.drain()
    assert stored(runtime, record)["status"] == "sent"
    feed = admin.get("/v1/subscribers/throttled/notifications/feed").json()["data"]
    assert [message["_id"] for message in feed] == [record["_id"]]

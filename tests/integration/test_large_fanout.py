"""A topic of 10,000 subscribers triggered through the gateway: exactly 10,000 emails, none twice, every record sent.

On a runtime of its own, so the 10,000 subscribers and their records do not slow the other tests' queries; the
session runtime starts again, freshly provisioned, when the next test uses it.
"""

from collections import Counter
from collections.abc import Iterator

import pytest
from moto.ses.models import ses_backends

from bench.within_limits import within_limits
from local.runtime import LocalRuntime
from tests.conftest import ROOT
from tests.integration.conftest import Api

RECIPIENTS = 10_000


@pytest.fixture
def large() -> Iterator[tuple[LocalRuntime, Api]]:
    with LocalRuntime.in_process(template_path=ROOT / "template.yaml") as runtime:
        admin = runtime.bootstrap_admin(environment_name="large-fanout")
        yield runtime, Api(runtime, admin.key, admin.client_id, admin.environment_id)


@pytest.mark.heavy
def test_a_topic_of_ten_thousand_subscribers_gets_exactly_one_email_each(large: tuple[LocalRuntime, Api]) -> None:
    runtime, api = large
    ids = [f"reader-{n:05}" for n in range(RECIPIENTS)]
    for start in range(0, RECIPIENTS, 500):
        entries = [{"subscriberId": s, "email": f"{s}@example.com"} for s in ids[start : start + 500]]
        assert within_limits(api.post, "/v1/subscribers/bulk", {"subscribers": entries}).status == 201
    for start in range(0, RECIPIENTS, 100):
        assert api.post("/v1/topics/readers/subscribers", {"subscribers": ids[start : start + 100]}).status == 200
    step = {"channel": "email", "content": {"subject": "Issue {{ payload.issue }}", "body": "<p>Hello</p>"}}
    assert api.post("/v1/campaigns", {"name": "Digest", "status": "active", "steps": [step]}).status == 201
    ses = ses_backends[runtime.stack.resolver.account_id][runtime.stack.resolver.region]

    trigger = {"name": "digest", "to": {"type": "Topic", "topicKey": "readers"}, "payload": {"issue": 7}}
    response = api.post("/v1/events/trigger", trigger)
    assert response.status == 201, response.json()
    runtime.drain(timeout=1200)

    recipients = Counter(address for message in ses.sent_messages for address in message.destinations["ToAddresses"])
    assert len(ses.sent_messages) == RECIPIENTS
    assert set(recipients) == {f"{s}@example.com" for s in ids}
    assert max(recipients.values()) == 1
    assert {message.subject for message in ses.sent_messages} == {"Issue 7"}
    statuses = Counter(item["status"] for item in runtime.scan_table("MessagesTable") if item.get("sk") == "MESSAGE")
    assert statuses == {"sent": RECIPIENTS}

"""A wait until 09:00 local across a daylight-saving change, through the gateway and Step Functions on moto.

On a runtime of its own: the clock moves to March 2027, which would age every queue and record of the session's.
"""

from collections.abc import Iterator
from datetime import UTC, datetime

import boto3
import pytest

from local.runtime import LocalRuntime
from tests.conftest import ROOT
from tests.integration.conftest import Api
from tests.integration.journeys import email, failures, journey, runs, sent_subjects, subscriber, trigger

# New York moves to EDT (UTC-4) at 02:00 on Sunday 14 March 2027; London stays on GMT until the 28th
TRIGGERED_AT = datetime(2027, 3, 13, 20, 0, tzinfo=UTC)  # Saturday, 15:00 in New York (EST, UTC-5)


@pytest.fixture
def march() -> Iterator[tuple[LocalRuntime, Api]]:
    with LocalRuntime.in_process(template_path=ROOT / "template.yaml") as runtime:
        events = boto3.client("events")
        for rule in events.list_rules()["Rules"]:
            if rule.get("ScheduleExpression"):
                events.disable_rule(Name=rule["Name"])  # housekeeping would fire for every quarter hour skipped
        runtime.clock.advance(TRIGGERED_AT.timestamp() - runtime.clock.time())
        admin = runtime.bootstrap_admin(environment_name="dst")
        yield runtime, Api(runtime, admin.key, admin.client_id, admin.environment_id)


def test_nine_local_after_a_dst_change_uses_the_new_offset(march: tuple[LocalRuntime, Api]) -> None:
    runtime, admin = march
    subscriber(admin, "ny", timezone="America/New_York")
    subscriber(admin, "london", timezone="Europe/London")
    campaign = journey(
        admin,
        {"id": "morning", "type": "wait", "wait": {"timeOfDay": "09:00"}},
        email("hello", "good morning"),
    )
    # one run at a time: with two side by side, one once failed inside moto's Step Functions interpreter (a Task's
    # State.Runtime error)
    trigger(admin, campaign, ["ny"])
    runtime.drain(timeout=120)
    trigger(admin, campaign, ["london"])  # at 13:00 GMT on the 14th, after New York's run
    runtime.drain(timeout=120)

    expected = {"ny": "2027-03-14T13:00:00Z", "london": "2027-03-15T09:00:00Z"}  # EDT, not EST's 14:00Z; GMT
    for user, until in expected.items():
        [run] = runs(admin, campaign, user)
        assert run["status"] == "completed", (run, failures(campaign))
        assert run["history"][0]["detail"]["until"] == until
        sent_at = datetime.fromisoformat(run["history"][1]["at"].replace("Z", "+00:00"))
        assert 0 <= (sent_at - datetime.fromisoformat(until.replace("Z", "+00:00"))).total_seconds() < 60
        assert sent_subjects(runtime, f"{user}@example.com") == ["good morning"]

"""GET /v1/analytics/campaigns: the daily stats rolled up by the real housekeeping rule, per campaign and in total."""

import uuid
from datetime import date, datetime, timedelta
from typing import Any

from local.runtime import LocalRuntime
from tests.integration.conftest import Api
from tests.integration.support.campaigns import PAYLOAD_EMAIL_STEP, scheduled_campaign, subscriber, trigger_with_code


def next_day_after_rollup(runtime: LocalRuntime) -> date:
    """Moves the clock into the next UTC day, past a housekeeping tick: yesterday is rolled up. Returns yesterday."""
    day = runtime.clock.now().date()
    next_day = datetime.combine(day + timedelta(days=1), datetime.min.time()).timestamp()
    runtime.clock.advance(next_day - runtime.clock.time() + 20 * 60)
    runtime.drain()
    return day


def analytics(admin: Api, query: str) -> Any:
    return admin.get(f"/v1/analytics/campaigns?{query}")


def test_campaign_stats_of_a_rolled_up_day_are_returned_with_totals(runtime: LocalRuntime, admin: Api):
    subscriber(admin, "ada", email="ada@example.com")
    subscriber(admin, "bob")  # no email: skipped
    first, second = scheduled_campaign(admin, PAYLOAD_EMAIL_STEP), scheduled_campaign(admin, PAYLOAD_EMAIL_STEP)
    trigger_with_code(admin, first, ["ada", "bob"], uuid.uuid4().hex[:6])
    trigger_with_code(admin, second, ["ada"], uuid.uuid4().hex[:6])
    runtime.drain()
    day = next_day_after_rollup(runtime).isoformat()

    response = analytics(admin, f"campaignIds={first['_id']}&from={day}&to={day}")
    assert response.status == 200, response.json()
    data = response.json()["data"]
    assert (data["from"], data["to"]) == (day, day)
    ((only),) = data["campaigns"]
    assert (only["campaignId"], only["name"]) == (first["_id"], first["name"])
    assert [(row["day"], row["sent"], row["skipped"], row["total"]) for row in only["days"]] == [(day, 1, 1, 2)]
    assert (data["totals"]["sent"], data["totals"]["skipped"]) == (1, 1)

    everything = analytics(admin, "").json()["data"]  # default: the last 7 days, every campaign
    by_campaign = {entry["campaignId"]: entry["totals"] for entry in everything["campaigns"]}
    assert (by_campaign[first["_id"]]["total"], by_campaign[second["_id"]]["total"]) == (2, 1)
    assert everything["totals"]["sent"] == 2 and everything["totals"]["total"] == 3


def test_days_outside_the_range_are_left_out(runtime: LocalRuntime, admin: Api):
    subscriber(admin, "ada", email="ada@example.com")
    sent = scheduled_campaign(admin, PAYLOAD_EMAIL_STEP)
    trigger_with_code(admin, sent, ["ada"], uuid.uuid4().hex[:6])
    runtime.drain()
    day = next_day_after_rollup(runtime)
    later = (day + timedelta(days=1)).isoformat()
    (entry,) = analytics(admin, f"campaignIds={sent['_id']}&from={later}&to={later}").json()["data"]["campaigns"]
    assert entry["days"] == [] and entry["totals"]["total"] == 0


def test_bad_dates_and_ranges_are_422_naming_the_field(admin: Api):
    assert set(analytics(admin, "from=2026-13-01").json()["errors"]) == {"from"}
    assert set(analytics(admin, "from=2026-03-02&to=2026-03-01").json()["errors"]) == {"from"}
    response = analytics(admin, "from=2026-01-01&to=2026-06-01")
    assert response.status == 422 and set(response.json()["errors"]) == {"to"}
    assert set(analytics(admin, "campaignIds=nope").json()["errors"]) == {"campaignIds"}


def test_an_unknown_campaign_is_404(admin: Api):
    response = analytics(admin, f"campaignIds={uuid.uuid4().hex[:24]}")
    assert response.status == 404, response.json()

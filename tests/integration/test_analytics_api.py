"""App analytics through the gateway: an SDK key (hit:event only) sends batches of session and location hits; a key
with `analytics` reads the overview, each figure and the locations, in the requested zone; bad queries are 422s
naming the field; precise coordinates are neither answered nor logged (the log scan holds the ones sent here)."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from local.runtime import LocalRuntime
from tests.integration.conftest import Api

PARIS = {"latitude": 48.856613, "longitude": 2.352222}


def at(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


@pytest.fixture
def sdk(admin: Api) -> Api:
    return admin.client("mobile-sdk", ["hit:event"])


def hits_of_a_day(runtime: LocalRuntime) -> tuple[str, list[dict[str, Any]]]:
    """A day of sessions: Ada twice (5 and 15 minutes), Bob once (still open), from noon yesterday (UTC): every hit
    in one UTC day, whatever time the runtime's clock has reached."""
    now = datetime.fromtimestamp(runtime.clock.time(), UTC)
    start = (now - timedelta(days=1)).replace(hour=12, minute=0, second=0, microsecond=0)
    batch = [
        {"sessionId": "a1", "type": "start", "subscriberId": "ada", "timestamp": at(start)},
        {"sessionId": "a1", "type": "end", "subscriberId": "ada", "timestamp": at(start + timedelta(minutes=5))},
        {"sessionId": "a2", "type": "start", "subscriberId": "ada", "timestamp": at(start + timedelta(minutes=10))},
        {"sessionId": "a2", "type": "end", "subscriberId": "ada", "duration": 900},
        {"sessionId": "b1", "type": "start", "deviceId": "bobs-phone", "timestamp": at(start)},
    ]
    return start.date().isoformat(), batch


def test_a_batch_of_session_hits_shows_in_the_overview_and_each_figure(runtime: LocalRuntime, admin: Api, sdk: Api):
    day, batch = hits_of_a_day(runtime)
    sent = sdk.post("/v1/hits/session", {"hits": batch})
    assert sent.status == 201, sent.json()
    assert sent.json()["data"] == {"recorded": 5, "duplicates": 0, "failed": []}
    assert sdk.post("/v1/hits/session", {"hits": batch}).json()["data"]["duplicates"] == 5
    assert sdk.get("/v1/analytics/overview").status == 403  # an SDK key sends hits, reads nothing

    overview = admin.get(f"/v1/analytics/overview?from={day}&to={day}")
    assert overview.status == 200, overview.json()
    data = overview.json()["data"]
    assert (data["from"], data["to"], data["granularity"], data["timezone"]) == (day, day, "day", "UTC")
    expected = {"newUsers": 2, "sessions": 3, "uniqueSessions": 2, "sessionTime": 1200, "averageSessionTime": 600.0}
    assert data["totals"] == expected
    assert data["series"] == [{"start": f"{day}T00:00:00+00:00", **expected}]
    for path, name in [
        ("new-users", "newUsers"),
        ("sessions", "sessions"),
        ("unique-sessions", "uniqueSessions"),
        ("session-time", "sessionTime"),
        ("average-session-time", "averageSessionTime"),
    ]:
        figure = admin.get(f"/v1/analytics/{path}?from={day}&to={day}").json()["data"]
        assert (figure["figure"], figure["total"], figure["series"][0]["value"]) == (
            name,
            expected[name],
            expected[name],
        )


def test_hourly_points_in_a_time_zone(runtime: LocalRuntime, admin: Api, sdk: Api):
    day, batch = hits_of_a_day(runtime)
    assert sdk.post("/v1/hits/session", {"hits": batch}).status == 201
    hourly = admin.get(f"/v1/analytics/sessions?from={day}&to={day}&granularity=hour&timezone=Asia/Tokyo")
    data = hourly.json()["data"]
    assert all(point["start"].endswith("+09:00") for point in data["series"])
    assert sum(point["value"] for point in data["series"]) == data["total"]


def test_location_hits_are_counted_per_coarse_place(admin: Api, sdk: Api):
    hits = [
        {"hitId": "p1", "subscriberId": "ada", **PARIS},
        {"hitId": "p2", "subscriberId": "bob", **PARIS},
        {"hitId": "c1", "deviceId": "carols-phone", "country": "IE", "city": "Cork"},
    ]
    sent = sdk.post("/v1/hits/location", {"hits": hits})
    assert sent.json()["data"] == {"recorded": 3, "duplicates": 0, "failed": []}
    data = admin.get("/v1/analytics/locations").json()["data"]
    assert data["total"] == 3
    assert data["places"] == [
        {"country": None, "city": None, "latitude": 48.9, "longitude": 2.4, "hits": 2},
        {"country": "IE", "city": "Cork", "latitude": None, "longitude": None, "hits": 1},
    ]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/v1/hits/location", {"hits": [{"subscriberId": "ada", "latitude": 91, "longitude": 0}]}, "hits[0].latitude"),
        ("/v1/hits/location", {"hits": [{"subscriberId": "ada", "latitude": 1}]}, "hits[0]"),
        ("/v1/hits/session", {"hits": [{"sessionId": "s", "type": "pause", "subscriberId": "a"}]}, "hits[0].type"),
        ("/v1/hits/session", {"hits": []}, "hits"),
    ],
)
def test_bad_hits_are_422_naming_the_field(sdk: Api, path: str, body: Any, field: str):
    refused = sdk.post(path, body)
    assert refused.status == 422, refused.json()
    assert field in refused.json()["errors"], refused.json()


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("granularity=minute", "granularity"),
        ("timezone=Mars/Olympus", "timezone"),
        ("from=2026-13-01", "from"),
        ("from=2026-01-01&to=2026-03-01&granularity=hour", "to"),
        ("from=2026-03-01&to=2026-01-01", "from"),
    ],
)
def test_bad_ranges_are_422_naming_the_field(admin: Api, query: str, field: str):
    refused = admin.get(f"/v1/analytics/overview?{query}")
    assert refused.status == 422, refused.json()
    assert field in refused.json()["errors"], refused.json()

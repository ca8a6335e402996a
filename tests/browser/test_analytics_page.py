"""/local/analytics in a real browser: session and location hits sent through the API on the local stack show as
the five totals, two uPlot charts and the places table once a key is given; a key without the scope shows the
refusal instead of charts."""

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ADMIN_KEY, LocalStack

pytestmark = pytest.mark.slow


def send_hits(stack: LocalStack) -> None:
    sessions = [
        {"sessionId": "page-a1", "type": "start", "subscriberId": "page-ada"},
        {"sessionId": "page-a1", "type": "end", "subscriberId": "page-ada", "duration": 300},
        {"sessionId": "page-b1", "type": "start", "deviceId": "page-bob"},
        {"sessionId": "page-b1", "type": "end", "deviceId": "page-bob", "duration": 100},
    ]
    sent = stack.api("POST", "/v1/hits/session", json={"hits": sessions})
    assert sent.status_code == 201 and sent.json()["data"]["recorded"] == 4, sent.text
    places = [
        {"hitId": "page-p1", "subscriberId": "page-ada", "country": "FR", "city": "Lyon"},
        {"hitId": "page-p2", "deviceId": "page-bob", "country": "FR", "city": "Lyon"},
        {"hitId": "page-p3", "deviceId": "page-bob", "latitude": 53.35, "longitude": -6.26},
    ]
    assert stack.api("POST", "/v1/hits/location", json={"hits": places}).status_code == 201


def test_the_analytics_page_charts_the_overview_and_lists_the_places(
    local_stack: LocalStack, page: Page, screenshot: Callable[..., Path]
) -> None:
    send_hits(local_stack)
    today = datetime.now(UTC).date().isoformat()
    page.goto(f"{local_stack.url}/local/analytics?from={today}&to={today}&granularity=hour&timezone=UTC")
    page.fill("#key", ADMIN_KEY)
    page.click("button[type=submit]")
    expect(page.locator("#totals .card")).to_have_count(5)
    expect(page.locator('[data-figure="sessions"] .value')).to_have_text("2")
    expect(page.locator('[data-figure="uniqueSessions"] .value')).to_have_text("2")
    expect(page.locator('[data-figure="sessionTime"] .value')).to_have_text("400")
    expect(page.locator('[data-figure="averageSessionTime"] .value')).to_have_text("200")
    expect(page.locator("#usage-chart canvas")).to_have_count(1)
    expect(page.locator("#time-chart canvas")).to_have_count(1)
    rows = page.locator("#places tr.place")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Lyon")
    expect(rows.first.locator("td.hits")).to_have_text("2")
    expect(page.locator("#status")).to_contain_text("24 periods by hour")
    screenshot(page)


def test_a_key_without_the_analytics_scope_is_shown_the_refusal(local_stack: LocalStack, page: Page) -> None:
    client = local_stack.api("POST", "/v1/clients", json={"name": "page-sdk", "scopes": ["hit:event"]}).json()
    page.goto(f"{local_stack.url}/local/analytics")
    page.fill("#key", client["data"]["key"])
    page.click("button[type=submit]")
    expect(page.locator("#status.error")).to_contain_text("403")
    expect(page.locator("#totals .card")).to_have_count(0)

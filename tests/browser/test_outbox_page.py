"""/local/outbox in a real browser: a campaign's email, sent through the API on the local stack, shows (without a
reload: the page polls) with its subject and its HTML rendered in a sandboxed iframe; the channel and recipient
filters narrow the list and stay in the address."""

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LocalStack

pytestmark = pytest.mark.slow
SUBJECT = 'Hi Ada <b>"&</b>'  # shown as text, not markup
BODY = '<h1 id="greeting" style="color:#3157d5">Hello Ada</h1><p>Order <b>{{ payload.order }}</b> ships today.</p>'


def send_email(stack: LocalStack, subscriber: str, order: int) -> None:
    email = f"{subscriber}@example.com"
    assert stack.api("POST", "/v1/subscribers", json={"subscriberId": subscriber, "email": email}).ok
    campaign = stack.api(
        "POST",
        "/v1/campaigns",
        json={
            "name": f"Outbox page {subscriber}",
            "status": "active",
            "steps": [{"channel": "email", "content": {"subject": SUBJECT, "body": BODY}}],
        },
    ).json()["data"]["_id"]
    triggered = stack.api(
        "POST",
        f"/api/client/campaigns/{campaign}/trigger",
        json={"user": {"external_id": subscriber, "email": email}, "event": {"order": order}},
    )
    assert triggered.status_code == 204, triggered.text
    deadline = time.monotonic() + 60
    while not any(sent["to"].get("ToAddresses") == [email] for sent in outbox_json(stack)["email"]):
        assert time.monotonic() < deadline, "the email did not reach the outbox in 60 s"
        time.sleep(0.3)


def outbox_json(stack: LocalStack) -> dict[str, list[dict[str, object]]]:
    answer = stack.api("GET", "/local/outbox?format=json")
    assert answer.headers["content-type"] == "application/json"
    return answer.json()  # type: ignore[no-any-return]


def test_the_outbox_page_renders_the_sent_email_and_filters_by_channel_and_recipient(
    local_stack: LocalStack, page: Page, screenshot: Callable[..., Path]
) -> None:
    send_email(local_stack, "ada-outbox", 42)
    page.goto(f"{local_stack.url}/local/outbox?recipient=-outbox@example.com")  # this test's emails only
    emails = page.locator("article.email")
    expect(emails).to_have_count(1)

    send_email(local_stack, "bob-outbox", 43)
    expect(emails).to_have_count(2, timeout=30_000)  # the page polls the JSON: no reload
    newest = emails.first  # newest first: Bob's
    expect(newest.locator(".subject")).to_have_text(SUBJECT)
    expect(newest).to_contain_text("bob-outbox@example.com")
    expect(newest.frame_locator("iframe").locator("#greeting")).to_have_text("Hello Ada")
    expect(newest.frame_locator("iframe").locator("p")).to_have_text("Order 43 ships today.")
    assert newest.locator("iframe").get_attribute("sandbox") == ""
    screenshot(page)

    page.get_by_label("Recipient").fill("ada-outbox")
    expect(emails).to_have_count(1)
    expect(emails.first.frame_locator("iframe").locator("p")).to_have_text("Order 42 ships today.")
    assert "recipient=ada-outbox" in page.url

    page.get_by_label("Channel").select_option("sms")
    expect(emails).to_have_count(0)
    expect(page.locator("section#sms")).to_be_visible()
    expect(page.locator("section#email")).to_have_count(0)
    assert "channel=sms" in page.url
    screenshot(page, "sms")


def test_the_outbox_answers_json_to_api_clients_and_html_to_browsers(local_stack: LocalStack) -> None:
    plain = local_stack.api("GET", "/local/outbox")  # requests sends Accept: */*
    assert plain.headers["content-type"] == "application/json"
    assert set(plain.json()) == {"email", "sms", "push"}
    asked = local_stack.api("GET", "/local/outbox", headers={"Accept": "application/json"})
    assert asked.headers["content-type"] == "application/json"
    browser = local_stack.api("GET", "/local/outbox", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert browser.headers["content-type"] == "text/html; charset=utf-8"
    assert "<iframe" not in browser.text.split("<script>")[0]  # messages are rendered by the script, from the JSON
    assert local_stack.api("GET", "/local/outbox?format=html").headers["content-type"].startswith("text/html")
    assert local_stack.api("GET", "/local/outbox?format=json", headers={"Accept": "text/html"}).json()["sms"] == []

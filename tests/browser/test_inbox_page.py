"""/inbox in a real browser: `<clarion-inbox>` for one subscriber of the local stack's Development environment. An
in-app message triggered through the API raises the bell's unseen badge without a reload (pushed over the stack's
WebSocket API, faster than the poll); opening the bell shows it in the feed, marking it read lowers the badge, and its
action button records the answer."""

import json
import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LocalStack

pytestmark = pytest.mark.slow


def send_in_app(stack: LocalStack, subscriber: str, body: str, *, buttons: bool = False) -> None:
    content: dict[str, object] = {"body": body}
    if buttons:
        content["buttons"] = [{"type": "primary", "content": "Accept"}]
    step = {"channel": "in_app", "content": content}
    created = stack.api("POST", "/v1/campaigns", json={"name": f"Inbox {body}", "status": "active", "steps": [step]})
    assert created.status_code == 201, created.text
    triggered = stack.api(
        "POST",
        f"/api/client/campaigns/{created.json()['data']['_id']}/trigger",
        json={"user": {"external_id": subscriber}, "event": {}},
    )
    assert triggered.status_code == 204, triggered.text


def badge(page: Page):  # type: ignore[no-untyped-def]
    return page.locator("clarion-inbox .badge")


def test_a_new_message_raises_the_badge_without_reload_and_marking_it_read_lowers_it(
    local_stack: LocalStack, page: Page, screenshot: Callable[..., Path]
) -> None:
    page.goto(f"{local_stack.url}/inbox?subscriber=ada-inbox")
    bell = page.get_by_role("button", name="Notifications")
    expect(bell).to_be_visible()
    expect(badge(page)).to_be_hidden()
    assert local_stack.api("GET", "/v1/subscribers/ada-inbox").ok  # the session created the subscriber

    send_in_app(local_stack, "ada-inbox", "Your order shipped")
    expect(badge(page)).to_have_text("1", timeout=60_000)  # polled: no reload
    expect(bell).to_have_attribute("aria-label", "Notifications, 1 unseen")
    assert badge(page).get_attribute("aria-live") == "polite"

    bell.click()
    message = page.locator("clarion-inbox li.message")
    expect(message).to_have_count(1)
    expect(message).to_contain_text("Your order shipped")
    expect(message).to_have_attribute("data-read", "false")
    screenshot(page, "unread")

    message.get_by_role("button", name="Mark read").click()
    expect(badge(page)).to_be_hidden()
    expect(message).to_have_attribute("data-read", "true")
    expect(message).to_contain_text("Read")
    screenshot(page, "read")


def test_a_pushed_frame_raises_the_badge_long_before_the_next_poll(
    local_stack: LocalStack, page: Page, screenshot: Callable[..., Path]
) -> None:
    frames: list[str] = []
    page.on("websocket", lambda socket: socket.on("framereceived", lambda payload: frames.append(payload)))  # noqa: PLW0108 - Playwright wraps a builtin it cannot annotate
    page.goto(f"{local_stack.url}/inbox?subscriber=dee-realtime")
    inbox = page.locator("clarion-inbox")
    expect(inbox).to_have_attribute("socket-url", re.compile(r"^ws://127\.0\.0\.1:\d+$"))
    page.wait_for_function("() => document.querySelector('clarion-inbox').socket?.isOpen === true", timeout=30_000)
    # the socket's opening read the count; with the socket open the next poll is 30 s after it
    polled_at = page.evaluate("() => document.querySelector('clarion-inbox').refreshedAt")
    expect(badge(page)).to_be_hidden()

    sent = time.monotonic()
    send_in_app(local_stack, "dee-realtime", "Pushed, not polled")
    expect(badge(page)).to_have_text("1", timeout=10_000)
    elapsed = time.monotonic() - sent
    since_poll = (page.evaluate("() => Date.now()") - polled_at) / 1000

    assert since_poll < 30, f"a poll could have read it ({since_poll:.1f} s after the last)"
    assert [json.loads(frame) for frame in frames] == [{"type": "notification_received", "unseenCount": 1}]
    assert elapsed < 5, f"the badge rose {elapsed:.1f} s after the trigger"
    screenshot(page, "pushed")


def test_an_action_button_records_the_answer_and_the_page_lists_known_subscribers(
    local_stack: LocalStack, page: Page
) -> None:
    send_in_app(local_stack, "bob-inbox", "Join the beta?", buttons=True)
    deadline = time.monotonic() + 60
    while local_stack.api("GET", "/v1/subscribers/bob-inbox/notifications/feed").json().get("totalCount", 0) < 1:
        assert time.monotonic() < deadline, "the in-app message was not stored in 60 s"
        time.sleep(0.3)

    page.goto(f"{local_stack.url}/inbox?subscriber=someone-else")
    page.get_by_label("Subscriber").fill("bob-inbox")
    page.get_by_role("button", name="Open inbox").click()
    expect(badge(page)).to_have_text("1")
    listed = page.locator("#subscribers option").evaluate_all("options => options.map(option => option.value)")
    assert "bob-inbox" in listed
    page.get_by_role("button", name="Notifications, 1 unseen").click()
    page.locator("clarion-inbox").get_by_role("button", name="Accept").click()
    expect(page.locator("clarion-inbox").get_by_role("button", name="Accept")).to_be_disabled()
    feed = local_stack.api("GET", "/v1/subscribers/bob-inbox/notifications/feed").json()["data"]
    assert feed[0]["cta"]["action"]["status"] == "done"
    assert feed[0]["cta"]["action"]["result"]["type"] == "primary"

    expect(badge(page)).to_have_text("1")  # answering a button reads nothing
    page.locator("clarion-inbox").get_by_role("button", name="Mark all read").click()
    expect(badge(page)).to_be_hidden()
    expect(page.locator("clarion-inbox li.message")).to_have_attribute("data-read", "true")


def test_the_bell_is_a_keyboard_dialog_and_the_preferences_panel_answers(
    local_stack: LocalStack, page: Page, screenshot: Callable[..., Path]
) -> None:
    page.goto(f"{local_stack.url}/inbox?subscriber=cy-inbox")
    bell = page.get_by_role("button", name="Notifications")
    expect(bell).to_have_attribute("aria-expanded", "false")
    page.add_style_tag(
        content="clarion-inbox { --clarion-accent: rgb(0, 128, 0); } clarion-inbox::part(bell) { width: 3rem; }"
    )
    assert bell.evaluate("bell => getComputedStyle(bell).width") == "48px"

    bell.click()
    dialog = page.get_by_role("dialog", name="Notifications")
    expect(dialog).to_be_visible()
    expect(bell).to_have_attribute("aria-expanded", "true")
    expect(dialog).to_contain_text("No notifications yet.")
    mark_all = dialog.get_by_role("button", name="Mark all read")
    assert mark_all.evaluate("button => getComputedStyle(button).color") == "rgb(0, 128, 0)"
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert page.evaluate("document.activeElement.shadowRoot.activeElement.classList.contains('bell')")

    bell.click()
    page.locator("clarion-inbox").get_by_role("button", name="Preferences").click()
    expect(page.get_by_role("dialog", name="Preferences")).to_be_visible()
    # the widget preference routes answer: the subscriber's campaigns with their channels (or none to set), and no
    # status line (loading, an error, or a server without the routes) is left
    expect(page.locator("clarion-inbox ul.preferences, clarion-inbox p.empty").first).to_be_visible()
    expect(page.locator("clarion-inbox .status")).to_have_count(0)
    screenshot(page, "preferences", full_page=False)


def test_polling_pauses_while_hidden_announces_a_rise_and_renews_an_expired_session(
    local_stack: LocalStack, page: Page
) -> None:
    reads: list[str] = []
    page.on("request", lambda request: reads.append(request.url.split("?")[0].rsplit("/", 2)[-1]))
    page.goto(f"{local_stack.url}/inbox?subscriber=dee-inbox")
    inbox = page.locator("clarion-inbox")
    # the poll alone, as where no WebSocket API is configured (with a socket open it reads every 30 s)
    inbox.evaluate("element => { element.removeAttribute('socket-url'); element.setAttribute('poll-seconds', '1'); }")
    page.evaluate("window.rises = []; addEventListener('clarion-unseen', event => rises.push(event.detail.count))")
    page.wait_for_timeout(2500)
    assert reads.count("unseen") >= 2

    page.evaluate("Object.defineProperty(document, 'hidden', {configurable: true, get: () => true})")
    page.wait_for_timeout(300)  # a read already on its way
    hidden_from = len(reads)
    page.wait_for_timeout(2500)
    assert "unseen" not in reads[hidden_from:]
    page.evaluate("delete document.hidden")

    page.route("**/v1/widgets/notifications/unseen", lambda route: route.fulfill(status=401, body="{}"))
    initialized = reads.count("initialize")
    page.wait_for_timeout(2500)
    assert reads.count("initialize") > initialized  # a 401 (an expired token) starts a new session
    page.unroute("**/v1/widgets/notifications/unseen")

    send_in_app(local_stack, "dee-inbox", "Ping")
    expect(badge(page)).to_have_text("1", timeout=60_000)
    assert page.evaluate("rises") == [1]


def test_a_session_the_api_refuses_is_said_in_the_dropdown(
    local_stack: LocalStack, page: Page, screenshot: Callable[..., Path]
) -> None:
    page.goto(f"{local_stack.url}/inbox?subscriber=eve-inbox")
    inbox = page.locator("clarion-inbox")
    inbox.evaluate("element => element.setAttribute('application-identifier', 'no-such-application')")
    page.wait_for_timeout(3000)  # refused before the bell opens, as well as after (the first test's order)

    page.get_by_role("button", name="Notifications").click()

    expect(inbox.get_by_role("status")).to_contain_text("The inbox could not start: no environment has this")
    expect(badge(page)).to_be_hidden()
    expect(inbox.get_by_role("button", name="Mark all read")).to_be_hidden()
    screenshot(page, full_page=False)

"""A delivery record as Novu's message: which reason, if any, is its `errorText`."""

from typing import Any

from clarion.activity.models import ActivityMessage

AT = "2026-12-05T10:00:00.000Z"
LAYOUT_NOTE = "overrides.layoutIdentifier: no layout 'x': the campaign's layout is used"
ERROR = 'HTTP 503: {"error": "refused"}'


def error_text(status: str, *history: dict[str, Any]) -> str | None:
    record = {
        "_id": "m" * 24,
        "environmentId": "e" * 24,
        "subscriberId": "ada",
        "channel": "chat",
        "status": status,
        "createdAt": AT,
        "history": [{"status": "queued", "at": AT, "reason": LAYOUT_NOTE}, *history],
    }
    return ActivityMessage.from_record(record, "o" * 24).errorText


def entry(status: str, reason: str | None = None) -> dict[str, Any]:
    return {"status": status, "at": AT} | ({"reason": reason} if reason else {})


def test_a_queued_message_never_tried_has_no_error_text_even_with_a_note():
    assert error_text("queued") is None


def test_a_queued_message_after_a_transient_failure_shows_the_error():
    assert error_text("queued", entry("sending"), entry("queued", ERROR)) == ERROR


def test_a_message_sending_again_shows_its_previous_attempts_error():
    assert error_text("sending", entry("sending"), entry("queued", ERROR), entry("sending")) == ERROR


def test_a_failed_over_attempt_is_the_last_error_while_still_sending():
    assert error_text("sending", entry("sending"), entry("failover", "ses: Throttling")) == "ses: Throttling"


def test_a_message_sent_after_retries_has_no_error_text():
    assert error_text("sent", entry("sending"), entry("queued", ERROR), entry("sending"), entry("sent")) is None


def test_a_failed_message_shows_why_it_failed():
    assert error_text("failed", entry("sending"), entry("failed", "HTTP 404")) == "HTTP 404"

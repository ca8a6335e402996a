"""The log scan finds personal data and secrets in captured output, and lets ids, hints and masks through."""

import json

import pytest

from tests.log_scan import NEEDS, PATTERNS, LogScan


def kinds(text: str) -> list[str]:
    scan = LogScan()
    scan.scan("test", text)
    return [finding.kind for finding in scan.findings]


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ({"message": "sent", "to": "ada@example.com"}, "email address"),
        ({"message": "texted", "phone": "+447700900123"}, "phone number"),
        ({"message": "authorized", "key": "sk_" + "A1b2" * 10}, "client key"),
        ({"headers": {"Authorization": "ApiKey 0123456789abcdef0123"}}, "authorization header"),
        ({"answer": {"access_token": "xoxb-1234-5678-abcdef"}}, "oauth token"),
        ({"credentials": {"host": "smtp.test", "password": "hunter2"}}, "password"),
        ({"credentials": {"clientSecret": "app-secret-456"}}, "integration or app secret"),
        ({"message": "Your verification code is 042917. It expires in 5 minutes."}, "one-time password"),
        ({"body": {"recipient": {"subscriberId": "ada"}, "code": "739104"}}, "one-time password"),
        ({"sms": "OTP: 5521"}, "one-time password"),
        ({"body": {"code": "OWNCODE7Q2"}}, "one-time password"),
    ],
)
def test_a_logged_secret_is_found(line, kind):
    assert kind in kinds(json.dumps(line))


@pytest.mark.parametrize(
    "line",
    [
        {"message": "message sent", "messageId": "6b0eda8d89d1f64e1fe764e3", "subscriberId": "ada"},
        {"message": "authorization", "clientId": "c-1", "keyHint": "sk_...x9Z1", "allowed": True},
        {"message": "failover", "error": "ConnectionRefusedError", "timestamp": "2026-12-01 14:40:02,406+0000"},
        {"credentials": {"user": "****", "password": "****"}},
        {"sender": "notifications@clarion.local", "count": 12345678901},
        {
            "message": "OTP message not sent: no provider took it",
            "otpId": "69351234ab0eda8d89d1f64e",
            "code": "NoIntegration",
        },
        {"message": "request refused", "status": 422, "statusCode": 422},
    ],
)
def test_ids_hints_masks_and_the_stacks_sender_pass(line):
    assert kinds(json.dumps(line)) == []


def test_only_captured_sections_are_scanned_and_each_finding_says_where():
    scan = LogScan()
    scan.scan_sections(
        "tests/x.py::test_y [call]",
        [("Captured stdout call", '{"to": "bob@example.org"}'), ("Other", "carol@example.org")],
    )
    (finding,) = scan.findings
    assert finding.where == "tests/x.py::test_y [call] (Captured stdout call)"
    assert "bob@example.org" in finding.excerpt
    assert "1 log line(s)" in scan.summary()[0]


def test_each_pattern_names_what_it_cannot_match_without():
    from tests.log_scan import NEEDS, PATTERNS

    assert set(NEEDS) == set(PATTERNS)
    assert all(needed == needed.lower() for needs in NEEDS.values() for needed in needs)


def test_text_beyond_ascii_goes_through_every_pattern():
    # under (?i), "apikey" matches the Kelvin sign (U+212A) for its "k": lower-casing gives no "apikey" to find
    assert kinds("Authorization: api\u212aey 0123456789abcdef0123") == ["authorization header"]


def test_every_pattern_says_what_it_cannot_match_without():
    assert set(NEEDS) == set(PATTERNS)

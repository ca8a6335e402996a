"""The rules of a subscriber's fields, and the 422s that name a field breaking them."""

import json

import pytest
from pydantic import ValidationError

from clarion.subscribers.fields import SubscriberChannelRequest
from clarion.subscribers.models import BulkCreateSubscribersRequest, CreateSubscriberRequest, OnlineStatusRequest
from clarion.subscribers.validation import (
    check_custom_data,
    check_email,
    check_http_url,
    check_locale,
    check_phone,
    check_provider,
    check_timezone,
)
from tests.conftest import load_event


@pytest.mark.parametrize(
    "email",
    ["jane@example.com", "first.last+tag@mail.example.co.uk", "o'brien@example.io", "x@a-b.example"],
)
def test_a_well_formed_email_is_accepted(email):
    assert check_email(email) == email


@pytest.mark.parametrize(
    "email",
    [
        "plain",
        "@example.com",
        "jane@",
        "jane@localhost",
        "jane@@example.com",
        "jane..doe@example.com",
        ".jane@example.com",
        "jane doe@example.com",
        "jane@-example.com",
        "jane@example.c",
        f"{'a' * 65}@example.com",
        f"jane@{'a' * 63}.{'b' * 63}.{'c' * 63}.{'d' * 63}.com",
    ],
)
def test_a_malformed_or_overlong_email_is_refused(email):
    with pytest.raises(ValueError, match="email"):
        check_email(email)


@pytest.mark.parametrize("phone", ["+14155550100", "+447700900123", "+8613800138000", "+1234567"])
def test_an_e164_phone_is_accepted(phone):
    assert check_phone(phone) == phone


@pytest.mark.parametrize(
    "phone", ["14155550100", "+0123456789", "+1 415 555 0100", "+123456", "+1234567890123456", "+1-415-555-0100"]
)
def test_a_phone_not_in_e164_is_refused(phone):
    with pytest.raises(ValueError, match=r"E\.164"):
        check_phone(phone)


@pytest.mark.parametrize("locale", ["en", "en-US", "zh-Hant-TW", "es-419", "sr-Latn", "fil-PH", "en-us"])
def test_a_bcp47_locale_is_accepted(locale):
    assert check_locale(locale) == locale


@pytest.mark.parametrize("locale", ["english", "e", "en_US", "en-USA", "zh-Hant-TW-x", "en-", "12"])
def test_a_locale_not_in_bcp47_form_is_refused(locale):
    with pytest.raises(ValueError, match="BCP 47"):
        check_locale(locale)


@pytest.mark.parametrize("zone", ["UTC", "Europe/Paris", "America/Argentina/Buenos_Aires", "Asia/Kolkata"])
def test_an_iana_time_zone_is_accepted(zone):
    assert check_timezone(zone) == zone


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "europe/paris", "+02:00", "", "../etc/passwd"])
def test_an_unknown_time_zone_is_refused(zone):
    with pytest.raises(ValueError, match="IANA"):
        check_timezone(zone)


@pytest.mark.parametrize("url", ["https://example.com/a.png", "http://cdn.example.com:8080/x?y=1"])
def test_an_http_url_is_accepted(url):
    assert check_http_url(url) == url


@pytest.mark.parametrize(
    "url", ["ftp://example.com/a.png", "javascript:alert(1)", "https://", "example.com", "https://a b.com", "x" * 3000]
)
def test_a_url_that_is_not_http_is_refused(url):
    with pytest.raises(ValueError, match="http"):
        check_http_url(url)


def test_custom_data_up_to_16_kb_is_accepted():
    data = {"notes": "x" * (16 * 1024 - 20)}
    assert check_custom_data(data) == data


def test_custom_data_over_16_kb_is_refused():
    with pytest.raises(ValueError, match="16 KB"):
        check_custom_data({"notes": "x" * (16 * 1024)})


def test_custom_data_nested_deeper_than_dynamodb_allows_is_refused():
    deep: dict[str, object] = {}
    for _ in range(40):
        deep = {"d": deep}
    with pytest.raises(ValueError, match="nests deeper"):
        check_custom_data(deep)


@pytest.mark.parametrize("number", [float("nan"), float("inf"), 10**40 + 1, 1e200])
def test_custom_data_with_a_number_dynamodb_cannot_store_is_refused(number):
    with pytest.raises(ValueError, match=r"NaN|number"):
        check_custom_data({"n": number})


def test_known_chat_and_push_providers_are_accepted_and_others_refused():
    assert check_provider("slack") == "slack" and check_provider("fcm") == "fcm"
    with pytest.raises(ValueError, match="chat or push provider"):
        check_provider("sendgrid")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("subscriberId", "has space"),
        ("subscriberId", ""),
        ("subscriberId", "a/b"),
        ("firstName", "x" * 101),
        ("lastName", "x" * 101),
        ("email", "nope"),
        ("phone", "555"),
        ("avatar", "ftp://x.example/a.png"),
        ("locale", "english"),
        ("timezone", "Nowhere/City"),
        ("data", ["not", "an", "object"]),
        ("nickname", "unknown fields are refused"),
    ],
)
def test_a_bad_create_field_is_an_error_naming_it(field, value):
    body = {"subscriberId": "user-1", field: value}
    with pytest.raises(ValidationError) as raised:
        CreateSubscriberRequest.model_validate(body)
    assert {error["loc"][0] for error in raised.value.errors()} == {field}


def test_a_webhook_url_must_be_http():
    body = {"providerId": "slack", "credentials": {"webhookUrl": "file:///etc/passwd"}}
    with pytest.raises(ValidationError) as raised:
        SubscriberChannelRequest.model_validate(body)
    assert raised.value.errors()[0]["loc"] == ("credentials", "webhookUrl")


def test_credentials_for_an_unknown_provider_are_refused():
    with pytest.raises(ValidationError) as raised:
        SubscriberChannelRequest.model_validate({"providerId": "mailgun", "credentials": {}})
    assert raised.value.errors()[0]["loc"] == ("providerId",)


def test_more_than_500_bulk_subscribers_are_refused():
    with pytest.raises(ValidationError) as raised:
        BulkCreateSubscribersRequest.model_validate({"subscribers": [{"subscriberId": f"u{n}"} for n in range(501)]})
    assert raised.value.errors()[0]["loc"] == ("subscribers",)


def test_online_status_must_be_a_real_boolean():
    with pytest.raises(ValidationError):
        OnlineStatusRequest.model_validate({"isOnline": "yes"})


def test_the_handler_answers_a_422_naming_every_bad_field(lambda_context, monkeypatch):
    monkeypatch.setenv("CLIENTS_TABLE", "unused")
    from subscribers.handler import lambda_handler

    response = lambda_handler(load_event("subscribers/create_subscriber_invalid.json"), lambda_context)
    body = json.loads(response["body"])
    assert response["statusCode"] == 422
    assert set(body["errors"]) == {"email", "phone", "locale", "timezone", "avatar"}
    assert body["errors"]["email"]["messages"] == ["is not a valid email address"]
    assert body["errors"]["email"]["value"] == "not-an-email"

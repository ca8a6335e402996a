"""The email verifier (/v1/verifier) through the whole path: gateway → authorizer → verifier function → DynamoDB on
moto (the environment's suppressions) and a DNS server on loopback (MX lookups): each address rated with its reasons,
a list verified in order with its counts, bad bodies refused naming the field, no address in the logs."""

import io
import time
from collections.abc import Iterator

import pytest

from clarion.settings import settings
from clarion.verifier import mail_servers, service
from tests.dns_stub import ROOT, StubDns, stub_dns
from tests.integration.conftest import Api

ZONE = {
    **ROOT,
    "example.com.": {"MX": ["10 mx.example.com."]},
    "xn--bcher-kva.de.": {"MX": ["5 mx.example.com."]},
    "mailinator.com.": {"MX": ["10 mail.mailinator.com."]},
}


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> Iterator[StubDns]:
    with stub_dns(ZONE) as server:
        lookup = mail_servers.MailServerLookup(timeout=1.0, nameservers=(server.address,))
        monkeypatch.setattr(service, "mail_servers", lambda: lookup)
        yield server


def verify(api: Api, email: str) -> dict:
    response = api.post("/v1/verifier/verify", {"email": email})
    assert response.status == 200, response.json()
    return response.json()["data"]


@pytest.mark.usefixtures("dns")
def test_an_address_is_rated_with_its_checks(admin: Api):
    assert verify(admin, "Ada@Example.com") == {
        "email": "Ada@Example.com",
        "normalized": "Ada@example.com",
        "result": "valid",
        "reasons": [],
        "detail": None,
        "checks": {
            "syntax": "valid",
            "idna": "ascii",
            "disposable": False,
            "role": False,
            "suppressed": False,
            "mx": "found",
        },
    }
    assert verify(admin, "ada@bücher.de")["checks"]["idna"] == "valid"


@pytest.mark.usefixtures("dns")
def test_an_address_suppressed_in_the_environment_is_invalid_and_only_there(admin: Api, other_admin: Api):
    suppression = {"channel": "email", "address": "bob@example.com"}
    assert admin.post("/v1/suppressions", {"suppressions": [suppression]}).status == 200
    found = verify(admin, "BOB@example.com")
    assert (found["result"], found["reasons"], found["checks"]["suppressed"]) == ("invalid", ["suppressed"], True)
    assert verify(other_admin, "bob@example.com")["result"] == "valid"


@pytest.mark.usefixtures("dns")
def test_syntax_errors_disposable_and_role_addresses_are_answered_not_refused(admin: Api):
    too_long = verify(admin, f"{'a' * 65}@example.com")
    assert (too_long["result"], too_long["reasons"], too_long["checks"]["mx"]) == (
        "invalid",
        ["local_part_too_long"],
        None,
    )
    assert too_long["detail"].startswith("The email address is too long before the @-sign")
    risky = verify(admin, "info@mailinator.com")
    assert (risky["result"], risky["reasons"]) == ("risky", ["disposable", "role_account"])


@pytest.mark.usefixtures("dns")
def test_a_list_is_verified_in_order_with_its_counts(admin: Api):
    emails = ["ada@example.com", "not an address", "postmaster@example.com", "ada@nowhere.example"]
    response = admin.post("/v1/verifier/lists", {"emails": emails})
    assert response.status == 200, response.json()
    data = response.json()["data"]
    assert [(r["email"], r["result"]) for r in data["results"]] == [
        ("ada@example.com", "valid"),
        ("not an address", "invalid"),
        ("postmaster@example.com", "risky"),
        ("ada@nowhere.example", "invalid"),
    ]
    assert data["results"][3]["reasons"] == ["domain_not_found"]
    assert data["counts"] == {"total": 4, "valid": 1, "invalid": 2, "risky": 1, "unknown": 0}


def test_without_a_dns_answer_the_mail_servers_are_unknown_within_the_configured_deadline(
    admin: Api, monkeypatch: pytest.MonkeyPatch
):
    """The function's own configuration (VERIFIER_NAMESERVERS, VERIFIER_DNS_TIMEOUT_SECONDS) at a silent server."""
    with stub_dns({}, silent=True) as silent:
        monkeypatch.setenv("VERIFIER_NAMESERVERS", silent.address)
        monkeypatch.setenv("VERIFIER_DNS_TIMEOUT_SECONDS", "0.5")
        settings.cache_clear()
        mail_servers.mail_servers.cache_clear()
        try:
            started = time.monotonic()
            response = admin.post("/v1/verifier/lists", {"emails": [f"ada@d{n}.example" for n in range(20)]})
            elapsed = time.monotonic() - started
        finally:
            monkeypatch.undo()
            settings.cache_clear()
            mail_servers.mail_servers.cache_clear()
    assert response.status == 200, response.json()
    results = response.json()["data"]["results"]
    assert {(r["result"], r["checks"]["mx"]) for r in results} == {("unknown", "unknown")}
    assert silent.queries  # asked, and not waited for one domain after another
    assert elapsed < 0.5 * 3


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/v1/verifier/verify", {}, "email"),
        ("/v1/verifier/verify", {"email": ""}, "email"),
        ("/v1/verifier/verify", {"email": "a@example.com", "extra": 1}, "extra"),
        ("/v1/verifier/verify", {"email": "a" * 513}, "email"),
        ("/v1/verifier/lists", {"emails": []}, "emails"),
        ("/v1/verifier/lists", {"emails": ["a@example.com"] * 101}, "emails"),
        ("/v1/verifier/lists", {"emails": ["a@example.com", 7]}, "emails[1]"),
    ],
)
def test_a_bad_body_is_a_422_naming_the_field(admin: Api, path: str, body: dict, field: str):
    response = admin.post(path, body)
    assert response.status == 422, response.json()
    assert field in response.json()["errors"], response.json()


@pytest.mark.usefixtures("dns")
def test_no_address_reaches_the_logs(admin: Api, function_logs: io.StringIO):
    verify(admin, "secret.person@example.com")
    admin.post("/v1/verifier/lists", {"emails": ["hidden.person@example.com", "bad@@example.com"]})
    logged = function_logs.getvalue()
    assert "secret.person" not in logged
    assert "hidden.person" not in logged

"""clarion.verifier.service on the in-memory store, its MX lookups at a DNS server on loopback: each row of the
decision table, the suppressions read in one batch, each domain asked once."""

import uuid
from collections.abc import Iterator

import pytest

from clarion.suppressions import service as suppressions
from clarion.suppressions.models import SuppressionEntry
from clarion.verifier import service
from clarion.verifier.mail_servers import MailServerLookup
from tests.dns_stub import ROOT, StubDns, stub_dns

ZONE = {
    **ROOT,
    "example.com.": {"MX": ["10 mx.example.com."]},
    "xn--bcher-kva.de.": {"MX": ["10 mx.example.com."]},
    "mailinator.com.": {"MX": ["10 mail.mailinator.com."]},
    "null-mx.example.": {"MX": ["0 ."]},
}


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> Iterator[StubDns]:
    with stub_dns(ZONE) as server:
        lookup = MailServerLookup(timeout=1.0, nameservers=(server.address,))
        monkeypatch.setattr(service, "mail_servers", lambda: lookup)
        yield server


@pytest.fixture
def environment_id(memory_tables: dict[str, str], dns: StubDns) -> str:
    return uuid.uuid4().hex


def verify(environment_id: str, email: str) -> tuple[str, list[str]]:
    found = service.verify_email(environment_id, email)
    return found.result, found.reasons


def test_an_address_that_passes_every_check_is_valid(environment_id: str):
    found = service.verify_email(environment_id, "Ada@Example.com")
    assert (found.result, found.reasons, found.normalized) == ("valid", [], "Ada@example.com")
    assert found.checks.model_dump() == {
        "syntax": "valid",
        "idna": "ascii",
        "disposable": False,
        "role": False,
        "suppressed": False,
        "mx": "found",
    }


def test_a_syntax_error_is_invalid_and_nothing_else_is_checked(environment_id: str, dns: StubDns):
    found = service.verify_email(environment_id, "ada..lovelace@example.com")
    assert (found.result, found.reasons) == ("invalid", ["invalid_syntax"])
    assert found.detail == "An email address cannot have two periods in a row."
    assert found.checks.mx is None
    assert found.checks.suppressed is None
    assert dns.queries == []


def test_an_idna_domain_is_verified_in_its_ascii_form(environment_id: str):
    found = service.verify_email(environment_id, "ada@bücher.de")
    assert (found.result, found.checks.idna, found.checks.mx) == ("valid", "valid", "found")


def test_a_domain_that_refuses_mail_is_invalid(environment_id: str):
    assert verify(environment_id, "ada@null-mx.example") == ("invalid", ["no_mail_server"])
    assert verify(environment_id, "ada@nowhere.example") == ("invalid", ["domain_not_found"])


def test_a_suppressed_address_is_invalid_whatever_its_case(environment_id: str):
    suppressions.add_suppressions(environment_id, [SuppressionEntry(channel="email", address="ada@example.com")])
    found = service.verify_email(environment_id, "ADA@example.com")
    assert (found.result, found.reasons, found.checks.suppressed) == ("invalid", ["suppressed"], True)


def test_a_suppression_in_another_environment_does_not_count(environment_id: str):
    suppressions.add_suppressions(uuid.uuid4().hex, [SuppressionEntry(channel="email", address="ada@example.com")])
    assert verify(environment_id, "ada@example.com") == ("valid", [])


def test_disposable_and_role_addresses_are_risky_with_both_reasons(environment_id: str):
    assert verify(environment_id, "ada@mailinator.com") == ("risky", ["disposable"])
    assert verify(environment_id, "postmaster@mailinator.com") == ("risky", ["disposable", "role_account"])


def test_unknown_mail_servers_make_an_otherwise_good_address_unknown_and_a_risky_one_stay_risky(
    memory_tables: dict[str, str], monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(service, "mail_servers", lambda: MailServerLookup(timeout=0))
    environment_id = uuid.uuid4().hex
    assert verify(environment_id, "ada@example.com") == ("unknown", ["mail_servers_unknown"])
    assert verify(environment_id, "info@example.com") == ("risky", ["role_account", "mail_servers_unknown"])


def test_invalid_outranks_risky(environment_id: str):
    suppressions.add_suppressions(environment_id, [SuppressionEntry(channel="email", address="admin@mailinator.com")])
    assert verify(environment_id, "admin@mailinator.com") == ("invalid", ["suppressed", "disposable", "role_account"])


def test_addresses_are_verified_in_order_and_each_domain_asked_once(environment_id: str, dns: StubDns):
    emails = ["a@example.com", "b@example.com", "bad@", "info@example.com", "c@mailinator.com", "d@null-mx.example"]
    found = service.verify_emails(environment_id, emails)
    assert [result.email for result in found] == emails
    assert [result.result for result in found] == ["valid", "valid", "invalid", "risky", "risky", "invalid"]
    assert dns.queries.count(("example.com.", "MX")) == 1


def test_a_list_reads_its_suppressions_in_one_batch(environment_id: str, monkeypatch: pytest.MonkeyPatch):
    calls: list[int] = []
    real = service.suppressed

    def counted(environment: str, addresses: list[tuple[str, str]]) -> object:
        calls.append(len(addresses))
        return real(environment, addresses)

    monkeypatch.setattr(service, "suppressed", counted)
    service.verify_emails(environment_id, [f"user{n}@example.com" for n in range(100)] + ["josé@example.com"])
    assert calls == [100]  # the UTF-8 local part cannot be suppressed: not asked

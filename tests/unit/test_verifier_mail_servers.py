"""MX lookups against a DNS server on loopback: answers, refusals, and the `unknown` of a resolver that cannot help."""

import time
from collections.abc import Iterator

import pytest

from clarion import clock
from clarion.verifier.mail_servers import ANSWER_SECONDS, UNUSABLE_SECONDS, MailServerLookup
from tests.dns_stub import ROOT, stub_dns

ZONE = {
    **ROOT,
    "example.com.": {"MX": ["10 mx2.example.com.", "5 mx1.example.com."]},
    "a-only.example.": {"A": ["93.184.216.34"]},
    "private-a.example.": {"A": ["10.0.0.1"]},
    "null-mx.example.": {"MX": ["0 ."]},
    "xn--bcher-kva.de.": {"MX": ["10 mail.xn--bcher-kva.de."]},
}


def lookup_at(address: str, timeout: float = 1.0) -> MailServerLookup:
    return MailServerLookup(timeout=timeout, nameservers=(address,))


def test_a_domain_with_mx_records_has_them_most_preferred_first():
    with stub_dns(ZONE) as dns:
        found = lookup_at(dns.address).lookup("example.com")
    assert found.status == "found"
    assert found.hosts == ("mx1.example.com", "mx2.example.com")


def test_a_domain_without_mx_falls_back_to_its_global_a_record():
    with stub_dns(ZONE) as dns:
        found = lookup_at(dns.address).lookup("a-only.example")
    assert (found.status, found.hosts) == ("found", ("a-only.example",))


def test_a_private_a_record_is_no_mail_server():
    with stub_dns(ZONE) as dns:
        assert lookup_at(dns.address).lookup("private-a.example").status == "no_mail_server"


def test_a_null_mx_refuses_mail():
    with stub_dns(ZONE) as dns:
        assert lookup_at(dns.address).lookup("null-mx.example").status == "no_mail_server"


def test_a_domain_that_does_not_exist_is_domain_not_found_when_the_resolver_knows_the_root():
    with stub_dns(ZONE) as dns:
        assert lookup_at(dns.address).lookup("nowhere.example").status == "domain_not_found"


def test_an_internationalized_domain_is_asked_in_its_ascii_form():
    with stub_dns(ZONE) as dns:
        assert lookup_at(dns.address).lookup("xn--bcher-kva.de").status == "found"
    assert ("xn--bcher-kva.de.", "MX") in dns.queries


def test_a_resolver_that_denies_the_root_makes_nxdomain_unknown_and_is_left_alone():
    """A sandbox's resolver answers NXDOMAIN to everything: that proves nothing about the domain."""
    with stub_dns({}) as dns:
        lookup = lookup_at(dns.address)
        assert lookup.lookup("gmail.com").status == "unknown"
        asked = len(dns.queries)
        assert lookup.lookup("yahoo.com").status == "unknown"
    assert len(dns.queries) == asked  # not asked again for a while


def test_a_resolver_that_never_answers_is_unknown_within_the_deadline_and_given_up_after_two_timeouts():
    with stub_dns(ZONE, silent=True) as dns:
        lookup = lookup_at(dns.address, timeout=0.3)
        started = time.monotonic()
        assert [lookup.lookup(f"d{n}.example").status for n in range(5)] == ["unknown"] * 5
        elapsed = time.monotonic() - started
    assert elapsed < 0.3 * 2 + 0.5  # two deadlines, then no more asking
    assert {name for name, _ in dns.queries} == {"d0.example.", "d1.example."}


def test_a_timeout_of_zero_never_asks():
    with stub_dns(ZONE) as dns:
        assert lookup_at(dns.address, timeout=0).lookup("example.com").status == "unknown"
    assert dns.queries == []


def test_each_domain_is_asked_once_while_its_answer_is_kept():
    with stub_dns(ZONE) as dns:
        lookup = lookup_at(dns.address)
        assert lookup.lookup("example.com") == lookup.lookup("EXAMPLE.com")
    assert dns.queries.count(("example.com.", "MX")) == 1


@pytest.mark.parametrize("nameserver", ["127.0.0.1:1"])
def test_a_nameserver_that_refuses_the_connection_is_unknown(nameserver: str):
    assert lookup_at(nameserver, timeout=0.5).lookup("example.com").status == "unknown"


def test_a_list_of_domains_is_asked_at_once_so_a_silent_resolver_costs_one_deadline_and_is_given_up():
    domains = [f"d{n}.example" for n in range(10)]
    with stub_dns(ZONE, silent=True) as dns:
        lookup = lookup_at(dns.address, timeout=0.5)
        started = time.monotonic()
        found = lookup.lookup_many(domains)
        elapsed = time.monotonic() - started
        assert lookup.lookup("example.com").status == "unknown"  # given up: not asked
    assert {answer.status for answer in found.values()} == {"unknown"}
    assert elapsed < 0.5 * 2
    assert ("example.com.", "MX") not in dns.queries


def test_no_lookup_waits_past_the_budget():
    with stub_dns(ZONE, silent=True) as dns:
        started = time.monotonic()
        lookup_at(dns.address, timeout=2.0).lookup_many(["a.example", "b.example"], budget=0.3)
        assert time.monotonic() - started < 1.0


def test_answers_of_a_list_are_keyed_lower_cased_and_asked_once_each():
    with stub_dns(ZONE) as dns:
        found = lookup_at(dns.address).lookup_many(["Example.com", "example.COM", "null-mx.example"])
    assert {domain: answer.status for domain, answer in found.items()} == {
        "example.com": "found",
        "null-mx.example": "no_mail_server",
    }
    assert dns.queries.count(("example.com.", "MX")) == 1


def test_a_domain_without_mx_that_sends_no_mail_by_spf_is_no_mail_server():
    zone = {**ZONE, "spf-reject.example.": {"A": ["93.184.216.34"], "TXT": ['"v=spf1 -all"']}}
    with stub_dns(zone) as dns:
        assert lookup_at(dns.address).lookup("spf-reject.example").status == "no_mail_server"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def time(self) -> float:
        return self.now

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def fake_clock() -> Iterator[FakeClock]:
    fake = FakeClock()
    clock.use(fake)
    yield fake
    clock.use(None)


def test_a_resolver_given_up_is_asked_again_after_a_minute(fake_clock: FakeClock):
    with stub_dns({}) as dns:  # denies the root: unusable
        lookup = lookup_at(dns.address)
        lookup.lookup("gmail.com")
        asked = len(dns.queries)
        fake_clock.now += UNUSABLE_SECONDS - 1
        lookup.lookup("gmail.com")
        assert len(dns.queries) == asked
        fake_clock.now += 2
        lookup.lookup("gmail.com")
        assert len(dns.queries) > asked


def test_an_answer_is_kept_five_minutes(fake_clock: FakeClock):
    assert ANSWER_SECONDS == 300
    with stub_dns(ZONE) as dns:
        lookup = lookup_at(dns.address)
        lookup.lookup("example.com")
        fake_clock.now += ANSWER_SECONDS - 1
        lookup.lookup("example.com")
        assert dns.queries.count(("example.com.", "MX")) == 1
        fake_clock.now += 2
        lookup.lookup("example.com")
        assert dns.queries.count(("example.com.", "MX")) == 2


def test_a_long_list_on_a_silent_resolver_costs_one_deadline_not_one_per_wave():
    domains = [f"d{n}.example" for n in range(100)]  # seven waves of 16
    with stub_dns(ZONE, silent=True) as dns:
        started = time.monotonic()
        found = lookup_at(dns.address, timeout=0.5).lookup_many(domains, budget=30)
        elapsed = time.monotonic() - started
    assert {answer.status for answer in found.values()} == {"unknown"}
    assert elapsed < 0.5 * 2
    assert len(dns.queries) <= 16 + 2  # the first wave, and the few started as it ended

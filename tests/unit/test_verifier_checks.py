"""The verifier's checks that need no network: syntax at each RFC limit, IDNA domains, disposable and role addresses."""

import pytest

from clarion.scopes import expand_scopes
from clarion.verifier.address import Address, SyntaxProblem, parse
from clarion.verifier.kinds import is_disposable, is_role


def label(length: int, letter: str = "a") -> str:
    return letter * length


def domain_of(length: int) -> str:
    """A domain of exactly `length` octets: 63-octet labels, then the rest."""
    labels, left = [], length
    while left > 64:
        labels.append(label(63, "b"))
        left -= 64
    return ".".join([*labels, label(left, "c")])


def refused(email: str) -> str:
    found = parse(email)
    assert isinstance(found, SyntaxProblem), found
    return found.reason


def accepted(email: str) -> Address:
    found = parse(email)
    assert isinstance(found, Address), found
    return found


def test_a_local_part_of_64_octets_passes_and_one_of_65_is_too_long():
    accepted(f"{label(64)}@example.com")
    assert refused(f"{label(65)}@example.com") == "local_part_too_long"


def test_the_local_part_is_counted_in_octets_not_characters():
    accepted(f"{'é' * 32}@example.com")  # 64 octets
    assert refused(f"{'é' * 32}a@example.com") == "local_part_too_long"


def test_a_label_of_63_octets_passes_and_one_of_64_is_too_long():
    accepted(f"a@{label(63)}.com")
    assert refused(f"a@{label(64)}.com") == "label_too_long"


def test_a_domain_over_253_octets_is_too_long_and_253_is_only_too_long_with_its_local_part():
    assert len(domain_of(253)) == 253
    assert refused(f"a@{domain_of(254)}") == "domain_too_long"
    assert refused(f"a@{domain_of(253)}") == "address_too_long"  # 255 octets in all


def test_an_address_of_254_octets_passes_and_one_of_255_is_too_long():
    email = f"{label(64)}@{domain_of(189)}"
    assert len(email) == 254
    accepted(email)
    assert refused(f"{label(64)}@{domain_of(190)}") == "address_too_long"


@pytest.mark.parametrize(
    "email",
    [".ada@example.com", "ada.@example.com", "a..da@example.com", "ada@example", "ada@-example.com",
     "ada@exa_mple.com", "ada example.com", "ada@@example.com", "Ada <ada@example.com>", "ada@[192.0.2.1]"],
)  # fmt: skip
def test_dot_rules_and_other_syntax_errors_are_invalid_syntax(email: str):
    assert refused(email) == "invalid_syntax"


def test_a_quoted_local_part_passes():
    assert accepted('"ada lovelace"@example.com').normalized == '"ada lovelace"@example.com'


def test_the_domain_is_lower_cased_and_the_local_part_kept():
    found = accepted("Ada.Lovelace@EXAMPLE.com")
    assert found.normalized == "Ada.Lovelace@example.com"
    assert (found.ascii_domain, found.internationalized_domain) == ("example.com", False)


def test_an_idna_domain_is_encoded_to_its_punycode_form():
    found = accepted("ada@Bücher.de")
    assert (found.normalized, found.ascii_domain, found.ascii_address) == (
        "ada@bücher.de",
        "xn--bcher-kva.de",
        "ada@xn--bcher-kva.de",
    )
    assert found.internationalized_domain


def test_a_punycode_domain_is_read_as_its_unicode_form():
    found = accepted("ada@xn--bcher-kva.de")
    assert (found.normalized, found.internationalized_domain) == ("ada@bücher.de", True)


def test_a_punycode_label_that_does_not_decode_is_invalid_idna():
    assert refused("ada@xn--zz.de") == "invalid_idna"


def test_a_utf8_local_part_needs_smtputf8_and_has_no_ascii_form():
    found = accepted("josé@example.com")
    assert found.smtputf8
    assert found.ascii_address is None


@pytest.mark.parametrize("domain", ["mailinator.com", "sub.mailinator.com", "MAILINATOR.COM", "guerrillamail.com"])
def test_disposable_domains_and_their_subdomains_are_disposable(domain: str):
    assert is_disposable(domain)


@pytest.mark.parametrize("domain", ["gmail.com", "example.com", "com", "proton.me"])
def test_other_domains_are_not_disposable(domain: str):
    assert not is_disposable(domain)


@pytest.mark.parametrize("local_part", ["admin", "Info", "postmaster", "noreply", "no-reply", "support+eu"])
def test_role_local_parts_are_roles_whatever_their_case_or_tag(local_part: str):
    assert is_role(local_part)


@pytest.mark.parametrize("local_part", ["ada", "administrator.bob", "infos", "sales.team.lead"])
def test_personal_local_parts_are_not_roles(local_part: str):
    assert not is_role(local_part)


def test_the_verifier_service_bundle_grants_the_verifier_scopes_and_the_report_download():
    granted = set(expand_scopes(["verifier_service"]))
    assert {"verify:email", "verify:email_list", "info:email_verification", "file:download"} <= granted

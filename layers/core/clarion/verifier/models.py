"""The verifier on the wire: the addresses to verify, and each one's verification."""

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from clarion.models import Model, Request
from clarion.verifier.mail_servers import MailStatus

MAX_INPUT_LENGTH = 512
"""Longer than any address can be (254 octets), so an over-long address is verified as such, not refused."""
MAX_LIST_ADDRESSES = 100

EmailInput = Annotated[str, StringConstraints(min_length=1, max_length=MAX_INPUT_LENGTH)]
Result = Literal["valid", "invalid", "risky", "unknown"]


class VerifyEmailRequest(Request):
    email: EmailInput = Field(description="The address to verify, as a list or a form holds it")


class VerifyListRequest(Request):
    emails: list[EmailInput] = Field(
        min_length=1, max_length=MAX_LIST_ADDRESSES, description="The addresses to verify, at most 100 a call"
    )


class Checks(Model):
    syntax: Literal["valid", "invalid"] = Field(
        description="RFC 5321/5322 (RFC 6531 for UTF-8): local part ≤ 64 octets, domain ≤ 253, labels ≤ 63, "
        "whole ≤ 254; dot-atom or quoted local part"
    )
    idna: Literal["ascii", "valid", "invalid"] | None = Field(
        description="`ascii`: a plain domain; `valid`: an internationalized domain that IDNA 2008 (UTS-46) encodes; "
        "`invalid`: one it refuses; null when the syntax check stopped before the domain"
    )
    disposable: bool | None = Field(description="The domain (or a parent) is a disposable-mail provider's")
    role: bool | None = Field(description="The local part names a role (admin, info, postmaster, noreply...)")
    suppressed: bool | None = Field(description="The address is on the environment's email suppression list")
    mx: MailStatus | None = Field(
        description="`found` (MX, or A/AAAA fallback), `no_mail_server` (null MX or no records), `domain_not_found`,"
        " or `unknown` (no DNS answer in time)"
    )


class Verification(Model):
    email: str = Field(description="The address as given")
    normalized: str | None = Field(description="The address with its domain lower-cased and NFC-normalized")
    result: Result = Field(description="The worst finding: invalid, then risky, then unknown; else valid")
    reasons: list[str] = Field(description="The findings behind the result, in the decision table's order")
    detail: str | None = Field(default=None, description="Why the syntax check refused the address")
    checks: Checks


class VerificationCounts(Model):
    total: int
    valid: int
    invalid: int
    risky: int
    unknown: int


class ListVerification(Model):
    counts: VerificationCounts
    results: list[Verification] = Field(description="One per address, in the request's order")

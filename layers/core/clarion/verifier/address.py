"""An address's syntax (RFC 5321/5322 with RFC 6531's UTF-8) and its domain's IDNA form, by `email-validator`.

The library's checks are kept as they are; what is Clarion's is only the reason code each refusal is reported under,
read from the library's message (its version is pinned in the layer's requirements, and a test per code keeps them).
"""

from __future__ import annotations

from typing import NamedTuple

MAX_LOCAL_PART_OCTETS = 64  # RFC 5321 4.5.3.1.1
MAX_DOMAIN_OCTETS = 253  # RFC 1035, without the final dot
MAX_LABEL_OCTETS = 63
MAX_ADDRESS_OCTETS = 254  # RFC 5321's 256-octet path less its angle brackets


class Address(NamedTuple):
    """An address that passed: `normalized` as the library writes it (the domain lower-cased in Unicode NFC, the
    local part kept), `ascii_domain` its domain as sent on the wire (punycode for an IDNA domain)."""

    normalized: str
    local_part: str
    ascii_domain: str
    internationalized_domain: bool
    smtputf8: bool

    @property
    def ascii_address(self) -> str | None:
        """The address with its domain's A-labels; None when the local part itself needs SMTPUTF8."""
        return None if self.smtputf8 else f"{self.local_part}@{self.ascii_domain}"


class SyntaxProblem(NamedTuple):
    reason: str
    """`local_part_too_long`, `domain_too_long`, `label_too_long`, `address_too_long`, `invalid_idna` or
    `invalid_syntax`."""
    detail: str
    """The library's sentence, for the response (never logged: it may quote the address's characters)."""

    @property
    def idna(self) -> bool:
        return self.reason == "invalid_idna"


_REASONS = (
    ("too long before the @-sign", "local_part_too_long"),
    ("too long after the @-sign", "domain_too_long"),
    ("periods cannot be separated by so many characters", "label_too_long"),
    ("The email address is too long", "address_too_long"),
    ("not valid IDNA", "invalid_idna"),
)


def parse(email: str) -> Address | SyntaxProblem:
    """The address checked without any network: the local part ≤ 64 octets, the domain ≤ 253 and each label ≤ 63
    octets in its ASCII form, the whole ≤ 254; dot-atom or quoted local parts; a domain that UTS-46 maps and IDNA 2008
    encodes. Domain literals (`[192.0.2.1]`) and display names are refused: no list should carry them."""
    from email_validator import EmailSyntaxError, validate_email  # noqa: PLC0415 - ~25 ms only verifying routes pay

    try:
        found = validate_email(
            email, check_deliverability=False, allow_quoted_local=True, allow_smtputf8=True, strict=True
        )
    except EmailSyntaxError as error:
        return _problem(str(error))
    local_part = found.local_part
    if len(local_part.encode()) > MAX_LOCAL_PART_OCTETS:  # the library counts characters; RFC 5321 counts octets
        return SyntaxProblem("local_part_too_long", "The email address is too long before the @-sign.")
    return Address(
        normalized=found.normalized,
        local_part=local_part,
        ascii_domain=found.ascii_domain,
        internationalized_domain=any(label.startswith("xn--") for label in found.ascii_domain.split(".")),
        smtputf8=found.smtputf8,
    )


def _problem(message: str) -> SyntaxProblem:
    for fragment, reason in _REASONS:
        if fragment in message:
            return SyntaxProblem(reason, message)
    return SyntaxProblem("invalid_syntax", message)

"""Verifying addresses: each check's finding, and the result the decision table gives them (docs/api.md, "Email
verifier"). Independent of HTTP."""

from __future__ import annotations

from collections.abc import Sequence

from clarion.suppressions.lookup import suppressed, suppression_key
from clarion.verifier.address import Address, SyntaxProblem, parse
from clarion.verifier.kinds import is_disposable, is_role
from clarion.verifier.mail_servers import RUN_SECONDS, MailServers, mail_servers
from clarion.verifier.models import Checks, Result, Verification

NO_MAIL = ("domain_not_found", "no_mail_server")
"""MX answers that prove the address cannot receive mail: each is its own reason."""
RESULT_ORDER: tuple[Result, ...] = ("invalid", "risky", "unknown", "valid")


def verify_email(environment_id: str, email: str) -> Verification:
    return verify_emails(environment_id, [email])[0]


def verify_emails(
    environment_id: str, emails: Sequence[str], *, dns_seconds: float = RUN_SECONDS
) -> list[Verification]:
    """One verification per address, in order: the suppressions read with one BatchGetItem per 100 addresses, each
    domain's mail servers looked up once, several at a time, none waited for past `dns_seconds` in all."""
    parsed = [parse(email) for email in emails]
    keys = [_suppression_key(found) for found in parsed]
    suppressions = suppressed(environment_id, [key for key in keys if key])
    domains = [found.ascii_domain for found in parsed if isinstance(found, Address)]
    servers = mail_servers().lookup_many(domains, budget=dns_seconds)
    return [
        _verification(email, found, key in suppressions if key else False, servers[found.ascii_domain.lower()])
        if isinstance(found, Address)
        else _refused(email, found)
        for email, found, key in zip(emails, parsed, keys, strict=True)
    ]


def _suppression_key(found: Address | SyntaxProblem) -> tuple[str, str] | None:
    """Suppressions hold ASCII addresses lower-cased: an address whose local part needs SMTPUTF8 is never one."""
    if isinstance(found, SyntaxProblem) or found.ascii_address is None:
        return None
    return suppression_key("email", found.ascii_address)


def _verification(email: str, address: Address, is_suppressed: bool, servers: MailServers) -> Verification:
    checks = Checks(
        syntax="valid",
        idna="valid" if address.internationalized_domain else "ascii",
        disposable=is_disposable(address.ascii_domain),
        role=is_role(address.local_part),
        suppressed=is_suppressed,
        mx=servers.status,
    )
    findings: list[tuple[Result, str]] = []
    if servers.status in NO_MAIL:
        findings.append(("invalid", servers.status))
    if is_suppressed:
        findings.append(("invalid", "suppressed"))
    if checks.disposable:
        findings.append(("risky", "disposable"))
    if checks.role:
        findings.append(("risky", "role_account"))
    if servers.status == "unknown":
        findings.append(("unknown", "mail_servers_unknown"))
    result = min((rating for rating, _ in findings), key=RESULT_ORDER.index, default="valid")
    return Verification(
        email=email,
        normalized=address.normalized,
        result=result,
        reasons=[reason for _, reason in findings],
        checks=checks,
    )


def _refused(email: str, problem: SyntaxProblem) -> Verification:
    return Verification(
        email=email,
        normalized=None,
        result="invalid",
        reasons=[problem.reason],
        detail=problem.detail,
        checks=Checks(
            syntax="invalid",
            idna="invalid" if problem.idna else None,
            disposable=None,
            role=None,
            suppressed=None,
            mx=None,
        ),
    )

"""What kind of mailbox an address names: a disposable domain's, or a role's (a function, not a person)."""

from __future__ import annotations

from functools import cache

ROLE_LOCAL_PARTS = frozenset(
    {
        # RFC 2142's mailbox names
        "abuse", "hostmaster", "info", "marketing", "noc", "postmaster", "sales", "security", "support", "usenet",
        "uucp", "webmaster", "www",
        # the ones mail systems and companies use alike
        "admin", "administrator", "billing", "compliance", "contact", "devnull", "dns", "ftp", "help", "hr",
        "jobs", "legal", "list", "list-request", "mail", "mailer-daemon", "media", "news", "no-reply",
        "noreply", "do-not-reply", "donotreply", "null", "office", "press", "privacy", "root", "spam",
        "sysadmin", "team", "tech", "unsubscribe",
    }
)  # fmt: skip
"""Local parts that name a role: their mail reaches a team or a system, whose members did not opt in themselves."""


def is_role(local_part: str) -> bool:
    """Compared case-insensitively, without a `+tag` (`Support+eu@` is `support@`)."""
    return local_part.lower().partition("+")[0] in ROLE_LOCAL_PARTS


@cache
def _disposable_domains() -> frozenset[str]:
    # ~10,000 domains (220 KB of source): loaded by the first address checked, never at import
    from disposable_email_domains import blocklist  # noqa: PLC0415

    return frozenset(blocklist)


def is_disposable(ascii_domain: str) -> bool:
    """The domain or one of its parents is on the `disposable-email-domains` list (`x.mailinator.com` too)."""
    blocklist = _disposable_domains()
    labels = ascii_domain.lower().split(".")
    return any(".".join(labels[start:]) in blocklist for start in range(len(labels) - 1))

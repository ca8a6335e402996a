"""Whether a domain accepts mail: its MX records (RFC 5321 5.1: else its A or AAAA record; RFC 7505's null MX refuses
mail), looked up by `email-validator`'s deliverability check through dnspython, within a short deadline.

A lookup that cannot be answered is `unknown`, never a refusal: a timeout, no nameserver, or a resolver that cannot
resolve the root zone (a sandbox's resolver answers NXDOMAIN to everything). After such a failure the lookup stops
asking for a minute, so a list of addresses costs at most a few deadlines on a network without DNS.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Literal

from cachetools import TTLCache

from clarion import clock
from clarion.settings import settings

if TYPE_CHECKING:
    import dns.resolver

MailStatus = Literal["found", "no_mail_server", "domain_not_found", "unknown"]
ANSWER_SECONDS = 300.0
"""How long a domain's answer is kept (MX records' TTLs are typically an hour or more)."""
UNUSABLE_SECONDS = 60.0
"""How long the resolver is left alone after it proved unusable."""
TIMEOUTS_BEFORE_GIVING_UP = 2
"""Consecutive timeouts after which the resolver is taken as unreachable (one slow domain is not enough)."""


@dataclass(frozen=True)
class MailServers:
    status: MailStatus
    hosts: tuple[str, ...] = ()
    """The mail servers, most preferred first (the domain itself for the A/AAAA fallback)."""


UNKNOWN = MailServers("unknown")


class MailServerLookup:
    """Lookups through one resolver: `timeout` seconds each (0: never asked, every domain `unknown`), at the
    `nameservers` given (`host` or `host:port`), else the system's (/etc/resolv.conf)."""

    def __init__(self, *, timeout: float, nameservers: tuple[str, ...] = ()) -> None:
        self.timeout = timeout
        self.nameservers = nameservers
        self._answers: TTLCache[str, MailServers] = TTLCache(maxsize=4096, ttl=ANSWER_SECONDS, timer=clock.monotonic)
        self._unusable_until = float("-inf")
        self._timeouts = 0
        self._root_answers: bool | None = None
        self._made: dns.resolver.Resolver | None = None

    def lookup(self, ascii_domain: str) -> MailServers:
        domain = ascii_domain.lower()
        if (known := self._answers.get(domain)) is not None:
            return known
        if self.timeout <= 0 or clock.monotonic() < self._unusable_until:
            return UNKNOWN
        resolver = self._resolver()
        if resolver is None:
            return self._give_up()
        found = self._ask(resolver, domain)
        if found.status == "domain_not_found" and not self._resolves_root(resolver):
            return self._give_up()
        if found is UNKNOWN:
            self._timeouts += 1
            return self._give_up() if self._timeouts >= TIMEOUTS_BEFORE_GIVING_UP else UNKNOWN
        self._timeouts = 0
        self._answers[domain] = found
        return found

    def _ask(self, resolver: dns.resolver.Resolver, domain: str) -> MailServers:
        import dns.resolver  # noqa: PLC0415 - dnspython (~30 ms) only for a lookup
        from email_validator import EmailUndeliverableError  # noqa: PLC0415
        from email_validator.deliverability import validate_email_deliverability  # noqa: PLC0415

        try:
            info = validate_email_deliverability(domain, domain, dns_resolver=resolver)
        except EmailUndeliverableError as error:
            cause = error.__cause__
            if isinstance(cause, dns.resolver.NXDOMAIN):
                return MailServers("domain_not_found")
            if cause is None or isinstance(cause, dns.resolver.NoAnswer):
                return MailServers("no_mail_server")  # a null MX, no MX/A/AAAA, or `v=spf1 -all` without MX
            return UNKNOWN  # the library's catch-all: an error of the lookup, not an answer
        if "unknown-deliverability" in info:
            return UNKNOWN
        return MailServers("found", tuple(host for _preference, host in info.get("mx", [])))

    def _resolves_root(self, resolver: dns.resolver.Resolver) -> bool:
        """Whether the resolver answers for the root zone: asked once, when a domain first seems not to exist."""
        if self._root_answers is None:
            try:
                resolver.resolve(".", "SOA")
                self._root_answers = True
            except Exception:  # any failure: its NXDOMAIN answers prove nothing
                self._root_answers = False
        return bool(self._root_answers)

    def _give_up(self) -> MailServers:
        self._unusable_until = clock.monotonic() + UNUSABLE_SECONDS
        self._timeouts = 0
        self._root_answers = None
        return UNKNOWN

    def _resolver(self) -> dns.resolver.Resolver | None:
        import dns.resolver  # noqa: PLC0415

        if self._made is None:
            try:
                resolver = dns.resolver.Resolver(configure=not self.nameservers)
            except dns.resolver.NoResolverConfiguration:
                return None
            if self.nameservers:
                resolver.nameservers = [_nameserver(text) for text in self.nameservers]
            resolver.lifetime = resolver.timeout = self.timeout
            self._made = resolver
        return self._made


def _nameserver(text: str) -> dns.nameserver.Nameserver:
    import dns.nameserver  # noqa: PLC0415

    host, _, port = text.rpartition(":") if text.count(":") == 1 else (text, "", "")
    return dns.nameserver.Do53Nameserver(host or text, int(port) if port else 53)


@cache
def mail_servers() -> MailServerLookup:
    """This container's lookup, configured by `VERIFIER_DNS_TIMEOUT_SECONDS` and `VERIFIER_NAMESERVERS`."""
    config = settings()
    nameservers = tuple(name.strip() for name in config.verifier_nameservers.split(",") if name.strip())
    return MailServerLookup(timeout=config.verifier_dns_timeout_seconds, nameservers=nameservers)

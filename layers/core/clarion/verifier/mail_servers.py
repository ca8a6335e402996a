"""Whether a domain accepts mail: its MX records (RFC 5321 5.1: else its A or AAAA record; RFC 7505's null MX refuses
mail), looked up by `email-validator`'s deliverability check through dnspython, within a short deadline.

A lookup that cannot be answered is `unknown`, never a refusal: a timeout, no nameserver, or a resolver that cannot
resolve the root zone (a sandbox's resolver answers NXDOMAIN to everything). After such a failure the lookup stops
asking for a minute, so a list of addresses costs at most a few deadlines on a network without DNS.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING, Literal, NamedTuple

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
"""Unanswered lookups in a row after which the resolver is taken as unreachable (one slow domain is not enough)."""
RUN_SECONDS = 4.0
"""The most a verification waits for DNS in all, whatever the number of domains (a function's timeout is 10 s)."""
LOOKUPS_AT_ONCE = 16


class MailServers(NamedTuple):
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
        return self.lookup_many([ascii_domain])[ascii_domain.lower()]

    def lookup_many(self, ascii_domains: Iterable[str], *, budget: float = RUN_SECONDS) -> dict[str, MailServers]:
        """Each domain's answer (keyed lower-cased): the ones not kept are asked at once, `LOOKUPS_AT_ONCE` at a
        time, and none is waited for past `budget` seconds from now."""
        deadline = clock.monotonic() + budget
        answers = {domain: self._answers.get(domain) for domain in dict.fromkeys(d.lower() for d in ascii_domains)}
        wanted = [domain for domain, known in answers.items() if known is None]
        asked = self._ask_all(wanted, deadline) if wanted else {}
        if any(found.status == "domain_not_found" for found in asked.values()) and not self._resolves_root():
            asked = self._give_up(asked)  # its NXDOMAIN answers prove nothing
        answered = [domain for domain, found in asked.items() if found is not UNKNOWN]
        self._timeouts = 0 if answered else self._timeouts + len(asked)
        if self._timeouts >= TIMEOUTS_BEFORE_GIVING_UP:
            asked = self._give_up(asked)
        for domain in answered:
            self._answers[domain] = asked[domain]
        return {domain: known or asked.get(domain, UNKNOWN) for domain, known in answers.items()}

    def _ask_all(self, domains: list[str], deadline: float) -> dict[str, MailServers]:
        resolver = self._resolver() if self.timeout > 0 and clock.monotonic() >= self._unusable_until else None
        if resolver is None:
            return {}
        if len(domains) == 1:
            return {domains[0]: self._ask(resolver, domains[0], deadline)}
        from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415 - only a list of domains needs it

        round_ = _Round()

        def ask(domain: str) -> MailServers:
            if round_.given_up():  # the resolver has not answered anything yet: do not wait on it again
                return UNKNOWN
            found = self._ask(resolver, domain, deadline)
            round_.record(found is not UNKNOWN)
            return found

        with ThreadPoolExecutor(max_workers=min(LOOKUPS_AT_ONCE, len(domains))) as pool:
            return dict(zip(domains, pool.map(ask, domains), strict=True))

    def _ask(self, resolver: dns.resolver.Resolver, domain: str, deadline: float) -> MailServers:
        import dns.resolver  # noqa: PLC0415 - dnspython (~30 ms) only for a lookup
        from email_validator import EmailUndeliverableError  # noqa: PLC0415
        from email_validator.deliverability import validate_email_deliverability  # noqa: PLC0415

        left = deadline - clock.monotonic()
        if left <= 0:
            return UNKNOWN
        try:
            info = validate_email_deliverability(domain, domain, dns_resolver=_within(resolver, left))
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

    def _resolves_root(self) -> bool:
        """Whether the resolver answers for the root zone: asked once, when a domain first seems not to exist."""
        resolver = self._resolver()
        if self._root_answers is None and resolver is not None:
            try:
                resolver.resolve(".", "SOA")
                self._root_answers = True
            except Exception:  # any failure: its NXDOMAIN answers prove nothing
                self._root_answers = False
        return bool(self._root_answers)

    def _give_up(self, asked: dict[str, MailServers]) -> dict[str, MailServers]:
        """Leaves the resolver alone for a while; what it said in this round is unknown."""
        self._unusable_until = clock.monotonic() + UNUSABLE_SECONDS
        self._timeouts = 0
        self._root_answers = None
        return dict.fromkeys(asked, UNKNOWN)

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


class _Round:
    """One list's lookups running at once: once one has gone unanswered while none was answered (the others of its wave
    answer in milliseconds on a working resolver), the lookups not yet started are not asked: a resolver that cannot be
    reached costs one deadline, not one per wave."""

    def __init__(self) -> None:
        import threading  # noqa: PLC0415

        self._lock = threading.Lock()
        self._answered = self._unanswered = 0

    def record(self, answered: bool) -> None:
        with self._lock:
            if answered:
                self._answered += 1
            else:
                self._unanswered += 1

    def given_up(self) -> bool:
        with self._lock:
            return not self._answered and self._unanswered > 0


def _within(resolver: dns.resolver.Resolver, seconds: float) -> dns.resolver.Resolver:
    """The resolver, or a copy of it whose queries end within `seconds` (shorter than its own deadline)."""
    if seconds >= resolver.lifetime:
        return resolver
    import copy  # noqa: PLC0415

    bounded = copy.copy(resolver)
    bounded.lifetime = bounded.timeout = seconds
    return bounded


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

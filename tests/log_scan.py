"""The log scan: what the application wrote while the tests ran (Powertools' JSON lines on stdout, the local
runtime's logging records, anything on stderr), searched for personal data and secrets.

pytest captures each test phase's output into its report's sections; tests/conftest.py feeds every report here
(under pytest-xdist the controller receives the workers' reports, sections included) and fails the session on a
finding. One regex pass per captured section keeps it cheap.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

# What must never be logged. The literal secrets are those the tests themselves use for OAuth apps and
# integrations (tests/integration/test_chat_oauth.py, test_integrations_api.py, ...).
PATTERNS: dict[str, re.Pattern[str]] = {
    "email address": re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"),
    "phone number": re.compile(r"(?<![\w+.])\+[1-9]\d{7,14}(?![\d.])"),
    "client key": re.compile(r"\bsk_[A-Za-z0-9_-]{16,}"),
    "authorization header": re.compile(r"(?i)\b(?:bearer|apikey)\s+(?!\*)[A-Za-z0-9._~+/=-]{16,}"),
    "oauth token": re.compile(r"\bxox[abepr]-[A-Za-z0-9-]{6,}"),
    "password": re.compile(r"(?i)[\"']?\bpassword[\"']?\s*[:=]\s*[\"'](?!\*{4})[^\"']+[\"']"),
    "integration or app secret": re.compile(r"\b(?:app-secret-\d+|(?:smtp-)?pw-[0-9a-f]{8,}|smtp-password-\w+)"),
    # a one-time password: digits shortly after what names one (a rendered message, a request's `code` field), and
    # the codes the tests choose for send-own (tests/integration/test_otp_api.py)
    "one-time password": re.compile(
        r"(?i)(?:\b(?:verification code|one-time password|otp|passcode)\b|\"code\")[^\n\d]{0,24}\d{4,10}\b"
        r"|\bOWNCODE[A-Z0-9]+\b"
    ),
    # precise coordinates: those the tests send in location hits (tests/integration/test_analytics_api.py), which
    # are kept and logged to one decimal only
    "precise coordinates": re.compile(r"\b(?:48\.8566\d+|2\.3522\d+)"),
}
# What a pattern cannot match without: one of these, in the text lower-cased. Most captured output holds none of a
# pattern's, and a substring search is a small part of a regex pass: a pattern runs only on text that has one.
# Exact for ASCII text only (under (?i) a pattern's ASCII letter also matches a few others, the Kelvin sign for
# "k"), so text with other characters goes through every pattern.
NEEDS: dict[str, tuple[str, ...]] = {
    "email address": ("@",),
    "phone number": ("+",),
    "client key": ("sk_",),
    "authorization header": ("bearer", "apikey"),
    "oauth token": ("xox",),
    "password": ("password",),
    "integration or app secret": ("app-secret-", "pw-", "smtp-password-"),
    "one-time password": ("verification code", "one-time password", "otp", "passcode", '"code"', "owncode"),
    "precise coordinates": ("48.8566", "2.3522"),
}
# Logged on purpose: the stack's own sender identity (configuration, not a person's address) and the local
# stack's documentation example domain.
ALLOWED = re.compile(r"@(?:example\.invalid|clarion\.local)\b")
MAX_SHOWN = 20


@dataclass
class Finding:
    kind: str
    where: str
    excerpt: str


@dataclass
class LogScan:
    findings: list[Finding] = field(default_factory=list)
    scanned_chars: int = 0

    def scan(self, where: str, text: str) -> None:
        self.scanned_chars += len(text)
        lowered = text.lower() if text.isascii() else None
        for kind, pattern in PATTERNS.items():
            if lowered is not None and not any(needed in lowered for needed in NEEDS[kind]):
                continue
            for match in pattern.finditer(text):
                if kind == "email address" and ALLOWED.search(match.group(0)):
                    continue
                start, end = max(0, match.start() - 60), min(len(text), match.end() + 60)
                self.findings.append(Finding(kind, where, text[start:end].replace("\n", " ")))

    def scan_sections(self, where: str, sections: Iterable[tuple[str, str]]) -> None:
        """A test report's captured output: its `Captured stdout/stderr/log <phase>` sections."""
        for title, content in sections:
            if title.startswith("Captured"):
                self.scan(f"{where} ({title})", content)

    def summary(self) -> list[str]:
        lines = [f"{len(self.findings)} log line(s) hold personal data or secrets (log ids and types only):"]
        lines += [
            f"  {finding.kind} in {finding.where}: ...{finding.excerpt}..." for finding in self.findings[:MAX_SHOWN]
        ]
        if len(self.findings) > MAX_SHOWN:
            lines.append(f"  ... and {len(self.findings) - MAX_SHOWN} more")
        return lines

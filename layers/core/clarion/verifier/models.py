"""The verifier on the wire: the addresses to verify, and each one's verification."""

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from clarion.models import Model, ObjectId, Request
from clarion.tasks.models import TaskStatus
from clarion.verifier.mail_servers import MailStatus

MAX_INPUT_LENGTH = 512
"""Longer than any address can be (254 octets), so an over-long address is verified as such, not refused."""
MAX_INLINE_ADDRESSES = 1000
"""A list given in the request, at most; upload a larger one as a file (`POST /v1/files`)."""

EmailInput = Annotated[str, StringConstraints(min_length=1, max_length=MAX_INPUT_LENGTH)]
Result = Literal["valid", "invalid", "risky", "unknown"]


class VerifyEmailRequest(Request):
    email: EmailInput = Field(description="The address to verify, as a list or a form holds it")


class VerifyListRequest(Request):
    emails: list[EmailInput] | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_INLINE_ADDRESSES,
        description="The addresses themselves, at most 1,000; give this or `fileId`",
    )
    fileId: ObjectId | None = Field(
        default=None,
        description="An uploaded file (`POST /v1/files`): a CSV with an `email` column, or JSON lines with an "
        "`email` key",
    )
    format: Literal["csv", "jsonl"] | None = Field(
        default=None, description="The file's format; default: its content type's, else csv"
    )
    name: str = Field(default="verification.csv", min_length=1, max_length=255, description="The report file's name")


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
    """A list verification: the task that runs it, its results so far, and its report once completed."""

    taskId: str = Field(description="The task (`GET /v1/tasks/{taskId}` shows it too)")
    status: TaskStatus
    counts: VerificationCounts = Field(description="The addresses verified so far, by result")
    total: int | None = Field(description="Rows in the list, once known")
    refused: int = Field(description="Rows without an address (each is a line of the error report)")
    reportFileId: str | None = Field(
        description="The report (CSV, a row per address) for `GET /v1/files/{fileId}`, once completed"
    )
    errorReportFileId: str | None = Field(description="The refused rows (`row,field,reason`); null if none")
    error: str | None = Field(description="Why the verification failed as a whole")
    createdAt: str
    finishedAt: str | None

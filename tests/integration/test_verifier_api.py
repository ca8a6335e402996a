"""The email verifier (/v1/verifier) through the whole path: gateway → authorizer → verifier function → DynamoDB on
moto (the environment's suppressions) and a DNS server on loopback (MX lookups): each address rated with its reasons;
a list (given, or an uploaded file) verified by the task worker into a CSV report with its counts; bad bodies refused
naming the field; no address in the logs."""

import csv
import io
import time
from collections.abc import Iterator

import pytest

from clarion.settings import settings
from clarion.verifier import mail_servers, service
from tests.dns_stub import ROOT, StubDns, stub_dns
from tests.integration.conftest import Api

ZONE = {
    **ROOT,
    "example.com.": {"MX": ["10 mx.example.com."]},
    "xn--bcher-kva.de.": {"MX": ["5 mx.example.com."]},
    "mailinator.com.": {"MX": ["10 mail.mailinator.com."]},
}


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> Iterator[StubDns]:
    with stub_dns(ZONE) as server:
        lookup = mail_servers.MailServerLookup(timeout=1.0, nameservers=(server.address,))
        monkeypatch.setattr(service, "mail_servers", lambda: lookup)
        yield server


def verify(api: Api, email: str) -> dict:
    response = api.post("/v1/verifier/verify", {"email": email})
    assert response.status == 200, response.json()
    return response.json()["data"]


@pytest.mark.usefixtures("dns")
def test_an_address_is_rated_with_its_checks(admin: Api):
    assert verify(admin, "Ada@Example.com") == {
        "email": "Ada@Example.com",
        "normalized": "Ada@example.com",
        "result": "valid",
        "reasons": [],
        "detail": None,
        "checks": {
            "syntax": "valid",
            "idna": "ascii",
            "disposable": False,
            "role": False,
            "suppressed": False,
            "mx": "found",
        },
    }
    assert verify(admin, "ada@bücher.de")["checks"]["idna"] == "valid"


@pytest.mark.usefixtures("dns")
def test_an_address_suppressed_in_the_environment_is_invalid_and_only_there(admin: Api, other_admin: Api):
    suppression = {"channel": "email", "address": "bob@example.com"}
    assert admin.post("/v1/suppressions", {"suppressions": [suppression]}).status == 200
    found = verify(admin, "BOB@example.com")
    assert (found["result"], found["reasons"], found["checks"]["suppressed"]) == ("invalid", ["suppressed"], True)
    assert verify(other_admin, "bob@example.com")["result"] == "valid"


@pytest.mark.usefixtures("dns")
def test_syntax_errors_disposable_and_role_addresses_are_answered_not_refused(admin: Api):
    too_long = verify(admin, f"{'a' * 65}@example.com")
    assert (too_long["result"], too_long["reasons"], too_long["checks"]["mx"]) == (
        "invalid",
        ["local_part_too_long"],
        None,
    )
    assert too_long["detail"].startswith("The email address is too long before the @-sign")
    risky = verify(admin, "info@mailinator.com")
    assert (risky["result"], risky["reasons"]) == ("risky", ["disposable", "role_account"])


def report_rows(api: Api, file_id: str) -> list[dict[str, str]]:
    with api.runtime.registry.environment_of("TasksFunction"):
        from clarion.files.storage import FileObjects, object_key

        content = FileObjects().read(object_key(api.environment_id, file_id)).decode()
    return list(csv.DictReader(io.StringIO(content)))


def upload(api: Api, content: str, content_type: str = "text/csv") -> str:
    """A file uploaded as a client would (`POST /v1/files`, then its bytes at the upload URL's key)."""
    ticket = api.post("/v1/files", {"name": "addresses.csv", "contentType": content_type})
    assert ticket.status == 201, ticket.json()
    file_id: str = ticket.json()["data"]["_id"]
    with api.runtime.registry.environment_of("TasksFunction"):
        from clarion.files.storage import FileObjects, object_key

        FileObjects().put(object_key(api.environment_id, file_id), content.encode(), content_type)
    return file_id


def verified(api: Api, body: dict) -> dict:
    started = api.post("/v1/verifier/lists", body)
    assert started.status == 202, started.json()
    assert started.json()["data"]["status"] == "queued"
    api.runtime.drain()
    response = api.get(f"/v1/verifier/lists/{started.json()['data']['taskId']}")
    assert response.status == 200, response.json()
    data: dict = response.json()["data"]
    assert data["status"] == "completed", data
    return data


@pytest.mark.usefixtures("dns")
def test_a_list_is_verified_in_a_task_whose_report_has_a_row_per_address(admin: Api):
    emails = ["ada@example.com", "not an address", "postmaster@example.com", "ada@nowhere.example"]
    data = verified(admin, {"emails": emails, "name": "march.csv"})
    assert data["counts"] == {"total": 4, "valid": 1, "invalid": 2, "risky": 1, "unknown": 0}
    assert (data["total"], data["refused"], data["errorReportFileId"]) == (4, 0, None)
    rows = report_rows(admin, data["reportFileId"])
    assert [(r["row"], r["email"], r["result"], r["reasons"]) for r in rows] == [
        ("2", "ada@example.com", "valid", ""),
        ("3", "not an address", "invalid", "invalid_syntax"),
        ("4", "postmaster@example.com", "risky", "role_account"),
        ("5", "ada@nowhere.example", "invalid", "domain_not_found"),
    ]
    assert rows[0] == {
        "row": "2",
        "email": "ada@example.com",
        "normalized": "ada@example.com",
        "result": "valid",
        "reasons": "",
        "syntax": "valid",
        "idna": "ascii",
        "disposable": "false",
        "role": "false",
        "suppressed": "false",
        "mx": "found",
        "detail": "",
    }
    report = admin.get(f"/v1/files/{data['reportFileId']}").json()["data"]
    assert (report["name"], report["purpose"], report["contentType"]) == ("march.csv", "report", "text/csv")
    task = admin.get(f"/v1/tasks/{data['taskId']}").json()["data"]
    assert (task["kind"], task["resultFileId"]) == ("verify", data["reportFileId"])
    assert admin.get("/v1/suppressions?channel=email").json()["totalCount"] == 0  # verifying suppresses nothing


@pytest.mark.usefixtures("dns")
def test_an_uploaded_file_is_verified_and_its_rows_without_an_address_are_reported(admin: Api):
    file_id = upload(admin, "name,email\nAda,ada@example.com\nBob,\nEve,eve@mailinator.com\n")
    data = verified(admin, {"fileId": file_id})
    assert data["counts"] == {"total": 2, "valid": 1, "invalid": 0, "risky": 1, "unknown": 0}
    assert (data["total"], data["refused"]) == (3, 1)
    assert report_rows(admin, data["errorReportFileId"]) == [{"row": "3", "field": "email", "reason": "is missing"}]
    assert [r["email"] for r in report_rows(admin, data["reportFileId"])] == ["ada@example.com", "eve@mailinator.com"]


@pytest.mark.usefixtures("dns")
def test_the_email_column_is_found_whatever_its_case_and_a_file_without_one_fails_at_once(admin: Api):
    data = verified(admin, {"fileId": upload(admin, "Name,EMAIL\nAda,ada@example.com\n")})
    assert data["counts"]["valid"] == 1
    started = admin.post("/v1/verifier/lists", {"fileId": upload(admin, "name,mail\nAda,ada@example.com\n")})
    admin.runtime.drain()
    failed = admin.get(f"/v1/verifier/lists/{started.json()['data']['taskId']}").json()["data"]
    assert (failed["status"], failed["error"], failed["reportFileId"]) == (
        "failed",
        "the file has no email column",
        None,
    )


@pytest.mark.usefixtures("dns")
def test_a_json_lines_file_is_read_by_its_email_key(admin: Api):
    file_id = upload(admin, '{"email": "ada@example.com"}\n{"email": 7}\n', "application/x-ndjson")
    data = verified(admin, {"fileId": file_id})
    assert (data["counts"]["valid"], data["refused"]) == (1, 1)
    assert report_rows(admin, data["errorReportFileId"]) == [
        {"row": "2", "field": "email", "reason": "is not a string"}
    ]


def test_a_list_verification_is_another_environments_404_and_so_is_a_task_of_another_kind(admin: Api, other_admin: Api):
    started = admin.post("/v1/verifier/lists", {"emails": ["ada@example.com"]}).json()["data"]
    missing = other_admin.get(f"/v1/verifier/lists/{started['taskId']}")
    assert missing.status == 404, missing.json()
    assert "taskId" in missing.json()["errors"]
    export = admin.post("/v1/exports", {"source": "all"})
    assert export.status == 202, export.json()
    assert admin.get(f"/v1/verifier/lists/{export.json()['data']['_id']}").status == 404
    admin.runtime.drain()


def test_a_file_not_uploaded_or_given_with_the_addresses_is_refused_naming_the_field(admin: Api):
    ticket = admin.post("/v1/files", {"name": "later.csv", "contentType": "text/csv"}).json()["data"]
    cases = [
        ({"fileId": ticket["_id"]}, 422, "fileId"),
        ({"fileId": ticket["_id"], "emails": ["ada@example.com"]}, 422, "emails"),
        ({}, 422, "emails"),
        ({"emails": ["ada@example.com"], "format": "csv"}, 422, "format"),
        ({"fileId": "0" * 24}, 404, "fileId"),
    ]
    for body, status, field in cases:
        response = admin.post("/v1/verifier/lists", body)
        assert response.status == status, (body, response.json())
        assert field in response.json()["errors"], (body, response.json())


def test_without_a_dns_answer_the_mail_servers_are_unknown_within_the_configured_deadline(
    admin: Api, monkeypatch: pytest.MonkeyPatch
):
    """The functions' own configuration (VERIFIER_NAMESERVERS, VERIFIER_DNS_TIMEOUT_SECONDS) at a silent server."""
    with stub_dns({}, silent=True) as silent:
        monkeypatch.setenv("VERIFIER_NAMESERVERS", silent.address)
        monkeypatch.setenv("VERIFIER_DNS_TIMEOUT_SECONDS", "0.5")
        settings.cache_clear()
        mail_servers.mail_servers.cache_clear()
        try:
            started = time.monotonic()
            single = verify(admin, "ada@example.com")
            elapsed = time.monotonic() - started
            listed = verified(admin, {"emails": [f"ada@d{n}.example" for n in range(20)]})
        finally:
            monkeypatch.undo()
            settings.cache_clear()
            mail_servers.mail_servers.cache_clear()
    assert (single["result"], single["reasons"], single["checks"]["mx"]) == (
        "unknown",
        ["mail_servers_unknown"],
        "unknown",
    )
    assert silent.queries
    assert elapsed < 0.5 + 1.0
    assert listed["counts"] == {"total": 20, "valid": 0, "invalid": 0, "risky": 0, "unknown": 20}


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/v1/verifier/verify", {}, "email"),
        ("/v1/verifier/verify", {"email": ""}, "email"),
        ("/v1/verifier/verify", {"email": "a@example.com", "extra": 1}, "extra"),
        ("/v1/verifier/verify", {"email": "a" * 513}, "email"),
        ("/v1/verifier/lists", {"emails": []}, "emails"),
        ("/v1/verifier/lists", {"emails": ["a@example.com"] * 1001}, "emails"),
        ("/v1/verifier/lists", {"emails": ["a@example.com", 7]}, "emails[1]"),
    ],
)
def test_a_bad_body_is_a_422_naming_the_field(admin: Api, path: str, body: dict, field: str):
    response = admin.post(path, body)
    assert response.status == 422, response.json()
    assert field in response.json()["errors"], response.json()


@pytest.mark.usefixtures("dns")
def test_no_address_reaches_the_logs(admin: Api, function_logs: io.StringIO):
    verify(admin, "secret.person@example.com")
    verified(admin, {"emails": ["hidden.person@example.com", "bad@@example.com"]})
    logged = function_logs.getvalue()
    assert "secret.person" not in logged
    assert "hidden.person" not in logged

"""Files, imports, exports and tasks through the whole path: a file uploaded to its presigned URL, an import task run
by the task worker from the tasks queue to completion (continuing in new invocations), its error report downloaded,
the same import again changing nothing (unless the file was put again with other content), and an export read back
and compared."""

import csv
import io
import json
from typing import Any

import pytest
import requests

from local.runtime import LocalRuntime
from tests.integration.conftest import Api


def upload(api: Api, content: bytes, name: str = "people.csv", content_type: str = "text/csv") -> str:
    response = api.post("/v1/files", {"name": name, "contentType": content_type})
    assert response.status == 201, response.json()
    ticket = response.json()["data"]
    put = requests.put(ticket["uploadUrl"], data=content, headers=ticket["headers"], timeout=10)
    assert put.status_code == 200, put.text
    file_id: str = ticket["_id"]
    return file_id


def run_import(runtime: LocalRuntime, api: Api, body: dict[str, Any], status: int = 202) -> dict[str, Any]:
    response = api.post("/v1/imports", body)
    assert response.status == status, response.json()
    runtime.drain()
    return task_of(api, response.json()["data"]["_id"])


def task_of(api: Api, task_id: str) -> dict[str, Any]:
    response = api.get(f"/v1/tasks/{task_id}")
    assert response.status == 200, response.json()
    task: dict[str, Any] = response.json()["data"]
    return task


def download(api: Api, file_id: str) -> bytes:
    response = api.get(f"/v1/files/{file_id}")
    assert response.status == 200, response.json()
    got = requests.get(response.json()["data"]["downloadUrl"], timeout=10)
    assert got.status_code == 200
    return got.content


def catalogue(api: Api, name: str, kind: str) -> None:
    response = api.post("/v1/attributes", {"name": name, "type": kind})
    assert response.status == 201, response.json()


def profile(api: Api, subscriber_id: str) -> dict[str, Any]:
    response = api.get(f"/v1/subscribers/{subscriber_id}")
    assert response.status == 200, response.json()
    data: dict[str, Any] = response.json()["data"]
    return data


def test_a_csv_uploaded_to_its_url_imports_profiles_with_attributes_into_a_list(
    runtime: LocalRuntime, admin: Api
) -> None:
    catalogue(admin, "plan", "string")
    catalogue(admin, "seats", "number")
    catalogue(admin, "beta", "boolean")
    listed = admin.post("/v1/lists", {"name": "Imported"}).json()["data"]
    content = (
        "\ufeffid,E-mail,First name,plan,seats,beta\r\n"
        'ann,ann@example.com,"Ann, Jr.",pro,3,yes\r\n'
        'bob,bob@example.com,Bob,"free\r\nplan",1,no\r\n'
    ).encode()
    file_id = upload(admin, content)
    mapping = {
        "id": "subscriberId",
        "E-mail": "email",
        "First name": "firstName",
        "plan": "attributes.plan",
        "seats": "attributes.seats",
        "beta": "attributes.beta",
    }
    task = run_import(
        runtime, admin, {"type": "profiles", "fileId": file_id, "mapping": mapping, "listId": listed["_id"]}
    )

    assert task["status"] == "completed", task
    assert task["progress"] == {"done": 2, "total": 2}
    assert task["counts"] == {"created": 2, "updated": 0, "failed": 0}
    assert task["errorReportFileId"] is None and task["startedAt"] and task["finishedAt"]
    ann, bob = profile(admin, "ann"), profile(admin, "bob")
    assert (ann["email"], ann["firstName"], ann["attributes"]) == (
        "ann@example.com",
        "Ann, Jr.",
        {"plan": "pro", "seats": 3, "beta": True},
    )
    assert bob["attributes"] == {"plan": "free\r\nplan", "seats": 1, "beta": False}  # a quoted field across lines
    members = admin.get(f"/v1/lists/{listed['_id']}/items?page=0&limit=10").json()
    assert sorted(m["subscriberId"] for m in members["data"]) == ["ann", "bob"] and members["totalCount"] == 2


def test_each_malformed_row_is_reported_with_its_number_and_field_and_the_good_rows_are_imported(
    runtime: LocalRuntime, admin: Api
) -> None:
    catalogue(admin, "plan", "string")
    rows = [
        b"subscriberId,email,attributes.plan,attributes.colour\n",
        b"good1,good1@example.com,pro,\n",
        b"short,short@example.com\n",  # row 3: wrong column count
        b"bad-email,not-an-email,pro,\n",  # row 4
        b"colour,colour@example.com,pro,red\n",  # row 5: an attribute not in the catalogue
        b"big,big@example.com," + b"x" * (1024 * 1024) + b",\n",  # row 6: a 1 MB field
        b"latin,caf\xe9@example.com,pro,\n",  # row 7: not UTF-8
        b"good2,good2@example.com,free,\n",
    ]
    task = run_import(runtime, admin, {"type": "profiles", "fileId": upload(admin, b"".join(rows))})

    assert task["status"] == "completed", task
    assert task["counts"] == {"created": 2, "updated": 0, "failed": 5}
    assert task["progress"] == {"done": 7, "total": 7}
    report = list(csv.reader(io.StringIO(download(admin, task["errorReportFileId"]).decode())))
    assert report[0] == ["row", "field", "reason"]
    assert [(row, field) for row, field, _ in report[1:]] == [
        ("3", "row"),
        ("4", "email"),
        ("5", "attributes.colour"),
        ("6", "row"),
        ("7", "row"),
    ]
    reasons = {row: reason for row, _, reason in report[1:]}
    assert "2 fields, the header 4" in reasons["3"] and "UTF-8" in reasons["7"] and "bytes" in reasons["6"]
    assert "not-an-email" not in download(admin, task["errorReportFileId"]).decode()  # no value, only the reason
    assert profile(admin, "good2")["attributes"] == {"plan": "free"}
    assert admin.get("/v1/subscribers/short").status == 404


def test_the_same_import_again_answers_its_first_task_and_changes_nothing(runtime: LocalRuntime, admin: Api) -> None:
    file_id = upload(admin, b"subscriberId,email\nsame,same@example.com\n")
    first = run_import(runtime, admin, {"type": "profiles", "fileId": file_id})
    before = profile(admin, "same")

    again = run_import(runtime, admin, {"type": "profiles", "fileId": file_id})

    assert again["_id"] == first["_id"] and again["counts"] == {"created": 1, "updated": 0, "failed": 0}
    assert profile(admin, "same")["updatedAt"] == before["updatedAt"]
    assert len(admin.get("/v1/tasks?limit=10").json()["data"]) == 1


def test_a_file_put_again_with_other_content_is_a_new_import_and_the_same_content_its_first_task(
    runtime: LocalRuntime, admin: Api
) -> None:
    response = admin.post("/v1/files", {"name": "people.csv", "contentType": "text/csv"})
    ticket = response.json()["data"]

    def put(content: bytes) -> None:  # the same presigned URL, within its validity
        answer = requests.put(ticket["uploadUrl"], data=content, headers=ticket["headers"], timeout=10)
        assert answer.status_code == 200, answer.text

    body = {"type": "profiles", "fileId": ticket["_id"]}
    first_content = b"subscriberId,email\nann,ann@example.com\n"
    put(first_content)
    first = run_import(runtime, admin, body)
    put(b"subscriberId,email\nbob,bob@example.com\ncid,cid@example.com\n")

    second = run_import(runtime, admin, body)

    assert second["_id"] != first["_id"]
    assert second["status"] == "completed" and second["counts"] == {"created": 2, "updated": 0, "failed": 0}
    assert profile(admin, "cid")["email"] == "cid@example.com"
    assert run_import(runtime, admin, body)["_id"] == second["_id"]  # the same content again: its first task
    put(first_content)
    assert run_import(runtime, admin, body)["_id"] == first["_id"]
    assert len(admin.get("/v1/tasks?limit=10").json()["data"]) == 2


def test_an_import_continues_in_new_invocations_without_counting_a_row_twice(
    runtime: LocalRuntime, admin: Api, monkeypatch: pytest.MonkeyPatch, function_logs: io.StringIO
) -> None:
    monkeypatch.setitem(runtime.registry.functions["TaskWorkerFunction"].environment, "TASK_ROWS_PER_INVOCATION", "1")
    lines = [json.dumps({"subscriberId": f"p{n}", "email": f"p{n}@example.com"}) for n in range(7)]
    content = ("\n".join(lines) + "\n").encode()
    file_id = upload(admin, content, "people.jsonl", "application/x-ndjson")
    task = run_import(runtime, admin, {"type": "profiles", "fileId": file_id})

    assert task["status"] == "completed" and task["counts"] == {"created": 7, "updated": 0, "failed": 0}
    worked = [json.loads(line) for line in function_logs.getvalue().splitlines() if '"task worked"' in line]
    assert [entry["state"] for entry in worked] == ["continued"] * 7 + ["finished"]  # a row an invocation
    count = admin.get("/v1/subscribers?page=0&limit=100").json()["totalCount"]
    assert count == 7


def test_suppression_entries_import_inline_through_the_suppression_list(runtime: LocalRuntime, admin: Api) -> None:
    content = (
        '{"channel": "email", "address": "Gone@Example.com", "reason": "bounce"}\n'
        '{"channel": "sms", "address": "nope"}\n'
    )
    task = run_import(runtime, admin, {"type": "suppressions", "content": content, "format": "jsonl"})

    assert task["counts"] == {"created": 1, "updated": 0, "failed": 1}
    found = admin.get("/v1/suppressions/email/gone%40example.com")
    assert found.status == 200 and found.json()["data"]["source"] == "import"


def test_a_list_export_reads_back_as_its_members_profiles(runtime: LocalRuntime, admin: Api) -> None:
    catalogue(admin, "tags", "list")
    listed = admin.post("/v1/lists", {"name": "Export"}).json()["data"]
    content = b"subscriberId,email,firstName,attributes.tags\na1,a1@example.com,Ann,x|y\nb2,b2@example.com,Bob,\n"
    run_import(runtime, admin, {"type": "profiles", "fileId": upload(admin, content), "listId": listed["_id"]})
    admin.post("/v1/subscribers", {"subscriberId": "outsider"})

    response = admin.post(
        "/v1/exports",
        {
            "source": "list",
            "listId": listed["_id"],
            "fields": ["subscriberId", "email", "firstName", "attributes.tags"],
        },
    )
    assert response.status == 202, response.json()
    runtime.drain()
    task = task_of(admin, response.json()["data"]["_id"])

    assert task["status"] == "completed" and task["counts"]["created"] == 2
    exported = download(admin, task["resultFileId"]).decode()
    assert exported == (
        "subscriberId,email,firstName,attributes.tags\na1,a1@example.com,Ann,x|y\nb2,b2@example.com,Bob,\n"
    )


def test_another_environment_sees_none_of_the_files_or_tasks(
    admin: Api, other_admin: Api, runtime: LocalRuntime
) -> None:
    file_id = upload(admin, b"subscriberId\nmine\n")
    task = run_import(runtime, admin, {"type": "profiles", "fileId": file_id})

    assert other_admin.get(f"/v1/files/{file_id}").status == 404
    assert other_admin.get(f"/v1/tasks/{task['_id']}").status == 404
    assert other_admin.get("/v1/tasks").json()["data"] == []
    refused = other_admin.post("/v1/imports", {"type": "profiles", "fileId": file_id})
    assert refused.status == 404 and other_admin.get("/v1/subscribers/mine").status == 404

"""One-time passwords through the whole path: gateway → authorizer → OTP function → DynamoDB, SNS and SES on moto.
A code reaches the phone (SNS) or the mailbox (SES), validates once, and appears in no answer, history or log;
wrong codes lock it; an unknown recipient answers exactly as a wrong code; it expires on the runtime clock; a new
send replaces it; resends wait; each route needs its own scope; another environment's key reads none of it."""

import io
import re
import uuid
from typing import Any

from local.runtime import LocalRuntime
from tests.integration.conftest import Api
from tests.integration.support.delivery import emails_with_subject, new_phone, texts_to


def send(api: Api, recipient: dict[str, str], path: str = "/v1/otp/send", **fields: Any) -> dict[str, Any]:
    response = api.post(path, {"recipient": recipient, **fields})
    assert response.status == 201, response.json()
    return response.json()["data"]


def code_of(text: str) -> str:
    found = re.search(r"\b(\d{6})\b", text)
    assert found is not None
    return found.group(1)


def validate(api: Api, recipient: dict[str, str], code: str) -> Any:
    return api.post("/v1/otp/validate", {"recipient": recipient, "code": code})


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_a_code_texted_by_sms_validates_once_and_no_answer_or_log_shows_it(
    admin: Api, runtime: LocalRuntime, function_logs: io.StringIO
) -> None:
    phone = new_phone()
    otp = send(admin, {"phone": phone}, purpose="login")
    [text] = texts_to(runtime, phone)
    code = code_of(text)
    assert "expires in 5 minutes" in text
    assert (otp["channel"], otp["status"], otp["attempts"]) == ("sms", "sent", 0)
    assert validate(admin, {"phone": phone}, code).json() == {"data": {"valid": False}}  # another purpose
    response = admin.post("/v1/otp/validate", {"recipient": {"phone": phone}, "purpose": "login", "code": code})
    assert (response.status, response.json()) == (200, {"data": {"valid": True}})
    again = admin.post("/v1/otp/validate", {"recipient": {"phone": phone}, "purpose": "login", "code": code})
    assert again.json() == {"data": {"valid": False}}
    shown = admin.get(f"/v1/otp/{otp['_id']}")
    assert shown.json()["data"]["status"] == "validated" and code not in shown.text
    history = admin.get("/v1/otp/history?page=0&limit=10")
    assert [o["_id"] for o in history.json()["data"]] == [otp["_id"]] and code not in history.text
    assert code not in function_logs.getvalue()


def test_a_code_mailed_through_ses_with_the_callers_template(admin: Api, runtime: LocalRuntime) -> None:
    subject = f"Sign in {uuid.uuid4().hex[:8]}"
    template = {"subject": subject, "body": "<p>Your code for {{ purpose }}: <b>{{ code }}</b></p>"}
    send(admin, {"email": "otp-reader@example.com"}, template=template)
    [mail] = emails_with_subject(runtime, subject)
    code = code_of(mail.body)
    assert validate(admin, {"email": "otp-reader@example.com"}, code).json() == {"data": {"valid": True}}


def test_brute_force_locks_the_code_and_an_unknown_recipient_answers_as_a_wrong_code(
    admin: Api, runtime: LocalRuntime
) -> None:
    phone = new_phone()
    otp = send(admin, {"phone": phone}, maxAttempts=3)
    code = code_of(texts_to(runtime, phone)[0])
    wrong_answers = [validate(admin, {"phone": phone}, wrong(code)) for _ in range(3)]
    unknown = validate(admin, {"phone": new_phone()}, wrong(code))
    assert {(r.status, r.text) for r in [*wrong_answers, unknown]} == {(200, '{"data":{"valid":false}}')}
    assert validate(admin, {"phone": phone}, code).json() == {"data": {"valid": False}}
    locked = admin.get(f"/v1/otp/{otp['_id']}").json()["data"]
    assert (locked["status"], locked["attempts"], locked["maxAttempts"]) == ("locked", 3, 3)


def test_a_code_expires_on_the_runtime_clock(admin: Api, runtime: LocalRuntime) -> None:
    phone = new_phone()
    otp = send(admin, {"phone": phone}, expiresInSeconds=60)
    code = code_of(texts_to(runtime, phone)[0])
    runtime.clock.advance(61)
    assert validate(admin, {"phone": phone}, code).json() == {"data": {"valid": False}}
    assert admin.get(f"/v1/otp/{otp['_id']}").json()["data"]["status"] == "expired"


def test_a_new_send_replaces_the_code_and_resends_wait_with_retry_after(admin: Api, runtime: LocalRuntime) -> None:
    phone = new_phone()
    first = send(admin, {"phone": phone})
    refused = admin.post("/v1/otp/send", {"recipient": {"phone": phone}})
    assert refused.status == 429 and 0 < int(refused.headers["retry-after"]) <= 30
    assert "recipient" in refused.json()["errors"]
    runtime.clock.advance(31)
    send(admin, {"phone": phone})
    old, new = (code_of(text) for text in texts_to(runtime, phone))
    assert admin.get(f"/v1/otp/{first['_id']}").json()["data"]["status"] == "invalidated"
    if old != new:
        assert validate(admin, {"phone": phone}, old).json() == {"data": {"valid": False}}
    assert validate(admin, {"phone": phone}, new).json() == {"data": {"valid": True}}


def test_send_own_texts_the_callers_code_without_echoing_it(
    admin: Api, runtime: LocalRuntime, function_logs: io.StringIO
) -> None:
    phone = new_phone()
    own = "OWNCODE" + uuid.uuid4().hex[:5].upper()
    response = admin.post("/v1/otp/send-own", {"recipient": {"phone": phone}, "code": own})
    assert response.status == 201 and own not in response.text and response.json()["data"]["ownCode"] is True
    assert own in texts_to(runtime, phone)[0]
    assert validate(admin, {"phone": phone}, own).json() == {"data": {"valid": True}}
    assert own not in function_logs.getvalue()


def test_each_route_needs_its_scope_and_bad_input_names_the_field(admin: Api) -> None:
    validator = admin.client("verifier", ["otp:validate"])
    refused = validator.post("/v1/otp/send", {"recipient": {"phone": new_phone()}})
    assert refused.status == 403 and refused.json()["errors"]["scope"]["value"] == "otp:send"
    assert validator.get("/v1/otp/history").status == 403
    assert validate(validator, {"phone": new_phone()}, "123456").json() == {"data": {"valid": False}}
    both = admin.post("/v1/otp/send", {"recipient": {"phone": new_phone(), "email": "a@example.com"}})
    assert both.status == 422 and "recipient" in both.json()["errors"]
    no_code = admin.post("/v1/otp/send", {"recipient": {"phone": new_phone()}, "template": {"body": "Hi"}})
    assert no_code.status == 422 and "template.body" in no_code.json()["errors"]
    assert admin.get("/v1/otp/0123456789abcdef01234567").status == 404


def test_another_environment_reads_and_validates_nothing(admin: Api, other_admin: Api, runtime: LocalRuntime) -> None:
    phone = new_phone()
    otp = send(admin, {"phone": phone})
    code = code_of(texts_to(runtime, phone)[0])
    assert other_admin.get(f"/v1/otp/{otp['_id']}").status == 404
    assert other_admin.get("/v1/otp/history").json()["data"] == []
    assert validate(other_admin, {"phone": phone}, code).json() == {"data": {"valid": False}}
    assert validate(admin, {"phone": phone}, code).json() == {"data": {"valid": True}}

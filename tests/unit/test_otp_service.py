"""clarion.otp on the in-memory store: a sent code is kept only as a salted hash and validates once; a wrong code
counts an attempt and the last allowed one locks the code; an unknown recipient answers as a wrong code after the
same hashing work; the code expires on the layer's clock; a new send invalidates the old code; sends to one recipient
are throttled; the history shows who, when, channel, status and attempts, never the code."""

import re
import uuid
from typing import Any

import pytest

from clarion.errors import NotFound, TooManyRequests, ValidationFailed
from clarion.otp import codes, service
from clarion.otp.models import SendOtpRequest, SendOwnOtpRequest, ValidateOtpRequest
from clarion.otp.repository import OtpRepository
from clarion.principal import Principal

NOW = 1_780_000_000.0


@pytest.fixture
def caller(memory_tables: dict[str, str]) -> Principal:
    return Principal(client_id="client", environment_id=uuid.uuid4().hex, scopes=frozenset())


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The records handed to the providers (the default provider's call is replaced)."""
    records: list[dict[str, Any]] = []
    monkeypatch.setattr("clarion.delivery.routing.send", lambda channel, record: records.append(record) or "m-1")
    return records


@pytest.fixture
def hashes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The codes hashed (the hashing work done), in order."""
    calls: list[str] = []
    real = codes.hash_code

    def counted(code: str, salt: str) -> str:
        calls.append(code)
        return real(code, salt)

    monkeypatch.setattr(codes, "hash_code", counted)
    return calls


def send(caller: Principal, phone: str = "+14155550100", **fields: Any) -> str:
    """Sends a code by SMS; its id (the code is in the message handed to the provider)."""
    return service.send_otp(caller, SendOtpRequest.model_validate({"recipient": {"phone": phone}, **fields})).id


def code_in(record: dict[str, Any]) -> str:
    found = re.search(r"\b(\d{4,10})\b", record["content"].get("body") or record["content"]["text"])
    assert found is not None
    return found.group(1)


def validate(caller: Principal, code: str, phone: str = "+14155550100", purpose: str = "default") -> bool:
    request = ValidateOtpRequest.model_validate({"recipient": {"phone": phone}, "purpose": purpose, "code": code})
    return service.validate_otp(caller, request)


def wrong(code: str) -> str:
    return str((int(code) + 1) % 10 ** len(code)).zfill(len(code))


def test_a_sent_code_validates_once_and_is_stored_only_as_a_salted_hash(
    caller: Principal, sent: list[dict[str, Any]], use_clock
) -> None:
    use_clock(NOW)
    otp_id = send(caller)
    code = code_in(sent[0])
    assert sent[0]["to"] == {"phone": "+14155550100"} and len(code) == 6
    stored = OtpRepository().get(caller.environment_id, otp_id)
    assert stored is not None and code not in str(stored)
    assert stored["codeHash"] == codes.hash_code(code, stored["salt"])
    assert validate(caller, code) is True
    assert validate(caller, code) is False  # used
    shown = service.get_otp(caller, otp_id)
    assert (shown.status, shown.attempts) == ("validated", 1)
    assert code not in shown.model_dump_json()


def test_wrong_codes_count_attempts_and_the_last_allowed_one_locks_the_code(
    caller: Principal, sent: list[dict[str, Any]], use_clock
) -> None:
    use_clock(NOW)
    otp_id = send(caller, maxAttempts=3)
    code = code_in(sent[0])
    assert [validate(caller, wrong(code)) for _ in range(3)] == [False, False, False]
    assert service.get_otp(caller, otp_id).status == "locked"
    assert validate(caller, code) is False  # the right code no longer opens a locked one
    assert service.get_otp(caller, otp_id).attempts == 3


def test_an_unknown_recipient_answers_as_a_wrong_code_after_the_same_hashing_work(
    caller: Principal, sent: list[dict[str, Any]], hashes: list[str], use_clock
) -> None:
    use_clock(NOW)
    send(caller)
    code = code_in(sent[0])
    hashes.clear()
    assert validate(caller, wrong(code)) is False
    assert validate(caller, wrong(code), phone="+14155550199") is False
    assert hashes == [wrong(code), wrong(code)]  # one scrypt each: no shortcut for the unknown recipient


def test_a_code_expires_on_the_layer_clock(caller: Principal, sent: list[dict[str, Any]], use_clock) -> None:
    moment = use_clock(NOW)
    otp_id = send(caller, expiresInSeconds=60)
    code = code_in(sent[0])
    moment.advance(seconds=61)
    assert service.get_otp(caller, otp_id).status == "expired"
    assert validate(caller, code) is False


def test_a_new_send_invalidates_the_previous_code_of_the_recipient_and_purpose(
    caller: Principal, sent: list[dict[str, Any]], use_clock
) -> None:
    moment = use_clock(NOW)
    first = send(caller)
    moment.advance(seconds=31)
    send(caller)
    old, new = code_in(sent[0]), code_in(sent[1])
    assert service.get_otp(caller, first).status == "invalidated"
    if old != new:
        assert validate(caller, old) is False
    assert validate(caller, new) is True


def test_sends_to_one_recipient_are_throttled_with_the_seconds_to_wait(
    caller: Principal, sent: list[dict[str, Any]], use_clock
) -> None:
    moment = use_clock(NOW)
    send(caller)
    moment.advance(seconds=10)
    with pytest.raises(TooManyRequests) as refused:
        send(caller)
    assert refused.value.retry_after == 20
    send(caller, purpose="payment")  # another purpose has its own code and throttle
    for _ in range(service.SENDS_PER_HOUR - 1):
        moment.advance(seconds=31)
        send(caller)
    moment.advance(seconds=31)
    with pytest.raises(TooManyRequests):
        send(caller)
    assert len(sent) == service.SENDS_PER_HOUR + 1


def test_send_own_sends_the_callers_code_and_never_answers_it(
    caller: Principal, sent: list[dict[str, Any]], use_clock
) -> None:
    use_clock(NOW)
    request = SendOwnOtpRequest.model_validate(
        {"recipient": {"email": "ana@example.com"}, "code": "A1B2C3", "template": {"body": "Code: {{ code }}"}}
    )
    otp = service.send_otp(caller, request)
    assert sent[0]["content"]["text"] == "Code: A1B2C3" and sent[0]["to"] == {"email": "ana@example.com"}
    assert "A1B2C3" not in otp.model_dump_json() and otp.channel == "email" and otp.ownCode
    assert service.validate_otp(
        caller, ValidateOtpRequest.model_validate({"recipient": {"email": "ANA@example.com"}, "code": "A1B2C3"})
    )


def test_a_template_that_does_not_show_the_code_is_refused_naming_the_field(
    caller: Principal, sent: list[dict[str, Any]]
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        send(caller, template={"body": "Hello"})
    assert refused.value.field == "template.body" and sent == []


def test_a_subscriber_recipient_gets_the_code_at_its_profile_address(
    caller: Principal, sent: list[dict[str, Any]], use_clock
) -> None:
    from clarion.subscribers.repository import SubscribersRepository

    use_clock(NOW)
    profile = {"id": uuid.uuid4().hex[:24], "environmentId": caller.environment_id, "subscriberId": "sub-1"}
    SubscribersRepository().put_many(caller.environment_id, [profile | {"email": "sub@example.com"}], created=1)
    otp = service.send_otp(caller, SendOtpRequest.model_validate({"recipient": {"subscriberId": "sub-1"}}))
    assert otp.channel == "email" and sent[0]["to"] == {"email": "sub@example.com"}
    by_sms = SendOtpRequest.model_validate({"recipient": {"subscriberId": "sub-1"}, "channel": "sms"})
    with pytest.raises(ValidationFailed) as refused:
        service.send_otp(caller, by_sms)
    assert refused.value.field == "channel"
    with pytest.raises(ValidationFailed) as unknown:
        service.send_otp(caller, SendOtpRequest.model_validate({"recipient": {"subscriberId": "nobody"}}))
    assert unknown.value.field == "recipient.subscriberId"


def test_the_history_lists_newest_first_without_codes_in_the_callers_environment_only(
    caller: Principal, sent: list[dict[str, Any]], use_clock
) -> None:
    use_clock(NOW, step=1.0)  # ids sort by their second
    first = send(caller, phone="+14155550101")
    second = send(caller, phone="+14155550102")
    history = service.otp_history(caller, page=0, limit=1)
    assert [o.id for o in history.data] == [second] and history.hasMore
    assert [o.id for o in service.otp_history(caller, page=1, limit=1).data] == [first]
    dumped = history.model_dump_json()
    assert "codeHash" not in dumped and "salt" not in dumped and code_in(sent[1]) not in dumped
    other = Principal(client_id="client", environment_id=uuid.uuid4().hex, scopes=frozenset())
    assert service.otp_history(other, page=0, limit=10).data == []
    with pytest.raises(NotFound):
        service.get_otp(other, first)


def test_a_send_no_provider_takes_is_failed_and_its_code_never_validates(
    caller: Principal, monkeypatch: pytest.MonkeyPatch, use_clock
) -> None:
    from clarion.delivery.errors import PermanentFailure

    use_clock(NOW)
    texts: list[str] = []

    def refuse(channel: str, record: dict[str, Any]) -> str:
        texts.append(record["content"]["body"])
        raise PermanentFailure("InvalidParameter", "refused")

    monkeypatch.setattr("clarion.delivery.routing.send", refuse)
    otp = service.send_otp(caller, SendOtpRequest.model_validate({"recipient": {"phone": "+14155550100"}}))
    assert otp.status == "failed" and service.get_otp(caller, otp.id).status == "failed"
    assert validate(caller, code_in({"content": {"body": texts[0]}})) is False


def test_a_send_stores_only_the_otp_items_no_delivery_record(
    caller: Principal, sent: list[dict[str, Any]], use_clock
) -> None:
    from clarion.dynamo import DynamoTable
    from clarion.settings import settings
    from clarion.store.keys import otp_pk

    use_clock(NOW)
    send(caller)
    stored = DynamoTable(settings().messages_table)._client().scan(TableName=settings().messages_table)["Items"]
    mine = [item for item in stored if caller.environment_id in item["pk"]["S"]]
    assert {item["pk"]["S"] for item in mine} == {otp_pk(caller.environment_id)} and len(mine) == 2
    assert code_in(sent[0]) not in str(stored)

"""clarion.suppressions.service on the in-memory store: addresses normalised (an email lower-cased, a phone E.164),
added once (a repeat is `existing`, its first reason kept) and counted, listed per channel, checked and lifted, each
in the caller's environment only; `suppressed` answers a page of addresses in one batch."""

import uuid

import pytest
from pydantic import ValidationError

from clarion.errors import NotFound, ValidationFailed
from clarion.principal import Principal
from clarion.suppressions import service
from clarion.suppressions.lookup import suppressed
from clarion.suppressions.models import AddSuppressionsRequest, SuppressionEntry


@pytest.fixture
def caller(memory_tables: dict[str, str]) -> Principal:
    return a_caller()


def a_caller() -> Principal:
    return Principal(client_id="client", environment_id=uuid.uuid4().hex, scopes=frozenset())


def entry(channel: str, address: str, reason: str = "manual") -> SuppressionEntry:
    return SuppressionEntry.model_validate({"channel": channel, "address": address, "reason": reason})


def test_an_email_address_is_stored_lower_cased_and_a_phone_as_given() -> None:
    assert entry("email", "  Ann.Lee@Example.COM ").address == "ann.lee@example.com"
    assert entry("sms", "+14155550100").address == "+14155550100"


@pytest.mark.parametrize(
    ("channel", "address"), [("email", "not-an-address"), ("sms", "4155550100"), ("sms", "ann@example.com")]
)
def test_an_address_not_valid_for_its_channel_is_refused(channel: str, address: str) -> None:
    with pytest.raises(ValidationError, match="address"):
        entry(channel, address)


def test_an_entry_with_an_unknown_reason_or_channel_is_refused() -> None:
    with pytest.raises(ValidationError):
        entry("email", "a@example.com", reason="spam")
    with pytest.raises(ValidationError):
        entry("push", "a@example.com")


def test_a_call_takes_at_most_100_entries() -> None:
    entries = [{"channel": "email", "address": f"a{i}@example.com"} for i in range(101)]
    with pytest.raises(ValidationError):
        AddSuppressionsRequest.model_validate({"suppressions": entries})


def test_adding_reports_each_entry_and_a_repeat_keeps_the_first_reason(caller: Principal) -> None:
    first = service.add_suppressions(caller.environment_id, [entry("email", "a@example.com", "bounce")])
    again = service.add_suppressions(
        caller.environment_id, [entry("email", "A@Example.com", "manual"), entry("sms", "+14155550100")]
    )
    assert [r.status for r in first.results] == ["added"]
    assert [(r.address, r.status) for r in again.results] == [
        ("a@example.com", "existing"),
        ("+14155550100", "added"),
    ]
    found = service.get_suppression(caller, "email", "A@EXAMPLE.COM")
    assert (found.reason, found.source) == ("bounce", "api")
    assert service.list_suppressions(caller, "email", page=0, limit=10).totalCount == 1


def test_listing_pages_one_channel_with_its_count(caller: Principal) -> None:
    service.add_suppressions(caller.environment_id, [entry("email", f"u{i}@example.com") for i in range(5)])
    service.add_suppressions(caller.environment_id, [entry("sms", "+14155550100")])
    first = service.list_suppressions(caller, "email", page=0, limit=3)
    second = service.list_suppressions(caller, "email", page=1, limit=3)
    assert (first.totalCount, first.hasMore, second.hasMore) == (5, True, False)
    listed = {s.address for s in first.data + second.data}
    assert listed == {f"u{i}@example.com" for i in range(5)}
    assert [s.address for s in service.list_suppressions(caller, "sms", page=0, limit=3).data] == ["+14155550100"]


def test_checking_an_address_not_suppressed_is_a_404(caller: Principal) -> None:
    with pytest.raises(NotFound):
        service.get_suppression(caller, "email", "nobody@example.com")


def test_checking_a_malformed_address_names_the_field(caller: Principal) -> None:
    with pytest.raises(ValidationFailed) as raised:
        service.get_suppression(caller, "sms", "call-me")
    assert raised.value.field == "address"


def test_removing_lifts_the_suppression_and_uncounts_it(caller: Principal) -> None:
    service.add_suppressions(caller.environment_id, [entry("email", "a@example.com")])
    service.remove_suppression(caller, "email", "A@example.com")
    with pytest.raises(NotFound):
        service.get_suppression(caller, "email", "a@example.com")
    with pytest.raises(NotFound):
        service.remove_suppression(caller, "email", "a@example.com")
    assert service.list_suppressions(caller, "email", page=0, limit=10).totalCount == 0


def test_another_environment_neither_sees_nor_lifts_a_suppression(caller: Principal) -> None:
    service.add_suppressions(caller.environment_id, [entry("email", "a@example.com")])
    other = a_caller()
    with pytest.raises(NotFound):
        service.get_suppression(other, "email", "a@example.com")
    with pytest.raises(NotFound):
        service.remove_suppression(other, "email", "a@example.com")
    assert service.list_suppressions(other, "email", page=0, limit=10).data == []
    assert suppressed(other.environment_id, [("email", "a@example.com")]) == {}


def test_suppressed_answers_a_batch_keyed_by_normalised_address(caller: Principal) -> None:
    service.add_suppressions(caller.environment_id, [entry("email", "a@example.com"), entry("sms", "+14155550100")])
    found = suppressed(
        caller.environment_id,
        [("email", "A@EXAMPLE.com"), ("email", "b@example.com"), ("sms", "+14155550100"), ("sms", "bad")],
    )
    assert set(found) == {("email", "a@example.com"), ("sms", "+14155550100")}
    assert suppressed(caller.environment_id, []) == {}

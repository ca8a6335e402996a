"""Sending a claimed record through its candidate integrations (clarion.delivery.routing), with their credentials from
Secrets Manager (clarion.delivery.credentials): the stack default without candidates, failover to the next candidate
on a transient failure (noted in the record's history), a stop on a permanent one, and AllProvidersFailed when every
candidate failed. Email goes to moto's SES; an SMTP candidate points at a port where nothing listens."""

import json
import socket
import uuid
from typing import Any

import pytest
from moto.ses.models import ses_backends
from moto.sns.models import sns_backends

from clarion.aws import client
from clarion.delivery import credentials, routing
from clarion.delivery.errors import PermanentFailure, TransientFailure
from clarion.delivery.sender import JobRecord, deliver
from clarion.ids import new_id
from clarion.settings import settings
from clarion.store.records import DeliveryRecords, new_record

ACCOUNT, REGION = "123456789012", "us-east-1"
SENDER = "notifications@clarion.local"


@pytest.fixture
def aws(memory_tables: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SENDER_EMAIL", SENDER)
    settings.cache_clear()
    client("ses").verify_email_identity(EmailAddress=SENDER)


def closed_port() -> int:
    with socket.socket() as bound:
        bound.bind(("127.0.0.1", 0))
        port: int = bound.getsockname()[1]
    return port


def integration(environment_id: str, provider_id: str, secret: dict[str, Any] | None) -> dict[str, Any]:
    """A candidate as the dispatcher puts it on a record; its credentials stored unless `secret` is None."""
    candidate = {"_id": new_id(), "providerId": provider_id, "identifier": f"{provider_id}-{uuid.uuid4().hex[:6]}"}
    if secret is not None:
        credentials.create(environment_id, candidate["_id"], secret)
    return candidate


def unreachable_smtp(environment_id: str) -> dict[str, Any]:
    return integration(environment_id, "smtp", {"host": "127.0.0.1", "port": closed_port(), "from": SENDER})


def claimed_email(*candidates: dict[str, Any], environment_id: str) -> dict[str, Any]:
    """An email record with these candidates, written and claimed as the sender claims it."""
    content = {"subject": f"Subject {uuid.uuid4().hex}", "html": "<p>Hi</p>"}
    record = new_record(environment_id, "user-1", "email", to={"email": "ada@example.com"}, content=content)
    records = DeliveryRecords()
    records.create_many([record | {"integrations": list(candidates)}])
    claimed = records.claim(environment_id, record["_id"])
    assert claimed is not None
    return claimed


def emails_with(subject: str) -> list[Any]:
    return [message for message in ses_backends[ACCOUNT][REGION].sent_messages if message.subject == subject]


def stored_history(record: dict[str, Any]) -> list[dict[str, Any]]:
    found = DeliveryRecords().get(record["environmentId"], record["_id"])
    assert found is not None
    history: list[dict[str, Any]] = found["history"]
    return history


def test_a_record_without_candidates_is_sent_by_the_channels_stack_default(aws):
    phone = f"+1555{uuid.uuid4().int % 10**7:07d}"
    record = new_record(new_id(), "user-1", "sms", to={"phone": phone}, content={"body": "Hi"})
    message_id = routing.send("sms", record)
    assert sns_backends[ACCOUNT][REGION].sms_messages[message_id] == (phone, "Hi")
    assert "integrationIdentifier" not in record


def test_a_record_sent_by_its_first_candidate_names_that_integration(aws):
    environment_id = new_id()
    ses = integration(environment_id, "ses", {})
    record = claimed_email(ses, environment_id=environment_id)
    message_id = routing.send("email", record)
    (sent,) = emails_with(record["content"]["subject"])
    assert sent.id == message_id
    assert (record["providerId"], record["integrationIdentifier"]) == ("ses", ses["identifier"])


def test_a_candidate_sends_with_its_own_credentials(aws):
    environment_id = new_id()
    client("ses").verify_email_identity(EmailAddress=(address := f"team-{uuid.uuid4().hex[:8]}@clarion.local"))
    record = claimed_email(integration(environment_id, "ses", {"from": address}), environment_id=environment_id)
    routing.send("email", record)
    (sent,) = emails_with(record["content"]["subject"])
    assert sent.source == address


def test_a_transient_failure_fails_over_to_the_next_candidate_and_is_noted_in_the_history(aws):
    environment_id = new_id()
    smtp, ses = unreachable_smtp(environment_id), integration(environment_id, "ses", {})
    record = claimed_email(smtp, ses, environment_id=environment_id)
    routing.send("email", record)
    assert len(emails_with(record["content"]["subject"])) == 1
    assert (record["providerId"], record["integrationIdentifier"]) == ("ses", ses["identifier"])
    failover = record["history"][-1]
    assert (failover["status"], failover["providerId"]) == ("failover", "smtp")
    assert failover["reason"].startswith(f"smtp integration '{smtp['identifier']}' failed (ConnectionRefusedError)")
    assert failover["reason"].endswith(f"; ses integration '{ses['identifier']}' takes over")


def test_a_candidate_whose_credentials_are_gone_is_passed_over(aws):
    environment_id = new_id()
    gone, ses = integration(environment_id, "ses", None), integration(environment_id, "ses", {})
    record = claimed_email(gone, ses, environment_id=environment_id)
    routing.send("email", record)
    assert record["integrationIdentifier"] == ses["identifier"]
    assert "(CredentialsUnavailable: ResourceNotFoundException)" in record["history"][-1]["reason"]


def test_a_permanent_failure_stops_without_trying_the_next_candidate(aws):
    environment_id = new_id()
    unverified = integration(environment_id, "ses", {"from": "someone@unverified.example"})
    record = claimed_email(unverified, integration(environment_id, "ses", {}), environment_id=environment_id)
    with pytest.raises(PermanentFailure) as refused:
        routing.send("email", record)
    assert refused.value.code == "MessageRejected"
    assert emails_with(record["content"]["subject"]) == []
    assert [entry["status"] for entry in stored_history(record)] == ["queued", "sending"]


def test_when_every_candidate_fails_transiently_each_failure_is_kept_in_the_stored_history(aws):
    environment_id = new_id()
    first, second = unreachable_smtp(environment_id), unreachable_smtp(environment_id)
    record = claimed_email(first, second, environment_id=environment_id)
    with pytest.raises(TransientFailure) as failed:
        routing.send("email", record)
    assert failed.value.code == "AllProvidersFailed"
    assert failed.value.reason == (
        f"AllProvidersFailed: {first['identifier']}: ConnectionRefusedError; {second['identifier']}: "
        "ConnectionRefusedError"
    )
    failovers = [entry for entry in stored_history(record) if entry["status"] == "failover"]
    assert [entry["reason"].endswith("takes over") for entry in failovers] == [True, False]


def test_the_sender_records_the_integration_that_took_over_and_each_failed_attempt(aws):
    environment_id = new_id()
    smtp, ses = unreachable_smtp(environment_id), integration(environment_id, "ses", {})
    record = claimed_email(smtp, ses, environment_id=environment_id)
    DeliveryRecords().requeue(record, "redelivered")  # queued again, for the sender to claim
    job = JobRecord.model_validate(
        {
            "messageId": "m-1",
            "receiptHandle": "r-1",
            "body": json.dumps({"environmentId": environment_id, "messageId": record["_id"]}),
        }
    )
    sent: list[tuple[dict[str, Any], str]] = []
    deliver("email", job, sent)
    DeliveryRecords().mark_sent(sent)
    found = DeliveryRecords().get(environment_id, record["_id"])
    assert found is not None
    assert (found["status"], found["providerId"], found["integrationIdentifier"]) == ("sent", "ses", ses["identifier"])
    assert [entry["status"] for entry in found["history"]][-3:] == ["sending", "failover", "sent"]
    assert found["history"][-1]["providerId"] == "ses"


def test_the_credentials_of_an_integration_are_read_back_as_stored(aws):
    environment_id, integration_id = new_id(), new_id()
    secret = {"host": "smtp.example.com", "port": 587, "user": "u"}
    credentials.create(environment_id, integration_id, secret)
    assert credentials.read(environment_id, integration_id) == secret
    name = credentials.secret_name(environment_id, integration_id)
    assert client("secretsmanager").describe_secret(SecretId=name)["Name"] == (
        f"clarion/integrations/{environment_id}/{integration_id}"
    )


def test_replaced_credentials_are_what_the_cache_gives_next(aws):
    environment_id, integration_id = new_id(), new_id()
    credentials.create(environment_id, integration_id, {"senderId": "Old"})
    assert credentials.cached(environment_id, integration_id) == {"senderId": "Old"}
    credentials.replace(environment_id, integration_id, {"senderId": "New"})
    assert credentials.cached(environment_id, integration_id) == {"senderId": "New"}


def test_credentials_changed_behind_the_cache_are_served_from_it_until_it_expires(aws):
    environment_id, integration_id = new_id(), new_id()
    credentials.create(environment_id, integration_id, {"senderId": "Old"})
    credentials.cached(environment_id, integration_id)
    name = credentials.secret_name(environment_id, integration_id)
    client("secretsmanager").put_secret_value(SecretId=name, SecretString='{"senderId": "New"}')
    assert credentials.cached(environment_id, integration_id) == {"senderId": "Old"}
    assert credentials.read(environment_id, integration_id) == {"senderId": "New"}


def test_deleted_credentials_are_scheduled_for_deletion_with_a_recovery_window(aws):
    environment_id, integration_id = new_id(), new_id()
    credentials.create(environment_id, integration_id, {})
    credentials.delete(environment_id, integration_id)
    described = client("secretsmanager").describe_secret(
        SecretId=credentials.secret_name(environment_id, integration_id)
    )
    assert "DeletedDate" in described


def test_credentials_deleted_at_once_can_no_longer_be_read_or_served_from_the_cache(aws):
    environment_id, integration_id = new_id(), new_id()
    credentials.create(environment_id, integration_id, {"senderId": "Gone"})
    credentials.cached(environment_id, integration_id)
    credentials.delete(environment_id, integration_id, at_once=True)
    with pytest.raises(client("secretsmanager").exceptions.ResourceNotFoundException):
        credentials.cached(environment_id, integration_id)

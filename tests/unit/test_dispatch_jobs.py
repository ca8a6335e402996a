"""Jobs on the pipeline's queues: each dispatch job kind's body parses to its model, a body queued before kinds existed
still does (by the old rule), and a malformed body (a dispatch job's, a channel job's) is a batch item failure logged
without its content."""

import json
from typing import Any, get_args

import pytest
from pydantic import ValidationError

from clarion.campaigns.dispatch import HANDLERS, DispatchRecord
from clarion.delivery.sender import send_jobs
from clarion.engine.dispatch_jobs import (
    DispatchJob,
    ExecuteJob,
    PlanJob,
    SendJob,
    ZoneJob,
    dispatch_body,
    kind_of,
    parse_dispatch_job,
)
from clarion.job_batches import process_jobs
from tests.conftest import FakeLambdaContext, load_event

TRIGGER: dict[str, Any] = {
    "environmentId": "6b03c625ea54b72e51a1afb0",
    "campaignId": "6b03c625ea54b72e51a1afb1",
    "transactionId": "6b03c625ea54b72e51a1afb2",
    "payload": {"product": "Clarion", "missing": None},
    "targets": {"subscriberIds": ["user-1"], "topicKeys": ["beta-testers"], "all": False},
    "cursor": None,
}
ZONE = {"timezone": "Europe/Paris", "others": None}
PLAN = {"scheduleId": "6b03c625ea54b72e51a1afb3", "zones": ["UTC"]}
EXECUTION = [{"id": "6b03c625ea54b72e51a1afb4", "subscriberId": "user-1", "payload": {"n": 1}}]
# the bodies the producers queued before jobs had a kind
LEGACY = {
    "send": TRIGGER | {"actor": {"subscriberId": "ada"}, "overrides": {"sms": {"content": "hi"}}},
    "zone": TRIGGER | {"zone": ZONE},
    "plan": TRIGGER | {"plan": PLAN},
    "execute": TRIGGER | {"payload": {}, "execution": EXECUTION, "clientId": "client-1"},
}
MODELS = {"send": SendJob, "zone": ZoneJob, "plan": PlanJob, "execute": ExecuteJob}


def batch(*bodies: str) -> dict[str, Any]:
    (record,) = load_event("triggers/dispatch_job.json")["Records"]
    return {"Records": [record | {"messageId": f"m-{index}", "body": body} for index, body in enumerate(bodies)]}


@pytest.mark.parametrize("kind", MODELS)
def test_a_body_with_its_kind_parses_to_that_kind_s_model(kind: str):
    job = parse_dispatch_job(json.dumps(LEGACY[kind] | {"kind": kind}))
    assert (type(job), job.kind) == (MODELS[kind], kind)


@pytest.mark.parametrize("kind", MODELS)
def test_a_body_queued_before_kinds_is_read_as_its_kind_by_the_old_rule(kind: str):
    assert kind_of(LEGACY[kind]) == kind
    assert type(parse_dispatch_job(json.dumps(LEGACY[kind]))) is MODELS[kind]


def test_the_sample_dispatch_event_s_body_is_a_send_job():
    (record,) = load_event("triggers/dispatch_job.json")["Records"]
    job = parse_dispatch_job(record["body"])
    assert isinstance(job, SendJob)
    assert (job.payload, job.targets["topicKeys"], job.cursor) == ({"product": "Clarion"}, ["beta-testers"], None)


@pytest.mark.parametrize("kind", MODELS)
def test_a_job_read_back_from_its_body_is_the_job_queued(kind: str):
    job = parse_dispatch_job(LEGACY[kind])
    body = json.loads(dispatch_body(job))
    assert body["kind"] == kind
    assert parse_dispatch_job(dispatch_body(job)) == job


def test_a_body_keeps_the_nulls_inside_its_payload_and_zone():
    job = parse_dispatch_job(LEGACY["zone"])
    body = json.loads(dispatch_body(job))
    assert (body["payload"]["missing"], body["zone"]["others"], "cursor" in body) == (None, None, False)


def test_a_send_job_gives_its_records_the_trigger_s_ids_payload_and_extras():
    job = parse_dispatch_job(LEGACY["send"])
    assert isinstance(job, SendJob)
    assert job.context() == {
        "environmentId": TRIGGER["environmentId"],
        "campaignId": TRIGGER["campaignId"],
        "transactionId": TRIGGER["transactionId"],
        "payload": TRIGGER["payload"],
        "actor": {"subscriberId": "ada"},
        "overrides": {"sms": {"content": "hi"}},
    }


def test_a_planned_zone_keeps_the_plan_s_audience_and_trigger():
    plan = parse_dispatch_job(LEGACY["plan"])
    assert isinstance(plan, PlanJob)
    zone = plan.as_job(ZoneJob, cursor=None, zone=ZONE)
    assert (zone.kind, zone.transactionId, zone.targets, zone.zone) == ("zone", plan.transactionId, plan.targets, ZONE)


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        json.dumps(["a", "list"]),
        json.dumps(TRIGGER | {"kind": "resend"}),
        json.dumps(TRIGGER | {"kind": 7}),
        json.dumps({key: value for key, value in TRIGGER.items() if key != "targets"}),
        json.dumps(TRIGGER | {"zone": {"timezone": "UTC"}}),
        json.dumps(TRIGGER | {"execution": [{"id": "x"}]}),
    ],
    ids=["not-json", "not-an-object", "unknown-kind", "kind-not-text", "no-targets", "zone-without-others", "target"],
)
def test_a_malformed_body_is_refused(body: str):
    with pytest.raises(ValidationError):
        parse_dispatch_job(body)


def test_the_dispatcher_has_one_handler_per_kind():
    union, _ = get_args(DispatchJob)
    kinds = {get_args(model)[0].model_fields["kind"].default for model in get_args(union)}
    assert set(HANDLERS) == kinds == set(MODELS)


def test_a_malformed_body_is_a_batch_item_failure_logged_without_its_content(caplog: pytest.LogCaptureFixture):
    handled: list[DispatchJob] = []
    malformed = json.dumps(TRIGGER | {"payload": {"email": "grace@example.com"}, "targets": {"all": "everyone"}})
    good = dispatch_body(parse_dispatch_job(LEGACY["send"]))

    def handle(record: DispatchRecord) -> None:
        handled.append(record.body)

    response = process_jobs(batch(malformed, good), DispatchRecord, handle, FakeLambdaContext())  # type: ignore[arg-type]
    assert response == {"batchItemFailures": [{"itemIdentifier": "m-0"}]}
    assert [job.transactionId for job in handled] == [TRIGGER["transactionId"]]
    (logged,) = [record for record in caplog.records if record.getMessage().startswith("malformed job body")]
    assert (logged.sqsMessageId, logged.model) == ("m-0", "DispatchRecord")  # type: ignore[attr-defined]
    assert "body.send.targets.all: bool_parsing" in logged.errors  # type: ignore[attr-defined]
    assert "grace@example.com" not in caplog.text + repr([record.__dict__ for record in caplog.records])


def test_a_malformed_channel_job_is_a_batch_item_failure_logged_without_its_content(caplog: pytest.LogCaptureFixture):
    (record,) = load_event("senders/email_job.json")["Records"]
    bodies = ['{"environmentId": "e-1"}', '{"environmentId": "e-1", "messageId": 7}', "grace@example.com"]
    event = {"Records": [record | {"messageId": f"m-{index}", "body": body} for index, body in enumerate(bodies)]}
    response = send_jobs("email", event, FakeLambdaContext())  # type: ignore[arg-type]
    assert response == {"batchItemFailures": [{"itemIdentifier": f"m-{index}"} for index in range(3)]}
    errors = [record.errors for record in caplog.records if record.getMessage().startswith("malformed job body")]  # type: ignore[attr-defined]
    assert errors == [["body.messageId: missing"], ["body.messageId: string_type"], ["body: json_invalid"]]
    assert "grace@example.com" not in caplog.text + repr([record.__dict__ for record in caplog.records])

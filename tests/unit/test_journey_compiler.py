"""The ASL a journey compiles to: native states where no logic is needed, a Lambda task where it is."""

from datetime import UTC, datetime

from clarion.journeys.compiler import RUN_ENDED, Compiler, zulu
from clarion.journeys.local_time import next_local_time

SEND = {"channel": "sms", "content": {"body": "hi"}}
RULE = {"conditions": [{"children": [{"field": "vip", "operator": "EQUAL", "value": True}]}], "next": "vip"}


def compile_steps(*steps: dict) -> dict:
    return Compiler("task-fn", "messages").compile(list(steps))


def test_a_five_step_journey_compiles_to_native_waits_and_lambda_tasks():
    definition = compile_steps(
        SEND | {"id": "hello"},
        {"id": "pause", "type": "wait", "wait": {"amount": 2, "unit": "days"}},
        {"id": "check", "type": "branch", "branches": [RULE], "default": "bye"},
        SEND | {"id": "vip"},
        {"id": "bye", "type": "exit"},
    )
    states = definition["States"]
    assert definition["StartAt"] == "hello"
    assert states["hello"]["Parameters"]["Payload"]["action"] == "send"
    assert states["hello"]["Next"] == "pause"
    assert states["pause"] == {"Type": "Wait", "Seconds": 172800, "Next": "check"}
    assert states["check.choice"]["Choices"] == [
        {"Variable": "$.steps.check.next", "StringEquals": "vip", "Next": "vip"}
    ]
    assert states["check.choice"]["Default"] == "bye"
    assert states["vip"]["Next"] == "bye"
    assert states["bye"] == {"Type": "Pass", "Result": "exited", "ResultPath": "$.end", "Next": RUN_ENDED}
    assert states[RUN_ENDED]["Resource"] == "arn:aws:states:::dynamodb:updateItem"


def test_an_event_wait_is_a_task_token_with_a_timeout_path():
    wait = {"event": "purchase", "amount": 3, "unit": "hours", "onTimeout": "late"}
    states = compile_steps({"id": "buy", "type": "wait", "wait": wait}, SEND | {"id": "late"})["States"]
    task = states["buy"]
    assert task["Resource"] == "arn:aws:states:::lambda:invoke.waitForTaskToken"
    assert task["TimeoutSeconds"] == 10800
    assert task["Catch"][0]["ErrorEquals"] == ["States.Timeout"]
    assert states["buy.timeout"]["Next"] == "late"


def test_an_instant_is_given_to_step_functions_in_zulu():
    states = compile_steps({"id": "at", "type": "wait", "wait": {"until": "2027-03-28T09:00:00+02:00"}})["States"]
    assert states["at"]["Timestamp"] == "2027-03-28T07:00:00Z"
    assert zulu("2027-01-01T00:00:00.750Z") == "2027-01-01T00:00:00Z"


def test_digest_and_throttle_end_the_run_when_they_absorb_it():
    states = compile_steps(
        {"id": "d", "type": "digest", "digest": {"amount": 5, "unit": "minutes"}},
        {"id": "t", "type": "throttle", "throttle": {"limit": 3, "amount": 1, "unit": "hours"}},
        SEND | {"id": "s"},
    )["States"]
    assert states["d.choice"]["Choices"][0]["Next"] == RUN_ENDED
    assert states["d.wait"]["TimestampPath"] == "$.steps.d.until"
    assert states["d.release"]["Next"] == "t"
    assert states["t.choice"]["Default"] == "s"


def test_next_nine_local_is_dst_correct_and_per_zone():
    saturday = datetime(2027, 3, 27, 12, 0, tzinfo=UTC)  # Berlin moves to CEST on Sunday 28 March 2027
    assert next_local_time(saturday, "09:00", "Europe/Berlin") == datetime(2027, 3, 28, 7, 0, tzinfo=UTC)
    assert next_local_time(saturday, "09:00", "Asia/Tokyo") == datetime(2027, 3, 28, 0, 0, tzinfo=UTC)
    assert next_local_time(saturday, "09:00", None) == datetime(2027, 3, 28, 9, 0, tzinfo=UTC)
    assert next_local_time(saturday, "13:00", "America/New_York") == datetime(2027, 3, 27, 17, 0, tzinfo=UTC)
    # the hour skipped by the change is read with the offset before it: 02:30 CET is 03:30 CEST
    assert next_local_time(saturday, "02:30", "Europe/Berlin") == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)
    # the hour repeated in autumn: its first occurrence
    autumn = datetime(2027, 10, 30, 12, 0, tzinfo=UTC)
    assert next_local_time(autumn, "02:30", "Europe/Berlin") == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)

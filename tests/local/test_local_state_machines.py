import json
from collections.abc import Iterator

import boto3
import pytest

from local.runtime import DrainTimeout, LocalRuntime
from tests.local.conftest import table_items


def start(runtime: LocalRuntime, payload: dict) -> str:
    sfn = boto3.client("stepfunctions")
    arn: str = sfn.start_execution(
        stateMachineArn=runtime.resources.state_machines["Journey"], input=json.dumps(payload)
    )["executionArn"]
    return arn


def describe(arn: str) -> dict:
    return boto3.client("stepfunctions").describe_execution(executionArn=arn)


def test_the_definition_has_its_substitutions_resolved(runtime: LocalRuntime) -> None:
    description = boto3.client("stepfunctions").describe_state_machine(
        stateMachineArn=runtime.resources.state_machines["Journey"]
    )

    definition = json.loads(description["definition"])
    assert definition["States"]["Pause"]["Seconds"] == 3600
    assert definition["States"]["Step"]["Parameters"]["FunctionName"] == runtime.stack.functions["StepFunction"].arn


def test_a_wait_is_skipped_and_the_lambda_task_runs_in_process(runtime: LocalRuntime) -> None:
    before = runtime.clock.time()
    arns = [start(runtime, {"id": "j1"}), start(runtime, {"id": "j2"})]

    report = runtime.drain()

    assert report.executions_finished == 2
    assert report.invocations["StepFunction"] == 2
    assert [json.loads(describe(arn)["output"]) for arn in arns] == [
        {"stepped": "j1", "time_left": True},
        {"stepped": "j2", "time_left": True},
    ]
    assert [item["pk"] for item in table_items(runtime, "step-j")] == ["step-j1", "step-j2"]
    # both waited the same hour: the clock moved once, by an hour
    assert 3600 <= runtime.clock.time() - before < 3610


def test_a_failing_lambda_task_fails_the_execution(runtime: LocalRuntime) -> None:
    arn = start(runtime, {"id": "f1", "fail": True})

    runtime.drain()

    execution = describe(arn)
    assert execution["status"] == "FAILED"
    assert "step f1 failed" in execution["cause"]


@pytest.fixture
def real_time_waits(runtime: LocalRuntime) -> Iterator[LocalRuntime]:
    """Waits last their real length (an hour): only the clock or StopExecution ends them."""
    runtime.time_scale = 1.0
    yield runtime
    runtime.time_scale = 0.0


def test_a_clock_advance_wakes_a_waiting_execution(real_time_waits: LocalRuntime) -> None:
    arn = start(real_time_waits, {"id": "w1"})
    with pytest.raises(DrainTimeout):
        real_time_waits.drain(timeout=0.3)
    assert describe(arn)["status"] == "RUNNING"

    real_time_waits.clock.advance(3600)
    real_time_waits.drain(timeout=10)

    assert describe(arn)["status"] == "SUCCEEDED"


def test_stopping_an_execution_interrupts_its_wait(real_time_waits: LocalRuntime) -> None:
    arn = start(real_time_waits, {"id": "s1"})
    with pytest.raises(DrainTimeout):
        real_time_waits.drain(timeout=0.2)

    boto3.client("stepfunctions").stop_execution(executionArn=arn)
    report = real_time_waits.drain(timeout=10)

    assert describe(arn)["status"] == "ABORTED"
    assert "StepFunction" not in report.invocations


def awaiting_a_token(runtime: LocalRuntime, name: str) -> str:
    """A machine whose Lambda task waits an hour for its task token (the item `step-<token>` carries it)."""
    definition = {
        "StartAt": "Ask",
        "States": {
            "Ask": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                "Parameters": {
                    "FunctionName": runtime.stack.functions["StepFunction"].arn,
                    "Payload": {"id.$": "$$.Task.Token"},
                },
                "TimeoutSeconds": 3600,
                "Catch": [{"ErrorEquals": ["States.Timeout"], "Next": "TimedOut"}],
                "End": True,
            },
            "TimedOut": {"Type": "Pass", "Result": {"timedOut": True}, "End": True},
        },
    }
    sfn = boto3.client("stepfunctions")
    machine = sfn.create_state_machine(
        name=name, definition=json.dumps(definition), roleArn="arn:aws:iam::123456789012:role/local"
    )["stateMachineArn"]
    arn: str = sfn.start_execution(stateMachineArn=machine, input="{}")["executionArn"]
    return arn


def test_a_drain_stops_at_a_task_awaiting_its_token_and_goes_on_once_the_clock_passes_its_timeout(
    runtime: LocalRuntime,
) -> None:
    arn = awaiting_a_token(runtime, "token-timeout")
    runtime.drain(timeout=10)
    assert describe(arn)["status"] == "RUNNING"

    runtime.clock.advance(3600)
    # the timed-out task's thread wakes on its own schedule: the drain must wait for it, not stop at once
    runtime.drain(timeout=10)

    execution = describe(arn)
    assert execution["status"] == "SUCCEEDED"
    assert json.loads(execution["output"]) == {"timedOut": True}


def test_a_drain_goes_on_once_an_awaited_task_token_is_answered(runtime: LocalRuntime) -> None:
    before = {item["pk"] for item in table_items(runtime, "step-")}
    arn = awaiting_a_token(runtime, "token-answered")
    runtime.drain(timeout=10)
    [token] = [item["pk"].removeprefix("step-") for item in table_items(runtime, "step-") if item["pk"] not in before]

    boto3.client("stepfunctions").send_task_success(taskToken=token, output=json.dumps({"answered": True}))
    runtime.drain(timeout=10)

    execution = describe(arn)
    assert execution["status"] == "SUCCEEDED"
    assert json.loads(execution["output"]) == {"answered": True}

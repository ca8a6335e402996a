import json
import time

import boto3

from local.runtime import LocalRuntime
from tests.local.conftest import TEMPLATE


def test_parameter_overrides_and_a_wait_scaled_to_real_time() -> None:
    overrides = {"Stage": "prod", "JourneyWaitSeconds": 20}
    with LocalRuntime.in_process(TEMPLATE, parameter_overrides=overrides, time_scale=0.01) as runtime:
        sfn = boto3.client("stepfunctions")
        machine = runtime.resources.state_machines["Journey"]
        definition = json.loads(sfn.describe_state_machine(stateMachineArn=machine)["definition"])
        clock_before, real_before = runtime.clock.time(), time.monotonic()

        sfn.start_execution(stateMachineArn=machine, input=json.dumps({"id": "scaled"}))
        report = runtime.drain(timeout=10)

        assert runtime.stack.functions["TickFunction"].environment["LOG_LEVEL"] == "INFO"
        assert definition["States"]["Pause"]["Seconds"] == 20
        assert report.invocations == {"StepFunction": 1}
        assert time.monotonic() - real_before >= 0.2
        assert runtime.clock.time() - clock_before >= 20

import importlib
import json
import os
import sys
from dataclasses import replace
from pathlib import Path

import boto3
import pytest

from local.functions import FunctionRegistry, LambdaError
from local.runtime import LocalRuntime
from local.stack import FunctionConfig
from tests.local.conftest import ALLOW, FIXTURES, TEMPLATE


def config(handler: str, timeout: int = 3) -> FunctionConfig:
    return FunctionConfig(
        logical_id="Misc",
        name="clarion-local-Misc",
        arn="arn:aws:lambda:us-east-1:123456789012:function:clarion-local-Misc",
        handler=f"fx_misc.handler.{handler}",
        code_dir=FIXTURES / "functions",
        layer_dirs=(),
        environment={"MISC_SETTING": "on"},
        timeout=timeout,
        memory_size=384,
    )


def registry(handler: str, timeout: int = 3) -> FunctionRegistry:
    return FunctionRegistry({"Misc": config(handler, timeout)}, region="us-east-1")


def test_a_handler_gets_a_lambda_context_and_its_environment() -> None:
    names = [
        "MISC_SETTING",
        "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        "AWS_REGION",
        "AWS_SAM_LOCAL",
    ]

    result = registry("environment").invoke("Misc", {"names": names})

    assert result["variables"] == {
        "MISC_SETTING": "on",
        "AWS_LAMBDA_FUNCTION_NAME": "clarion-local-Misc",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "384",
        "AWS_REGION": "us-east-1",
        "AWS_SAM_LOCAL": "true",
    }
    assert result["function_name"] == "clarion-local-Misc"
    assert result["invoked_function_arn"].endswith(":function:clarion-local-Misc")
    assert result["memory_limit_in_mb"] == "384"
    assert len(result["aws_request_id"]) == 36
    assert 2000 < result["remaining_ms"] <= 3000


def test_the_environment_is_restored_after_the_call() -> None:
    registry("environment").invoke("Misc", {"names": []})

    assert "MISC_SETTING" not in os.environ
    assert "AWS_LAMBDA_FUNCTION_NAME" not in os.environ


def test_the_event_is_passed_as_a_json_copy() -> None:
    event = {"a": 1}

    result = registry("mutate").invoke("Misc", event)

    assert result == {"a": 1, "added": True}
    assert event == {"a": 1}


def test_a_result_lambda_cannot_serialise_is_an_error() -> None:
    with pytest.raises(LambdaError) as raised:
        registry("unserializable").invoke("Misc", {})

    assert raised.value.payload["errorType"] == "TypeError"


def test_a_handler_running_past_its_timeout_is_an_error() -> None:
    with pytest.raises(LambdaError) as raised:
        registry("slow", timeout=1).invoke("Misc", {"seconds": 1.05})

    assert raised.value.payload == {
        "errorMessage": "Task timed out after 1.00 seconds",
        "errorType": "Sandbox.Timedout",
        "requestId": "",
    }


def test_a_missing_handler_module_is_an_import_error() -> None:
    broken = FunctionRegistry({"Misc": replace(config("x"), handler="fx_none.handler.x")}, region="us-east-1")

    with pytest.raises(LambdaError, match=r"Runtime\.ImportModuleError"):
        broken.invoke("Misc", {})


def test_a_handler_module_imported_outside_its_function_is_initialised_again_in_its_environment() -> None:
    misc = registry("setting_at_init")  # puts the fixture functions on sys.path
    imported = importlib.reload(importlib.import_module("fx_misc.handler"))  # as a test importing a handler does
    assert imported.SETTING_AT_INIT is None

    assert misc.invoke("Misc", {}) == "on"
    init = sys.modules["fx_misc.handler"].INIT
    assert registry("setting_at_init").invoke("Misc", {}) == "on"
    assert sys.modules["fx_misc.handler"].INIT is init  # the same deployment's next container: no init again
    redeployed = FunctionRegistry(
        {"Misc": replace(config("setting_at_init"), environment={"MISC_SETTING": "off"})}, region="us-east-1"
    )
    assert redeployed.invoke("Misc", {}) == "off"


def test_an_exception_becomes_a_lambda_error_with_the_handlers_error_type() -> None:
    with LocalRuntime.in_process(TEMPLATE) as runtime, pytest.raises(LambdaError) as raised:
        runtime.invoke("StepFunction", {"id": "x", "fail": True})

    assert raised.value.function_id == "StepFunction"
    assert raised.value.payload["errorType"] == "ValueError"
    assert raised.value.payload["errorMessage"] == "step x failed"
    assert raised.value.payload["stackTrace"]


def test_bootstrap_admin_runs_with_the_clients_function_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, str | None] = {}

    class Credentials:
        key, client_id, environment_id = "sk_given", "client-1", "env-1"

    def ensure_admin(environment_name: str, key: str | None = None) -> Credentials:
        seen.update(environment_name=environment_name, key=key, table=os.environ.get("ITEMS_TABLE"))
        return Credentials()

    stand_in = type(os)("clarion.bootstrap")
    stand_in.ensure_admin = ensure_admin  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "clarion.bootstrap", stand_in)
    with LocalRuntime.in_process(TEMPLATE) as runtime:
        result = runtime.bootstrap_admin("sk_given")
        named = runtime.bootstrap_admin(environment_name="Staging")

    assert result == ("sk_given", "client-1", "env-1")
    assert (result.key, result.client_id, result.environment_id) == ("sk_given", "client-1", "env-1")
    assert named.key == "sk_given"
    assert seen == {"environment_name": "Staging", "key": None, "table": "clarion-local-ItemsTable"}
    assert "ITEMS_TABLE" not in os.environ


def test_a_new_runtime_suspends_the_running_one_which_starts_afresh_when_used_again() -> None:
    first = LocalRuntime.in_process(TEMPLATE)
    try:
        assert first.request("PUT", "/items/kept", ALLOW, json={"owner": "first"}).status == 200
        with LocalRuntime.in_process(TEMPLATE) as second:
            assert second.request("GET", "/items/kept", ALLOW).status == 404
            assert first.request("GET", "/items/kept", ALLOW).status == 404
            assert second.request("GET", "/health").status == 200
    finally:
        first.close()

    with pytest.raises(RuntimeError, match="closed"):
        first.request("GET", "/health")


def test_the_in_process_runtime_never_points_at_an_endpoint_and_restores_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    LocalRuntime.suspend_active()  # another module's runtime may be running in this worker: its mock sets keys too
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
    before = {name: os.environ.get(name) for name in ("AWS_ACCESS_KEY_ID", "AWS_ENDPOINT_URL", "AWS_DEFAULT_REGION")}
    with LocalRuntime.in_process(TEMPLATE):
        assert "AWS_ENDPOINT_URL" not in os.environ
        assert os.environ["AWS_DEFAULT_REGION"]

    assert {name: os.environ.get(name) for name in before} == before


def test_fixture_modules_resolve_under_the_template_code_uri() -> None:
    assert Path(registry("environment").functions["Misc"].code_dir, "fx_misc", "handler.py").is_file()


def test_the_lambda_api_runs_handlers_in_process() -> None:
    with LocalRuntime.in_process(TEMPLATE) as runtime:
        lambda_ = boto3.client("lambda")
        arn = runtime.stack.functions["StepFunction"].arn

        ok = lambda_.invoke(FunctionName=arn, Payload=json.dumps({"id": "api"}))
        failed = lambda_.invoke(FunctionName=arn, Payload=json.dumps({"id": "api", "fail": True}))
        queued = lambda_.invoke(FunctionName=arn, InvocationType="Event", Payload=json.dumps({"id": "later"}))
        before_drain = runtime.registry.invocations["StepFunction"]
        runtime.drain()

        assert json.loads(ok["Payload"].read()) == {"stepped": "api", "time_left": True}
        assert failed["FunctionError"] == "Unhandled"
        assert json.loads(failed["Payload"].read())["errorType"] == "ValueError"
        assert queued["StatusCode"] == 202
        assert (before_drain, runtime.registry.invocations["StepFunction"]) == (2, 3)


def test_aws_calls_are_counted_per_function() -> None:
    with LocalRuntime.in_process(TEMPLATE) as runtime, runtime.count_aws_calls() as calls:
        runtime.request("PUT", "/items/counted", ALLOW, json={"owner": "x"})
        runtime.request("GET", "/items/counted", ALLOW)

    assert calls.get("dynamodb", "PutItem", function="ItemsFunction") == 1
    assert calls.get("dynamodb", "GetItem", function="ItemsFunction") == 1
    assert calls.total("dynamodb", function="AuthFunction") == 0

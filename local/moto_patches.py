"""The few places where moto is patched so the local runtime can fill its gaps (see /work/shared/LOCAL-AWS.md).

- `LambdaSimpleBackend.invoke`: moto without Docker only echoes the payload; Step Functions `lambda:invoke`
  tasks (and any Lambda Invoke call) must run the in-process handler instead.
- `WaitFunction._wait_interval`: Wait states sleep in real time. Here a wait ends when the runtime clock
  reaches its end, or after `seconds * time_scale` real seconds (then the clock catches up). With
  time_scale 0 the runtime moves the clock when every running execution is waiting (`Hooks.waiting`):
  executions waiting at the same time wake together, whatever the threads' timing.
- `Timestamp._get_wait_seconds`: compares the timestamp with the runtime clock (moto uses naive local time).
- `StateTaskServiceCallback._eval_wait_for_task_token`: a `.waitForTaskToken` task's TimeoutSeconds runs on the
  runtime clock, like a Wait (`Hooks.awaiting`); a drain stops when only such tasks are left (they wait for
  someone else: a test sends the task token, or advances the clock past the timeout), and goes on while one
  whose token was answered or whose timeout passed has not yet woken.
- `moto.sqs.models.unix_time*`: visibility timeouts, delays and retention run on the runtime clock.
- `events.models.Rule.send_to_targets`: PutEvents reaches only SQS, logs, archives and buses (a Lambda
  target raises NotImplementedError); Lambda, Step Functions and SNS targets are delivered by the runtime,
  asynchronously as EventBridge does (the next tick or drain).
- `boto3` in the Step Functions interpreter's `boto_client_for`: it made a boto3 client per task (~50 ms)
  while invocations change os.environ on other threads (client creation iterates it); clients are now
  made once per (region, service, endpoint), under the registry's environment lock.
- `StepFunctionsParserBackend.start_execution`: an execution started without a name is named `None`, so a
  second one fails with ExecutionAlreadyExists; it gets a UUID, as on AWS.
- `DynamoDBBackend.transact_write_items` and `Table.query` cost what they cost on DynamoDB, not a copy or a
  sort of the whole table; items are measured once; attribute values are sent without a walk through the
  response model (local.moto_dynamodb); UpdateItem measures, copies and walks no more than its answer needs, and
  a request's attribute values are not rebuilt through the request model (local.moto_dynamodb_updates).
- `LambdaSimpleBackend.send_sns_message`: SNS delivers to a Lambda subscription by invoking moto's own function
  object, which the runtime's functions are not; the runtime invokes the in-process handler with SNS's event,
  asynchronously as SNS does (the next tick or drain).
- `SQSBackend` send and receive read the one queue attribute they need, not all of them (local.moto_sqs).
- `ApiGatewayManagementApiBackend.post_to_connection` and `delete_connection` reach the open socket of the local
  WebSocket API, or raise GoneException (local.websocket_server, installed when that server first starts).

Patches are installed once per process and stay dormant while no runtime is active.
"""

from __future__ import annotations

import contextlib
import functools
import json
import math
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import boto3
from moto.awslambda.exceptions import UnknownFunctionException
from moto.awslambda_simple import models as lambda_simple
from moto.events.models import Rule
from moto.sqs import models as sqs_models
from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import FailureEventException
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import state_task_service_callback
from moto.stepfunctions.parser.asl.component.state.wait.wait_function import timestamp, wait_function
from moto.stepfunctions.parser.asl.eval.callback.callback import CallbackOutcomeTimedOut
from moto.stepfunctions.parser.asl.utils import boto_client
from moto.stepfunctions.parser.models import StepFunctionsParserBackend

from local import moto_dynamodb, moto_sqs
from local.clock import Clock
from local.functions import FunctionRegistry, LambdaError
from local.targets import rule_payload

LOCAL_TARGET_SERVICES = ("lambda", "states", "sns")


@dataclass(frozen=True)
class Awaited:
    """A `.waitForTaskToken` task in progress."""

    execution: str
    ends_at: float
    """Clock time the task times out."""
    answered: Callable[[], bool]
    """Whether someone sent the task token's outcome (the task moves on as soon as its thread wakes)."""


@dataclass
class Hooks:
    clock: Clock
    registry: FunctionRegistry
    time_scale: Callable[[], float]
    defer: Callable[[Callable[[], object]], None]
    """Queue work for the runtime's worker (asynchronous invocations)."""
    deliver: Callable[[dict[str, Any], str], None]
    """Send a payload to a rule or schedule target (local.targets.Targets.deliver)."""
    waiting: dict[int, tuple[str, float]] = field(default_factory=dict)
    """Wait states in progress: id(environment) -> (execution ARN, clock time the wait ends)."""
    awaiting: dict[int, Awaited] = field(default_factory=dict)
    """Task tokens awaited: id(environment) -> Awaited."""


_active: Hooks | None = None
_originals: dict[str, Any] = {}
_interpreter_clients: dict[tuple[str, str, str | None], Any] = {}


def activate(hooks: Hooks) -> None:
    global _active  # noqa: PLW0603 - one runtime per process, as mock_aws is process-wide
    if _active is not None:
        raise RuntimeError("another LocalRuntime is active in this process")
    _install()
    _active = hooks


def deactivate(hooks: Hooks) -> None:
    global _active  # noqa: PLW0603
    if _active is hooks:
        _active = None


def _install() -> None:
    if _originals:
        return
    _originals.update(
        invoke=lambda_simple.LambdaSimpleBackend.invoke,
        send_sns_message=lambda_simple.LambdaSimpleBackend.send_sns_message,
        wait=wait_function.WaitFunction._wait_interval,
        timestamp=timestamp.Timestamp._get_wait_seconds,
        unix_time=sqs_models.unix_time,
        unix_time_millis=sqs_models.unix_time_millis,
        send_to_targets=Rule.send_to_targets,
        start_execution=StepFunctionsParserBackend.start_execution,
        wait_for_task_token=state_task_service_callback.StateTaskServiceCallback._eval_wait_for_task_token,
    )
    state_task_service_callback.StateTaskServiceCallback._eval_wait_for_task_token = _wait_for_task_token  # type: ignore[method-assign]
    lambda_simple.LambdaSimpleBackend.invoke = _invoke  # type: ignore[method-assign]
    lambda_simple.LambdaSimpleBackend.send_sns_message = _send_sns_message  # type: ignore[method-assign]
    wait_function.WaitFunction._wait_interval = _wait_interval  # type: ignore[method-assign]
    timestamp.Timestamp._get_wait_seconds = _timestamp_wait_seconds  # type: ignore[method-assign]
    sqs_models.unix_time = _unix_time
    sqs_models.unix_time_millis = _unix_time_millis
    Rule.send_to_targets = _send_to_targets  # type: ignore[method-assign]
    StepFunctionsParserBackend.start_execution = _start_execution  # type: ignore[method-assign]
    boto_client.boto3 = _InterpreterBoto3()
    moto_dynamodb.install()
    moto_sqs.install()


def _invoke(  # noqa: PLR0917 - moto's signature
    self: Any, function_name: str, qualifier: str | None, body: Any, headers: Any, response_headers: Any
) -> str | bytes | None:
    hooks = _active
    if hooks is None:
        result: str | bytes | None = _originals["invoke"](
            self, function_name, qualifier, body, headers, response_headers
        )
        return result
    config = hooks.registry.by_name(function_name)
    if config is None:
        raise UnknownFunctionException(function_name)
    event = json.loads(body) if body else {}
    invocation_type = next(
        (value for key, value in dict(headers).items() if key.lower() == "x-amz-invocation-type"), ""
    )
    if invocation_type == "Event":
        hooks.defer(lambda: _invoke_async(hooks, config.logical_id, event))
        return b""
    try:
        return json.dumps(hooks.registry.invoke(config.logical_id, event)).encode()
    except LambdaError as error:
        response_headers["x-amz-function-error"] = "Unhandled"
        return json.dumps(error.payload).encode()


def _send_sns_message(
    self: Any, function_name: str, message: str, subject: str | None = None, qualifier: str | None = None
) -> None:
    hooks = _active
    config = hooks.registry.by_name(function_name) if hooks else None
    if hooks is None or config is None:
        _originals["send_sns_message"](self, function_name, message, subject, qualifier)
        return
    notification: dict[str, Any] = {
        "Type": "Notification",
        "MessageId": str(uuid.uuid4()),
        "Subject": subject,
        "Message": message,
        "Timestamp": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "SignatureVersion": "1",
        "MessageAttributes": {},
    }
    event = {"Records": [{"EventSource": "aws:sns", "EventVersion": "1.0", "Sns": notification}]}
    hooks.defer(lambda: _invoke_async(hooks, config.logical_id, event))


def _invoke_async(hooks: Hooks, logical_id: str, event: Any) -> None:
    # A failure is already logged; Lambda would retry twice, then drop the event or send it to a destination.
    with contextlib.suppress(LambdaError):
        hooks.registry.invoke(logical_id, event)


def _execution_id(env: Any) -> str:
    return str(env.states.context_object.context_object_data["Execution"]["Id"])


def _wait_interval(self: Any, env: Any, wait_seconds: int) -> None:
    hooks = _active
    if hooks is None:
        _originals["wait"](self, env, wait_seconds)
        return
    ends_at = hooks.clock.time() + wait_seconds
    scale = hooks.time_scale()
    real_deadline = time.monotonic() + wait_seconds * scale if scale > 0 else float("inf")
    hooks.waiting[id(env)] = (_execution_id(env), ends_at)
    try:
        while env.is_running() and hooks.clock.time() < ends_at:
            if time.monotonic() >= real_deadline:
                hooks.clock.catch_up(ends_at)
                break
            hooks.clock.wait_until(ends_at, timeout=min(0.05, max(0.0, real_deadline - time.monotonic())))
    finally:
        del hooks.waiting[id(env)]


def _wait_for_task_token(
    self: Any, env: Any, timeout_seconds: int, callback_endpoint: Any, heartbeat_endpoint: Any
) -> Any:
    hooks = _active
    if hooks is None or heartbeat_endpoint is not None:
        return _originals["wait_for_task_token"](self, env, timeout_seconds, callback_endpoint, heartbeat_endpoint)
    ends_at = hooks.clock.time() + timeout_seconds
    scale = hooks.time_scale()
    real_deadline = time.monotonic() + timeout_seconds * scale if scale > 0 else float("inf")
    hooks.awaiting[id(env)] = Awaited(_execution_id(env), ends_at, lambda: callback_endpoint.get_outcome() is not None)
    try:
        while env.is_running() and hooks.clock.time() < ends_at:
            if callback_endpoint.get_outcome() is not None:
                return callback_endpoint.get_outcome()
            if time.monotonic() >= real_deadline:
                hooks.clock.catch_up(ends_at)
                break
            callback_endpoint.wait(timeout=0.02)
    finally:
        del hooks.awaiting[id(env)]
    return callback_endpoint.get_outcome() or CallbackOutcomeTimedOut(callback_id=callback_endpoint.callback_id)


def _timestamp_wait_seconds(self: Any, env: Any) -> int:
    hooks = _active
    if hooks is None:
        seconds: int = _originals["timestamp"](self, env)
        return seconds
    self.string.eval(env=env)
    text: str = env.stack.pop()
    when = self._from_timestamp_string(timestamp=text)
    if when is None:
        raise FailureEventException(self._create_failure_event(env, text))
    return math.ceil(when.replace(tzinfo=UTC).timestamp() - hooks.clock.time())  # never wake before the time


def _unix_time(dt: Any = None) -> float:
    hooks = _active
    if hooks is None or dt is not None:
        seconds: float = _originals["unix_time"](dt)
        return seconds
    return hooks.clock.time()


def _unix_time_millis(dt: Any = None) -> float:
    hooks = _active
    if hooks is None or dt is not None:
        millis: float = _originals["unix_time_millis"](dt)
        return millis
    return hooks.clock.time() * 1000


def _start_execution(self: Any, state_machine_arn: str, name: str | None = None, *args: Any, **kwargs: Any) -> Any:
    return _originals["start_execution"](self, state_machine_arn, name or str(uuid.uuid4()), *args, **kwargs)


def _send_to_targets(self: Rule, original_event: Any, transform_input: bool = True) -> None:
    hooks = _active
    targets = self.targets
    local = [target for target in targets if target["Arn"].split(":")[2] in LOCAL_TARGET_SERVICES]
    if hooks is None or not local:
        _originals["send_to_targets"](self, original_event, transform_input)
        return
    # a rule with only a schedule has no pattern: it matches no event
    matches = self.event_pattern.get_pattern() and self.event_pattern.matches_event(original_event)
    if self.state == "ENABLED" and matches:
        event = {key: value for key, value in original_event.items() if key != "ingestion-time"}
        if isinstance(event.get("time"), int | float):
            event["time"] = datetime.fromtimestamp(event["time"], UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        for target in local:
            hooks.defer(functools.partial(hooks.deliver, target, rule_payload(target, event)))
    self.targets = [target for target in targets if target not in local]
    try:
        _originals["send_to_targets"](self, original_event, transform_input)
    finally:
        self.targets = targets


class _InterpreterBoto3:
    """Stands for the boto3 module in moto's `boto_client_for`."""

    def client(self, service_name: str, region_name: str, endpoint_url: str | None = None, **kwargs: Any) -> Any:
        key = (region_name, service_name, endpoint_url)
        if key not in _interpreter_clients:
            hooks = _active
            lock = hooks.registry.environment_lock if hooks is not None else None
            locked = lock is not None and lock.acquire(timeout=10)
            try:
                created = boto3.client(service_name, region_name=region_name, endpoint_url=endpoint_url, **kwargs)
                _interpreter_clients.setdefault(key, created)
            finally:
                if locked and lock is not None:
                    lock.release()
        return _interpreter_clients[key]

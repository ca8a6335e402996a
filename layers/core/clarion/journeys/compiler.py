"""A journey's steps → Amazon States Language (one Standard state machine per step graph of a campaign).

The execution's state is `{"run": {environmentId, campaignId, version, subscriberId, transactionId, payload},
"steps": {<step id>: outcome}, "visits": {...}, "end": "completed"}`. What needs no logic is a native state: a
delay or an instant is a Wait, an exit is a Pass, the run's final status is a `dynamodb:updateItem` service
integration. What needs logic (render and enqueue a send, a local time of day, a branch's rules on fresh data,
a digest, a throttle, storing an event wait's task token) is a Lambda task (JourneyTaskFunction) that gets the
state and returns it with the step's outcome; a Choice state reads that outcome where the path forks.
"""

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from clarion.engine.steps import SEND, step_type
from clarion.journeys.graph import END, edges, step_id
from clarion.journeys.units import UNIT_SECONDS
from clarion.store.keys import run_sk, transaction_key

RUN_ENDED = "Run ended"
RUN_FAILED = "Run failed"
DONE = "Done"
FAILED = "Failed"
LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke"
# the run item's key as a States.Format template, filled from the state's input
_RUN_PK = transaction_key("{}", "{}")
_RUN_SK = run_sk("{}")
_RETRY = [
    {"ErrorEquals": ["RunNotRunning"], "MaxAttempts": 0},  # cancelled: retrying cannot help
    {
        "ErrorEquals": [
            "Lambda.ServiceException",
            "Lambda.AWSLambdaException",
            "Lambda.SdkClientException",
            "Lambda.TooManyRequestsException",
        ],
        "IntervalSeconds": 2,
        "MaxAttempts": 3,
        "BackoffRate": 2,
    },
    # any other failure (a DynamoDB hiccup): the tasks are idempotent for a given state, so run them again
    {"ErrorEquals": ["States.TaskFailed"], "IntervalSeconds": 1, "MaxAttempts": 2, "BackoffRate": 2},
]
_FAIL = {"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": RUN_FAILED}


def zulu(instant: str) -> str:
    """`2026-03-29T09:00:00+02:00` → `2026-03-29T07:00:00Z`: Step Functions (and moto) take only `…Z`."""
    moment = datetime.fromisoformat(instant.replace("Z", "+00:00"))
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Compiler:
    def __init__(self, task_function: str, messages_table: str) -> None:
        self.task_function = task_function
        self.messages_table = messages_table

    def compile(self, steps: Sequence[Mapping[str, Any]], comment: str = "") -> dict[str, Any]:
        states: dict[str, Any] = {}
        for index, step in enumerate(steps):
            states |= self._step(steps, index, step)
        states |= self._endings()
        return {"Comment": comment, "StartAt": step_id(steps, 0), "States": states}

    def _step(self, steps: Sequence[Mapping[str, Any]], index: int, step: Mapping[str, Any]) -> dict[str, Any]:
        name = step_id(steps, index)
        kind = step_type(step)
        targets = {edge.field: _state(edge.target) for edge in edges(steps, index)}
        following = targets.get("next", RUN_ENDED)
        if kind == SEND:
            return {name: self._task("send", name, following)}
        if kind == "exit":
            return {name: {"Type": "Pass", "Result": "exited", "ResultPath": "$.end", "Next": RUN_ENDED}}
        if kind == "wait":
            return self._wait(name, step["wait"], following, targets.get("wait.onTimeout", RUN_ENDED))
        if kind == "branch":
            rules = [
                {"Variable": f"$.steps.{name}.next", "StringEquals": target, "Next": _state(target)}
                for target in dict.fromkeys(rule["next"] for rule in step["branches"])
            ]
            choice = {"Type": "Choice", "Choices": rules, "Default": _state(step["default"])}
            return {name: self._task("branch", name, f"{name}.choice"), f"{name}.choice": choice}
        if kind == "digest":
            return {
                name: self._task("digest", name, f"{name}.choice"),
                f"{name}.choice": _ends_when(name, "digested", f"{name}.wait"),
                f"{name}.wait": {"Type": "Wait", "TimestampPath": f"$.steps.{name}.until", "Next": f"{name}.release"},
                f"{name}.release": self._task("digest_release", name, following),
            }
        if kind == "throttle":
            return {
                name: self._task("throttle", name, f"{name}.choice"),
                f"{name}.choice": _ends_when(name, "throttled", following),
            }
        raise ValueError(f"unknown step type {kind}")

    def _wait(self, name: str, wait: Mapping[str, Any], following: str, on_timeout: str) -> dict[str, Any]:
        seconds = (wait.get("amount") or 0) * UNIT_SECONDS[wait.get("unit") or "seconds"]
        if wait.get("event"):
            return {
                name: {
                    "Type": "Task",
                    "Resource": f"{LAMBDA_INVOKE}.waitForTaskToken",
                    "Parameters": {
                        "FunctionName": self.task_function,
                        "Payload": {
                            "action": "await_event",
                            "stepId": name,
                            "token.$": "$$.Task.Token",
                            "state.$": "$",
                        },
                    },
                    "TimeoutSeconds": seconds,
                    "ResultPath": f"$.steps.{name}",
                    "Catch": [
                        {"ErrorEquals": ["States.Timeout"], "ResultPath": f"$.steps.{name}", "Next": f"{name}.timeout"},
                        _FAIL,
                    ],
                    "Next": following,
                },
                f"{name}.timeout": {
                    "Type": "Pass",
                    "Result": {"status": "timed_out"},
                    "ResultPath": f"$.steps.{name}",
                    "Next": on_timeout,
                },
            }
        if wait.get("timeOfDay"):
            return {
                name: self._task("local_time", name, f"{name}.wait"),
                f"{name}.wait": {"Type": "Wait", "TimestampPath": f"$.steps.{name}.until", "Next": following},
            }
        if wait.get("until"):
            return {name: {"Type": "Wait", "Timestamp": zulu(wait["until"]), "Next": following}}
        return {name: {"Type": "Wait", "Seconds": seconds, "Next": following}}

    def _task(self, action: str, name: str, following: str) -> dict[str, Any]:
        return {
            "Type": "Task",
            "Resource": LAMBDA_INVOKE,
            "Parameters": {
                "FunctionName": self.task_function,
                "Payload": {"action": action, "stepId": name, "state.$": "$"},
            },
            "OutputPath": "$.Payload",
            "Retry": _RETRY,
            "Catch": [_FAIL],
            "Next": following,
        }

    def _endings(self) -> dict[str, Any]:
        return {
            RUN_ENDED: self._set_status({"S.$": "$.end"}, DONE),
            RUN_FAILED: self._set_status({"S": "failed"}, FAILED),
            DONE: {"Type": "Succeed"},
            FAILED: {"Type": "Fail", "Error": "JourneyStepFailed", "Cause": "a step of the journey failed"},
        }

    def _set_status(self, status: dict[str, str], following: str) -> dict[str, Any]:
        """The run item's final status (a cancelled run keeps its own), by a DynamoDB service integration."""
        return {
            "Type": "Task",
            "Resource": "arn:aws:states:::dynamodb:updateItem",
            "Parameters": {
                "TableName": self.messages_table,
                "Key": {
                    "pk": {"S.$": f"States.Format('{_RUN_PK}', $.run.environmentId, $.run.transactionId)"},
                    "sk": {"S.$": f"States.Format('{_RUN_SK}', $.run.subscriberId)"},
                },
                "UpdateExpression": "SET #status = :status REMOVE currentStep",
                "ConditionExpression": "#status = :running",
                "ExpressionAttributeNames": {"#status": "status"},
                "ExpressionAttributeValues": {":status": status, ":running": {"S": "running"}},
            },
            "ResultPath": None,
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": following}],
            "Next": following,
        }


def _state(target: str) -> str:
    return RUN_ENDED if target == END else target


def _ends_when(name: str, status: str, otherwise: str) -> dict[str, Any]:
    return {
        "Type": "Choice",
        "Choices": [{"Variable": f"$.steps.{name}.status", "StringEquals": status, "Next": RUN_ENDED}],
        "Default": otherwise,
    }

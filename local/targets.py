"""Delivery of a schedule's or rule's payload to its target ARN: in-process Lambda, SQS, Step Functions, SNS."""

from __future__ import annotations

import json
import logging
from typing import Any

from botocore import xform_name

from local import clients
from local.functions import FunctionRegistry, LambdaError

log = logging.getLogger(__name__)
UNIVERSAL_TARGET = "arn:aws:scheduler:::aws-sdk:"


class Targets:
    def __init__(self, registry: FunctionRegistry, region: str, account_id: str) -> None:
        self.registry = registry
        self.region = region
        self.account_id = account_id

    def client(self, service: str) -> Any:
        return clients.client(service, self.region)

    def deliver(self, target: dict[str, Any], payload: str) -> None:
        """Send `payload` (the target's Input, or the event) to the target, logging instead of raising."""
        arn = str(target["Arn"])
        try:
            self._deliver(arn, target, payload)
        except LambdaError:
            pass  # logged by the registry; an asynchronous invocation's failure never reaches the caller
        except Exception:
            log.exception("delivery to %s failed", arn)

    def _deliver(self, arn: str, target: dict[str, Any], payload: str) -> None:
        if arn.startswith(UNIVERSAL_TARGET):
            service, action = arn[len(UNIVERSAL_TARGET) :].split(":", 1)
            getattr(self.client(service), xform_name(action))(**json.loads(payload))
            return
        service = arn.split(":")[2]
        if service == "lambda":
            config = self.registry.by_name(arn)
            if config is None:
                raise ValueError(f"no local function for {arn}")
            self.registry.invoke(config.logical_id, _json_or_text(payload))
        elif service == "sqs":
            request: dict[str, Any] = {"QueueUrl": self._queue_url(arn), "MessageBody": payload}
            group = (target.get("SqsParameters") or {}).get("MessageGroupId")
            if group:
                request["MessageGroupId"] = group
            self.client("sqs").send_message(**request)
        elif service == "states":
            self.client("stepfunctions").start_execution(stateMachineArn=arn, input=payload)
        elif service == "sns":
            self.client("sns").publish(TopicArn=arn, Message=payload)
        elif service == "events":
            event = json.loads(payload)
            entry = {"Source": event.get("source"), "DetailType": event.get("detail-type"), "EventBusName": arn}
            self.client("events").put_events(Entries=[{**entry, "Detail": json.dumps(event.get("detail", {}))}])
        else:
            log.warning("targets of %s are not delivered locally (%s)", service, arn)

    def _queue_url(self, arn: str) -> str:
        url: str = self.client("sqs").get_queue_url(QueueName=arn.rsplit(":", 1)[-1])["QueueUrl"]
        return url


def _json_or_text(payload: str) -> Any:
    try:
        return json.loads(payload)
    except json.JSONDecodeError:
        return payload


def rule_payload(target: dict[str, Any], event: dict[str, Any]) -> str:
    """What an EventBridge rule sends a target: Input, InputPath, InputTransformer, or the event itself."""
    if "Input" in target:
        return str(target["Input"])
    if "InputPath" in target:
        return json.dumps(_json_path(event, target["InputPath"]))
    transformer = target.get("InputTransformer")
    if transformer:
        values = {name: _json_path(event, path) for name, path in transformer.get("InputPathsMap", {}).items()}
        text = str(transformer["InputTemplate"])
        for name, value in values.items():
            replacement = value if isinstance(value, str) else json.dumps(value)
            text = text.replace(f"<{name}>", replacement)
        return text
    return json.dumps(event)


def _json_path(document: Any, path: str) -> Any:
    value = document
    for part in path.removeprefix("$").strip(".").split("."):
        if part:
            value = value.get(part) if isinstance(value, dict) else None
    return value

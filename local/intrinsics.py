"""A small CloudFormation intrinsic function resolver, with physical names the way CloudFormation gives them."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Mapping
from typing import Any

ACCOUNT_ID = "123456789012"
_SUB_VARIABLE = re.compile(r"\$\{([^}]+)\}")
# What a SAM resource becomes after the transform, for templates that reference a SAM resource directly.
SAM_TYPES = {
    "AWS::Serverless::Function": "AWS::Lambda::Function",
    "AWS::Serverless::StateMachine": "AWS::StepFunctions::StateMachine",
    "AWS::Serverless::SimpleTable": "AWS::DynamoDB::Table",
    "AWS::Serverless::HttpApi": "AWS::ApiGatewayV2::Api",
    "AWS::Serverless::Api": "AWS::ApiGateway::RestApi",
    "AWS::Serverless::LayerVersion": "AWS::Lambda::LayerVersion",
}
NAME_PROPERTIES = {
    "AWS::DynamoDB::Table": "TableName",
    "AWS::SQS::Queue": "QueueName",
    "AWS::SNS::Topic": "TopicName",
    "AWS::StepFunctions::StateMachine": "StateMachineName",
    "AWS::Lambda::Function": "FunctionName",
    "AWS::Events::Rule": "Name",
    "AWS::Events::EventBus": "Name",
    "AWS::Scheduler::Schedule": "Name",
    "AWS::Scheduler::ScheduleGroup": "Name",
    "AWS::IAM::Role": "RoleName",
    "AWS::Lambda::LayerVersion": "LayerName",
    "AWS::S3::Bucket": "BucketName",
    "AWS::SSM::Parameter": "Name",
    "AWS::SecretsManager::Secret": "Name",
    "AWS::SES::EmailIdentity": "EmailIdentity",
    "AWS::SES::ConfigurationSet": "Name",
    "AWS::Logs::LogGroup": "LogGroupName",
}
ARN_FORMATS = {
    "AWS::DynamoDB::Table": "arn:aws:dynamodb:{region}:{account}:table/{name}",
    "AWS::SQS::Queue": "arn:aws:sqs:{region}:{account}:{name}",
    "AWS::SNS::Topic": "arn:aws:sns:{region}:{account}:{name}",
    "AWS::StepFunctions::StateMachine": "arn:aws:states:{region}:{account}:stateMachine:{name}",
    "AWS::Lambda::Function": "arn:aws:lambda:{region}:{account}:function:{name}",
    "AWS::Lambda::LayerVersion": "arn:aws:lambda:{region}:{account}:layer:{name}:1",
    "AWS::Events::Rule": "arn:aws:events:{region}:{account}:rule/{rule}",
    "AWS::Events::EventBus": "arn:aws:events:{region}:{account}:event-bus/{name}",
    "AWS::Scheduler::Schedule": "arn:aws:scheduler:{region}:{account}:schedule/{group}/{name}",
    "AWS::Scheduler::ScheduleGroup": "arn:aws:scheduler:{region}:{account}:schedule-group/{name}",
    "AWS::IAM::Role": "arn:aws:iam::{account}:role/{name}",
    "AWS::S3::Bucket": "arn:aws:s3:::{name}",
    "AWS::Logs::LogGroup": "arn:aws:logs:{region}:{account}:log-group:{name}:*",
    "AWS::SecretsManager::Secret": "arn:aws:secretsmanager:{region}:{account}:secret:{name}",
}
NAME_LIMITS = {"AWS::SQS::Queue": 80, "AWS::StepFunctions::StateMachine": 80, "AWS::Lambda::Function": 64}


class NoValue:
    """AWS::NoValue: the enclosing property or list item disappears."""


NO_VALUE = NoValue()


class Resolver:
    def __init__(
        self,
        document: Mapping[str, Any],
        parameter_overrides: Mapping[str, Any] | None = None,
        *,
        region: str = "us-east-1",
        account_id: str = ACCOUNT_ID,
        stack_name: str = "clarion-local",
        extra_resources: Mapping[str, Any] | None = None,
    ) -> None:
        self.region, self.account_id, self.stack_name = region, account_id, stack_name
        self.resources = {
            logical_id: {**resource, "Type": SAM_TYPES.get(resource.get("Type", ""), resource.get("Type"))}
            for logical_id, resource in {**(extra_resources or {}), **document.get("Resources", {})}.items()
        }
        self.mappings: dict[str, Any] = dict(document.get("Mappings", {}))
        self.conditions: dict[str, Any] = dict(document.get("Conditions", {}))
        self.parameters = _parameters(document.get("Parameters", {}), parameter_overrides or {})
        self.known: dict[tuple[str, str], Any] = {}
        """Values only the created resource knows (queue URLs, stream ARNs): (logical id, "Ref" or attribute)."""
        self._names: dict[str, str] = {}

    @property
    def pseudo(self) -> dict[str, Any]:
        return {
            "AWS::Region": self.region,
            "AWS::AccountId": self.account_id,
            "AWS::StackName": self.stack_name,
            "AWS::StackId": f"arn:aws:cloudformation:{self.region}:{self.account_id}:stack/{self.stack_name}/local",
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::NoValue": NO_VALUE,
            "AWS::NotificationARNs": [],
        }

    def is_enabled(self, logical_id: str) -> bool:
        condition = self.resources.get(logical_id, {}).get("Condition")
        return condition is None or self.condition(condition)

    def condition(self, name: str) -> bool:
        return bool(self.resolve(self.conditions[name]))

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            resolved = [self.resolve(item) for item in value]
            return [item for item in resolved if item is not NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, argument),) = value.items()
            function = _FUNCTIONS.get(key)
            if function is not None:
                return function(self, argument)
        items = {key: self.resolve(item) for key, item in value.items()}
        return {key: item for key, item in items.items() if item is not NO_VALUE}

    def physical_name(self, logical_id: str) -> str:
        if logical_id not in self._names:
            resource = self.resources[logical_id]
            kind = resource["Type"]
            given = resource.get("Properties", {}).get(NAME_PROPERTIES.get(kind, ""))
            self._names[logical_id] = str(self.resolve(given)) if given else self._generated_name(logical_id)
        return self._names[logical_id]

    def _generated_name(self, logical_id: str) -> str:
        resource = self.resources[logical_id]
        kind = resource["Type"]
        name = f"{self.stack_name}-{logical_id}"
        if kind == "AWS::S3::Bucket":
            name = name.lower()
        suffix = ".fifo" if kind == "AWS::SQS::Queue" and resource.get("Properties", {}).get("FifoQueue") else ""
        limit = NAME_LIMITS.get(kind, 255) - len(suffix)
        return name[:limit] + suffix

    def ref(self, logical_id: str) -> Any:
        if logical_id in self.parameters:
            return self.parameters[logical_id]
        if logical_id in self.pseudo:
            return self.pseudo[logical_id]
        if (logical_id, "Ref") in self.known:
            return self.known[(logical_id, "Ref")]
        kind = self._type(logical_id)
        if kind in ("AWS::SNS::Topic", "AWS::StepFunctions::StateMachine", "AWS::Lambda::LayerVersion"):
            return self.get_att(logical_id, "Arn")
        if kind == "AWS::SQS::Queue":
            return self.get_att(logical_id, "QueueUrl")
        if kind == "AWS::SecretsManager::Secret":
            return self.get_att(logical_id, "Arn")
        if kind == "AWS::ApiGatewayV2::Api":
            return api_id(logical_id)
        return self.physical_name(logical_id)

    def get_att(self, logical_id: str, attribute: str) -> Any:
        if (logical_id, attribute) in self.known:
            return self.known[(logical_id, attribute)]
        name = self.physical_name(logical_id)
        derived = {
            "Name": lambda: name,
            "QueueName": lambda: name,
            "TopicName": lambda: name,
            "QueueUrl": lambda: f"https://sqs.{self.region}.amazonaws.com/{self.account_id}/{name}",
            "TopicArn": lambda: self.get_att(logical_id, "Arn"),
            "StreamArn": lambda: f"{self.get_att(logical_id, 'Arn')}/stream/1970-01-01T00:00:00.000",
            "ApiEndpoint": lambda: f"https://{api_id(logical_id)}.execute-api.{self.region}.amazonaws.com",
            "ApiId": lambda: api_id(logical_id),
            "Arn": lambda: self._arn(logical_id, name),
        }
        if attribute not in derived:
            raise ValueError(f"Fn::GetAtt {logical_id}.{attribute} is not supported locally")
        return derived[attribute]()

    def _arn(self, logical_id: str, name: str) -> str:
        kind = self._type(logical_id)
        props = self.resources[logical_id].get("Properties", {})
        bus = self.resolve(props.get("EventBusName", "default"))
        values = {
            "region": self.region,
            "account": self.account_id,
            "name": name,
            "rule": name if bus == "default" else f"{bus}/{name}",
            "group": self.resolve(props.get("GroupName", "default")),
            "service": kind.split("::")[1].lower() if kind.count("::") == 2 else "unknown",
        }
        return ARN_FORMATS.get(kind, "arn:aws:{service}:{region}:{account}:{name}").format(**values)

    def _type(self, logical_id: str) -> str:
        if logical_id not in self.resources:
            raise ValueError(f"Unresolved reference to {logical_id!r}")
        return str(self.resources[logical_id]["Type"])

    def sub(self, argument: Any) -> str:
        template, variables = (argument, {}) if isinstance(argument, str) else argument
        variables = {key: self.resolve(value) for key, value in variables.items()}

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in variables:
                return str(variables[name])
            if "." in name and name.split(".", 1)[0] in self.resources:
                return str(self.get_att(*name.split(".", 1)))
            return str(self.ref(name))

        return _SUB_VARIABLE.sub(replace, template)


def api_id(logical_id: str) -> str:
    """A deterministic 10-character API id, the shape API Gateway gives."""
    return hashlib.sha256(logical_id.encode()).hexdigest()[:10]


def _parameters(declared: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    unknown = set(overrides) - set(declared)
    if unknown:
        raise ValueError(f"Unknown template parameters: {sorted(unknown)}")
    for name, spec in declared.items():
        if name not in overrides and "Default" not in spec:
            raise ValueError(f"Parameter {name} has no default and no override")
        value = overrides.get(name, spec.get("Default"))
        kind = str(spec.get("Type", "String"))
        if kind == "CommaDelimitedList" or kind.startswith("List<"):
            value = value if isinstance(value, list) else [item.strip() for item in str(value).split(",")]
        else:
            value = str(value).lower() if isinstance(value, bool) else str(value)
            allowed = spec.get("AllowedValues")
            if allowed is not None and value not in [str(item) for item in allowed]:
                raise ValueError(f"Parameter {name}={value!r} is not one of {allowed}")
        values[name] = value
    return values


def _get_att(resolver: Resolver, argument: Any) -> Any:
    logical_id, attribute = argument.split(".", 1) if isinstance(argument, str) else argument
    return resolver.get_att(logical_id, resolver.resolve(attribute))


def _if(resolver: Resolver, argument: list[Any]) -> Any:
    name, when_true, when_false = argument
    return resolver.resolve(when_true if resolver.condition(name) else when_false)


def _select(resolver: Resolver, argument: list[Any]) -> Any:
    index, items = resolver.resolve(argument)
    return items[int(index)]


def _split(resolver: Resolver, argument: list[Any]) -> list[str]:
    delimiter, text = resolver.resolve(argument)
    return str(text).split(delimiter)


def _find_in_map(resolver: Resolver, argument: list[Any]) -> Any:
    name, top, second = resolver.resolve(argument)[:3]
    return resolver.mappings[name][top][second]


def _base64(resolver: Resolver, argument: Any) -> str:
    return base64.b64encode(str(resolver.resolve(argument)).encode()).decode()


_FUNCTIONS: dict[str, Any] = {
    "Ref": lambda r, a: r.ref(a),
    "Fn::GetAtt": _get_att,
    "Fn::Sub": lambda r, a: r.sub(a),
    "Fn::If": _if,
    "Fn::Equals": lambda r, a: str(r.resolve(a[0])) == str(r.resolve(a[1])),
    "Fn::Not": lambda r, a: not r.resolve(a[0]),
    "Fn::And": lambda r, a: all(r.resolve(item) for item in a),
    "Fn::Or": lambda r, a: any(r.resolve(item) for item in a),
    "Condition": lambda r, a: r.condition(a) if isinstance(a, str) else {"Condition": r.resolve(a)},
    "Fn::Join": lambda r, a: str(a[0]).join(str(item) for item in r.resolve(a[1])),
    "Fn::Select": _select,
    "Fn::Split": _split,
    "Fn::FindInMap": _find_in_map,
    "Fn::Base64": _base64,
    "Fn::GetAZs": lambda r, a: [f"{r.region}{zone}" for zone in "abc"],
}

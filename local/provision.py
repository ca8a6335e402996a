"""Create the translated template's resources on moto, the way CloudFormation would (minus the parts moto skips)."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from typing import Any

from local import clients
from local import template as sam
from local.stack import EventSourceMapping, Stack, as_text, configure_functions, find_function, resolve

log = logging.getLogger(__name__)
SKIPPED_PREFIXES = ("AWS::IAM::", "AWS::ApiGateway::", "AWS::ApiGatewayV2::", "AWS::Logs::", "AWS::CloudWatch::")
SKIPPED_TYPES = {
    "AWS::Lambda::Permission",
    "AWS::Lambda::LayerVersion",
    "AWS::Lambda::Version",
    "AWS::Lambda::Alias",
    "AWS::Lambda::EventInvokeConfig",
    "AWS::SQS::QueuePolicy",
    "AWS::S3::BucketPolicy",
    "AWS::SNS::TopicPolicy",
    "AWS::Events::EventBusPolicy",
}
# An SNS platform application (FCM is GCM to SNS) a function's environment names.
PLATFORM_APPLICATION_ARN = re.compile(
    r"^arn:aws[a-z-]*:sns:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):"
    r"app/(?P<platform>GCM|APNS|APNS_SANDBOX)/(?P<name>[\w.-]+)$"
)
GSI_KEYS = ("IndexName", "KeySchema", "Projection", "ProvisionedThroughput")
CREATION_ORDER = {
    "AWS::SQS::Queue": 0,
    "AWS::SNS::Topic": 1,
    "AWS::Events::EventBus": 1,
    "AWS::Scheduler::ScheduleGroup": 1,
    "AWS::DynamoDB::Table": 2,
    "AWS::StepFunctions::StateMachine": 10,
    "AWS::Lambda::EventSourceMapping": 20,
}
HANDLERS = {
    "AWS::DynamoDB::Table": "table",
    "AWS::SQS::Queue": "queue",
    "AWS::SNS::Topic": "topic",
    "AWS::SNS::Subscription": "subscription",
    "AWS::StepFunctions::StateMachine": "state_machine",
    "AWS::Events::EventBus": "event_bus",
    "AWS::Events::Rule": "rule",
    "AWS::Scheduler::ScheduleGroup": "schedule_group",
    "AWS::Scheduler::Schedule": "schedule",
    "AWS::Lambda::Function": "function",
    "AWS::Lambda::EventSourceMapping": "event_source_mapping",
    "AWS::SES::EmailIdentity": "email_identity",
    "AWS::SES::ConfigurationSet": "configuration_set",
    "AWS::S3::Bucket": "bucket",
    "AWS::SSM::Parameter": "parameter",
    "AWS::SecretsManager::Secret": "secret",
}


def provision(template: sam.SamTemplate, parameter_overrides: dict[str, Any] | None = None) -> Stack:
    stack = resolve(template, parameter_overrides)
    creator = ResourceCreator(stack)
    resources = stack.translated.get("Resources", {})
    for logical_id, resource in sorted(resources.items(), key=_creation_order):
        kind = resource["Type"]
        if not stack.resolver.is_enabled(logical_id) or kind in SKIPPED_TYPES or kind.startswith(SKIPPED_PREFIXES):
            continue
        handler = creator.handler(kind)
        if handler is None:
            log.warning("%s (%s) is not provisioned by the local runtime", logical_id, kind)
            continue
        handler(logical_id, stack.resolver.resolve(resource.get("Properties", {})))
    configure_functions(stack)  # again: environment variables can name what only creation knew (queue URLs)
    creator.platform_applications()
    return stack


def _creation_order(item: tuple[str, dict[str, Any]]) -> tuple[int, bool]:
    """Queues before what names them, and a dead-letter queue before the queue that redrives to it."""
    resource = item[1]
    return CREATION_ORDER.get(resource["Type"], 50), "RedrivePolicy" in resource.get("Properties", {})


class ResourceCreator:
    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.resolver = stack.resolver

    def handler(self, kind: str) -> Callable[[str, dict[str, Any]], None] | None:
        method: Callable[[str, dict[str, Any]], None] | None = getattr(self, HANDLERS.get(kind, ""), None)
        return method

    def client(self, service: str) -> Any:
        return clients.client(service, self.resolver.region)

    def table(self, logical_id: str, props: dict[str, Any]) -> None:
        name = self.resolver.physical_name(logical_id)
        billing = props.get("BillingMode", "PROVISIONED")
        request: dict[str, Any] = {
            "TableName": name,
            "AttributeDefinitions": props["AttributeDefinitions"],
            "KeySchema": props["KeySchema"],
            "BillingMode": billing,
        }
        if billing == "PROVISIONED":
            request["ProvisionedThroughput"] = props["ProvisionedThroughput"]
        for key in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
            if props.get(key):
                request[key] = [{k: v for k, v in index.items() if k in GSI_KEYS} for index in props[key]]
        if props.get("StreamSpecification"):
            view = props["StreamSpecification"]["StreamViewType"]
            request["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": view}
        dynamodb = self.client("dynamodb")
        description = dynamodb.create_table(**request)["TableDescription"]
        ttl = props.get("TimeToLiveSpecification")
        if ttl and ttl.get("Enabled"):
            dynamodb.update_time_to_live(
                TableName=name, TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": True}
            )
        if description.get("LatestStreamArn"):
            self.resolver.known[(logical_id, "StreamArn")] = description["LatestStreamArn"]
        self.stack.resources.tables[logical_id] = name

    def queue(self, logical_id: str, props: dict[str, Any]) -> None:
        attributes = {
            key: json.dumps(value) if isinstance(value, dict) else as_text(value)
            for key, value in props.items()
            if key not in ("QueueName", "Tags")
        }
        url = self.client("sqs").create_queue(QueueName=self.resolver.physical_name(logical_id), Attributes=attributes)[
            "QueueUrl"
        ]
        self.resolver.known[(logical_id, "Ref")] = self.resolver.known[(logical_id, "QueueUrl")] = url
        self.stack.resources.queues[logical_id] = url

    def topic(self, logical_id: str, props: dict[str, Any]) -> None:
        attributes = {
            key: as_text(props[key])
            for key in ("DisplayName", "FifoTopic", "ContentBasedDeduplication")
            if key in props
        }
        sns = self.client("sns")
        arn = sns.create_topic(Name=self.resolver.physical_name(logical_id), Attributes=attributes)["TopicArn"]
        for subscription in props.get("Subscription", []):
            sns.subscribe(TopicArn=arn, Protocol=subscription["Protocol"], Endpoint=subscription["Endpoint"])
        self.stack.resources.topics[logical_id] = arn

    def subscription(self, logical_id: str, props: dict[str, Any]) -> None:
        attributes = {key: as_text(props[key]) for key in ("FilterPolicy", "RawMessageDelivery") if key in props}
        self.client("sns").subscribe(
            TopicArn=props["TopicArn"], Protocol=props["Protocol"], Endpoint=props["Endpoint"], Attributes=attributes
        )

    def state_machine(self, logical_id: str, props: dict[str, Any]) -> None:
        if "Definition" in props:
            definition = json.dumps(props["Definition"])
        elif "DefinitionString" in props:
            definition = str(props["DefinitionString"])
        else:
            text = sam.local_file(self.stack.template, props.get("DefinitionS3Location"))
            if text is None:
                raise ValueError(f"{logical_id}: a definition in S3 cannot be read locally")
            definition = text
        for key, value in (props.get("DefinitionSubstitutions") or {}).items():
            definition = definition.replace("${" + key + "}", as_text(value))
        arn = self.client("stepfunctions").create_state_machine(
            name=self.resolver.physical_name(logical_id),
            definition=definition,
            roleArn=props.get("RoleArn", f"arn:aws:iam::{self.resolver.account_id}:role/local"),
            type=props.get("StateMachineType", "STANDARD"),
        )["stateMachineArn"]
        self.stack.resources.state_machines[logical_id] = arn

    def event_bus(self, logical_id: str, props: dict[str, Any]) -> None:
        self.client("events").create_event_bus(Name=self.resolver.physical_name(logical_id))

    def rule(self, logical_id: str, props: dict[str, Any]) -> None:
        name = self.resolver.physical_name(logical_id)
        bus = props.get("EventBusName", "default")
        request: dict[str, Any] = {"Name": name, "EventBusName": bus, "State": props.get("State", "ENABLED")}
        if "ScheduleExpression" in props:
            request["ScheduleExpression"] = props["ScheduleExpression"]
        if "EventPattern" in props:
            pattern = props["EventPattern"]
            request["EventPattern"] = pattern if isinstance(pattern, str) else json.dumps(pattern)
        events = self.client("events")
        events.put_rule(**request)
        if props.get("Targets"):
            events.put_targets(Rule=name, EventBusName=bus, Targets=props["Targets"])
        self.stack.resources.rules[logical_id] = name

    def schedule_group(self, logical_id: str, props: dict[str, Any]) -> None:
        self.client("scheduler").create_schedule_group(Name=self.resolver.physical_name(logical_id))

    def schedule(self, logical_id: str, props: dict[str, Any]) -> None:
        name = self.resolver.physical_name(logical_id)
        request = {key: value for key, value in props.items() if key not in ("Name", "KmsKeyArn")}
        self.client("scheduler").create_schedule(Name=name, **request)
        self.stack.resources.schedules[logical_id] = name

    def function(self, logical_id: str, props: dict[str, Any]) -> None:
        if logical_id not in self.stack.functions:
            log.warning("%s is not a SAM function with local code: it cannot run locally", logical_id)

    def event_source_mapping(self, logical_id: str, props: dict[str, Any]) -> None:
        function = find_function(self.stack.functions, str(props["FunctionName"]))
        if function is None:
            log.warning("%s: no local function %s", logical_id, props["FunctionName"])
            return
        source = str(props.get("EventSourceArn", ""))
        if not source.startswith("arn:aws:sqs:"):
            log.warning("%s: only SQS event sources are polled locally, not %s", logical_id, source)
            return
        self.stack.event_source_mappings.append(
            EventSourceMapping(
                logical_id=logical_id,
                function_id=function.logical_id,
                source_arn=source,
                batch_size=int(props.get("BatchSize", 10)),
                report_batch_item_failures="ReportBatchItemFailures" in props.get("FunctionResponseTypes", []),
                enabled=bool(props.get("Enabled", True)),
            )
        )

    def email_identity(self, logical_id: str, props: dict[str, Any]) -> None:
        identity = str(props["EmailIdentity"])
        self.client("sesv2").create_email_identity(EmailIdentity=identity)
        self.stack.resources.email_identities[logical_id] = identity

    def platform_applications(self) -> None:
        """The SNS platform applications the functions' environments name, created with stand-in credentials.

        They are no CloudFormation resource: a deployment creates them once, with the FCM key or APNs
        certificate, and passes their ARNs to the stack (Clarion: FcmPlatformApplicationArn and
        ApnsPlatformApplicationArn, by default <stack name>-fcm and <stack name>-apns, the settings
        FCM_PLATFORM_APPLICATION_ARN and APNS_PLATFORM_APPLICATION_ARN of the functions). An ARN of another
        account or region is left alone: the local stack cannot create it.
        """
        named = {
            value: found
            for function in self.stack.functions.values()
            for value in function.environment.values()
            if (found := PLATFORM_APPLICATION_ARN.match(value))
        }
        for arn, found in sorted(named.items()):
            if (found["account"], found["region"]) != (self.resolver.account_id, self.resolver.region):
                log.warning("%s is in another account or region: it is not created locally", arn)
                continue
            platform, name = found["platform"], found["name"]
            credentials = {"PlatformCredential": f"local-{platform.lower()}-credential"}
            if platform.startswith("APNS"):
                credentials["PlatformPrincipal"] = f"local-{platform.lower()}-certificate"
            created = self.client("sns").create_platform_application(
                Name=name, Platform=platform, Attributes=credentials
            )["PlatformApplicationArn"]
            self.stack.resources.platform_applications[name] = created

    def configuration_set(self, logical_id: str, props: dict[str, Any]) -> None:
        self.client("sesv2").create_configuration_set(ConfigurationSetName=self.resolver.physical_name(logical_id))

    def bucket(self, logical_id: str, props: dict[str, Any]) -> None:
        name = self.resolver.physical_name(logical_id)
        self.client("s3").create_bucket(Bucket=name)
        self.stack.resources.buckets[logical_id] = name

    def parameter(self, logical_id: str, props: dict[str, Any]) -> None:
        self.client("ssm").put_parameter(
            Name=self.resolver.physical_name(logical_id), Value=str(props["Value"]), Type=props.get("Type", "String")
        )

    def secret(self, logical_id: str, props: dict[str, Any]) -> None:
        value = props.get("SecretString")
        generate = props.get("GenerateSecretString")
        if value is None and generate is not None:
            password = self.client("secretsmanager").get_random_password(PasswordLength=32)["RandomPassword"]
            key = generate.get("GenerateStringKey")
            template = json.loads(generate.get("SecretStringTemplate", "{}"))
            value = json.dumps({**template, key: password}) if key else password
        arn = self.client("secretsmanager").create_secret(
            Name=self.resolver.physical_name(logical_id), SecretString=value or ""
        )["ARN"]
        self.resolver.known[(logical_id, "Ref")] = self.resolver.known[(logical_id, "Arn")] = arn

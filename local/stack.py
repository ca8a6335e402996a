"""The stack as the runtime sees it: the translated template, physical names, and each function's settings."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from local import template as sam
from local.intrinsics import Resolver


@dataclass(frozen=True)
class FunctionConfig:
    logical_id: str
    name: str
    arn: str
    handler: str
    code_dir: Path
    layer_dirs: tuple[Path, ...]
    environment: dict[str, str]
    timeout: int
    memory_size: int


@dataclass(frozen=True)
class EventSourceMapping:
    logical_id: str
    function_id: str
    source_arn: str
    batch_size: int
    report_batch_item_failures: bool
    enabled: bool


@dataclass
class Resources:
    """Physical names by logical id."""

    tables: dict[str, str] = field(default_factory=dict)
    queues: dict[str, str] = field(default_factory=dict)
    """Queue URLs."""
    topics: dict[str, str] = field(default_factory=dict)
    state_machines: dict[str, str] = field(default_factory=dict)
    """State machine ARNs."""
    functions: dict[str, str] = field(default_factory=dict)
    rules: dict[str, str] = field(default_factory=dict)
    schedules: dict[str, str] = field(default_factory=dict)
    buckets: dict[str, str] = field(default_factory=dict)
    email_identities: dict[str, str] = field(default_factory=dict)
    platform_applications: dict[str, str] = field(default_factory=dict)
    """SNS platform application ARNs by name (the ones the functions' environments name)."""


@dataclass
class Stack:
    template: sam.SamTemplate
    translated: dict[str, Any]
    resolver: Resolver
    resources: Resources = field(default_factory=Resources)
    functions: dict[str, FunctionConfig] = field(default_factory=dict)
    event_source_mappings: list[EventSourceMapping] = field(default_factory=list)


def find_function(functions: Mapping[str, FunctionConfig], name_or_arn: str) -> FunctionConfig | None:
    """The function a Lambda API call names: by name, ARN or partial ARN (a qualifier is ignored)."""
    name = name_or_arn.split(":function:", 1)[-1].split(":", 1)[0]
    return next((config for config in functions.values() if config.name == name), None)


def resolve(template: sam.SamTemplate, parameter_overrides: dict[str, Any] | None = None) -> Stack:
    """Translate and resolve names and function settings, without creating anything."""
    resolver = Resolver(template.document, parameter_overrides)
    translated = sam.translate(template, {name: value for name, value in resolver.parameters.items()})
    resolver = Resolver(translated, parameter_overrides, extra_resources=template.resources)
    stack = Stack(template, translated, resolver)
    configure_functions(stack)
    return stack


def configure_functions(stack: Stack) -> None:
    for logical_id, spec in stack.template.functions.items():
        if stack.resolver.is_enabled(logical_id):
            stack.functions[logical_id] = _function_config(stack.resolver, spec)
            stack.resources.functions[logical_id] = stack.functions[logical_id].name


def _function_config(resolver: Resolver, spec: sam.FunctionSpec) -> FunctionConfig:
    props = spec.properties
    environment = {key: as_text(value) for key, value in resolver.resolve(spec.environment).items()}
    return FunctionConfig(
        logical_id=spec.logical_id,
        name=resolver.physical_name(spec.logical_id),
        arn=resolver.get_att(spec.logical_id, "Arn"),
        handler=str(resolver.resolve(spec.handler)),
        code_dir=spec.code_dir,
        layer_dirs=spec.layer_dirs,
        environment=environment,
        timeout=int(resolver.resolve(props.get("Timeout", 3))),
        memory_size=int(resolver.resolve(props.get("MemorySize", 128))),
    )


def as_text(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)

"""template.yaml read as the contract tests read it: its resources by type, and its HttpApi routes."""

from pathlib import Path
from typing import Any

from samtranslator.yaml_helper import yaml_parse

TEMPLATE = Path(__file__).resolve().parents[3] / "template.yaml"


def parsed_template() -> dict[str, Any]:
    return yaml_parse(TEMPLATE.read_text())


def resources_of(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {name: r for name, r in template["Resources"].items() if r["Type"] == kind}


def http_events(template: dict[str, Any]) -> list[tuple[str, str]]:
    """(route key, function logical id) of every HttpApi event in the template."""
    events = []
    for name, function in resources_of(template, "AWS::Serverless::Function").items():
        for event in function["Properties"].get("Events", {}).values():
            if event["Type"] == "HttpApi":
                events.append((route_key(event["Properties"]), name))
    return events


def http_routes(template: dict[str, Any]) -> dict[str, str]:
    """Route key → function logical id, for every HttpApi event in the template."""
    return dict(http_events(template))


def route_key(properties: dict[str, Any]) -> str:
    """API Gateway's key of an HttpApi event's route: `GET /v1/scopes`, or `$default` for the catch-all."""
    path = properties["Path"]
    return path if path == "$default" else f"{properties['Method']} {path}"

"""template.yaml: valid, and shaped as the design requires."""

from pathlib import Path
from typing import Any

import pytest
from cfnlint.api import lint
from samtranslator.yaml_helper import yaml_parse

from clarion.scopes import PUBLIC_ROUTES, ROUTE_SCOPES

TEMPLATE = Path(__file__).resolve().parents[2] / "template.yaml"


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return yaml_parse(TEMPLATE.read_text())


def resources_of(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {name: r for name, r in template["Resources"].items() if r["Type"] == kind}


def http_routes(template: dict[str, Any]) -> dict[str, str]:
    """Route key → function logical id, for every HttpApi event in the template."""
    routes = {}
    for name, function in resources_of(template, "AWS::Serverless::Function").items():
        for event in function["Properties"].get("Events", {}).values():
            if event["Type"] == "HttpApi":
                routes[route_key(event["Properties"])] = name
    return routes


def route_key(properties: dict[str, Any]) -> str:
    """API Gateway's key of an HttpApi event's route: `GET /v1/scopes`, or `$default` for the catch-all."""
    path = properties["Path"]
    return path if path == "$default" else f"{properties['Method']} {path}"


# SES email identities exist only in the regions with SES: the template is linted for some of those
REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2", "ap-northeast-1"]


def test_cfn_lint_finds_no_error_or_warning():
    problems = [str(match) for match in lint(TEMPLATE.read_text(), regions=REGIONS) if match.rule.id[0] in "EW"]
    assert problems == []


def test_every_route_in_the_template_has_a_scope_or_is_public_and_every_listed_route_exists(template):
    assert set(http_routes(template)) == set(ROUTE_SCOPES) | set(PUBLIC_ROUTES)
    assert not set(ROUTE_SCOPES) & set(PUBLIC_ROUTES)


def test_exactly_the_public_routes_skip_the_authorizer(template):
    skipped = set()
    for function in resources_of(template, "AWS::Serverless::Function").values():
        for event in function["Properties"].get("Events", {}).values():
            if event["Type"] == "HttpApi" and event["Properties"].get("Auth", {}).get("Authorizer") == "NONE":
                skipped.add(route_key(event["Properties"]))
    assert skipped == set(PUBLIC_ROUTES)


def test_the_authorizer_cache_key_includes_the_route(template):
    api = resources_of(template, "AWS::Serverless::HttpApi")["Api"]["Properties"]
    authorizer = api["Auth"]["Authorizers"][api["Auth"]["DefaultAuthorizer"]]
    assert authorizer["Identity"]["Headers"] == ["Authorization"]
    assert "routeKey" in authorizer["Identity"]["Context"]
    assert authorizer["EnableSimpleResponses"] is True
    assert authorizer["AuthorizerPayloadFormatVersion"] == "2.0"


def test_tables_are_on_demand_with_point_in_time_recovery(template):
    tables = resources_of(template, "AWS::DynamoDB::Table")
    assert {"ClientsTable", "SubscribersTable", "CampaignsTable", "MessagesTable"} <= set(tables)
    for name, table in tables.items():
        assert table["Properties"]["BillingMode"] == "PAY_PER_REQUEST", name
        assert table["Properties"]["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"], name
    assert tables["MessagesTable"]["Properties"]["TimeToLiveSpecification"]["Enabled"] is True


def test_functions_run_python_3_11_on_arm64_with_tracing(template):
    function_globals = template["Globals"]["Function"]
    assert function_globals["Runtime"] == "python3.11"
    assert function_globals["Architectures"] == ["arm64"]
    assert function_globals["Tracing"] == "Active"
    for name, function in resources_of(template, "AWS::Serverless::Function").items():
        assert function["Properties"]["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"], name

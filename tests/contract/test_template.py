"""template.yaml: valid, and shaped as the design requires."""

from cfnlint.api import lint

from clarion.scopes import PUBLIC_ROUTES, ROUTE_SCOPES
from clarion.settings import Settings
from local.route_table import declarations
from tests.contract.support.template import TEMPLATE, http_events, http_routes, resources_of, route_key

# SES email identities exist only in the regions with SES: the template is linted for some of those
REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2", "ap-northeast-1"]


def test_cfn_lint_finds_no_error_or_warning():
    problems = [str(match) for match in lint(TEMPLATE.read_text(), regions=REGIONS) if match.rule.id[0] in "EW"]
    assert problems == []


def test_every_declared_route_has_its_event_on_its_function_and_every_event_is_declared(template):
    """A route declared in functions/<group>/*_routes.py is served by the function whose handler is <group>.handler."""
    functions = resources_of(template, "AWS::Serverless::Function")
    events = {
        route: functions[name]["Properties"]["Handler"].split(".")[0] for route, name in http_routes(template).items()
    }
    declared = {route.route_key: module.split(".")[0] for module, routes in declarations().items() for route in routes}
    wrong = {route: (events.get(route), declared.get(route)) for route in events.keys() | declared.keys()}
    assert {route: pair for route, pair in wrong.items() if pair[0] != pair[1]} == {}, "route: (event's, declared)"
    assert set(declared) == set(ROUTE_SCOPES) | set(PUBLIC_ROUTES)


def test_no_route_has_two_events(template):
    keys = [key for key, _ in http_events(template)]
    assert len(keys) == len(set(keys))


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


def test_a_task_is_stale_only_after_its_worker_and_every_redelivery_of_its_message_are_over(template):
    """TaskStaleAfterSeconds (and the setting's default) exceed the worker's timeout plus the tasks queue's visibility
    timeout times maxReceiveCount: housekeeping never ends a task a worker or a queued message can still move."""
    resources = template["Resources"]
    queue = resources["TasksQueue"]["Properties"]
    retried = resources["TaskWorkerFunction"]["Properties"]["Timeout"]
    retried += queue["VisibilityTimeout"] * queue["RedrivePolicy"]["maxReceiveCount"]
    parameter = template["Parameters"]["TaskStaleAfterSeconds"]
    assert min(parameter["Default"], parameter["MinValue"]) > retried
    assert Settings.model_fields["task_stale_after_seconds"].default > retried
    variables = resources["HousekeepingFunction"]["Properties"]["Environment"]["Variables"]
    assert variables["TASK_STALE_AFTER_SECONDS"] == {"Ref": "TaskStaleAfterSeconds"}

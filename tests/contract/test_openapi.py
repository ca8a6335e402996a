"""Each function's OpenAPI (generated from its code) serves exactly its template routes, each secured by its scope."""

import re

from clarion.api import tag_of
from clarion.scopes import PUBLIC_ROUTES, ROUTE_SCOPES
from tests.contract.support.openapi import http_functions, operations
from tests.contract.support.template import TEMPLATE, http_routes


def test_each_function_serves_exactly_the_routes_the_template_sends_it(template):
    routes = http_routes(template)
    for name, app in http_functions(template).items():
        expected = {route for route, function in routes.items() if function == name and route != "$default"}
        assert set(operations(app)) == expected, name


def test_every_operation_is_secured_by_the_scope_of_its_route(template):
    for app in http_functions(template).values():
        for route, operation in operations(app).items():
            expected = [] if route in PUBLIC_ROUTES else [{"clientKey": [ROUTE_SCOPES[route]]}]
            assert operation.get("security", []) == expected, route


def test_every_operation_documents_its_errors(template):
    for app in http_functions(template).values():
        for route, operation in operations(app).items():
            expected = {"403", "422"} if route in PUBLIC_ROUTES else {"401", "403", "422"}
            assert expected <= set(map(str, operation["responses"])), route
            assert re.fullmatch(r"\S.*", operation["summary"]), route


def test_every_operation_is_grouped_under_the_resource_its_path_names(template):
    for app in http_functions(template).values():
        for route, operation in operations(app).items():
            assert operation.get("tags") == [tag_of(route.split(" ", 1)[1])], route
    assert tag_of("/v1/notification-templates/{templateId}") == "Notification templates"
    assert tag_of("/api/client/campaigns/{id}/trigger") == "Campaigns"


def test_the_api_description_says_how_to_authenticate():
    from local.docs import DESCRIPTION

    assert "`Authorization: ApiKey <key>`" in DESCRIPTION and "`Authorization: Bearer sk_...`" in DESCRIPTION


def test_each_sample_request_of_events_is_an_example_of_its_operation():
    import json

    document = json.loads((TEMPLATE.parent / "docs" / "openapi.json").read_text())
    paths = {re.sub(r"\{\w+\}", "{}", path): item for path, item in document["paths"].items()}
    # HTTP API events name their route at the top (a WebSocket API's, in events/realtime, under requestContext)
    events = sorted((TEMPLATE.parent / "events").glob("*/*.json"))
    samples = [path for path in events if "routeKey" in json.loads(path.read_text())]
    with_body = 0
    for sample in samples:
        event = json.loads(sample.read_text())
        method, path = event["routeKey"].split(" ", 1)
        content = paths[re.sub(r"\{\w+\}", "{}", path)][method.lower()].get("requestBody", {}).get("content", {})
        examples = content.get("application/json", {}).get("examples", {})
        if event.get("body") is None or "invalid" in sample.stem or "malformed" in sample.stem:
            shown = {example["summary"] for example in examples.values()}
            assert f"events/{sample.parent.name}/{sample.name}" not in shown, sample  # a refusal is not an example
        else:
            with_body += 1
            assert examples[sample.stem]["value"] == json.loads(event["body"]), sample
    assert with_body >= 20


def test_the_published_openapi_document_matches_the_code():
    import json

    from local.openapi import build

    published = json.loads((TEMPLATE.parent / "docs" / "openapi.json").read_text())
    assert published == build(TEMPLATE), "docs/openapi.json is stale: run `make openapi`"

"""The clients function on sample events, for the routes that reach no AWS service."""

import copy
import json

import pytest
from clients.handler import lambda_handler

from clarion.scopes import BUNDLE_GRANTS, FINE_SCOPES, ROUTE_SCOPES
from tests.conftest import load_event


@pytest.fixture(autouse=True)
def _no_aws(untouched):
    """Mocked AWS with no table: these routes answer before any read, and never reach a network."""


def test_the_catalogue_lists_every_fine_scope_and_every_bundle(lambda_context):
    response = lambda_handler(load_event("clients/list_scopes.json"), lambda_context)
    assert response["statusCode"] == 200
    catalogue = json.loads(response["body"])["data"]
    listed = {scope["name"] for group in catalogue["groups"] for scope in group["scopes"]}
    assert listed == FINE_SCOPES
    assert all(scope["description"] for group in catalogue["groups"] for scope in group["scopes"])
    bundles = {bundle["name"]: bundle["expandsTo"] for bundle in catalogue["bundles"]}
    assert bundles == {name: list(scopes) for name, scopes in BUNDLE_GRANTS.items()}
    guarding = {scope["name"] for group in catalogue["groups"] for scope in group["scopes"] if scope["guardsRoute"]}
    assert guarding == set(ROUTE_SCOPES.values())
    assert [group["name"] for group in catalogue["groups"]][:4] == [
        "Common operations",
        "Campaign operations",
        "Hit operations",
        "Other operations",
    ]


def test_a_body_that_is_not_json_is_a_422_naming_the_body(lambda_context):
    response = lambda_handler(load_event("clients/create_client_malformed.json"), lambda_context)
    body = json.loads(response["body"])
    assert response["statusCode"] == 422
    assert body["errors"]["body"]["messages"] == ["body is not valid JSON"]
    assert body["statusCode"] == 422 and body["path"] == "/v1/clients"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "x" * 101}, "name"),
        ({"name": 7}, "name"),
        ({"name": "ok", "owner": "me"}, "owner"),
        ({"name": "ok", "scopes": "sms"}, "scopes"),
        ({"name": "ok", "environmentId": "not-an-id"}, "environmentId"),
        ({}, "name"),
        ([], "body"),
    ],
)
def test_a_bad_create_body_is_a_422_naming_the_field(lambda_context, payload, field):
    event = load_event("clients/create_client.json")
    event["body"] = json.dumps(payload)
    response = lambda_handler(event, lambda_context)
    assert response["statusCode"] == 422
    assert field in json.loads(response["body"])["errors"]


@pytest.mark.parametrize(
    ("query", "field"), [({"limit": "0"}, "limit"), ({"limit": "x"}, "limit"), ({"cursor": "%%"}, "cursor")]
)
def test_bad_paging_parameters_are_a_422_naming_them(lambda_context, query, field):
    event = load_event("clients/list_clients.json")
    event["queryStringParameters"] = query
    response = lambda_handler(event, lambda_context)
    assert response["statusCode"] == 422
    assert field in json.loads(response["body"])["errors"]


def test_without_authorizer_context_the_handler_answers_401(lambda_context):
    event = copy.deepcopy(load_event("clients/list_clients.json"))
    del event["requestContext"]["authorizer"]
    response = lambda_handler(event, lambda_context)
    assert response["statusCode"] == 401
    assert json.loads(response["body"])["error"] == "Unauthorized"


def test_an_unknown_route_is_a_json_404(lambda_context):
    event = load_event("clients/list_scopes.json")
    event["rawPath"] = event["requestContext"]["http"]["path"] = "/v1/nowhere"
    response = lambda_handler(event, lambda_context)
    assert response["statusCode"] == 404
    assert json.loads(response["body"])["statusCode"] == 404

import json
from pathlib import Path

import pytest

from local import openapi, template
from tests.local.conftest import TEMPLATE

REPOSITORY_TEMPLATE = Path(__file__).resolve().parents[2] / "template.yaml"


def test_functions_merge_global_and_own_environment_variables() -> None:
    loaded = template.load(TEMPLATE)

    items = loaded.functions["ItemsFunction"]

    assert items.handler == "fx_api.handler.lambda_handler"
    assert items.code_dir == TEMPLATE.parent / "functions"
    assert items.environment["LOG_LEVEL"] == "WARNING"
    assert items.environment["ITEMS_TABLE"] == {"Ref": "ItemsTable"}
    assert items.properties["Timeout"] == 7
    assert loaded.functions["AuthFunction"].properties["Timeout"] == 5


def test_http_api_routes_use_api_gateway_route_keys_and_the_default_authorizer() -> None:
    loaded = template.load(TEMPLATE)

    routes = {route.route_key: route for route in loaded.routes}

    assert set(routes) == {
        "GET /items/{itemId}",
        "PUT /items/{itemId}",
        "GET /owners/{ownerId}/items",
        "GET /items/search",
        "ANY /echo/{proxy+}",
        "GET /health",
    }
    assert routes["GET /items/{itemId}"].authorizer == "Key"
    assert routes["GET /health"].authorizer is None
    assert routes["ANY /echo/{proxy+}"].function_id == "ItemsFunction"


def test_authorizer_identity_sources_follow_sam_order() -> None:
    spec = template.load(TEMPLATE).authorizers[("Api", "Key")]

    assert spec.function_id == "AuthFunction"
    assert spec.identity_sources == ("$request.header.Authorization", "$context.routeKey")
    assert spec.reauthorize_every == {"Ref": "AuthTtl"}
    assert spec.enable_simple_responses is True


def test_translation_keeps_event_sources_schedules_and_substitutions() -> None:
    translated = template.translate(template.load(TEMPLATE), {})

    resources = translated["Resources"]
    mapping = resources["WorkerFunctionWork"]
    assert mapping["Type"] == "AWS::Lambda::EventSourceMapping"
    assert mapping["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert resources["TickFunctionEveryFiveMinutes"]["Properties"]["ScheduleExpression"] == "rate(5 minutes)"
    assert resources["TickFunctionNightly"]["Type"] == "AWS::Scheduler::Schedule"
    journey = resources["Journey"]["Properties"]
    assert journey["DefinitionS3Location"] == {
        "Bucket": template.LOCAL_BUCKET,
        "Key": "statemachines/journey.asl.json",
    }
    assert journey["DefinitionSubstitutions"]["WaitSeconds"] == {"Ref": "JourneyWaitSeconds"}


def test_the_repository_template_declares_the_client_routes_behind_the_authorizer() -> None:
    loaded = template.load(REPOSITORY_TEMPLATE)

    keys = {route.route_key: route for route in loaded.routes}

    assert keys["GET /v1/clients/{clientId}"].function_id == "ClientsFunction"
    assert keys["GET /v1/clients/{clientId}"].authorizer == "ClientKey"
    spec = loaded.authorizers[("Api", "ClientKey")]
    assert spec.function_id == "AuthorizerFunction"
    assert spec.identity_sources == ("$request.header.Authorization", "$context.routeKey")
    assert loaded.functions["ClientsFunction"].layer_dirs == (REPOSITORY_TEMPLATE.parent / "layers" / "core",)


def test_the_openapi_command_prints_the_merged_document(capsys: pytest.CaptureFixture[str]) -> None:
    assert openapi.main([str(TEMPLATE)]) == 0

    document = json.loads(capsys.readouterr().out)
    assert document["info"]["title"] == "Clarion API"
    assert "/items/{itemId}" in document["paths"]


def test_the_openapi_command_keeps_the_published_documents_order_and_puts_new_keys_after_it() -> None:
    published = {"paths": {"/b": {"get": 1}, "/a": {"post": 2, "get": 3}}, "info": {}}
    generated = {"info": {}, "paths": {"/a": {"get": 3, "post": 2}, "/c": {"get": 4}, "/b": {"get": 1}}}

    ordered = openapi.in_published_order(generated, published)

    assert ordered == generated
    assert list(ordered) == ["paths", "info"]
    assert list(ordered["paths"]) == ["/b", "/a", "/c"]
    assert list(ordered["paths"]["/a"]) == ["post", "get"]


def test_a_translation_is_kept_in_a_file_named_by_all_it_depends_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(template, "TRANSLATIONS_DIR", tmp_path / "translations")
    monkeypatch.setattr(template, "_translations", {})
    loaded = template.load(TEMPLATE)
    translated = template.translate(loaded, {})
    [stored] = (tmp_path / "translations").iterdir()
    assert json.loads(stored.read_text()) == translated

    monkeypatch.setattr(template, "_translations", {})  # another process: read back, not translated again
    monkeypatch.setattr(template, "_translate", lambda *_: pytest.fail("translated again"))
    assert template.translate(loaded, {}) == translated

    loaded.document["Resources"]["ItemsTable"]["Properties"]["TableName"] = "renamed"  # a changed template
    monkeypatch.setattr(template, "_translate", lambda *_: {"Resources": {}})
    assert template.translate(loaded, {}) == {"Resources": {}}
    assert len(list((tmp_path / "translations").iterdir())) == 2


def test_an_unreadable_kept_translation_is_translated_and_written_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(template, "TRANSLATIONS_DIR", tmp_path / "translations")
    monkeypatch.setattr(template, "_translations", {})
    loaded = template.load(TEMPLATE)
    translated = template.translate(loaded, {})
    [stored] = (tmp_path / "translations").iterdir()
    stored.write_text('{"Resources": ')  # cut short
    monkeypatch.setattr(template, "_translations", {})
    assert template.translate(loaded, {}) == translated
    assert json.loads(stored.read_text()) == translated

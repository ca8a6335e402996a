"""Schemathesis over every operation of the published OpenAPI document (docs/openapi.json, which the contract test
holds equal to what the functions generate), through gateway → authorizer → handler → moto, with a key holding every
scope. Valid and invalid requests, a bounded and derandomized number of each per operation: no 5xx, every response
documented and shaped as documented, no 2xx for a request the schema forbids (unknown query parameters aside: they
are ignored, as Novu ignores them, and schemathesis does not count them).

How deep: a fixed sample of a quarter of the operations (chosen by a hash of the operation's label, so adding one
moves no other) gets the full search, MAX_EXAMPLES requests mixing valid and invalid input; every other operation
gets its documented examples, VALID_EXAMPLES valid requests and INVALID_EXAMPLES invalid ones, each invalid in a part
of the request schemathesis picks (path, query, headers or body). An operation with no input schemathesis can make
invalid is reported skipped by the invalid requests' test: it was only ever sent valid ones. Most requests of the
full search took the same code path again (the request model's validation of one more value);
CLARION_FUZZ_EXAMPLES=200 searches every operation deeper, by hand."""

import json
import os
import zlib
from collections.abc import Callable, Iterable
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from local.runtime import LocalRuntime
from tests.conftest import ROOT
from tests.integration.conftest import Api, unlimited_key
from tests.integration.support.widget import session

# per operation of the sample, in the suite; CLARION_FUZZ_EXAMPLES=200 searches every operation this deep, by hand
MAX_EXAMPLES = int(os.environ.get("CLARION_FUZZ_EXAMPLES", "12"))
VALID_EXAMPLES, INVALID_EXAMPLES = (MAX_EXAMPLES, MAX_EXAMPLES) if "CLARION_FUZZ_EXAMPLES" in os.environ else (1, 3)
SAMPLE_SHARE = 4
"""One operation in SAMPLE_SHARE is in the sample searched in full."""
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


def in_sample(label: str) -> bool:
    return zlib.crc32(label.encode()) % SAMPLE_SHARE == 0


def fuzzed(modes: list[schemathesis.GenerationMode], max_examples: int, phases: tuple[str, ...]) -> Any:
    """The published document, generating `max_examples` requests per operation in `modes`, in `phases`."""
    loaded = schemathesis.openapi.from_path(ROOT / "docs" / "openapi.json")
    loaded.config.generation.update(
        modes=modes,
        max_examples=max_examples,
        deterministic=True,
        with_security_parameters=False,  # the fuzz key is always sent: test_authentication covers calls without one
    )
    loaded.config.phases.update(phases=list(phases))
    rejection = loaded.config.checks.negative_data_rejection
    rejection.expected_statuses = [*rejection.expected_statuses, "413"]  # a body over its route's size limit
    return loaded


BOTH = [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]
# the coverage phase is left out: it enumerates ~8,000 boundary cases while pytest collects, bounded by no setting;
# the documented examples are sent once (by the sample's test or the valid requests' test)
schema = fuzzed(BOTH, MAX_EXAMPLES, ("examples", "fuzzing"))
sample = schema.include(func=lambda context: in_sample(context.operation.label))
valid = fuzzed([schemathesis.GenerationMode.POSITIVE], VALID_EXAMPLES, ("examples", "fuzzing")).exclude(
    func=lambda context: in_sample(context.operation.label)
)
invalid = fuzzed([schemathesis.GenerationMode.NEGATIVE], INVALID_EXAMPLES, ("fuzzing",)).exclude(
    func=lambda context: in_sample(context.operation.label)
)

Wsgi = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def gateway_app(runtime: LocalRuntime) -> Wsgi:
    """The local API Gateway as a WSGI app, for schemathesis' in-process transport."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else None
        path = environ.get("REQUEST_URI") or environ["PATH_INFO"]
        query = environ.get("QUERY_STRING", "")
        headers = {
            name.removeprefix("HTTP_").replace("_", "-").lower(): value
            for name, value in environ.items()
            if name.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        target = f"{path.partition('?')[0]}?{query}" if query else path.partition("?")[0]
        response = runtime.request(environ["REQUEST_METHOD"], target, headers, body=body)
        start_response(f"{response.status} -", list(response.headers.items()))
        return [response.body]

    return app


ROTATES_THE_CALLERS_KEY = {"/v1/environments/api-keys/regenerate"}


@pytest.fixture(scope="module")
def fuzz_key(runtime: LocalRuntime) -> str:
    key = unlimited_key(runtime, "Fuzz").key
    assert key is not None
    return key


@pytest.fixture(scope="module")
def widget_token(runtime: LocalRuntime, fuzz_key: str) -> str:
    """A subscriber token of the fuzz key's environment: the widget routes take it instead of a client key."""
    environment_id = Api(runtime, fuzz_key).get("/v1/environments/me").json()["data"]["_id"]
    token = session(Api(runtime, fuzz_key, environment_id=environment_id), "fuzz-subscriber").key
    assert token is not None
    return token


@pytest.fixture(scope="module")
def app(runtime: LocalRuntime) -> Wsgi:
    return gateway_app(runtime)


FUZZ_SETTINGS = settings(deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)


def call_and_validate(case: Any, app: Wsgi, fuzz_key: str, widget_token: str, runtime: LocalRuntime) -> None:
    # regenerating rotates the caller's own key: a key of its own keeps the module's key valid for the other tests
    rotated = case.operation.path in ROTATES_THE_CALLERS_KEY
    key = unlimited_key(runtime, "Fuzz rotated").key if rotated else fuzz_key
    key = widget_token if case.operation.path.startswith("/v1/widgets/") else key
    case.call_and_validate(app=app, headers={"Authorization": f"Bearer {key}"}, checks=CHECKS)


@sample.parametrize()
@FUZZ_SETTINGS
def test_every_operation_of_the_sample_answers_bad_and_good_input_as_documented(
    case: Any, app: Wsgi, fuzz_key: str, widget_token: str, runtime: LocalRuntime
) -> None:
    call_and_validate(case, app, fuzz_key, widget_token, runtime)


@valid.parametrize()
@FUZZ_SETTINGS
def test_every_other_operation_answers_good_input_as_documented(
    case: Any, app: Wsgi, fuzz_key: str, widget_token: str, runtime: LocalRuntime
) -> None:
    call_and_validate(case, app, fuzz_key, widget_token, runtime)


@invalid.parametrize()
@FUZZ_SETTINGS
def test_every_other_operation_answers_bad_input_as_documented(
    case: Any, app: Wsgi, fuzz_key: str, widget_token: str, runtime: LocalRuntime
) -> None:
    call_and_validate(case, app, fuzz_key, widget_token, runtime)


def test_the_sample_and_the_others_cover_every_operation():
    paths = json.loads((ROOT / "docs" / "openapi.json").read_text())["paths"]
    methods = {"get", "put", "post", "delete", "patch", "head", "options"}
    labels = sorted(f"{method.upper()} {path}" for path, item in paths.items() for method in item if method in methods)
    sampled, others, invalid_others = (
        sorted(result.ok().label for result in fuzzed_schema.get_all_operations())
        for fuzzed_schema in (sample, valid, invalid)
    )
    assert sorted(sampled + others) == labels and others == invalid_others
    assert len(labels) // (2 * SAMPLE_SHARE) < len(sampled) < 2 * len(labels) // SAMPLE_SHARE


def test_a_body_that_is_not_utf8_is_a_422_naming_the_body(admin: Api):
    response = admin.runtime.request(
        "POST",
        "/v1/subscribers",
        {"Authorization": f"Bearer {admin.key}", "content-type": "application/json"},
        body=b'{"subscriberId": "\xff\xfe"}',
    )
    assert response.status == 422
    assert response.json()["errors"]["body"]["messages"] == ["body is not valid JSON"]


def test_api_gateways_own_refusal_is_a_documented_answer(app: Wsgi):
    case = schema["/v1/topics"]["GET"].Case()
    response = case.call(app=app)  # no key: API Gateway refuses before any function runs
    assert response.status_code == 401
    case.validate_response(response, checks=[status_code_conformance, response_schema_conformance])


def test_a_204_answer_is_documented_without_a_body(app: Wsgi, fuzz_key: str):
    key = {"Authorization": f"Bearer {fuzz_key}"}
    schema["/v1/topics"]["POST"].Case(body={"key": "fuzz-204", "name": "No content"}).call(app=app, headers=key)
    case = schema["/v1/topics/{topicKey}"]["DELETE"].Case(path_parameters={"topicKey": "fuzz-204"})
    response = case.call(app=app, headers=key)
    assert response.status_code == 204
    case.validate_response(response, checks=CHECKS)


@pytest.mark.parametrize("query", ["to=0001-01-01", "from=9999-12-31", "from=8.5e-245", "to=20260101"])
def test_analytics_days_out_of_the_calendar_or_not_written_as_days_are_a_422(admin: Api, query: str):
    response = admin.get(f"/v1/analytics/campaigns?{query}")
    assert response.status == 422
    assert set(response.json()["errors"]) == {query.partition("=")[0]}


@pytest.mark.parametrize("path", ["/v1/messages", "/v1/notifications", "/v1/subscribers", "/v1/layouts"])
def test_a_page_number_past_any_data_is_a_422(admin: Api, path: str):
    response = admin.get(f"{path}?page={10**25}")
    assert response.status == 422
    assert set(response.json()["errors"]) == {"page"}

"""The integration tests' stack: template.yaml provisioned on in-process moto, driven through the local gateway."""

import io
import logging
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from local.runtime import LocalRuntime
from tests.conftest import ROOT


@pytest.fixture(scope="session")
def runtime() -> Iterator[LocalRuntime]:
    stack = LocalRuntime.in_process(template_path=ROOT / "template.yaml")
    yield stack
    stack.close()


@pytest.fixture
def function_logs(runtime: LocalRuntime) -> Iterator[io.StringIO]:
    """What the functions' Powertools loggers print during the test. Each logger's handler holds the sys.stdout of
    the moment its function initialised, so capsys would see only the functions it saw initialise, and leave those
    writing to a closed file after it: every function is initialised first, and its handler pointed here."""
    for logical_id in runtime.registry.functions:
        runtime.registry.module(logical_id)
    output = io.StringIO()
    loggers = [logger for logger in logging.root.manager.loggerDict.values() if isinstance(logger, logging.Logger)]
    handlers = [handler for logger in loggers for handler in logger.handlers if type(handler) is logging.StreamHandler]
    streams = [handler.stream for handler in handlers]
    for handler in handlers:
        handler.setStream(output)
    yield output
    for handler, stream in zip(handlers, streams, strict=True):
        handler.setStream(stream)
    sys.stdout.write(output.getvalue())  # into the test's captured output, which the log scan reads


@pytest.fixture(autouse=True)
def _fresh_authorization_caches(runtime: LocalRuntime) -> None:
    runtime.reset_caches()


@dataclass
class Api:
    """A client of the API holding one key: every call goes gateway → authorizer → handler → moto."""

    runtime: LocalRuntime
    key: str | None
    client_id: str = ""
    environment_id: str = ""
    scheme: str = "Bearer"

    def call(self, method: str, path: str, json: Any = None, body: str | None = None) -> Any:
        headers = {"Authorization": f"{self.scheme} {self.key}"} if self.key is not None else {}
        return self.runtime.request(method, path, headers=headers, json=json, body=body)

    def get(self, path: str) -> Any:
        return self.call("GET", path)

    def post(self, path: str, json: Any = None) -> Any:
        return self.call("POST", path, json=json)

    def put(self, path: str, json: Any = None) -> Any:
        return self.call("PUT", path, json=json)

    def delete(self, path: str) -> Any:
        return self.call("DELETE", path)

    def client(self, name: str, scopes: list[str], **extra: Any) -> "Api":
        """A new API client created by this one, and an Api holding its key."""
        response = self.post("/v1/clients", {"name": name, "scopes": scopes, **extra})
        assert response.status == 201, response.json()
        data = response.json()["data"]
        return Api(self.runtime, data["key"], data["clientId"], data["environmentId"])


@pytest.fixture
def admin(runtime: LocalRuntime) -> Api:
    """An admin key with every scope, in an environment of its own: tests never see each other's data."""
    with runtime.registry.environment_of("ClientsFunction"):
        from clarion.bootstrap import ensure_admin

        credentials = ensure_admin(environment_name=f"test-{uuid.uuid4().hex[:12]}")
    return Api(runtime, credentials.key, credentials.client_id, credentials.environment_id)


UNLIMITED = 100_000
"""Tokens per window in every rate-limit class for keys whose tests send many requests (fuzzing is no abuse)."""


def unlimited_key(runtime: LocalRuntime, name: str) -> Api:
    """A key with every scope and rate limits no test reaches, in an environment of its own (no client may grant
    more than its own limits, so it is issued directly)."""
    runtime.reset_caches()  # starts the session runtime again if a test's own runtime suspended it
    with runtime.registry.environment_of("ClientsFunction"):
        from clarion.bootstrap import BOOTSTRAP
        from clarion.clients.service import issue_client
        from clarion.environments.models import CreateEnvironmentRequest
        from clarion.environments.service import create_environment
        from clarion.principal import Principal
        from clarion.scopes import FINE_SCOPES

        environment_id = create_environment(CreateEnvironmentRequest(name=f"{name}-{uuid.uuid4().hex[:12]}")).id
        scopes = sorted(FINE_SCOPES)
        limits = {"trigger": UNLIMITED, "configuration": UNLIMITED, "global": UNLIMITED}
        issued = issue_client(
            Principal(BOOTSTRAP, environment_id, frozenset(scopes)), name, environment_id, scopes, rate_limits=limits
        )
    return Api(runtime, issued.key, issued.clientId, environment_id)

"""The integration tests' stack: template.yaml provisioned on in-process moto, driven through the local gateway;
and the fixtures several test modules use (their helpers are in tests/integration/support)."""

import io
import logging
import os
import sys
import uuid
from collections.abc import Iterator

import pytest

from clarion.scopes import FINE_SCOPES
from local.runtime import LocalRuntime
from tests.conftest import ROOT
from tests.integration.fake_oauth_provider import FakeOAuthProvider
from tests.integration.smtp_server import SmtpServer
from tests.integration.support.api import Api
from tests.integration.support.chat_oauth import app_config, configure_apps


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


@pytest.fixture
def admin(runtime: LocalRuntime) -> Api:
    """An admin key with every scope, in an environment of its own: tests never see each other's data."""
    return new_admin(runtime)


@pytest.fixture
def other_admin(runtime: LocalRuntime) -> Api:
    """An admin key of a second environment, beside `admin`'s: what one environment does the other must not see."""
    return new_admin(runtime)


def new_admin(runtime: LocalRuntime) -> Api:
    with runtime.registry.environment_of("ClientsFunction"):
        from clarion.bootstrap import ensure_admin

        credentials = ensure_admin(environment_name=f"test-{uuid.uuid4().hex[:12]}")
    return Api(runtime, credentials.key, credentials.client_id, credentials.environment_id)


UNLIMITED = 100_000
"""Tokens per window in every rate-limit class for keys whose tests send many requests (fuzzing is no abuse)."""


def unlimited_key(runtime: LocalRuntime, name: str) -> Api:
    """A key with every scope and rate limits no test reaches, in an environment of its own (no client may grant
    more than its own limits, so it is issued directly)."""
    limits = {"trigger": UNLIMITED, "configuration": UNLIMITED, "global": UNLIMITED}
    return key_in_new_environment(runtime, name, sorted(FINE_SCOPES), rate_limits=limits)


def key_in_new_environment(
    runtime: LocalRuntime, name: str, scopes: list[str], rate_limits: dict[str, int] | None = None
) -> Api:
    """A key holding `scopes` (and the stack's default rate limits unless `rate_limits`), in a new environment of its
    own: the client an admin of that environment would make with POST /v1/clients, issued directly (no admin client,
    no request through the gateway), for tests that need many environments."""
    runtime.reset_caches()  # starts the session runtime again if a test's own runtime suspended it
    with runtime.registry.environment_of("ClientsFunction"):
        from clarion.bootstrap import BOOTSTRAP
        from clarion.clients.service import issue_client
        from clarion.environments.models import CreateEnvironmentRequest
        from clarion.environments.service import create_environment
        from clarion.principal import Principal

        environment_id = create_environment(CreateEnvironmentRequest(name=f"{name}-{uuid.uuid4().hex[:12]}")).id
        issuer = Principal(BOOTSTRAP, environment_id, frozenset(scopes))
        issued = issue_client(issuer, name, environment_id, scopes, rate_limits=rate_limits)
    return Api(runtime, issued.key, issued.clientId, environment_id)


@pytest.fixture
def push_applications(runtime: LocalRuntime) -> dict[str, str]:
    """The platform applications the push sender's environment names (the local stack provisions them)."""
    with runtime.registry.environment_of("PushSenderFunction"):
        from clarion.aws import client

        arns = {"fcm": os.environ["FCM_PLATFORM_APPLICATION_ARN"], "apns": os.environ["APNS_PLATFORM_APPLICATION_ARN"]}
        for arn in arns.values():
            client("sns").get_platform_application_attributes(PlatformApplicationArn=arn)
    return arns


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


@pytest.fixture(scope="module")
def provider_server() -> Iterator[FakeOAuthProvider]:
    server = FakeOAuthProvider().start()
    yield server
    server.stop()


@pytest.fixture
def slack(runtime: LocalRuntime, provider_server: FakeOAuthProvider) -> Iterator[FakeOAuthProvider]:
    provider_server.reset()
    configure_apps(runtime, {"slack": app_config(provider_server)})
    yield provider_server
    configure_apps(runtime, {})

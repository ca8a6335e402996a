"""LocalRuntime: the whole application from template.yaml, on moto, in one process (tests and `make run`).

Run it with TZ=UTC (the Makefile exports it): moto's Step Functions interpreter compares timestamps with
local time in places the runtime does not patch.

mock_aws, moto's state and environment variables are process-wide, so one runtime runs at a time. Starting
an in-process runtime suspends the running one (its moto state is dropped); using a suspended runtime
starts it again from a freshly provisioned stack, suspending the other. So test fixtures of any scope can
share a process (an xdist worker) as long as no test relies on state from before another runtime ran.

With a data directory (`make run` has `.clarion-data`), what moto holds is saved there when the runtime stops
(closed or suspended) and put back into the freshly provisioned stack when it starts (local.persistence).
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
import warnings
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar, NamedTuple

import requests
from boto3.dynamodb.types import TypeDeserializer
from moto import mock_aws
from moto.server import ThreadedMotoServer

from local import aws_calls, clients, moto_patches, persistence
from local import template as sam
from local.analytics import AnalyticsPage
from local.aws_calls import AwsCalls
from local.clock import Clock
from local.docs import DocsPages, openapi_document
from local.event_sources import DrainReport, DrainTimeout, EventSources
from local.functions import FunctionRegistry
from local.gateway import Gateway, Response
from local.http_server import GatewayServer
from local.inbox import InboxPage, InboxSetup
from local.outbox import OutboxPage
from local.persistence import DataDir
from local.provision import provision
from local.stack import Resources, Stack
from local.websocket_server import RealtimeServer, websocket_api

__all__ = ["AdminCredentials", "DataDir", "DrainReport", "DrainTimeout", "LocalRuntime", "free_port"]
log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parent.parent
MOTO_CONFIG: dict[str, Any] = {"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}}
DEFAULTS = {
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
}


class AdminCredentials(NamedTuple):
    key: str
    client_id: str
    environment_id: str


class LocalRuntime:
    """Use `LocalRuntime.in_process(...)` (tests) or `LocalRuntime.server(port, ...)` (`make run`)."""

    _active: ClassVar[LocalRuntime | None] = None

    def __init__(
        self,
        template_path: str | Path,
        parameter_overrides: Mapping[str, Any] | None,
        time_scale: float,
        data_dir: str | Path | None = None,
        fresh: bool = False,
    ) -> None:
        self.template_path = _find(template_path)
        self.parameter_overrides = dict(parameter_overrides or {})
        self.time_scale = time_scale
        """Real seconds slept per second of a Step Functions Wait state (0: waits only move the clock)."""
        self.clock = Clock()
        self.clock.on_advance(lambda previous: self.tick(discovered_at=previous))
        self.url: str | None = None
        """The HTTP API's base URL (server mode)."""
        self.socket_url: str | None = None
        """The WebSocket API's `ws://` URL, once served (server mode, or `serve_websockets`)."""
        self.aws_endpoint: str | None = None
        """The moto server's URL (server mode): AWS_ENDPOINT_URL for the aws cli or boto3 elsewhere."""
        self.data_dir = DataDir(data_dir) if data_dir is not None else None
        """Where the state is saved when the runtime stops and read when it starts (None: kept in memory only)."""
        self.restored: persistence.Report | None = None
        """What the last start restored from the data directory (None: nothing was saved there)."""
        self.saved: persistence.Report | None = None
        """What the last stop saved to the data directory."""
        self._fresh = fresh
        self._server_port: int | None = None
        self._closers: list[Callable[[], object]] = []
        self._saved_env: dict[str, str | None] = {}
        self._state = "new"

    @classmethod
    def in_process(
        cls,
        template_path: str | Path = "template.yaml",
        parameter_overrides: Mapping[str, Any] | None = None,
        time_scale: float = 0.0,
        *,
        data_dir: str | Path | None = None,
        fresh: bool = False,
    ) -> LocalRuntime:
        """moto's mock_aws in this process: nothing listens on a port; drive it with request/invoke/drain.

        With `data_dir`, the state saved there is restored (unless `fresh`), and saved again when it stops.
        """
        runtime = cls(template_path, parameter_overrides, time_scale, data_dir, fresh)
        runtime._run()
        return runtime

    @classmethod
    def server(
        cls,
        port: int = 3000,
        template_path: str | Path = "template.yaml",
        parameter_overrides: Mapping[str, Any] | None = None,
        time_scale: float = 1.0,
        *,
        data_dir: str | Path | None = None,
        fresh: bool = False,
    ) -> LocalRuntime:
        """A moto server and the HTTP API on 127.0.0.1:`port` (0: any free port), event sources ticking.

        boto3 clients made in this process use the moto server (AWS_ENDPOINT_URL); mock_aws stays on as
        well, so a client made earlier without an endpoint reaches the same moto state, never AWS. With
        `data_dir`, as `in_process`.
        """
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        runtime = cls(template_path, parameter_overrides, time_scale, data_dir, fresh)
        runtime._server_port = port
        runtime._run()
        return runtime

    @classmethod
    def suspend_active(cls) -> None:
        """Suspend the running runtime, if any (it starts again, freshly provisioned, when next used)."""
        active = cls._active
        if active is not None:
            if active._server_port is not None:
                raise RuntimeError("a server LocalRuntime is running in this process: close it first")
            active._stop("suspended")

    def _run(self) -> None:
        if self._state == "closed":
            raise RuntimeError("this LocalRuntime is closed")
        LocalRuntime.suspend_active()
        self._saved_env = {name: os.environ.get(name) for name in (*DEFAULTS, "AWS_ENDPOINT_URL", "MOTO_PORT")}
        try:
            for name, value in DEFAULTS.items():
                os.environ.setdefault(name, value)
            os.environ.pop("AWS_ENDPOINT_URL", None)
            mock = mock_aws(config=MOTO_CONFIG)  # type: ignore[call-overload]
            mock.start()
            self._closers.append(mock.stop)
            if self.data_dir is not None:
                self.data_dir.lock()
                self._closers.append(self.data_dir.unlock)  # last: after the state is saved
                if self._fresh:
                    self.data_dir.discard()
                    self._fresh = False  # a suspended runtime resumes from what it saved
            if self._server_port is not None:
                self._start_moto_server()
            self._provision()
            if self._server_port is not None:
                self._serve(self._server_port)
        except BaseException:
            self._stop("closed")
            raise
        LocalRuntime._active = self
        self._state = "running"

    def _start_moto_server(self) -> None:
        moto_port = free_port()
        moto = ThreadedMotoServer(ip_address="127.0.0.1", port=moto_port, verbose=False)
        moto.start()
        self._closers.insert(0, moto.stop)
        self.aws_endpoint = f"http://127.0.0.1:{moto_port}"
        os.environ.update(AWS_ENDPOINT_URL=self.aws_endpoint, MOTO_PORT=str(moto_port))
        requests.post(f"{self.aws_endpoint}/moto-api/config", json=MOTO_CONFIG, timeout=10).raise_for_status()

    def _provision(self) -> None:
        _quiet_library_warnings()
        self.template = sam.load(self.template_path)
        self.stack: Stack = provision(self.template, self.parameter_overrides)
        self.registry = FunctionRegistry(self.stack.functions, region=self.stack.resolver.region)
        self._use_clock_in_functions()
        self.event_sources = EventSources(self.stack, self.registry, self.clock, lambda: self.time_scale)
        moto_patches.activate(self.event_sources.hooks)
        self._closers.insert(0, lambda: moto_patches.deactivate(self.event_sources.hooks))
        self.docs = DocsPages(lambda: openapi_document(self.template, self.registry))
        self.outbox = OutboxPage(self.stack.resolver.account_id, self.stack.resolver.region)
        self.inbox = InboxPage(self.inbox_setup)
        self.analytics = AnalyticsPage()
        self.gateway = Gateway(
            self.template,
            self.stack.resolver,
            self.registry,
            self.clock,
            pages=lambda request: (
                self.docs(request) or self.outbox(request) or self.inbox(request) or self.analytics(request)
            ),
        )
        if self.data_dir is not None:
            self._restore(self.data_dir)
        self.event_sources.tick()

    def _restore(self, data_dir: DataDir) -> None:
        """Put the saved state back before anything runs, and save it again when the runtime stops (before moto's
        patches and clock leave: visibility timeouts are read on the runtime clock)."""
        state = data_dir.read()
        self.restored = None
        if state is not None:
            self.restored = persistence.restore(state, self.stack, self.clock, self.event_sources.schedules)
            log.info("restored from %s: %s", data_dir.path, self.restored.summary())
            if self.restored.skipped:  # the next save would drop what was not restored: keep it
                copy = data_dir.keep_copy("not-restored")
                log.warning("not restored: %s; the saved state is kept in %s", ", ".join(self.restored.skipped), copy)

        def save() -> None:
            running = len(self.event_sources.executions()[0])
            self.saved = persistence.save(data_dir, self.stack, self.clock, self.event_sources.schedules)
            self.saved.running_executions = running
            log.info("saved to %s: %s", data_dir.path, self.saved.summary())

        self._closers.insert(0, save)

    def _use_clock_in_functions(self) -> None:
        """Clarion's functions read time from the runtime clock, so skipping time expires their caches too."""
        try:
            from clarion import clock  # noqa: PLC0415 - application code, importable once the registry set sys.path
        except ImportError:  # a template whose code is not Clarion's reads the system clock
            return
        clock.use(self.clock)
        self._closers.insert(0, lambda: clock.use(None))

    def _serve(self, port: int) -> None:
        http = GatewayServer(self.gateway, port).start()
        self._closers.insert(0, http.close)
        self.url = http.url
        self._serve_websockets()
        stop = threading.Event()
        ticker = threading.Thread(
            target=self.event_sources.run_forever, args=(0.5, stop), name="clarion-event-sources", daemon=True
        )
        ticker.start()

        def stop_ticker() -> None:
            stop.set()
            ticker.join(timeout=10)

        self._closers.insert(0, stop_ticker)

    def serve_websockets(self) -> str | None:
        """Serve the template's WebSocket API on a free loopback port (server mode does at start) and return its
        `ws://` URL; None for a template without one."""
        return self._running()._serve_websockets()

    def _serve_websockets(self) -> str | None:
        if self.socket_url is not None:
            return self.socket_url
        api = websocket_api(self.template, self.stack.resolver)
        if api is None or api.function_id not in self.registry.functions:
            return None
        server = RealtimeServer(self.registry, api).start()
        self.socket_url = server.url

        def close() -> None:
            server.close()
            self.socket_url = None

        self._closers.insert(0, close)
        return self.socket_url

    def _running(self) -> LocalRuntime:
        if self._state != "running":
            self._run()
        return self

    @property
    def resources(self) -> Resources:
        """Physical names by logical id: tables, queues (URLs), state machines (ARNs), functions, ..."""
        return self._running().stack.resources

    def request(
        self,
        method: str,
        path: str,
        headers: Mapping[str, str] | None = None,
        json: Any = None,
        body: bytes | str | None = None,
    ) -> Response:
        """An HTTP request through the API Gateway emulation (authorizer, route, handler)."""
        headers = dict(headers or {})
        if json is not None:
            body = _dumps(json)
            headers.setdefault("content-type", "application/json")
        return self._running().gateway.request(method, path, headers, body)

    def invoke(self, logical_id: str, event: Any) -> Any:
        """Invoke a function directly (raises LambdaError when the handler fails)."""
        return self._running().registry.invoke(logical_id, event)

    def tick(self, discovered_at: datetime | None = None) -> int:
        """Do once what is due now (see EventSources.tick); `clock.advance` calls it."""
        return self._running().event_sources.tick(discovered_at)

    def tick_until(self, done: Callable[[], bool], timeout: float = 30, pause: float = 0.01) -> bool:
        """Tick until `done()` holds (True) or `timeout` real seconds pass (False). It pauses between ticks as a
        poller does: a loop that never sleeps starves the execution threads (each file or socket wait of theirs
        then costs a whole GIL switch interval)."""
        deadline = time.monotonic() + timeout
        while not done():
            if time.monotonic() >= deadline:
                return False
            self.tick()
            time.sleep(pause)
        return True

    def drain(self, timeout: float = 120) -> DrainReport:
        """Run queues, schedules and executions until nothing is left to do; raise DrainTimeout otherwise.

        The timeout only catches a hang: on a loaded 2-core machine two journeys with a Wait can take 15 s of real
        work, so it is generous.

        With time_scale 0, when every running execution is in a Wait state, the clock jumps to the first
        wait's end (firing the schedules due meanwhile).
        """
        return self._running().event_sources.drain(timeout)

    def reset_caches(self) -> None:
        """Forget what a deployed stack forgets in time: the authorizer decisions API Gateway cached, and the
        functions' warm state (their modules' functools caches: a cold start, as after a redeploy)."""
        self._running().gateway.reset_caches()
        self.registry.cold_start()

    def count_aws_calls(self) -> AbstractContextManager[AwsCalls]:
        """`with runtime.count_aws_calls() as calls:` ... `calls.get("dynamodb", "GetItem", function="X")`."""
        return aws_calls.count_aws_calls(self._running().registry)

    def parameter(self, name: str) -> Any:
        """A template parameter's value, typed (a Number parameter gives an int or a float)."""
        value = self._running().stack.resolver.parameters[name]
        if self.template.document["Parameters"][name].get("Type") == "Number":
            number = float(value)
            return int(number) if number.is_integer() else number
        return value

    def scan_table(self, logical_id: str) -> list[dict[str, Any]]:
        """Every item of a table of the template (for tests: what was actually stored)."""
        dynamodb = clients.client("dynamodb", self._running().stack.resolver.region)
        pages = dynamodb.get_paginator("scan").paginate(TableName=self.resources.tables[logical_id])
        return [TypeDeserializer().deserialize({"M": item}) for page in pages for item in page["Items"]]

    def bootstrap_admin(
        self, key: str | None = None, *, environment_name: str = "Development", function_id: str = "ClientsFunction"
    ) -> AdminCredentials:
        """Create (or find) an environment's admin client, with `function_id`'s environment variables set."""
        with self._running().registry.environment_of(function_id):
            from clarion.bootstrap import ensure_admin  # noqa: PLC0415 - application code, imported as a handler would

            admin = ensure_admin(environment_name=environment_name, key=key)
        return AdminCredentials(admin.key, admin.client_id, admin.environment_id)

    def inbox_setup(self, environment_name: str = "Development", limit: int = 50) -> InboxSetup:
        """The /inbox page's choices: the environment's application identifier and its first subscribers' ids (none
        for a template without Clarion's widget function)."""
        if "WidgetsFunction" not in self._running().registry.functions:
            return InboxSetup(applicationIdentifier=None, socketUrl=self.socket_url)
        with self.registry.environment_of("WidgetsFunction"):
            from clarion.environments.repository import EnvironmentsRepository  # noqa: PLC0415 - application code
            from clarion.subscribers.repository import SubscribersRepository  # noqa: PLC0415

            environment = EnvironmentsRepository().find_by_name(environment_name)
            if environment is None:
                return InboxSetup(applicationIdentifier=None, socketUrl=self.socket_url)
            subscribers, _ = SubscribersRepository().list_page(environment["id"], page=0, limit=limit)
        subscriber_ids = [subscriber["subscriberId"] for subscriber in subscribers]
        return InboxSetup(environment["identifier"], subscriber_ids, socketUrl=self.socket_url)

    def close(self) -> None:
        self._stop("closed")

    def _stop(self, state: str) -> None:
        closers, self._closers = self._closers, []
        for close in closers:
            try:
                close()
            except Exception:
                log.exception("error while stopping the local runtime")
        for name, value in self._saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved_env = {}
        if LocalRuntime._active is self:
            LocalRuntime._active = None
        self._state = state

    def __enter__(self) -> LocalRuntime:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _quiet_library_warnings() -> None:
    """Powertools warns, after each invocation of a handler with metrics that published none (a refused request,
    a queue batch with nothing to count), that there was nothing to publish. On Lambda it lands in the function's
    log as an informational line; run in-process it is a Python warning printed on the console of `make run`."""
    warnings.filterwarnings(
        "ignore", message="No application metrics to publish", category=UserWarning, module=r"aws_lambda_powertools\."
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _find(path: str | Path) -> Path:
    candidate = Path(path)
    if not candidate.is_absolute() and not candidate.exists() and (ROOT / candidate).exists():
        return ROOT / candidate
    return candidate.resolve()


def _dumps(value: Any) -> str:
    return json.dumps(value)

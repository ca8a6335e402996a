"""The in-process Lambda functions: handlers imported from the template's CodeUri and layers, run one at a time."""

from __future__ import annotations

import contextlib
import importlib
import json
import logging
import os
import sys
import threading
import time
import traceback
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from local.stack import FunctionConfig, find_function

log = logging.getLogger(__name__)
MAX_RESPONSE_BYTES = 6 * 1024 * 1024


class LambdaError(Exception):
    """A failed invocation, carrying the error payload Lambda would return."""

    def __init__(self, function_id: str, payload: dict[str, Any]) -> None:
        super().__init__(f"{function_id}: {payload.get('errorType')}: {payload.get('errorMessage')}")
        self.function_id = function_id
        self.payload = payload


@dataclass
class LambdaContext:
    """The attributes and method of the Python runtime's context object."""

    function_name: str
    function_version: str
    invoked_function_arn: str
    memory_limit_in_mb: str
    aws_request_id: str
    log_group_name: str
    log_stream_name: str
    deadline_ms: int
    identity: Any = None
    client_context: Any = None
    tenant_id: str | None = None

    def get_remaining_time_in_millis(self) -> int:
        return max(0, self.deadline_ms - int(time.time() * 1000))


class FunctionRegistry:
    """Runs handlers with their function's environment variables set.

    Environment variables are process-wide, so invocations are serialised; a handler that synchronously
    invokes another function on the same thread nests (the lock is re-entrant).
    """

    def __init__(self, functions: Mapping[str, FunctionConfig], *, region: str) -> None:
        self.functions = dict(functions)
        self.region = region
        self.invocations: Counter[str] = Counter()
        self.current = threading.local()
        """`current.function`: the logical id of the function running on this thread, if any."""
        self._lock = threading.RLock()
        self._handlers: dict[str, Callable[[Any, Any], Any]] = {}
        self._own_modules: dict[tuple[str, str], bool] = {}
        self._module_caches: dict[str, tuple[int, list[tuple[str, Any]]]] = {}
        self._lock_timeout = 2 * max((config.timeout for config in self.functions.values()), default=3) + 5
        for config in self.functions.values():
            for directory in reversed(_code_dirs(config)):
                if str(directory) not in sys.path:
                    sys.path.insert(0, str(directory))

    @property
    def environment_lock(self) -> threading.RLock:
        """Held while a function's environment variables are applied (other threads must not iterate
        os.environ meanwhile: a variable may vanish between listing and reading it)."""
        return self._lock

    def by_name(self, name_or_arn: str) -> FunctionConfig | None:
        return find_function(self.functions, name_or_arn)

    def environment(self, config: FunctionConfig) -> dict[str, str]:
        """The variables Lambda sets, then the template's, then local-only ones (as `sam local` does)."""
        return {
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_LAMBDA_FUNCTION_NAME": config.name,
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(config.memory_size),
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{config.name}",
            "AWS_EXECUTION_ENV": "AWS_Lambda_python3.11",
            "LAMBDA_TASK_ROOT": str(config.code_dir),
            "_HANDLER": config.handler,
            **config.environment,
            "AWS_SAM_LOCAL": "true",
        }

    @contextlib.contextmanager
    def environment_of(self, logical_id: str) -> Iterator[FunctionConfig]:
        """Hold the invocation lock with the function's environment variables applied."""
        config = self.functions[logical_id]
        if not self._lock.acquire(timeout=self._lock_timeout):
            raise LambdaError(logical_id, _error("Local.Deadlock", "another invocation holds the lock"))
        saved = dict(os.environ)
        caller = getattr(self.current, "function", None)
        try:
            os.environ.update(self.environment(config))
            self.current.function = logical_id
            _log_as(config.environment.get("POWERTOOLS_SERVICE_NAME"))
            yield config
        finally:
            self.current.function = caller
            if caller is not None:  # a nested invocation returns to its caller's logs
                _log_as(self.functions[caller].environment.get("POWERTOOLS_SERVICE_NAME"))
            _restore_environment(saved)
            self._lock.release()

    def cold_start(self) -> int:
        """Drop the warm state of every function: clear the functools caches (cached getters of settings,
        clients, in-memory caches) defined in modules under the functions' code and layer directories, as a
        new execution environment would start without them. Returns how many caches it cleared."""
        roots = tuple({f"{path}{os.sep}" for config in self.functions.values() for path in _code_dirs(config)})
        cleared = 0
        with self._lock:
            for name, module in list(sys.modules.items()):
                path = getattr(module, "__file__", None) or ""
                if (name, path) not in self._own_modules:
                    self._own_modules[name, path] = path.startswith(roots)
                if not self._own_modules[name, path]:
                    continue
                for cache in self._caches_of(module):
                    cache.cache_clear()
                    cleared += 1
        return cleared

    def _caches_of(self, module: ModuleType) -> list[Any]:
        """The functools caches a module defines. Tests drop the warm state before each test, and the values of the
        functions' modules number some 8,000: the caches found are kept, and looked for again only when a name of
        the module was added, removed or bound to another value."""
        namespace = vars(module)
        kept = self._module_caches.get(module.__name__)
        if kept is not None and kept[0] == len(namespace) and all(namespace.get(n) is v for n, v in kept[1]):
            return [value for _, value in kept[1]]
        found = [
            (name, value)
            for name, value in list(namespace.items())
            if callable(getattr(value, "cache_clear", None)) and getattr(value, "__module__", None) == module.__name__
        ]
        self._module_caches[module.__name__] = (len(namespace), found)
        return [value for _, value in found]

    def module(self, logical_id: str) -> ModuleType:
        """Import the handler's module as Lambda's init phase would (inside the function's environment)."""
        with self.environment_of(logical_id) as config:
            return self._init(config)

    def invoke(self, logical_id: str, event: Any) -> Any:
        """Run the handler; a handler exception, timeout or unserialisable result raises LambdaError."""
        payload = json.loads(json.dumps(event))
        with self.environment_of(logical_id) as config:
            self.invocations[logical_id] += 1
            handler = self._handler(config)
            request_id = str(uuid.uuid4())
            started = time.time()
            context = LambdaContext(
                function_name=config.name,
                function_version="$LATEST",
                invoked_function_arn=config.arn,
                memory_limit_in_mb=str(config.memory_size),
                aws_request_id=request_id,
                log_group_name=f"/aws/lambda/{config.name}",
                log_stream_name=f"{time.strftime('%Y/%m/%d')}/[$LATEST]{uuid.uuid4().hex}",
                deadline_ms=int((started + config.timeout) * 1000),
            )
            os.environ["_X_AMZN_TRACE_ID"] = f"Root=1-{int(started):08x}-{uuid.uuid4().hex[:24]};Sampled=0"
            try:
                result = handler(payload, context)
                text = json.dumps(result)
            except Exception as error:  # every handler failure becomes a Lambda error
                log.exception("%s failed (request %s)", logical_id, request_id)
                raise LambdaError(logical_id, _error(type(error).__name__, str(error), error)) from error
            elapsed = time.time() - started
            if elapsed > config.timeout:
                message = f"Task timed out after {config.timeout:.2f} seconds"
                log.error("%s: %s (took %.2f s)", logical_id, message, elapsed)
                raise LambdaError(logical_id, _error("Sandbox.Timedout", message))
            if len(text) > MAX_RESPONSE_BYTES:
                raise LambdaError(logical_id, _error("Function.ResponseSizeTooLarge", "Response payload too large"))
            return json.loads(text)

    def _handler(self, config: FunctionConfig) -> Callable[[Any, Any], Any]:
        if config.logical_id not in self._handlers:
            function_name = config.handler.rsplit(".", 1)[1]
            try:
                self._handlers[config.logical_id] = getattr(self._init(config), function_name)
            except Exception as error:
                log.exception("%s: cannot import handler %s", config.logical_id, config.handler)
                raise LambdaError(
                    config.logical_id, _error("Runtime.ImportModuleError", f"Unable to import {config.handler}")
                ) from error
        return self._handlers[config.logical_id]

    def _init(self, config: FunctionConfig) -> ModuleType:
        """Lambda's init phase: the handler's module imported with the function's environment applied (the caller
        holds `environment_of`). sys.modules is process-wide: a module imported before outside this environment (by a
        test, or for a stack deployed with other parameters) is executed again here, so that what its top level reads
        from the environment (Powertools' service name and metrics namespace, ...) is the function's."""
        module_name, function_name = config.handler.rsplit(".", 1)
        environment = self.environment(config)
        imported_before = module_name in sys.modules
        module = importlib.import_module(module_name)
        ran_with, handler = _INITIALISED.get(module_name, (None, None))
        if imported_before and (ran_with != environment or vars(module).get(function_name) is not handler):
            log.debug("%s: %s was imported outside its environment; initialising it again", config.logical_id, module)
            module = importlib.reload(module)
        _INITIALISED[module_name] = (environment, vars(module).get(function_name))
        return module


_INITIALISED: dict[str, tuple[dict[str, str], object]] = {}
"""Handler module name → the environment its init last ran with in a registry, and the handler that init defined
(another object once anything executed the module again)."""


_LOGGING_AS: list[object] = []
"""The service the layer's loggers were last sent to, and how many loggers there were then."""


def _log_as(service: str | None) -> None:
    """Send the layer's log records to the running function's service logger. A Powertools child logger is named
    `<service>.<module>` after the service that first imported its module: in Lambda, a process holds one function,
    so that is always the function's own; in this process many functions share each module, and their records
    would carry the first importer's service, function name and request id."""
    loggers = logging.root.manager.loggerDict
    if not service or [service, len(loggers)] == _LOGGING_AS:
        return
    parent = logging.getLogger(service)
    _LOGGING_AS[:] = [service, len(loggers)]
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if isinstance(logger, logging.Logger) and ".clarion." in name and logger.parent is not parent:
            logger.parent = parent


def _restore_environment(saved: dict[str, str]) -> None:
    # Key by key: other threads (moto, the HTTP server) read os.environ meanwhile and must never see it empty.
    for key in set(os.environ) - set(saved):
        del os.environ[key]
    for key, value in saved.items():
        if os.environ.get(key) != value:
            os.environ[key] = value


def _code_dirs(config: FunctionConfig) -> list[Path]:
    """The function's code, then its layers' (a layer's python/ directory when it has one, as in /opt)."""
    layers = [directory / "python" if (directory / "python").is_dir() else directory for directory in config.layer_dirs]
    return [config.code_dir, *layers]


def _error(error_type: str, message: str, error: BaseException | None = None) -> dict[str, Any]:
    payload: dict[str, Any] = {"errorMessage": message, "errorType": error_type, "requestId": ""}
    if error is not None:
        payload["stackTrace"] = traceback.format_tb(error.__traceback__)
    return payload

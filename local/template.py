"""Read a SAM template: its functions, HTTP API routes and authorizers, and its offline translation."""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from samtranslator import __version__ as sam_version
from samtranslator.metrics.metrics import DummyMetricsPublisher, Metrics
from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator
from samtranslator.utils.py27hash_fix import to_py27_compatible_template, undo_mark_unicode_str_in_template
from samtranslator.yaml_helper import yaml_parse

log = logging.getLogger(__name__)
IMPLICIT_HTTP_API = "ServerlessHttpApi"
LOCAL_BUCKET = "clarion-local-package"
# The order SAM flattens Identity into the authorizer's identitySource list.
IDENTITY_PREFIXES = (
    ("Headers", "$request.header."),
    ("QueryStrings", "$request.querystring."),
    ("StageVariables", "$stageVariables."),
    ("Context", "$context."),
)


@dataclass(frozen=True)
class FunctionSpec:
    logical_id: str
    handler: str
    code_dir: Path
    layer_dirs: tuple[Path, ...]
    environment: dict[str, Any]
    events: dict[str, Any]
    properties: dict[str, Any]


@dataclass(frozen=True)
class Route:
    route_key: str
    method: str
    path: str
    function_id: str
    api_id: str
    authorizer: str | None


@dataclass(frozen=True)
class AuthorizerSpec:
    name: str
    api_id: str
    function_id: str
    identity_sources: tuple[str, ...]
    reauthorize_every: Any
    enable_simple_responses: bool
    payload_format_version: str


@dataclass
class SamTemplate:
    path: Path
    document: dict[str, Any]
    functions: dict[str, FunctionSpec] = field(default_factory=dict)
    routes: list[Route] = field(default_factory=list)
    authorizers: dict[tuple[str, str], AuthorizerSpec] = field(default_factory=dict)

    @property
    def resources(self) -> dict[str, Any]:
        resources: dict[str, Any] = self.document.get("Resources", {})
        return resources

    def authorizer_for(self, route: Route) -> AuthorizerSpec | None:
        if route.authorizer is None:
            return None
        return self.authorizers[(route.api_id, route.authorizer)]


def load(path: str | Path) -> SamTemplate:
    template_path = Path(path).resolve()
    document = yaml_parse(template_path.read_text())
    template = SamTemplate(path=template_path, document=document)
    globals_ = document.get("Globals", {})
    layer_dirs = _local_layer_dirs(template_path.parent, template.resources)
    for logical_id, resource in template.resources.items():
        if resource.get("Type") == "AWS::Serverless::Function":
            spec = _function(template_path.parent, logical_id, resource, globals_.get("Function", {}), layer_dirs)
            template.functions[logical_id] = spec
        elif resource.get("Type") == "AWS::Serverless::HttpApi":
            props = _deep_merge(globals_.get("HttpApi", {}), resource.get("Properties", {}))
            template.authorizers.update(_authorizers(logical_id, props))
    for spec in template.functions.values():
        template.routes.extend(_routes(spec, template, globals_.get("HttpApi", {})))
    return template


def _function(
    root: Path, logical_id: str, resource: dict[str, Any], globals_: dict[str, Any], layers: dict[str, Path]
) -> FunctionSpec:
    own = resource.get("Properties", {})
    props = {**copy.deepcopy(globals_), **own}
    variables = {
        **globals_.get("Environment", {}).get("Variables", {}),
        **own.get("Environment", {}).get("Variables", {}),
    }
    code_uri = props.get("CodeUri", ".")
    if not isinstance(code_uri, str) or code_uri.startswith("s3://"):
        raise ValueError(f"{logical_id}: only a local CodeUri directory can run locally, got {code_uri!r}")
    layer_ids = [_ref_target(layer) for layer in [*globals_.get("Layers", []), *own.get("Layers", [])]]
    return FunctionSpec(
        logical_id=logical_id,
        handler=props["Handler"],
        code_dir=(root / code_uri).resolve(),
        layer_dirs=tuple(layers[layer] for layer in layer_ids if layer in layers),
        environment=variables,
        events=own.get("Events", {}) or {},
        properties=props,
    )


def _local_layer_dirs(root: Path, resources: dict[str, Any]) -> dict[str, Path]:
    dirs = {}
    for logical_id, resource in resources.items():
        if resource.get("Type") in ("AWS::Serverless::LayerVersion", "AWS::Lambda::LayerVersion"):
            uri = resource.get("Properties", {}).get("ContentUri")
            if isinstance(uri, str) and not uri.startswith("s3://"):
                dirs[logical_id] = (root / uri).resolve()
    return dirs


def _ref_target(value: Any) -> str | None:
    if isinstance(value, dict):
        if "Ref" in value:
            return str(value["Ref"])
        if "Fn::GetAtt" in value:
            return str(value["Fn::GetAtt"][0])
    return None


def _authorizers(api_id: str, props: dict[str, Any]) -> dict[tuple[str, str], AuthorizerSpec]:
    found = {}
    for name, config in (props.get("Auth", {}).get("Authorizers") or {}).items():
        function_id = _ref_target(config.get("FunctionArn"))
        if function_id is None:
            continue  # a JWT authorizer: not emulated, its routes run unauthenticated locally
        identity = config.get("Identity", {}) or {}
        sources = tuple(prefix + value for key, prefix in IDENTITY_PREFIXES for value in identity.get(key, []))
        found[(api_id, name)] = AuthorizerSpec(
            name=name,
            api_id=api_id,
            function_id=function_id,
            identity_sources=sources,
            reauthorize_every=identity.get("ReauthorizeEvery", 300),
            enable_simple_responses=bool(config.get("EnableSimpleResponses", False)),
            payload_format_version=str(config.get("AuthorizerPayloadFormatVersion", "2.0")),
        )
    return found


def _routes(spec: FunctionSpec, template: SamTemplate, http_globals: dict[str, Any]) -> list[Route]:
    routes = []
    for event in spec.events.values():
        if event.get("Type") != "HttpApi":
            continue
        props = event.get("Properties", {}) or {}
        api_id = _ref_target(props.get("ApiId")) or IMPLICIT_HTTP_API
        api_props = template.resources.get(api_id, {}).get("Properties", {})
        default_auth = _deep_merge(http_globals, api_props).get("Auth", {}).get("DefaultAuthorizer")
        authorizer = (props.get("Auth") or {}).get("Authorizer", default_auth)
        if authorizer == "NONE" or (api_id, authorizer) not in template.authorizers:
            authorizer = None
        method = str(props.get("Method", "ANY")).upper()
        path = str(props.get("Path", "$default"))
        if method in ("X-AMAZON-APIGATEWAY-ANY-METHOD", "*"):
            method = "ANY"
        route_key = "$default" if path == "$default" else f"{method} {path}"
        routes.append(Route(route_key, method, path, spec.logical_id, api_id, authorizer))
    return routes


def _deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


class _NoPolicies:
    """Stands in for samtranslator's ManagedPolicyLoader: no IAM call, no managed policy ARNs."""

    def load(self) -> dict[str, str]:
        return {}


def translate(template: SamTemplate, parameters: dict[str, Any]) -> dict[str, Any]:
    """Transform the SAM template to CloudFormation offline, as `sam package` + the SAM transform would.

    The SAM transform takes some 10 s of CPU for this template (samtranslator deep-copies the HTTP API's whole
    definition for each of its ~200 route events), and every process that starts a runtime would pay it: each
    pytest-xdist worker, each `python -m local`. So a translation is kept in this process and in a file of
    TRANSLATIONS_DIR named by the hash of all it depends on (the template's document, the parameters, the region,
    samtranslator's version): a changed template or another samtranslator is a new name, never a stale answer."""
    key = json.dumps(
        [str(template.path), template.document, parameters, os.environ.get("AWS_DEFAULT_REGION"), sam_version],
        sort_keys=True,
        default=str,
    )
    if key not in _translations:
        stored = TRANSLATIONS_DIR / f"{hashlib.sha256(key.encode()).hexdigest()}.json"
        translated = _read_translation(stored)
        if translated is None:
            translated = _translate(template, parameters)
            _write_translation(stored, translated)
        _translations[key] = translated
    return copy.deepcopy(_translations[key])


_translations: dict[str, dict[str, Any]] = {}
TRANSLATIONS_DIR = Path(tempfile.gettempdir()) / f"clarion-sam-translations-{os.getuid()}"


def _read_translation(path: Path) -> dict[str, Any] | None:
    try:
        if path.parent.stat().st_uid != os.getuid():  # a directory of another user's making is not trusted
            return None
        translated: dict[str, Any] = json.loads(path.read_text())
    except (OSError, ValueError):  # none yet, or unreadable: translated again and written anew
        return None
    return translated


def _write_translation(path: Path, translated: dict[str, Any]) -> None:
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(translated))
        partial.replace(path)  # atomic: a process reading at the same time sees the whole file or none
    except OSError:
        log.warning("the SAM translation could not be kept in %s", path.parent)


def _translate(template: SamTemplate, parameters: dict[str, Any]) -> dict[str, Any]:
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    document = copy.deepcopy(template.document)
    for logical_id, resource in document.get("Resources", {}).items():
        _package_locally(template.path.parent, logical_id, resource)
    function_globals = document.get("Globals", {}).get("Function", {})
    if isinstance(function_globals.get("CodeUri"), str):
        function_globals["CodeUri"] = f"s3://{LOCAL_BUCKET}/globals.zip"
    parameters = dict(parameters)
    to_py27_compatible_template(document, parameters)
    metrics = Metrics("ServerlessTransform", DummyMetricsPublisher())
    translator = Translator(None, Parser(), metrics=metrics)
    translated = translator.translate(document, parameters, get_managed_policy_map=_NoPolicies().load)
    metrics.publish()
    result: dict[str, Any] = undo_mark_unicode_str_in_template(translated)
    return result


def _package_locally(root: Path, logical_id: str, resource: dict[str, Any]) -> None:
    props = resource.get("Properties")
    if not isinstance(props, dict):
        return
    for key in ("CodeUri", "ContentUri"):
        if isinstance(props.get(key), str) and not props[key].startswith("s3://"):
            props[key] = f"s3://{LOCAL_BUCKET}/{logical_id}.zip"
    uri = props.get("DefinitionUri")
    if isinstance(uri, str) and not uri.startswith("s3://"):
        # The S3 key is the file's path: provisioning reads it back (a definition is only JSON after
        # DefinitionSubstitutions are applied, so it cannot always be inlined as an object).
        props["DefinitionUri"] = f"s3://{LOCAL_BUCKET}/{(root / uri).resolve().relative_to(root).as_posix()}"


def local_file(template: SamTemplate, location: Any) -> str | None:
    """The text of a file that `translate` turned into an S3 location, or None for a real S3 location."""
    if isinstance(location, dict) and location.get("Bucket") == LOCAL_BUCKET:
        return (template.path.parent / str(location["Key"])).read_text()
    return None

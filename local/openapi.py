"""`python -m local.openapi [template.yaml]`: print the merged OpenAPI document of the HTTP API (for `make openapi`).

The document is merged function by function, so moving routes between functions would reorder it; printed, it keeps
the order of the published docs/openapi.json beside the template, so a regeneration shows only what changed."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from moto import mock_aws

from local import template as sam
from local.docs import openapi_document
from local.functions import FunctionRegistry
from local.runtime import LocalRuntime
from local.stack import resolve

DEFAULT_TEMPLATE = Path(__file__).resolve().parent.parent / "template.yaml"


def build(template_path: str | Path = DEFAULT_TEMPLATE) -> dict[str, Any]:
    """Import the handlers under moto with their resolved environment (nothing is provisioned)."""
    LocalRuntime.suspend_active()
    for name, value in (("AWS_DEFAULT_REGION", "us-east-1"), ("AWS_ACCESS_KEY_ID", "testing")):
        os.environ.setdefault(name, value)
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        template = sam.load(template_path)
        stack = resolve(template)
        registry = FunctionRegistry(stack.functions, region=stack.resolver.region)
        return openapi_document(template, registry)


def in_published_order(document: Any, published: Any) -> Any:
    """The document with every object's keys in the order the published document has them, keys it lacks after
    those in their own order; equal to the document in every other way."""
    if not isinstance(document, dict) or not isinstance(published, dict):
        return document
    keys = [*(key for key in published if key in document), *(key for key in document if key not in published)]
    return {key: in_published_order(document[key], published.get(key)) for key in keys}


def main(argv: list[str]) -> int:
    template_path = Path(argv[0] if argv else DEFAULT_TEMPLATE)
    document = build(template_path)
    published = template_path.parent / "docs" / "openapi.json"
    if published.is_file():
        document = in_published_order(document, json.loads(published.read_text()))
    sys.stdout.write(json.dumps(document, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

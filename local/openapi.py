"""`python -m local.openapi [template.yaml]`: print the merged OpenAPI document of the HTTP API (for `make openapi`)."""

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


def main(argv: list[str]) -> int:
    document = build(argv[0] if argv else DEFAULT_TEMPLATE)
    sys.stdout.write(json.dumps(document, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""clarion/route_table.py is what the routes' declarations say: the authorizer reads it, so it must not go stale."""

import os
import subprocess
import sys

from local.route_table import TABLE, declarations, render
from tests.conftest import ROOT


def test_the_committed_route_table_matches_the_declarations():
    assert TABLE.read_text() == render(declarations()), "clarion/route_table.py is stale: run `make routes`"


def test_the_authorizer_reads_the_table_without_importing_a_function():
    functions = "sorted(m for m in sys.modules if m.endswith('_routes') or m == 'clarion.api')"
    code = f"import sys, authorizer.handler; print({functions})"
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "PYTHONPATH": f"{ROOT / 'functions'}{os.pathsep}{ROOT / 'layers' / 'core'}"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "[]"

"""clarion/route_table.py is what the routes' declarations say: the authorizer reads it, so it must not go stale."""

from local.route_table import TABLE, declarations, render
from tests.contract.support.imports import modules_loaded_by


def test_the_committed_route_table_matches_the_declarations():
    assert TABLE.read_text() == render(declarations()), "clarion/route_table.py is stale: run `make routes`"


def test_the_authorizer_reads_the_table_without_importing_a_function():
    functions = "sorted(m for m in sys.modules if m.endswith('_routes') or m == 'clarion.api')"
    assert modules_loaded_by("authorizer.handler", functions) == "[]"

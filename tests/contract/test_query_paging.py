"""Every multi-page DynamoDB Query goes through DynamoTable.query_pages (boto3's paginator): no module loops over
Query calls."""

import ast
from pathlib import Path

from tests.conftest import ROOT

LAYER = ROOT / "layers" / "core" / "clarion"


def query_calls_in_loops(tree: ast.AST) -> list[int]:
    lines = []
    for loop in (node for node in ast.walk(tree) if isinstance(node, ast.While | ast.For)):
        for node in ast.walk(loop):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "query":
                lines.append(node.lineno)
    return lines


def test_no_module_but_the_paging_helper_loops_over_query_calls():
    found = {
        f"{path.relative_to(ROOT)}:{line}"
        for path in sorted(Path(LAYER).rglob("*.py"))
        for line in query_calls_in_loops(ast.parse(path.read_text()))
    }
    assert found == set(), "page through DynamoTable.query_pages / query_items instead"


def test_the_check_finds_a_hand_written_paging_loop():
    loop = "while True:\n    response = client('dynamodb').query(**params)\n"
    assert query_calls_in_loops(ast.parse(loop)) == [2]

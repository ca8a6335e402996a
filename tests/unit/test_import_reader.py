"""Reading an uploaded file's rows: CSV (header, BOM, quotes across lines) and JSON lines, streamed from a byte offset;
each malformed row an error with its number, the reading going on; and a CSV field as an attribute's type."""

import json
from collections.abc import Iterator

import pytest

from clarion.imports.mapping import column_targets, entry_of, typed
from clarion.imports.reader import MAX_ROW_BYTES, Row, count_rows, rows
from clarion.tasks.models import RowError, TaskFailed


def lines_of(data: bytes, offset: int = 0) -> Iterator[bytes]:
    """The lines a streamed read yields from `offset`, each with its newline."""
    return iter(data[offset:].splitlines(keepends=True))


def read(data: bytes, file_format: str = "csv", offset: int = 0, row: int = 0, header: list[str] | None = None):
    return list(rows(lines_of(data, offset), file_format, offset=offset, row=row, header=header))  # type: ignore[arg-type]


def test_a_csv_with_a_bom_crlf_and_a_quoted_field_across_lines_reads_as_its_rows() -> None:
    data = '\ufeffid,name\r\n1,"Ann, ""the"" first"\r\n2,"two\r\nlines"\r\n'.encode()
    header, first, second = read(data)

    assert header == ["id", "name"]
    assert isinstance(first, Row) and first.values == {"id": "1", "name": 'Ann, "the" first'} and first.number == 2
    assert isinstance(second, Row) and second.values == {"id": "2", "name": "two\r\nlines"} and second.number == 3
    assert second.end == len(data)


def test_reading_from_a_rows_end_offset_goes_on_with_the_next_row() -> None:
    data = b"id,name\n1,a\n2,b\n3,c\n"
    _, first, *_ = read(data)
    assert isinstance(first, Row)

    following = read(data, offset=first.end, row=first.number, header=["id", "name"])

    assert [(r.number, r.values) for r in following if isinstance(r, Row)] == [
        (3, {"id": "2", "name": "b"}),
        (4, {"id": "3", "name": "c"}),
    ]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b"1,a,extra\n", "has 3 fields, the header 2"),
        (b"1,caf\xe9\n", "is not valid UTF-8"),
        (b"1," + b"x" * (1024 * 1024) + b"\n", f"is longer than {MAX_ROW_BYTES} bytes"),
        (b'1,"a"b\n', "is not a CSV row"),
    ],
    ids=["wrong column count", "invalid UTF-8", "1 MB field", "stray quote"],
)
def test_a_malformed_csv_row_is_an_error_naming_its_row_and_the_next_row_is_read(line: bytes, reason: str) -> None:
    _, bad, good = read(b"id,name\n" + line + b"2,b\n")

    assert isinstance(bad, Row) and bad.error is not None and bad.values is None
    assert (bad.error.row, bad.error.field) == (2, "row") and bad.error.reason.startswith(reason)
    assert isinstance(good, Row) and good.values == {"id": "2", "name": "b"} and good.number == 3


def test_json_lines_read_as_objects_and_a_line_that_is_not_an_object_is_an_error() -> None:
    data = b'{"subscriberId": "a"}\n\n[1]\nnot json\n{"subscriberId": "b"}'

    found = read(data, "jsonl")

    assert [(r.number, r.values, r.error) for r in found if isinstance(r, Row)] == [
        (1, {"subscriberId": "a"}, None),
        (3, None, RowError(3, "row", "is not a JSON object")),
        (4, None, RowError(4, "row", "is not JSON")),
        (5, {"subscriberId": "b"}, None),
    ]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b'{"subscriberId": "' + b"x" * (1024 * 1024) + b'"}\n', f"is longer than {MAX_ROW_BYTES} bytes"),
        (b'{"subscriberId": "caf\xe9"}\n', "is not valid UTF-8"),
    ],
    ids=["1 MB field", "invalid UTF-8"],
)
def test_a_malformed_json_line_is_an_error_naming_its_row_and_the_next_line_is_read(line: bytes, reason: str) -> None:
    bad, good = read(line + b'{"subscriberId": "b"}\n', "jsonl")

    assert isinstance(bad, Row) and bad.error is not None and bad.values is None
    assert (bad.error.row, bad.error.field) == (1, "row") and bad.error.reason.startswith(reason)
    assert isinstance(good, Row) and good.values == {"subscriberId": "b"} and good.number == 2


def test_the_total_counts_rows_not_lines_nor_the_header() -> None:
    assert count_rows(lines_of(b'id,name\n1,"a\nb"\n\n2,c\n'), "csv") == 2
    assert count_rows(lines_of("\n".join(json.dumps({"n": n}) for n in range(5)).encode()), "jsonl") == 5


def test_columns_map_to_fields_attributes_or_nothing_and_an_unmapped_column_fails_the_task() -> None:
    fields = frozenset({"subscriberId", "email"})
    targets = column_targets(
        ["id", "email", "plan", "notes"], {"id": "subscriberId", "plan": "attributes.plan", "notes": ""}, fields
    )
    assert targets == {"id": "subscriberId", "email": "email", "plan": "attributes.plan"}
    with pytest.raises(TaskFailed, match="column 'colour' maps to no field"):
        column_targets(["id", "colour"], {"id": "subscriberId"}, fields)


def test_a_csv_field_becomes_its_attributes_type_and_text_a_type_cannot_read_stays_text() -> None:
    types = {"seats": "number", "beta": "boolean", "tags": "list", "plan": "string"}
    targets = {
        "id": "subscriberId",
        "seats": "attributes.seats",
        "beta": "attributes.beta",
        "tags": "attributes.tags",
        "plan": "attributes.plan",
    }

    entry = entry_of({"id": "a", "seats": "3", "beta": "no", "tags": "x|y", "plan": ""}, targets, types)

    assert entry == {"subscriberId": "a", "attributes": {"seats": 3, "beta": False, "tags": ["x", "y"]}}
    assert typed("number", "2.5") == 2.5 and typed("number", "nan") == "nan" and typed("number", "many") == "many"
    assert typed("boolean", "perhaps") == "perhaps" and typed(None, "7") == "7"

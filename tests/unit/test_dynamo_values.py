import pytest

from clarion.dynamo import decode_cursor, encode_cursor, from_item, to_item
from clarion.errors import ValidationFailed


def test_plain_values_survive_the_round_trip():
    values = {
        "s": "text",
        "i": 42,
        "neg": -7,
        "f": 1.5,
        "b": True,
        "none": None,
        "list": [1, "two", {"three": 3}],
        "map": {"nested": ["x"]},
        "set": {"a", "b"},
    }
    assert from_item(to_item(values)) == values


def test_numbers_come_back_as_int_or_float_not_decimal():
    restored = from_item(to_item({"i": 3, "f": 0.25}))
    assert type(restored["i"]) is int and type(restored["f"]) is float


def test_unsupported_types_are_refused():
    with pytest.raises(TypeError):
        to_item({"x": object()})


def test_a_cursor_decodes_to_the_key_it_encoded():
    cursor = encode_cursor({"pk": "ENV#1", "sk": "CLIENT#2"})
    assert from_item(decode_cursor(cursor, partition="ENV#1")) == {"pk": "ENV#1", "sk": "CLIENT#2"}


def test_a_cursor_for_another_partition_is_refused():
    cursor = encode_cursor({"pk": "ENV#other", "sk": "CLIENT#2"})
    with pytest.raises(ValidationFailed) as refused:
        decode_cursor(cursor, partition="ENV#mine")
    assert refused.value.field == "cursor"


@pytest.mark.parametrize("cursor", ["not-base64!", "bm90IGpzb24", "W10"])
def test_a_garbled_cursor_is_refused(cursor):
    with pytest.raises(ValidationFailed):
        decode_cursor(cursor, partition="ENV#mine")

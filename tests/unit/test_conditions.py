"""Novu's conditions, operator by operator, with types and missing fields."""

from typing import Any

import pytest
from pydantic import ValidationError

from clarion.conditions import ConditionGroup, matches

PAYLOAD = {"plan": "pro", "seats": 10, "score": "7.5", "tags": ["a", "b"], "when": "2026-05-01T10:00:00Z"}
PAYLOAD |= {"data": {"country": "FR"}, "beta": True, "empty": None}
SOURCES = {"payload": PAYLOAD, "subscriber": {"firstName": "Ada", "data": {"tier": "gold"}}}


def holds(field: str, operator: str, value: Any, on: str = "payload") -> bool:
    group = {"value": "AND", "children": [{"field": field, "operator": operator, "value": value, "on": on}]}
    return matches([ConditionGroup.model_validate(group)], SOURCES)


@pytest.mark.parametrize(
    ("field", "operator", "value", "expected"),
    [
        ("plan", "EQUAL", "pro", True),
        ("plan", "EQUAL", "Pro", False),
        ("seats", "EQUAL", "10", True),  # a numeric string equals the number
        ("score", "EQUAL", 7.5, True),
        ("beta", "EQUAL", "true", True),
        ("plan", "NOT_EQUAL", "free", True),
        ("plan", "NOT_EQUAL", "pro", False),
        ("seats", "LARGER", 9, True),
        ("seats", "LARGER", "10", False),
        ("seats", "LARGER_EQUAL", "10", True),
        ("score", "SMALLER", 8, True),
        ("score", "SMALLER_EQUAL", "7.5", True),
        ("plan", "LARGER", 1, False),  # text is not comparable with a number
        ("when", "LARGER", "2026-04-30", True),  # ISO dates compare as instants
        ("when", "SMALLER", "2026-05-01T11:00:00+01:00", False),  # the same instant
        ("when", "SMALLER_EQUAL", "2026-05-01T11:00:00+01:00", True),
        ("seats", "BETWEEN", "5,10", True),  # inclusive
        ("seats", "BETWEEN", [11, 20], False),
        ("when", "BETWEEN", ["2026-01-01", "2026-12-31"], True),
        ("seats", "NOT_BETWEEN", "11,20", True),
        ("seats", "NOT_BETWEEN", "10,20", False),
        ("plan", "IN", "free, pro", True),
        ("plan", "IN", ["free", "team"], False),
        ("seats", "IN", ["10"], True),
        ("plan", "NOT_IN", "free,team", True),
        ("tags", "ANY_IN", "b,c", True),
        ("tags", "ANY_IN", ["c"], False),
        ("tags", "ALL_IN", "a,b", True),
        ("tags", "ALL_IN", "a,c", False),
        ("plan", "LIKE", "ro", True),
        ("plan", "LIKE", "%ro", False),  # a substring, no wildcards
        ("plan", "NOT_LIKE", "x", True),
        ("data.country", "EQUAL", "FR", True),  # dotted paths
        ("tags.1", "EQUAL", "b", True),
    ],
)
def test_each_operator_on_present_values(field: str, operator: str, value: Any, expected: bool):
    assert holds(field, operator, value) is expected


@pytest.mark.parametrize(
    ("operator", "value", "expected"),
    [
        ("EQUAL", "x", False),
        ("LARGER", 1, False),
        ("IN", "a,b", False),
        ("LIKE", "a", False),
        ("BETWEEN", "1,2", False),
        ("ANY_IN", "a", False),
        ("NOT_EQUAL", "x", True),
        ("NOT_IN", "a,b", True),
        ("NOT_LIKE", "a", True),
        ("NOT_BETWEEN", "1,2", True),
    ],
)
def test_a_missing_or_null_field_matches_only_the_negative_operators(operator: str, value: Any, expected: bool):
    assert holds("nothing.here", operator, value) is expected
    assert holds("empty", operator, value) is expected


def test_the_source_is_chosen_by_on():
    assert holds("data.tier", "EQUAL", "gold", on="subscriber")
    assert not holds("data.tier", "EQUAL", "gold", on="payload")


def test_groups_join_with_and_or_and_negation():
    pro = {"field": "plan", "operator": "EQUAL", "value": "pro"}
    free = {"field": "plan", "operator": "EQUAL", "value": "free"}
    assert not matches([ConditionGroup(value="AND", children=[pro, free])], SOURCES)  # type: ignore[list-item]
    assert matches([ConditionGroup(value="OR", children=[pro, free])], SOURCES)  # type: ignore[list-item]
    assert not matches([{"isNegated": True, "value": "OR", "children": [pro, free]}], SOURCES)
    assert not matches([{"children": [pro]}, {"children": [free]}], SOURCES)  # every group must match


def test_no_conditions_and_empty_groups_match():
    assert matches([], SOURCES)
    assert matches([{"value": "OR", "children": []}], SOURCES)


@pytest.mark.parametrize(
    ("child", "location"),
    [
        ({"field": "plan", "operator": "ABOUT", "value": "x"}, ("children", 0, "operator")),
        ({"field": "seats", "operator": "BETWEEN", "value": "1"}, ("children", 0, "value")),
        ({"field": "seats", "operator": "IN", "value": ""}, ("children", 0, "value")),
        ({"field": "seats", "operator": "EQUAL", "value": [1, 2]}, ("children", 0, "value")),
        ({"field": "plan", "operator": "EQUAL", "value": "x", "on": "tenant"}, ("children", 0, "on")),
    ],
)
def test_a_bad_condition_is_refused_naming_its_field(child: dict[str, Any], location: tuple[Any, ...]):
    with pytest.raises(ValidationError) as raised:
        ConditionGroup.model_validate({"children": [child]})
    assert raised.value.errors()[0]["loc"][:3] == location


@pytest.mark.parametrize(
    ("operator", "value", "expected"),
    [("ANY_IN", ["vip", "other"], True), ("ALL_IN", "vip,beta", True), ("IN", "vip", True), ("NOT_IN", "vip", False)],
)
def test_a_string_set_of_the_profile_is_matched_by_its_elements(operator: str, value: Any, expected: bool):
    """A profile's `lists` (a DynamoDB string set, read as a Python set): a branch or an integration asks for a list."""
    group = {"value": "AND", "children": [{"field": "lists", "operator": operator, "value": value, "on": "subscriber"}]}
    assert matches([ConditionGroup.model_validate(group)], {"subscriber": {"lists": {"vip", "beta"}}}) is expected


def test_a_profiles_tags_and_attribute_values_can_be_tested():
    profile = {"tags": {"checkout", "viewed"}, "attributes": {"plan": "pro", "interests": ["jazz"]}}

    def on_profile(field: str, operator: str, value: Any) -> bool:
        group = {
            "value": "AND",
            "children": [{"field": field, "operator": operator, "value": value, "on": "subscriber"}],
        }
        return matches([ConditionGroup.model_validate(group)], {"subscriber": profile})

    assert on_profile("tags", "ANY_IN", ["checkout"]) and not on_profile("tags", "ANY_IN", ["bought"])
    assert on_profile("tags", "ALL_IN", "checkout, viewed")
    assert on_profile("attributes.plan", "EQUAL", "pro") and on_profile("attributes.interests", "ANY_IN", ["jazz"])

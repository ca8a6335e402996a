"""Journey graphs checked at save: each failure names `steps[i].<field>`; and what makes a campaign a journey."""

import pytest

from clarion.campaigns.models import Step
from clarion.engine.steps import is_journey
from clarion.errors import ValidationFailed
from clarion.journeys.graph import validate_steps

SEND = {"channel": "sms", "content": {"body": "hi"}}


def stored(*steps: dict) -> list[dict]:
    return [Step.model_validate(step).stored() for step in steps]


def problem(*steps: dict) -> str:
    with pytest.raises(ValidationFailed) as raised:
        validate_steps(stored(*steps))
    assert raised.value.field is not None
    return raised.value.field


def branch(step_id: str, then: str, default: str | None, **fields) -> dict:
    rule = {"conditions": [{"children": [{"field": "x", "operator": "EQUAL", "value": 1}]}], "next": then}
    return {"id": step_id, "type": "branch", "branches": [rule]} | ({"default": default} if default else {}) | fields


def test_sends_without_a_graph_are_a_plain_campaign_stored_as_before():
    steps = stored(SEND, SEND | {"channel": "email", "content": {"subject": "s", "body": "b"}})
    validate_steps(steps)
    assert not is_journey(steps)
    assert steps[0] == SEND


def test_a_wait_or_a_next_makes_a_journey():
    assert is_journey(stored(SEND, {"type": "wait", "wait": {"amount": 5}}))
    assert is_journey(stored(SEND | {"id": "a", "next": "a"}))


def test_an_unknown_target_is_named():
    assert problem(SEND | {"id": "a", "next": "nowhere"}) == "steps[0].next"
    assert problem(branch("b", "nowhere", "b2"), SEND | {"id": "b2"}) == "steps[0].branches[0].next"
    assert problem(branch("b", "b2", "nowhere"), SEND | {"id": "b2"}) == "steps[0].default"


def test_a_branch_without_a_default_is_refused():
    assert problem(branch("b", "s", None), SEND | {"id": "s"}) == "steps[0].default"


def test_an_unreachable_step_is_named():
    steps = (SEND | {"id": "a"}, {"id": "stop", "type": "exit"}, SEND | {"id": "orphan"})
    assert problem(*steps) == "steps[2].id"


def test_a_loop_needs_a_bound_that_leaves_it():
    looping = (SEND | {"id": "a"}, {"id": "w", "type": "wait", "wait": {"amount": 1, "unit": "days"}, "next": "a"})
    assert problem(*looping) == "steps[0].next"
    inside = (SEND | {"id": "a"}, branch("again", "a", "a", maxVisits=3))
    assert problem(*inside) == "steps[0].next"
    bounded = stored(SEND | {"id": "a"}, branch("again", "a", "done", maxVisits=3), {"id": "done", "type": "exit"})
    validate_steps(bounded)


def test_step_fields_must_fit_the_step_type():
    assert problem({"type": "wait"}) == "steps[0].wait"
    assert problem({"type": "wait", "wait": {"amount": 1}, "channel": "sms"}) == "steps[0].channel"
    assert problem({"type": "send", "channel": "sms"}) == "steps[0].content"
    assert problem(SEND | {"wait": {"amount": 1}}) == "steps[0].wait"
    assert problem({"type": "exit", "next": "x"}) == "steps[0].next"
    assert problem({"id": "d", "type": "digest"}) == "steps[0].digest"


def test_waits_are_exactly_one_kind_and_an_event_wait_has_a_timeout_path():
    assert problem({"type": "wait", "wait": {"amount": 1, "timeOfDay": "09:00"}}) == "steps[0].wait"
    assert problem({"type": "wait", "wait": {"event": "buy", "onTimeout": "x"}}) == "steps[0].wait.amount"
    assert problem({"type": "wait", "wait": {"event": "buy", "amount": 1}}) == "steps[0].wait.onTimeout"
    assert problem({"type": "wait", "wait": {"until": "2027-01-01T09:00:00"}}) == "steps[0].wait.until"
    assert problem({"type": "wait", "wait": {"amount": 400, "unit": "days"}}) == "steps[0].wait.amount"


def test_ids_are_unique():
    assert problem(SEND | {"id": "a"}, {"id": "a", "type": "exit"}) == "steps[1].id"

"""A journey's steps as a graph: which campaigns are journeys, each step's successors, and the checks made when a
campaign is saved (every failure a 422 naming `steps[i].<field>`).

A campaign whose steps are all channel sends without `next` is a plain campaign (one-shot fan-out). Any other is
a journey: a run starts at the first step; a step without `next` goes on to the following one (the last ends
the run). Every step must be reachable, every target must exist, a branch needs a default, and every loop needs a
bound: a branch step in it with `maxVisits` whose `default` leaves the loop.
"""

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from clarion.engine.steps import SEND, is_journey, step_type
from clarion.errors import ValidationFailed

END = ""
_SEND_FIELDS = ("channel", "content", "locales", "layoutId")
_TYPE_FIELDS = {"wait": "wait", "branch": "branches", "digest": "digest", "throttle": "throttle"}
_WAIT_KINDS = ("amount", "until", "timeOfDay", "event")


def step_id(steps: Sequence[Mapping[str, Any]], index: int) -> str:
    """The step's id; a step without one is `step<n>` (n from 1)."""
    return str(steps[index].get("id") or f"step{index + 1}")


class Edge(NamedTuple):
    target: str  # a step id, or END
    field: str  # where the target is named: `next`, `branches[0].next`, `default`, `wait.onTimeout`


def edges(steps: Sequence[Mapping[str, Any]], index: int) -> Iterator[Edge]:
    """Where a run can go after step `index`."""
    step = steps[index]
    kind = step_type(step)
    if kind == "exit":
        return
    if kind == "branch":
        for number, rule in enumerate(step.get("branches") or []):
            yield Edge(rule["next"], f"branches[{number}].next")
        if step.get("default"):
            yield Edge(step["default"], "default")
        return
    following = step_id(steps, index + 1) if index + 1 < len(steps) else END
    yield Edge(step.get("next") or following, "next")
    if kind == "wait" and (step.get("wait") or {}).get("onTimeout"):
        yield Edge(step["wait"]["onTimeout"], "wait.onTimeout")


def validate_steps(steps: Sequence[Mapping[str, Any]]) -> None:
    """Raises ValidationFailed naming the first problem; a plain campaign (no journey) only needs send steps."""
    for index, step in enumerate(steps):
        _check_fields(index, step)
    if not is_journey(steps):
        return
    ids: dict[str, int] = {}
    for index in range(len(steps)):
        identifier = step_id(steps, index)
        if identifier in ids:
            raise ValidationFailed(f"step id '{identifier}' is used twice", field=f"steps[{index}].id")
        ids[identifier] = index
    successors: dict[int, list[int]] = {}
    for index in range(len(steps)):
        successors[index] = []
        for edge in edges(steps, index):
            if edge.target == END:
                continue
            if edge.target not in ids:
                raise ValidationFailed(f"no step has the id '{edge.target}'", field=f"steps[{index}].{edge.field}")
            successors[index].append(ids[edge.target])
    reached = _reachable(successors)
    for index in range(len(steps)):
        if index not in reached:
            raise ValidationFailed("no path from the first step reaches this step", field=f"steps[{index}].id")
    for component in _loops(successors):
        if not any(_bounds(steps, ids, index, component) for index in component):
            first = min(component)
            raise ValidationFailed(
                "these steps form a loop without a bound: give a branch step of the loop `maxVisits` and a `default` "
                f"that leaves the loop (steps {sorted(component)})",
                field=f"steps[{first}].next",
            )


def _check_fields(index: int, step: Mapping[str, Any]) -> None:
    kind = step_type(step)
    at = f"steps[{index}]"
    _check_type_fields(at, kind, step)
    if kind == "branch" and not step.get("default"):
        raise ValidationFailed("a branch step needs a default path", field=f"{at}.default")
    if kind in ("branch", "exit") and step.get("next"):
        raise ValidationFailed(f"a {kind} step has no next", field=f"{at}.next")
    if kind == "wait":
        _check_wait(at, step["wait"])


def _check_type_fields(at: str, kind: str, step: Mapping[str, Any]) -> None:
    """Each type's own fields are present, and no other type's."""
    if kind == SEND:
        for name in ("channel", "content"):
            if not step.get(name):
                raise ValidationFailed(f"a send step needs {name}", field=f"{at}.{name}")
    else:
        for name in _SEND_FIELDS:
            if name in step:
                raise ValidationFailed(f"only send steps have {name}", field=f"{at}.{name}")
    for other, name in _TYPE_FIELDS.items():
        if other != kind and step.get(name) is not None:
            raise ValidationFailed(f"only {other} steps have {name}", field=f"{at}.{name}")
        if other == kind and not step.get(name):
            raise ValidationFailed(f"a {kind} step needs {name}", field=f"{at}.{name}")
    if kind != "branch":
        for name in ("default", "maxVisits"):
            if step.get(name) is not None:
                raise ValidationFailed(f"only branch steps have {name}", field=f"{at}.{name}")


def _check_wait(at: str, wait: Mapping[str, Any]) -> None:
    kinds = [name for name in _WAIT_KINDS if wait.get(name) is not None]
    if "event" in kinds:
        if wait.get("amount") is None:
            raise ValidationFailed("an event wait needs a timeout (amount and unit)", field=f"{at}.wait.amount")
        kinds.remove("amount")  # an event wait's timeout
        if not wait.get("onTimeout"):
            raise ValidationFailed("an event wait needs the step taken on timeout", field=f"{at}.wait.onTimeout")
    elif wait.get("onTimeout"):
        raise ValidationFailed("only event waits have onTimeout", field=f"{at}.wait.onTimeout")
    if len(kinds) != 1:
        raise ValidationFailed("give exactly one of amount, until, timeOfDay or event", field=f"{at}.wait")
    if wait.get("timezone") and "timeOfDay" not in kinds:
        raise ValidationFailed("only timeOfDay waits have a timezone", field=f"{at}.wait.timezone")
    seconds = (wait.get("amount") or 0) * {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400, "weeks": 604800}[
        wait.get("unit") or "seconds"
    ]
    if seconds > 365 * 86400:
        raise ValidationFailed("a wait lasts at most 365 days", field=f"{at}.wait.amount")
    if wait.get("until") is not None:
        try:
            moment = datetime.fromisoformat(str(wait["until"]).replace("Z", "+00:00"))
        except ValueError as error:
            raise ValidationFailed("not an ISO 8601 instant", field=f"{at}.wait.until") from error
        if moment.tzinfo is None:
            raise ValidationFailed("give the instant's offset or Z", field=f"{at}.wait.until")


def _bounds(steps: Sequence[Mapping[str, Any]], ids: Mapping[str, int], index: int, loop: set[int]) -> bool:
    """A branch with maxVisits whose default leaves the loop ends it after that many passes."""
    step = steps[index]
    if step_type(step) != "branch" or not step.get("maxVisits"):
        return False
    return ids[step["default"]] not in loop


def _reachable(successors: Mapping[int, list[int]]) -> set[int]:
    seen, stack = {0}, [0]
    while stack:
        for following in successors[stack.pop()]:
            if following not in seen:
                seen.add(following)
                stack.append(following)
    return seen


def _loops(successors: Mapping[int, list[int]]) -> list[set[int]]:
    """The strongly connected components that hold a cycle (Tarjan; at most 20 steps)."""
    index_of: dict[int, int] = {}
    low: dict[int, int] = {}
    stack: list[int] = []
    on_stack: set[int] = set()
    found: list[set[int]] = []

    def visit(node: int) -> None:
        index_of[node] = low[node] = len(index_of)
        stack.append(node)
        on_stack.add(node)
        for following in successors[node]:
            if following not in index_of:
                visit(following)
                low[node] = min(low[node], low[following])
            elif following in on_stack:
                low[node] = min(low[node], index_of[following])
        if low[node] == index_of[node]:
            component: set[int] = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1 or node in successors[node]:
                found.append(component)

    for node in successors:
        if node not in index_of:
            visit(node)
    return found

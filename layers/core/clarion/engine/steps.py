"""A campaign's steps as the engine sees them: a campaign whose steps are all channel sends without `next` is
fanned out by the engine (one record per send); any other is a journey, whose runs the engine hands to the
runner its caller gives it (clarion.journeys; the graph's checks are in clarion.journeys.graph).
"""

from collections.abc import Mapping, Sequence
from typing import Any

SEND = "send"
MAX_STEPS = 20  # a campaign's steps; message ids are derived from a step's index below it


def step_type(step: Mapping[str, Any]) -> str:
    return str(step.get("type") or SEND)


def is_journey(steps: Sequence[Mapping[str, Any]]) -> bool:
    return any(step_type(step) != SEND or step.get("next") for step in steps)

"""A journey's durations: the units a wait, a digest window or a throttle period is counted in, and the longest
wait. The compiler reads them without loading the journeys' pydantic models."""

from typing import Literal

DurationUnit = Literal["seconds", "minutes", "hours", "days", "weeks"]
UNIT_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400, "weeks": 604800}
MAX_WAIT_SECONDS = 365 * 86400  # a Standard execution lasts at most a year

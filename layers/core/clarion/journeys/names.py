"""The name of a subscriber's event, as a journey's event wait and the hits API both spell it."""

from typing import Annotated

from pydantic import StringConstraints

EventName = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f#]+$")]

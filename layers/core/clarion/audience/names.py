"""The constrained strings that name attributes, tags and devices on the wire, and the attributes' per-request
bound: the subscribers', devices', actions' and segments' models use them without loading the audience's own models
(about 15 pydantic models, which the functions that import those packages would otherwise build at cold start)."""

from typing import Annotated

from pydantic import StringConstraints

AttributeName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_-]{0,63}$")]
"""A letter or `_`, then letters, digits, `_` or `-`: a map key, and `attributes.<name>` in an error."""
TagName = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f/\\#\s]+$")]
"""Printable text without whitespace, `/`, `\\` or `#`: one URL path segment and one key segment."""
DeviceId = Annotated[str, StringConstraints(min_length=1, max_length=256, pattern=r"^[^\x00-\x1f\x7f#\s]+$")]
MAX_ATTRIBUTES_PER_REQUEST = 40

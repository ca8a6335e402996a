"""Identifiers and timestamps in the shapes Novu clients expect."""

import os
import time
from datetime import UTC, datetime


def new_id() -> str:
    """A 24-hex-digit id (4 bytes of seconds, 8 random bytes) like Novu's: unique and roughly time-ordered."""
    return f"{int(time.time()):08x}{os.urandom(8).hex()}"


def utc_now() -> str:
    """Now as ISO 8601 UTC with milliseconds and a `Z`, which sorts as text."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")

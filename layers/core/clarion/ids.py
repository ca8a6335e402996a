"""Identifiers in the shape Novu clients expect."""

import os

from clarion import clock


def new_id() -> str:
    """A 24-hex-digit id (4 bytes of seconds, 8 random bytes) like Novu's: unique and roughly time-ordered."""
    return f"{int(clock.epoch_seconds()):08x}{os.urandom(8).hex()}"

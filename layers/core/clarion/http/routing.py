"""What the API serves at a path, from the route tables: the methods behind a 405's Allow header."""

import re
from functools import cache

from clarion.scopes import PUBLIC_ROUTES, ROUTE_SCOPES

DEFAULT_ROUTE = "$default"
"""API Gateway's route for a request no other route matches (the health function answers it)."""


@cache
def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    routes = [key for key in (*ROUTE_SCOPES, *PUBLIC_ROUTES) if key != DEFAULT_ROUTE]
    patterns = []
    for route_key in routes:
        method, path = route_key.split(" ", 1)
        pattern = re.sub(r"\\\{\w+\\\+\\\}", ".+", re.escape(path))
        patterns.append((method, re.compile(re.sub(r"\\\{\w+\\\}", "[^/]+", pattern))))
    return patterns


def methods_at(path: str) -> list[str]:
    """The methods some route serves at `path` (empty for a path no route has), in a stable order."""
    return sorted({method for method, pattern in _patterns() if pattern.fullmatch(path)})

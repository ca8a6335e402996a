"""Scopes: the catalogue, the bundles that expand to fine scopes, and the route → scope table."""

from collections.abc import Iterable

from clarion.errors import ValidationFailed
from clarion.scopes.catalogue import BUNDLES, FINE_SCOPES, GROUPS
from clarion.scopes.routes import PUBLIC_ROUTES, ROUTE_SCOPES

__all__ = ["BUNDLES", "FINE_SCOPES", "GROUPS", "PUBLIC_ROUTES", "ROUTE_SCOPES", "expand_scopes"]


def expand_scopes(requested: Iterable[str]) -> list[str]:
    """Fine scopes for what was asked, bundles expanded, sorted; an unknown name is a 422 that names it."""
    expanded: set[str] = set()
    for index, name in enumerate(requested):
        if name in FINE_SCOPES:
            expanded.add(name)
        elif name in BUNDLES:
            expanded.update(BUNDLES[name])
        else:
            raise ValidationFailed(f"unknown scope '{name}'", field=f"scopes[{index}]", value=name)
    return sorted(expanded)

"""Scopes: the catalogue, the bundles that expand to fine scopes, and the route → scope table (each route declares
its scope; `make routes` writes them into clarion.route_table)."""

from collections.abc import Iterable

from clarion.errors import ValidationFailed
from clarion.route_table import PUBLIC_ROUTES, ROUTE_SCOPES
from clarion.scopes.catalogue import BUNDLES, FINE_SCOPES, GROUPS

__all__ = [
    "BUNDLES",
    "BUNDLE_GRANTS",
    "FINE_SCOPES",
    "GROUPS",
    "GUARDING_SCOPES",
    "PUBLIC_ROUTES",
    "ROUTE_SCOPES",
    "expand_scopes",
]

GUARDING_SCOPES: frozenset[str] = frozenset(ROUTE_SCOPES.values())
"""The fine scopes some route requires; the others are catalogued for tools Clarion does not have yet."""

# What assigning a bundle grants: its scopes that guard a route today. A scope whose route arrives later is
# granted by the bundle from then on, to clients assigned it from then on (a client stores what it was granted).
BUNDLE_GRANTS: dict[str, tuple[str, ...]] = {
    name: tuple(sorted(set(scopes) & GUARDING_SCOPES)) for name, scopes in BUNDLES.items()
}


def expand_scopes(requested: Iterable[str]) -> list[str]:
    """Fine scopes for what was asked, bundles expanded to what they grant, sorted; an unknown name is a 422 that
    names it."""
    expanded: set[str] = set()
    for index, name in enumerate(requested):
        if name in FINE_SCOPES:
            expanded.add(name)
        elif name in BUNDLE_GRANTS:
            expanded.update(BUNDLE_GRANTS[name])
        else:
            raise ValidationFailed(f"unknown scope '{name}'", field=f"scopes[{index}]", value=name)
    return sorted(expanded)

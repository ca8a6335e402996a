"""/v1/scopes: the catalogue a client's scopes are chosen from."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import Field

from clarion.api import endpoint
from clarion.limits import RouteClass
from clarion.models import Envelope, Model
from clarion.scopes import BUNDLE_GRANTS, GROUPS, GUARDING_SCOPES

router = APIGatewayHttpRouter()


class ScopeView(Model):
    name: str
    description: str
    guardsRoute: bool = Field(description="Whether some route requires this scope today; the others guard nothing yet")


class ScopeGroupView(Model):
    name: str
    scopes: list[ScopeView]


class BundleView(Model):
    name: str
    expandsTo: list[str] = Field(description="The fine scopes a client assigned this bundle is granted")


class Catalogue(Model):
    groups: list[ScopeGroupView]
    bundles: list[BundleView]


@endpoint(
    router,
    "GET /v1/scopes",
    scope="clients:manage",
    rate=RouteClass.GLOBAL,
    summary="Every fine scope with its description, and every bundle",
)
def list_scopes() -> Envelope[Catalogue]:
    """The catalogue a client's scopes are chosen from: each fine scope with its description and whether it guards a
    route, and each bundle with the fine scopes it expands to."""
    groups = [
        ScopeGroupView(
            name=group.name,
            scopes=[
                ScopeView(name=s.name, description=s.description, guardsRoute=s.name in GUARDING_SCOPES)
                for s in group.scopes
            ],
        )
        for group in GROUPS
    ]
    bundles = [BundleView(name=name, expandsTo=list(scopes)) for name, scopes in BUNDLE_GRANTS.items()]
    return Envelope(data=Catalogue(groups=groups, bundles=bundles))

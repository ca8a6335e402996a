"""/v1/scopes: the catalogue a client's scopes are chosen from."""

from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.api import endpoint
from clarion.models import Envelope, Model
from clarion.scopes import BUNDLES, GROUPS

router = APIGatewayHttpRouter()


class ScopeView(Model):
    name: str
    description: str


class ScopeGroupView(Model):
    name: str
    scopes: list[ScopeView]


class BundleView(Model):
    name: str
    expandsTo: list[str]


class Catalogue(Model):
    groups: list[ScopeGroupView]
    bundles: list[BundleView]


@endpoint(router, "GET /v1/scopes", summary="Every fine scope with its description, and every bundle")
def list_scopes() -> Envelope[Catalogue]:
    groups = [
        ScopeGroupView(name=g.name, scopes=[ScopeView(name=s.name, description=s.description) for s in g.scopes])
        for g in GROUPS
    ]
    bundles = [BundleView(name=name, expandsTo=sorted(set(scopes))) for name, scopes in BUNDLES.items()]
    return Envelope(data=Catalogue(groups=groups, bundles=bundles))

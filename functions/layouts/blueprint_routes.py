"""/v1/blueprints: Novu's catalogue of ready-made workflows, which Novu Cloud keeps in an organization of its own.
Clarion has none, and answers as a self-hosted Novu without that organization does: 404, saying so."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.api import endpoint
from clarion.errors import NotFound
from clarion.limits import RouteClass

router = APIGatewayHttpRouter()
NO_CATALOGUE = "Clarion has no blueprint catalogue: create the workflow (a campaign) in your environment"
TemplateIdOrIdentifier = Annotated[
    str, Path(min_length=1, max_length=100, description="A blueprint's _id or identifier")
]


@endpoint(
    router,
    "GET /v1/blueprints/group-by-category",
    scope="list:campaign",
    rate=RouteClass.GLOBAL,
    status_code=404,
    summary="Novu's blueprints by category: Clarion has none (404)",
)
def grouped_blueprints() -> Response[None]:
    """Always a 404, as Clarion has no blueprint catalogue: Novu Cloud keeps its blueprints in an organization of its
    own, and a self-hosted Novu without it answers 404 too."""
    raise NotFound(NO_CATALOGUE, field="blueprints")


@endpoint(
    router,
    "GET /v1/blueprints/{templateIdOrIdentifier}",
    scope="info:campaign",
    rate=RouteClass.GLOBAL,
    status_code=404,
    summary="A Novu blueprint: Clarion has none (404)",
)
def blueprint(templateIdOrIdentifier: TemplateIdOrIdentifier) -> Response[None]:
    """Always a 404 naming `templateIdOrIdentifier`: Clarion has no blueprint catalogue. Create the workflow itself with
    `POST /v1/workflows`."""
    raise NotFound(NO_CATALOGUE, field="templateIdOrIdentifier", value=templateIdOrIdentifier)

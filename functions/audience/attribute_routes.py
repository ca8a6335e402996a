"""/v1/attributes: the profile attributes of an environment, and the values profiles hold."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.api import Limit, PageNumber, caller, endpoint
from clarion.audience import service
from clarion.audience.models import (
    Attribute,
    AttributeName,
    AttributeValue,
    BatchCreateAttributesRequest,
    BatchResult,
    CreateAttributeRequest,
)
from clarion.limits import RouteClass
from clarion.models import Envelope, NovuPage

router = APIGatewayHttpRouter()
AttributeNamePath = Annotated[AttributeName, Path(description="The attribute's name")]


@endpoint(
    router,
    "POST /v1/attributes",
    scope="create:attribute",
    rate=RouteClass.CONFIGURATION,
    status_code=201,
    summary="Create a profile attribute",
)
def create_attribute(body: CreateAttributeRequest) -> Envelope[Attribute]:
    """Catalogues a profile field with its `type` (`string`, `number`, `boolean`, `date` or `list`); profiles then hold
    values for it through the subscriber routes' `attributes`. A name the environment already has is a 409 naming
    `name`."""
    return Envelope(data=service.create_attribute(caller(router), body))


@endpoint(
    router,
    "POST /v1/attributes/batch",
    scope="batch_create:attribute",
    rate=RouteClass.CONFIGURATION,
    status_code=201,
    summary="Create up to 100 profile attributes; each name taken fails alone",
)
def create_attributes(body: BatchCreateAttributesRequest) -> Envelope[BatchResult]:
    """Catalogues 1-100 attributes: a name the environment has, or one given twice, fails alone under `failed` and the
    others are created. A malformed entry is a 422 for the whole body, naming it."""
    return Envelope(data=service.create_attributes(caller(router), body.attributes))


@endpoint(
    router,
    "GET /v1/attributes",
    scope="list:attribute",
    rate=RouteClass.GLOBAL,
    summary="List profile attributes, page by page",
)
def list_attributes(page: PageNumber = 0, limit: Limit = 10) -> NovuPage[Attribute]:
    """Novu's page (`page`, `limit`, `totalCount`) of the environment's catalogued attributes, in name order."""
    return service.list_attributes(caller(router), page=page, limit=limit)


@endpoint(
    router,
    "GET /v1/attributes/{name}/values",
    scope="list:attribute_value",
    rate=RouteClass.GLOBAL,
    summary="List the distinct values profiles hold for an attribute, with how many hold each",
)
def list_attribute_values(name: AttributeNamePath, page: PageNumber = 0, limit: Limit = 10) -> NovuPage[AttributeValue]:
    """The distinct values profiles hold for the attribute, each with how many hold it (a list attribute counts each
    element), Novu-paged with `totalCount`. An attribute the environment does not have is a 404 naming `name`."""
    return service.list_attribute_values(caller(router), name, page=page, limit=limit)

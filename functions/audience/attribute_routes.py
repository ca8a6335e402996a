"""/v1/attributes: the profile attributes of an environment, and the values profiles hold."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.api import PageNumber, caller, endpoint
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
PageLimit = Annotated[int, Query(ge=1, le=100, description="Items per page")]


@endpoint(
    router,
    "POST /v1/attributes",
    scope="create:attribute",
    rate=RouteClass.CONFIGURATION,
    status_code=201,
    summary="Create a profile attribute",
)
def create_attribute(body: CreateAttributeRequest) -> Envelope[Attribute]:
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
    return Envelope(data=service.create_attributes(caller(router), body.attributes))


@endpoint(
    router,
    "GET /v1/attributes",
    scope="list:attribute",
    rate=RouteClass.GLOBAL,
    summary="List profile attributes, page by page",
)
def list_attributes(page: PageNumber = 0, limit: PageLimit = 10) -> NovuPage[Attribute]:
    return service.list_attributes(caller(router), page=page, limit=limit)


@endpoint(
    router,
    "GET /v1/attributes/{name}/values",
    scope="list:attribute_value",
    rate=RouteClass.GLOBAL,
    summary="List the distinct values profiles hold for an attribute, with how many hold each",
)
def list_attribute_values(
    name: AttributeNamePath, page: PageNumber = 0, limit: PageLimit = 10
) -> NovuPage[AttributeValue]:
    return service.list_attribute_values(caller(router), name, page=page, limit=limit)

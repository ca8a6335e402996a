"""/v1/changes: promoting layouts and campaigns from an environment to the one that has it as parent (Novu v1).

They live in the workflows function because applying a change writes campaigns (workflows), journeys' state machines
included, which this function is already allowed to do; the layouts it writes are in the same table.
"""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.api import PageNumber, caller, endpoint
from clarion.changes import service
from clarion.changes.models import MAX_CHANGES_PER_PAGE, BulkApplyRequest, Change, PromotedFilter
from clarion.limits import RouteClass
from clarion.models import Envelope, NovuPage, ObjectId

router = APIGatewayHttpRouter()
ChangeId = Annotated[ObjectId, Path(description="The change's `_id`")]
ChangesPerPage = Annotated[int, Query(ge=1, le=MAX_CHANGES_PER_PAGE, description="Changes per page")]


@endpoint(
    router,
    "GET /v1/changes",
    scope="list:change",
    rate=RouteClass.GLOBAL,
    summary="List the environment's changes, newest first: pending (`promoted=false`) or applied",
)
def list_changes(
    promoted: Annotated[PromotedFilter, Query()] = "false", page: PageNumber = 0, limit: ChangesPerPage = 10
) -> NovuPage[Change]:
    """Novu's page (`page`, `limit` 1-100), newest first: the pending changes by default, the applied ones with
    `promoted=true`. Each create or update of a layout, campaign (workflow) or feed in an environment that another has
    as parent records one pending change per entity."""
    return service.list_changes(caller(router), promoted=promoted == "true", page=page, limit=limit)


@endpoint(
    router,
    "GET /v1/changes/count",
    scope="list:change",
    rate=RouteClass.GLOBAL,
    summary="How many changes wait to be applied",
)
def count_changes() -> Envelope[int]:
    """How many changes are pending in the environment; an environment no other has as parent records none."""
    return Envelope(data=service.count_changes(caller(router)))


@endpoint(
    router,
    "POST /v1/changes/bulk/apply",
    scope="apply:change",
    rate=RouteClass.CONFIGURATION,
    status_code=201,
    summary="Apply several changes, oldest first; answers the changes applied for each",
)
def apply_changes(body: BulkApplyRequest) -> Envelope[list[list[Change]]]:
    """Applies 1-100 changes in the order they were recorded, oldest first, each as `POST .../{changeId}/apply` does. An
    unknown id is a 404 naming `changeIds[i]`, and then nothing is applied."""
    from clarion.promotion import service as promotion  # noqa: PLC0415 - the layouts' code: off the cold start

    return Envelope(data=promotion.apply_changes(caller(router), body.changeIds))


@endpoint(
    router,
    "POST /v1/changes/{changeId}/apply",
    scope="apply:change",
    rate=RouteClass.CONFIGURATION,
    status_code=201,
    summary="Apply a change: copy its layout or campaign into the environment that has this one as parent",
)
def apply_change(changeId: ChangeId) -> Envelope[list[Change]]:
    """Copies the entity as last written into the environment that has this one as parent (production), matched there by
    identifier: updated in place, or created. Applying an applied change writes nothing again; a campaign naming a
    layout production does not have, or a change rewritten while it is applied, is a 409."""
    from clarion.promotion import service as promotion  # noqa: PLC0415 - the layouts' code: off the cold start

    return Envelope(data=promotion.apply_change(caller(router), changeId))

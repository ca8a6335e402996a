"""/v1/hits: a subscriber's event, which resumes the journey runs waiting for it, and tag hits."""

from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.actions import service as actions
from clarion.actions.models import PushActionRequest, PushActionResult
from clarion.api import caller, endpoint
from clarion.audience import hits as audience
from clarion.audience.models import TagHitBatchRequest, TagHitRequest, TagHitResult
from clarion.journeys import service
from clarion.journeys.models import HitEventRequest, HitEventResult
from clarion.limits import RouteClass
from clarion.models import Envelope

router = APIGatewayHttpRouter()


@endpoint(
    router,
    "POST /v1/hits/event",
    scope="hit:event",
    rate=RouteClass.TRIGGER,
    status_code=202,
    summary="Record a subscriber's event; resume runs waiting",
)
def track_event(body: HitEventRequest) -> Envelope[HitEventResult]:
    return Envelope(data=service.track_event(caller(router), body))


@endpoint(
    router,
    "POST /v1/hits/tag",
    scope="hit:tag",
    rate=RouteClass.TRIGGER,
    status_code=201,
    summary="Record a tag hit for a profile or a device",
)
def track_tag(body: TagHitRequest) -> Envelope[TagHitResult]:
    return Envelope(data=audience.record_tag_hit(caller(router), body))


@endpoint(
    router,
    "POST /v1/hits/tag/batch",
    scope="hit:tag",
    rate=RouteClass.TRIGGER,
    status_code=201,
    summary="Record up to 25 tag hits; each that fails is reported alone",
)
def track_tags(body: TagHitBatchRequest) -> Envelope[TagHitResult]:
    return Envelope(data=audience.record_tag_hits(caller(router), body.hits))


@endpoint(
    router,
    "POST /v1/hits/push-action",
    scope="hit:event",
    rate=RouteClass.TRIGGER,
    status_code=201,
    summary="Record an open, click or dismissal of a push or in-app message; a repeat is idempotent",
)
def track_push_action(body: PushActionRequest) -> Envelope[PushActionResult]:
    return Envelope(data=actions.record_action(caller(router), body))

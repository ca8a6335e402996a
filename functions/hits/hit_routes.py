"""/v1/hits: a subscriber's event, which resumes the journey runs waiting for it, and tag hits."""

from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.actions import service as actions
from clarion.actions.models import PushActionRequest, PushActionResult
from clarion.analytics import hits as analytics
from clarion.analytics.models import HitBatchResult, LocationHitBatch, SessionHitBatch
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


@endpoint(
    router,
    "POST /v1/hits/session",
    scope="hit:event",
    rate=RouteClass.TRIGGER,
    status_code=201,
    summary="Record up to 100 app session starts and ends; each is counted once",
)
def track_sessions(body: SessionHitBatch) -> Envelope[HitBatchResult]:
    """Counts each session start (sessions, unique and new users) and end (session time) into the analytics of its
    hour; a hit sent again is reported in `duplicates`, one that cannot be counted in `failed`."""
    return Envelope(data=analytics.record_sessions(caller(router), body))


@endpoint(
    router,
    "POST /v1/hits/location",
    scope="hit:event",
    rate=RouteClass.TRIGGER,
    status_code=201,
    summary="Record up to 100 coarse location hits",
)
def track_locations(body: LocationHitBatch) -> Envelope[HitBatchResult]:
    """Counts each hit into the analytics of its hour and place; coordinates are kept to one decimal (~11 km), and
    a hit sent again with its `hitId` is counted once."""
    return Envelope(data=analytics.record_locations(caller(router), body))

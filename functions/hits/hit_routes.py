"""/v1/hits: a subscriber's event, which resumes the journey runs waiting for it, and tag hits."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.actions import service as actions
from clarion.actions.models import PushActionRequest, PushActionResult
from clarion.analytics import hits as analytics
from clarion.analytics.hit_models import HitBatchResult, LocationHitBatch, SessionHitBatch
from clarion.api import caller, endpoint
from clarion.audience import hits as audience
from clarion.audience.models import TagHitBatchRequest, TagHitRequest, TagHitResult
from clarion.journeys import hits as journeys
from clarion.journeys.hits import HitEventRequest, HitEventResult
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
    """Records the subscriber's event (kept 90 days, counted per day for segments) and resumes every journey run of the
    subscriber waiting for an event of that `name`; answers 202 with how many runs resumed."""
    return Envelope(data=journeys.track_event(caller(router), body))


@endpoint(
    router,
    "POST /v1/hits/tag",
    scope="hit:tag",
    rate=RouteClass.TRIGGER,
    status_code=201,
    summary="Record a tag hit for a profile or a device",
)
def track_tag(body: TagHitRequest) -> Envelope[TagHitResult]:
    """Records a hit of `tag` for a profile (`subscriberId`, which must exist: else a 404) or a device (`deviceId`, any
    id); a tag the environment does not have is catalogued by its first hit. A `timestamp` more than 5 minutes ahead or
    90 days ago is a 422."""
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
    """Records 1-25 tag hits as `POST /v1/hits/tag` does; each hit that fails is reported under `failed` with its index,
    and the others are recorded. Each hit takes one rate-limit token."""
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
    """Records an `open`, `click` or `dismiss` of a push or in-app message (an email, SMS or chat message is a 422) and
    counts it in the campaign's analytics. Idempotent per message and action: a repeat writes and counts nothing and
    answers `recorded: false`."""
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

"""/v1/hits/event: a subscriber's event (hits), which resumes the journey runs waiting for it."""

from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.api import caller, endpoint
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

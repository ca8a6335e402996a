"""/v1/dead-letters: the jobs each channel's sender gave up on, and sending them again once the cause is fixed.

The queues serve every environment of the stack, so these routes belong to an operator (environments:manage).
The messages themselves stay visible per environment in /v1/messages: `queued`, with the last provider error.
"""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.api import endpoint
from clarion.delivery import jobs
from clarion.limits import RouteClass
from clarion.models import Envelope, Model
from clarion.store.records import CHANNELS, Channel

router = APIGatewayHttpRouter()


class DeadLetters(Model):
    channel: Channel
    messages: int


class Redriven(Model):
    channel: Channel
    redriven: int


@endpoint(
    router,
    "GET /v1/dead-letters",
    scope="environments:manage",
    rate=RouteClass.GLOBAL,
    summary="How many jobs wait in each channel's dead-letter queue",
)
def count_dead_letters() -> Envelope[list[DeadLetters]]:
    """How many jobs each channel's sender gave up on after repeated transient provider failures. The queues serve every
    environment of the stack, so this is the stack operator's route (`environments:manage`)."""
    return Envelope(data=[DeadLetters(channel=c, messages=jobs.dead_letter_count(c)) for c in CHANNELS])


@endpoint(
    router,
    "POST /v1/dead-letters/{channel}/redrive",
    scope="environments:manage",
    rate=RouteClass.GLOBAL,
    summary="Send a channel's dead letters again",
)
def redrive_dead_letters(
    channel: Annotated[Channel, Path(description="email, sms, push, in_app or chat")],
) -> Envelope[Redriven]:
    """Moves the channel's dead-letter jobs back to its queue to be sent again, once the cause is fixed; answers how
    many were moved."""
    return Envelope(data=Redriven(channel=channel, redriven=jobs.redrive(channel)))

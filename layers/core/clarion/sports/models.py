"""Sports-updates subscriptions on the wire."""

from typing import Annotated

from pydantic import Field, StringConstraints

from clarion.models import Model, Request, SubscriberId

Competition = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]{1,100}$")]
MAX_SUBSCRIBERS_PER_CALL = 100


class SportsSubscriptionRequest(Request):
    competition: Competition = Field(description="The competition (or event) id: its topic is sports:<competition>")
    subscriberIds: list[SubscriberId] = Field(min_length=1, max_length=MAX_SUBSCRIBERS_PER_CALL)


class SportsSubscriptionResult(Model):
    """The competition's topic, and which subscribers were added (unknown ones reported in `notFound`)."""

    topicKey: str
    succeeded: list[str]
    notFound: list[str]


class SportsUnsubscription(Model):
    """The competition's topic; its followers among the subscribers given no longer follow it."""

    topicKey: str

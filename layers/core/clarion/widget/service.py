"""Widget sessions: the public `initialize` that turns an application identifier and a subscriberId (with its
`hmacHash` where the environment requires one) into a subscriber token, and the token's check on every widget route."""

from __future__ import annotations

from typing import TYPE_CHECKING

from clarion import clock
from clarion.chat_oauth.config import signing_secret
from clarion.chat_oauth.signing import environment_hmac_key, verify_subscriber_hmac
from clarion.environments.repository import EnvironmentsRepository
from clarion.errors import NotFound, Unauthorized, ValidationFailed
from clarion.principal import Principal
from clarion.subscribers import service as subscribers
from clarion.subscribers.models import CreateSubscriberRequest
from clarion.widget.models import Session, SessionProfile, SessionRequest
from clarion.widget.tokens import SubscriberSession, SubscriberTokens

if TYPE_CHECKING:
    from clarion.store import entities

_BEARER = "bearer "


def hmac_required(environment: entities.Environment) -> bool:
    """The environment's setting; unset, every environment but one named Development requires it."""
    return bool(environment.get("widgetHmacRequired", environment["slug"] != "development"))


def initialize(request: SessionRequest) -> Session:
    environment = _environment_of(request.applicationIdentifier)
    given_hash = request.hmacHash or request.subscriberHash
    if given_hash is not None or hmac_required(environment):
        if given_hash is None:
            raise Unauthorized("this environment requires hmacHash for the subscriberId", field="hmacHash")
        verify_subscriber_hmac(
            environment_hmac_key(signing_secret(), environment["id"]), request.subscriberId, given_hash
        )
    caller = subscriber_principal(SubscriberSession(environment["id"], request.subscriberId))
    try:
        subscriber = subscribers.get_subscriber(caller, request.subscriberId)
    except NotFound:
        fields = request.model_dump(
            include={"subscriberId", "email", "firstName", "lastName", "phone"}, exclude_none=True
        )
        subscriber = subscribers.create_subscriber(caller, CreateSubscriberRequest(**fields))
    token = SubscriberTokens(signing_secret()).issue(
        SubscriberSession(environment["id"], request.subscriberId), now=clock.epoch_seconds()
    )
    return Session(token=token, profile=SessionProfile.model_validate(subscriber.model_dump(by_alias=False)))


def session_of(authorization: str | None) -> SubscriberSession:
    """The subscriber an `Authorization: Bearer <token>` header names; 401 for none, a forged or an expired one."""
    if authorization is None or not authorization.lower().startswith(_BEARER):
        raise Unauthorized("the widget routes need 'Authorization: Bearer <subscriber token>'", field="authorization")
    token = authorization[len(_BEARER) :].strip()
    return SubscriberTokens(signing_secret()).verify(token, now=clock.epoch_seconds())


def subscriber_principal(session: SubscriberSession) -> Principal:
    """The principal the shared services read the environment from; it carries no scope, so no scoped route's
    check can pass with it."""
    return Principal(
        client_id=f"subscriber:{session.subscriber_id}", environment_id=session.environment_id, scopes=frozenset()
    )


def _environment_of(application_identifier: str) -> entities.Environment:
    for environment in EnvironmentsRepository().list_all():
        if environment["identifier"] == application_identifier:
            return environment
    raise ValidationFailed("no environment has this applicationIdentifier", field="applicationIdentifier")

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
from clarion.widget.tokens import SubscriberSession, SubscriberTokens, verify_token

if TYPE_CHECKING:
    from clarion.store import entities

_BEARER = "bearer "
PREFLIGHT_HEADERS = {
    "access-control-allow-methods": "GET, POST, PATCH, DELETE, OPTIONS",
    "access-control-allow-headers": "authorization, content-type",
    "access-control-max-age": "600",
}


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
    return verify_token(authorization[len(_BEARER) :].strip())


def subscriber_principal(session: SubscriberSession) -> Principal:
    """The principal the shared services read the environment from; it carries no scope, so no scoped route's
    check can pass with it."""
    return Principal(
        client_id=f"subscriber:{session.subscriber_id}", environment_id=session.environment_id, scopes=frozenset()
    )


def _environment_of(application_identifier: str) -> entities.Environment:
    environment = _find_environment(application_identifier)
    if environment is not None:
        return environment
    raise ValidationFailed("no environment has this applicationIdentifier", field="applicationIdentifier")


def cors_headers(origin: str | None, authorization: str | None, application_identifier: str | None) -> dict[str, str]:
    """What lets a browser page at `origin` read a widget answer: its environment (the token's, else the
    application identifier's) lists the origin, or `*`. Nothing for an origin it does not list."""
    if not origin:
        return {}
    environment: entities.Environment | None = None
    try:
        environment = EnvironmentsRepository().get(session_of(authorization).environment_id)
    except Unauthorized:
        if application_identifier:
            environment = _find_environment(application_identifier)
    allowed = environment.get("widgetOrigins", []) if environment else []
    if origin in allowed or "*" in allowed:
        return {"access-control-allow-origin": origin, "vary": "Origin"}
    return {}


def _find_environment(application_identifier: str) -> entities.Environment | None:
    listed = EnvironmentsRepository().list_all()
    return next((item for item in listed if item["identifier"] == application_identifier), None)

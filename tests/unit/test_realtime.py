"""Real-time in-app delivery (clarion.realtime, the realtime function, the in-app sender's push): a connection is
stored only for a valid subscriber token, under its environment and subscriber until the token expires; a push
reaches that subscriber's connections only, drops a gone one, and never fails the send it follows."""

import json
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError
from moto.apigatewaymanagementapi.models import apigatewaymanagementapi_backends
from realtime import handler

from clarion import clock
from clarion.aws import client, client_at
from clarion.chat_oauth import config
from clarion.delivery.providers import inbox
from clarion.errors import Unauthorized
from clarion.ids import new_id
from clarion.realtime import push, service
from clarion.realtime.connections import MAX_CONNECTIONS_PUSHED, ConnectionsRepository
from clarion.settings import settings
from clarion.store.records import new_record
from clarion.widget.tokens import TOKEN_LIFETIME_SECONDS, SubscriberSession, SubscriberTokens
from tests.conftest import FakeLambdaContext, load_event

ENDPOINT = "https://abc123.execute-api.us-east-1.amazonaws.com/dev"
ENVIRONMENT = "e" * 24


@pytest.fixture(autouse=True)
def signing_secret(memory_tables, monkeypatch) -> bytes:
    """The stack's signing secret in Secrets Manager, and the management endpoint the template sets."""
    secret = uuid.uuid4().hex
    arn = client("secretsmanager").create_secret(Name=f"signing-{uuid.uuid4()}", SecretString=secret)["ARN"]
    monkeypatch.setenv("SIGNING_SECRET_ARN", arn)
    monkeypatch.setenv("REALTIME_ENDPOINT", ENDPOINT)
    config.signing_secret.cache_clear()
    settings.cache_clear()
    client_at.cache_clear()
    yield secret.encode()
    config.signing_secret.cache_clear()
    client_at.cache_clear()


def token_for(secret: bytes, subscriber_id: str, *, environment_id: str = ENVIRONMENT, issued: float | None = None):
    now = clock.epoch_seconds() if issued is None else issued
    return SubscriberTokens(secret).issue(SubscriberSession(environment_id, subscriber_id), now=now)


def stored_connections() -> list[dict[str, Any]]:
    items = client("dynamodb").scan(TableName=settings().connections_table)["Items"]
    return sorted(({key: next(iter(value.values())) for key, value in item.items()} for item in items), key=str)


def sent_to(connection_id: str) -> bytes:
    return apigatewaymanagementapi_backends["123456789012"]["us-east-1"].connections[connection_id].data


def event(route: str, connection_id: str, token: str | None = None) -> dict[str, Any]:
    """API Gateway's event for the route (events/realtime, shared with `sam local invoke`), for this connection."""
    name = {"$connect": "connect", "$default": "default", "$disconnect": "disconnect"}[route]
    built = load_event(f"realtime/{name}.json")
    built["requestContext"]["connectionId"] = connection_id
    built.pop("queryStringParameters", None)
    built.pop("multiValueQueryStringParameters", None)
    if token is not None:
        built["queryStringParameters"] = {"token": token}
    return built


# $connect and $disconnect


def test_a_valid_token_stores_the_connection_under_its_environment_and_subscriber_until_it_expires(signing_secret):
    issued = clock.epoch_seconds()
    session = service.connect(token_for(signing_secret, "ada", issued=issued), "conn-1")
    assert (session.environment_id, session.subscriber_id) == (ENVIRONMENT, "ada")
    [item] = stored_connections()
    assert item["connectionId"] == "conn-1"
    assert int(item["expiresAt"]) == int(issued) + TOKEN_LIFETIME_SECONDS
    assert [c.connection_id for c in ConnectionsRepository().of_subscriber(ENVIRONMENT, "ada", now=issued)] == [
        "conn-1"
    ]
    assert ConnectionsRepository().of_subscriber(ENVIRONMENT, "bob", now=issued) == []
    assert ConnectionsRepository().of_subscriber("f" * 24, "ada", now=issued) == []


@pytest.mark.parametrize(
    ("token", "reason"),
    [(None, "not issued"), ("", "not issued"), ("a.b.c", "not issued"), ("forged", "not issued")],
)
def test_a_missing_or_malformed_token_is_refused_and_nothing_is_stored(token, reason):
    with pytest.raises(Unauthorized, match=reason):
        service.connect(token, "conn-1")
    assert stored_connections() == []


def test_a_token_of_another_signing_secret_is_refused(signing_secret):
    with pytest.raises(Unauthorized, match="not issued"):
        service.connect(token_for(b"another stack", "ada"), "conn-1")
    assert stored_connections() == []


def test_an_expired_token_is_refused(signing_secret):
    expired = token_for(signing_secret, "ada", issued=clock.epoch_seconds() - TOKEN_LIFETIME_SECONDS - 1)
    with pytest.raises(Unauthorized, match="expired"):
        service.connect(expired, "conn-1")
    assert stored_connections() == []


def test_disconnect_removes_only_that_connection(signing_secret):
    service.connect(token_for(signing_secret, "ada"), "conn-1")
    service.connect(token_for(signing_secret, "ada"), "conn-2")
    assert service.disconnect("conn-1") is True
    assert [item["connectionId"] for item in stored_connections()] == ["conn-2"]
    assert service.disconnect("conn-1") is False
    assert service.disconnect("never-connected") is False


def test_the_handler_answers_connect_401_without_storing_for_a_bad_token(signing_secret):
    refused = handler.lambda_handler(event("$connect", "conn-1", "forged"), FakeLambdaContext())
    assert refused["statusCode"] == 401
    assert json.loads(refused["body"])["message"] == "the subscriber token was not issued by this API"
    assert handler.lambda_handler(event("$connect", "conn-2"), FakeLambdaContext())["statusCode"] == 401
    assert stored_connections() == []


def test_the_handler_connects_disconnects_and_answers_a_ping(signing_secret):
    context = FakeLambdaContext()
    assert handler.lambda_handler(event("$connect", "c1", token_for(signing_secret, "ada")), context) == {
        "statusCode": 200
    }
    assert len(stored_connections()) == 1
    assert json.loads(handler.lambda_handler(event("$default", "c1"), context)["body"]) == {"type": "pong"}
    assert handler.lambda_handler(event("$disconnect", "c1"), context) == {"statusCode": 200}
    assert stored_connections() == []


# The push


def connected(secret: bytes, subscriber_id: str, connection_id: str) -> str:
    service.connect(token_for(secret, subscriber_id), connection_id)
    return connection_id


def test_a_push_reaches_every_connection_of_its_subscriber_and_no_other(signing_secret):
    ada_tab, ada_phone = connected(signing_secret, "ada", "ada-1"), connected(signing_secret, "ada", "ada-2")
    bob = connected(signing_secret, "bob", "bob-1")
    assert push.push_unseen_count(ENVIRONMENT, "ada", lambda: 3) == 2
    frame = {"type": "notification_received", "unseenCount": 3}
    assert json.loads(sent_to(ada_tab)) == json.loads(sent_to(ada_phone)) == frame
    assert sent_to(bob) == b""


def test_a_push_reaches_at_most_25_connections_of_a_subscriber(signing_secret):
    for number in range(MAX_CONNECTIONS_PUSHED + 1):
        connected(signing_secret, "ada", f"ada-{number:02}")
    assert MAX_CONNECTIONS_PUSHED == 25
    assert push.push_unseen_count(ENVIRONMENT, "ada", lambda: 1) == 25


def test_a_push_skips_a_connection_whose_token_expired_before_ttl_removed_it(signing_secret):
    issued = clock.epoch_seconds() - TOKEN_LIFETIME_SECONDS + 1
    service.connect(token_for(signing_secret, "ada", issued=issued), "ada-old")
    clock_now = clock.epoch_seconds()
    assert ConnectionsRepository().of_subscriber(ENVIRONMENT, "ada", now=clock_now + 2) == []


def test_a_push_without_connections_does_not_count_the_unseen_messages(signing_secret):
    def never() -> int:
        raise AssertionError("counted")

    assert push.push_unseen_count(ENVIRONMENT, "ada", never) == 0


def test_without_a_websocket_api_nothing_is_pushed(signing_secret, monkeypatch):
    connected(signing_secret, "ada", "ada-1")
    monkeypatch.setenv("REALTIME_ENDPOINT", "")
    assert push.push_unseen_count(ENVIRONMENT, "ada", lambda: 1) == 0
    assert sent_to("ada-1") == b""


class FailingManagementApi:
    """post_to_connection refusing some connections with an error code, as API Gateway would."""

    def __init__(self, codes: dict[str, str]) -> None:
        self.codes = codes
        self.posted: list[str] = []

    def post_to_connection(self, ConnectionId: str, Data: bytes) -> None:
        if ConnectionId in self.codes:
            raise ClientError({"Error": {"Code": self.codes[ConnectionId], "Message": "x"}}, "PostToConnection")
        self.posted.append(ConnectionId)


def test_a_gone_connection_is_dropped_and_the_others_still_get_the_push(signing_secret, monkeypatch):
    gone, alive = connected(signing_secret, "ada", "ada-gone"), connected(signing_secret, "ada", "ada-alive")
    api = FailingManagementApi({gone: "GoneException"})
    monkeypatch.setattr(push, "client_at", lambda service, endpoint: api)
    assert push.push_unseen_count(ENVIRONMENT, "ada", lambda: 1) == 1
    assert api.posted == [alive]
    assert [item["connectionId"] for item in stored_connections()] == [alive]


def test_another_push_failure_keeps_the_connection_and_is_logged_without_the_subscriber(
    signing_secret, monkeypatch, caplog
):
    connected(signing_secret, "ada@example.com", "ada-1")
    monkeypatch.setattr(
        push, "client_at", lambda service, endpoint: FailingManagementApi({"ada-1": "LimitExceededException"})
    )
    assert push.push_unseen_count(ENVIRONMENT, "ada@example.com", lambda: 1) == 0
    assert len(stored_connections()) == 1
    [warning] = [record for record in caplog.records if record.getMessage() == "real-time push failed"]
    assert warning.__dict__["error"] == "LimitExceededException"
    assert "ada@example.com" not in str(warning.__dict__)


# The in-app sender


def in_app_record(subscriber_id: str) -> dict[str, Any]:
    content = {"body": "Order o-7 shipped", "payload": {}, "templateIdentifier": "orders"}
    return new_record(ENVIRONMENT, subscriber_id, "in_app", to={}, content=content) | {"campaignId": new_id()}


def test_the_in_app_sender_pushes_the_unseen_count_after_storing_the_message(signing_secret):
    tab = connected(signing_secret, "ada", "ada-1")
    inbox.PROVIDER.send(in_app_record("ada"))
    assert json.loads(sent_to(tab)) == {"type": "notification_received", "unseenCount": 1}
    inbox.PROVIDER.send(in_app_record("ada"))
    assert sent_to(tab).endswith(b'{"type":"notification_received","unseenCount":2}')


def test_a_failing_push_never_fails_the_send(signing_secret, monkeypatch):
    connected(signing_secret, "ada", "ada-1")

    def broken(service: str, endpoint: str) -> Any:
        raise RuntimeError("no endpoint")

    monkeypatch.setattr(push, "client_at", broken)
    record = in_app_record("ada")
    assert inbox.PROVIDER.send(record) == record["_id"]

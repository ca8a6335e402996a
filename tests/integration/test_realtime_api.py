"""Real-time in-app delivery through the local runtime's WebSocket API: a subscriber token opens a socket for its own
subscriber only; an in-app message triggered for A reaches A's socket as one frame, and B's socket hears nothing;
forged, expired and missing tokens are refused at the handshake, and a closed socket is forgotten."""

import json
from collections.abc import Iterator
from contextlib import ExitStack
from urllib.parse import quote

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import ClientConnection, connect

from local.runtime import LocalRuntime
from tests.integration.conftest import Api
from tests.integration.support.campaigns import campaign, trigger_event
from tests.integration.support.inbox import IN_APP_STEP
from tests.integration.support.widget import session

FRAME_WAIT_SECONDS = 5


@pytest.fixture
def socket_url(runtime: LocalRuntime) -> str:
    url = runtime.serve_websockets()
    assert url is not None and url.startswith("ws://127.0.0.1:")
    return url


@pytest.fixture
def open_sockets() -> Iterator[ExitStack]:
    with ExitStack() as sockets:
        yield sockets


def token_of(admin: Api, subscriber_id: str) -> str:
    token = session(admin, subscriber_id).key
    assert token is not None
    return token


def open_socket(url: str, token: str, sockets: ExitStack) -> ClientConnection:
    return sockets.enter_context(connect(f"{url}/?token={quote(token)}", open_timeout=10))


def connection_count(runtime: LocalRuntime) -> int:
    return len(runtime.scan_table("ConnectionsTable"))


def test_a_message_for_a_reaches_as_socket_and_not_bs(runtime: LocalRuntime, admin: Api, socket_url, open_sockets):
    ada = open_socket(socket_url, token_of(admin, "ada"), open_sockets)
    bob = open_socket(socket_url, token_of(admin, "bob"), open_sockets)
    offer = campaign(admin, IN_APP_STEP)

    assert trigger_event(admin, offer["identifier"], ["ada"], payload={"code": "A1"}).status == 201
    runtime.drain()

    frame = json.loads(ada.recv(timeout=FRAME_WAIT_SECONDS))
    assert frame == {"type": "notification_received", "unseenCount": 1}
    with pytest.raises(TimeoutError):
        bob.recv(timeout=1)


def test_a_token_of_another_environment_hears_nothing_of_this_one(
    runtime: LocalRuntime, admin: Api, other_admin: Api, socket_url, open_sockets
):
    elsewhere = open_socket(socket_url, token_of(other_admin, "ada"), open_sockets)
    here = open_socket(socket_url, token_of(admin, "ada"), open_sockets)
    offer = campaign(admin, IN_APP_STEP)

    assert trigger_event(admin, offer["identifier"], ["ada"], payload={"code": "A2"}).status == 201
    runtime.drain()

    assert json.loads(here.recv(timeout=FRAME_WAIT_SECONDS))["unseenCount"] == 1
    with pytest.raises(TimeoutError):
        elsewhere.recv(timeout=1)


def refused_status(url: str) -> int:
    with pytest.raises(InvalidStatus) as refused:
        connect(url, open_timeout=10)
    return refused.value.response.status_code


def test_forged_expired_and_missing_tokens_are_refused_at_connect(runtime: LocalRuntime, admin: Api, socket_url):
    token = token_of(admin, "ada")
    header, claims, signature = token.split(".")
    before = connection_count(runtime)

    assert refused_status(f"{socket_url}/?token={header}.{claims}.{signature[:-2]}AA") == 401
    assert refused_status(f"{socket_url}/?token=not-a-token") == 401
    assert refused_status(f"{socket_url}/") == 401
    runtime.clock.advance(3601)
    assert refused_status(f"{socket_url}/?token={quote(token)}") == 401
    assert connection_count(runtime) == before


def test_a_keep_alive_is_answered_and_a_closed_socket_is_forgotten(runtime: LocalRuntime, admin: Api, socket_url):
    before = connection_count(runtime)
    with connect(f"{socket_url}/?token={quote(token_of(admin, 'ada'))}", open_timeout=10) as socket:
        assert connection_count(runtime) == before + 1
        socket.send(json.dumps({"action": "ping"}))
        assert json.loads(socket.recv(timeout=FRAME_WAIT_SECONDS)) == {"type": "pong"}
    assert runtime.tick_until(lambda: connection_count(runtime) == before, timeout=10)

"""GET /inbox and /inbox/clarion-inbox.js: the try-it page of the embeddable inbox and the component's built file."""

import json
from datetime import UTC, datetime

from local.events import HttpRequest
from local.inbox import BUNDLE, InboxPage, InboxSetup
from local.runtime import LocalRuntime


def get(page: InboxPage, path: str, method: str = "GET"):  # type: ignore[no-untyped-def]
    request = HttpRequest(
        method=method,
        raw_path=path,
        raw_query="",
        headers={},
        body=None,
        source_ip="127.0.0.1",
        protocol="HTTP/1.1",
        request_id="id",
        received=datetime.now(UTC),
    )
    return page(request)


def configuration_of(html: str) -> dict[str, object]:
    start = html.index('<script id="config" type="application/json">') + len(
        '<script id="config" type="application/json">'
    )
    return json.loads(html[start : html.index("</script>", start)])  # type: ignore[no-any-return]


def test_the_page_embeds_the_component_with_the_environment_and_its_subscribers() -> None:
    page = InboxPage(lambda: InboxSetup("app-1", ["ada", "bob"]))

    response = get(page, "/inbox")

    assert response.status == 200 and response.headers["content-type"] == "text/html; charset=utf-8"
    html = response.body.decode()
    assert '<script src="/inbox/clarion-inbox.js"></script>' in html and "<clarion-inbox" in html
    assert configuration_of(html) == {
        "applicationIdentifier": "app-1",
        "subscriberIds": ["ada", "bob"],
        "socketUrl": None,
    }


def test_the_page_passes_the_stacks_websocket_url_to_the_component() -> None:
    page = InboxPage(lambda: InboxSetup("app-1", [], socketUrl="ws://127.0.0.1:4321"))

    html = get(page, "/inbox").body.decode()

    assert configuration_of(html)["socketUrl"] == "ws://127.0.0.1:4321"
    assert 'inbox.setAttribute("socket-url", config.socketUrl)' in html


def test_a_subscriber_id_cannot_close_the_configurations_script() -> None:
    page = InboxPage(lambda: InboxSetup("app-1", ["</script><script>alert(1)</script>"]))

    html = get(page, "/inbox").body.decode()

    assert "</script><script>alert(1)" not in html
    assert configuration_of(html)["subscriberIds"] == ["</script><script>alert(1)</script>"]


def test_the_component_is_served_as_javascript_and_other_paths_are_left_to_the_api() -> None:
    page = InboxPage(lambda: InboxSetup(None))

    script = get(page, "/inbox/clarion-inbox.js")

    assert script.headers["content-type"] == "text/javascript; charset=utf-8"
    assert script.body == BUNDLE.read_bytes()
    assert get(page, "/inbox/other") is None
    assert get(page, "/inbox", method="POST") is None


def test_a_template_without_the_widget_function_offers_no_environment(runtime: LocalRuntime) -> None:
    assert runtime.inbox_setup() == InboxSetup(applicationIdentifier=None)
    assert runtime.serve_websockets() is None  # nor a WebSocket API
    assert runtime.request("GET", "/inbox").status == 200

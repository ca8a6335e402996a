"""Novu's published Python SDK pointed at the local gateway: a requests transport that hands each request to the local
runtime in-process, so every SDK call still goes gateway → authorizer → handler → moto."""

from typing import Any

import requests
from requests.adapters import BaseAdapter

from local.runtime import LocalRuntime

BASE_URL = "http://clarion.local"


class GatewayAdapter(BaseAdapter):
    """A requests transport that sends each request through the local runtime's API Gateway emulation."""

    def __init__(self, runtime: LocalRuntime) -> None:
        super().__init__()
        self.runtime = runtime
        self.sent: list[tuple[str, str]] = []

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        path = request.path_url
        self.sent.append((str(request.method), path.split("?")[0]))
        answer = self.runtime.request(str(request.method), path, headers=dict(request.headers), body=request.body)
        response = requests.Response()
        response.status_code = answer.status
        response.headers.update(answer.headers)
        response._content = answer.body
        response.url = str(request.url)
        response.request = request
        return response

    def close(self) -> None:
        pass


def gateway_session(runtime: LocalRuntime) -> tuple[requests.Session, GatewayAdapter]:
    """A session whose requests to BASE_URL go through the local gateway, and its adapter (what was sent)."""
    adapter = GatewayAdapter(runtime)
    session = requests.Session()
    session.mount(BASE_URL, adapter)
    return session, adapter

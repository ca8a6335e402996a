"""A client of the API holding one key, as the integration tests drive the local stack through its gateway."""

from dataclasses import dataclass
from typing import Any

from local.runtime import LocalRuntime


@dataclass
class Api:
    """A client of the API holding one key: every call goes gateway → authorizer → handler → moto."""

    runtime: LocalRuntime
    key: str | None
    client_id: str = ""
    environment_id: str = ""
    scheme: str = "Bearer"

    def call(self, method: str, path: str, json: Any = None, body: str | None = None) -> Any:
        headers = {"Authorization": f"{self.scheme} {self.key}"} if self.key is not None else {}
        return self.runtime.request(method, path, headers=headers, json=json, body=body)

    def get(self, path: str) -> Any:
        return self.call("GET", path)

    def post(self, path: str, json: Any = None) -> Any:
        return self.call("POST", path, json=json)

    def put(self, path: str, json: Any = None) -> Any:
        return self.call("PUT", path, json=json)

    def delete(self, path: str) -> Any:
        return self.call("DELETE", path)

    def client(self, name: str, scopes: list[str], **extra: Any) -> "Api":
        """A new API client created by this one, and an Api holding its key."""
        response = self.post("/v1/clients", {"name": name, "scopes": scopes, **extra})
        assert response.status == 201, response.json()
        data = response.json()["data"]
        return Api(self.runtime, data["key"], data["clientId"], data["environmentId"])

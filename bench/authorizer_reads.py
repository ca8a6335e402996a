"""DynamoDB calls the authorizer makes for a key it has seen, on a warm container."""

import json
from dataclasses import dataclass

from clarion.scopes import ROUTE_SCOPES
from local.aws_calls import count_aws_calls
from local.runtime import LocalRuntime
from tests.conftest import EVENTS, ROOT


@dataclass(frozen=True)
class AuthorizerReads:
    authorizations: int
    dynamodb_calls: int

    @property
    def per_authorization(self) -> float:
        return self.dynamodb_calls / self.authorizations


def authorizer_event(key: str, route_key: str) -> dict[str, object]:
    event = json.loads((EVENTS / "authorizer" / "create_client.json").read_text())
    event["routeKey"] = event["requestContext"]["routeKey"] = route_key
    event["headers"]["authorization"] = f"Bearer {key}"
    event["identitySource"] = [f"Bearer {key}", route_key]
    return event


def dynamodb_reads_per_repeated_authorization(repeats: int) -> AuthorizerReads:
    with LocalRuntime.in_process(template_path=ROOT / "template.yaml") as runtime:
        admin = runtime.bootstrap_admin(environment_name="bench")
        routes = sorted(ROUTE_SCOPES)
        first = runtime.invoke("AuthorizerFunction", authorizer_event(admin.key, routes[0]))
        assert first["isAuthorized"], first
        with count_aws_calls() as calls:
            for number in range(repeats):
                decision = runtime.invoke(
                    "AuthorizerFunction", authorizer_event(admin.key, routes[number % len(routes)])
                )
                assert decision["isAuthorized"], decision
        return AuthorizerReads(repeats, calls.total("dynamodb"))

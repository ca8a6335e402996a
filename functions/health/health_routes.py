"""/v1/health-check (Novu's path), for load balancers and `make run` readiness; no key needed."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.api import default_route, endpoint
from clarion.health import HealthReport, check_health

router = APIGatewayHttpRouter()


@endpoint(
    router,
    "GET /v1/health-check",
    scope=None,
    public="nothing: it tells only whether the API and its tables answer",
    summary="Whether the API and its tables answer (503 when they do not)",
    responses={503: {"description": "A check is down", "content": {"application/json": {"model": HealthReport}}}},
)
def health_check() -> Response[HealthReport]:
    """Needs no key: answers 200 with Novu's health report when the API and its tables answer, and 503 with the same
    report, naming the checks that are down, when one does not. Meant for load balancers and uptime monitors."""
    report = check_health()
    return Response(200 if report.status == "ok" else 503, "application/json", report)


default_route(router, public="nothing: API Gateway sends it what no other route matches, to be answered 404 or 405")

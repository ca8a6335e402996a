"""AWS requests made by one `POST /v1/subscribers/bulk` of 500 subscribers, new and then existing."""

from collections import Counter
from dataclasses import dataclass

from local.runtime import LocalRuntime
from tests.conftest import ROOT

BATCH = 500


@dataclass(frozen=True)
class BulkRequests:
    case: str
    subscribers: int
    by_operation: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_operation.values())

    @property
    def per_subscriber(self) -> float:
        return self.total / self.subscribers


def aws_requests_per_bulk_create() -> list[BulkRequests]:
    """Counts the calls the subscribers function makes (the authorizer's are measured on their own)."""
    with LocalRuntime.in_process(template_path=ROOT / "template.yaml") as runtime:
        admin = runtime.bootstrap_admin(environment_name="bench-bulk")
        headers = {"Authorization": f"Bearer {admin.key}"}
        body = {"subscribers": [{"subscriberId": f"user-{n:04}", "email": f"u{n}@example.com"} for n in range(BATCH)]}
        results = []
        for case, expected in (("500 new", "created"), ("500 existing", "updated")):
            with runtime.count_aws_calls() as calls:
                response = runtime.request("POST", "/v1/subscribers/bulk", headers=headers, json=body)
            assert response.status == 201, response.json()
            assert len(response.json()["data"][expected]) == BATCH, response.json()
            operations = Counter(call.operation for call in calls.calls if call.function == "SubscribersFunction")
            results.append(BulkRequests(case, BATCH, dict(sorted(operations.items()))))
        return results

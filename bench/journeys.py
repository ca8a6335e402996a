"""State transitions and Step Functions cost of a five-step journey (send, wait, branch, send, exit), run for N
subscribers on the local stack: counted from each execution's history (GetExecutionHistory)."""

import uuid
from dataclasses import dataclass

import boto3

from local.runtime import LocalRuntime
from tests.conftest import ROOT

PRICE_PER_THOUSAND_TRANSITIONS = 0.025  # Step Functions Standard, USD, us-east-1
RULE = {"conditions": [{"children": [{"on": "payload", "field": "vip", "operator": "EQUAL", "value": True}]}]}
FIVE_STEPS = [
    {"id": "hello", "channel": "email", "content": {"subject": "Welcome", "body": "<p>Hi</p>"}},
    {"id": "pause", "type": "wait", "wait": {"amount": 1, "unit": "days"}},
    {"id": "check", "type": "branch", "branches": [RULE | {"next": "offer"}], "default": "bye"},
    {"id": "offer", "channel": "email", "content": {"subject": "Your offer", "body": "<p>10% off</p>"}},
    {"id": "bye", "type": "exit"},
]


@dataclass(frozen=True)
class JourneyCost:
    runs: int
    transitions: int
    task_invocations: int

    @property
    def transitions_per_run(self) -> float:
        return self.transitions / self.runs

    @property
    def lambda_tasks_per_run(self) -> float:
        return self.task_invocations / self.runs

    @property
    def cost_per_million_runs(self) -> float:
        """USD for the state transitions of a million runs (Lambda and DynamoDB are priced elsewhere)."""
        return self.transitions_per_run * 1_000_000 / 1000 * PRICE_PER_THOUSAND_TRANSITIONS


def five_step_journey(subscribers: int = 20) -> JourneyCost:
    with LocalRuntime.in_process(template_path=ROOT / "template.yaml") as runtime:
        admin = runtime.bootstrap_admin(environment_name="bench-journeys")
        headers = {"Authorization": f"Bearer {admin.key}"}

        def post(path: str, body: dict) -> dict:
            response = runtime.request("POST", path, headers=headers, json=body)
            assert response.status in (200, 201, 202), response.json()
            return dict(response.json()["data"])

        ids = [f"bench-{number}" for number in range(subscribers)]
        post("/v1/subscribers/bulk", {"subscribers": [{"subscriberId": i, "email": f"{i}@example.com"} for i in ids]})
        campaign = post(
            "/v1/campaigns", {"name": f"Bench {uuid.uuid4().hex[:8]}", "status": "active", "steps": FIVE_STEPS}
        )
        for number, subscriber_id in enumerate(ids):  # half take the offer path
            post(
                "/v1/events/trigger",
                {"name": campaign["identifier"], "to": subscriber_id, "payload": {"vip": number % 2 == 0}},
            )
        report = runtime.drain(timeout=300)
        sfn = boto3.client("stepfunctions")
        transitions = runs = 0
        for machine in sfn.list_state_machines()["stateMachines"]:
            if campaign["_id"] not in machine["name"]:
                continue
            for execution in sfn.list_executions(stateMachineArn=machine["stateMachineArn"])["executions"]:
                assert execution["status"] == "SUCCEEDED", execution
                events = sfn.get_execution_history(executionArn=execution["executionArn"])["events"]
                # AWS bills each state entered (the start counts too): one StateEntered event per transition
                transitions += sum(event["type"].endswith("StateEntered") for event in events)
                runs += 1
        assert runs == subscribers, runs
        return JourneyCost(runs, transitions, report.invocations.get("JourneyTaskFunction", 0))


if __name__ == "__main__":
    cost = five_step_journey()
    print(
        f"{cost.runs} runs: {cost.transitions_per_run:.1f} state transitions and {cost.lambda_tasks_per_run:.1f} Lambda"
        f" tasks per run; ${cost.cost_per_million_runs:.2f} of Step Functions per million runs"
    )

"""Segments (/v1/segments) through the whole path: gateway → authorizer → segments function → DynamoDB on moto:
CRUD, a count and a preview over the environment's profiles, 422s naming the rule's field; a campaign sent to a
segment reaches exactly its matching profiles (what SES recorded), sent now, by a schedule and by a journey."""

import json
import uuid
from datetime import timedelta
from typing import Any

from local.runtime import LocalRuntime
from tests.conftest import load_event
from tests.integration.conftest import Api
from tests.integration.journeys import email, journey, runs, sent_subjects
from tests.integration.support.campaigns import (
    PAYLOAD_EMAIL_STEP,
    UNKNOWN_ID,
    campaign,
    operation,
    subject,
    trigger_event,
)
from tests.integration.support.delivery import emails_with_subject

PRO = {"type": "attribute", "name": "plan", "operator": "eq", "value": "pro"}
SEGMENT_SCOPES = ["create:segment", "list:segment", "info:segment", "update:segment", "delete:segment"]


def create_segment(api: Api, rule: dict[str, Any], name: str = "Pros", **fields: Any) -> dict[str, Any]:
    response = api.post("/v1/segments", {"name": name, "rule": rule} | fields)
    assert response.status == 201, response.json()
    return response.json()["data"]


def audience(admin: Api) -> None:
    """plan attribute catalogued; ada and carl are pro, bob is free, dora has no plan; ada hit `checkout` 3 times."""
    assert admin.post("/v1/attributes", {"name": "plan", "type": "string"}).status in (201, 409)
    for name, plan in (("ada", "pro"), ("bob", "free"), ("carl", "pro"), ("dora", None)):
        body: dict[str, Any] = {"subscriberId": name, "email": f"{name}@example.com"}
        if plan:
            body["attributes"] = {"plan": plan}
        response = admin.post("/v1/subscribers", body)
        assert response.status == 201, response.json()
    for _ in range(3):
        assert admin.post("/v1/hits/tag", {"tag": "checkout", "subscriberId": "ada"}).status == 201


def emailed(runtime: LocalRuntime, sent: dict[str, Any], code: str) -> list[str]:
    return sorted(m.destinations["ToAddresses"][0] for m in emails_with_subject(runtime, subject(sent, code)))


def test_segment_crud_count_and_preview(admin: Api):
    audience(admin)
    segment = create_segment(admin, PRO, description="Paying")
    assert segment["rule"] == PRO and segment["description"] == "Paying"
    path = f"/v1/segments/{segment['_id']}"
    assert admin.get(path).json()["data"] == segment
    listed = admin.get("/v1/segments?page=0&limit=10").json()
    assert listed["totalCount"] == 1 and [s["_id"] for s in listed["data"]] == [segment["_id"]]
    assert admin.get(f"{path}/count").json()["data"] == {"count": 2, "scanned": 4}
    first = admin.get(f"{path}/preview?limit=1").json()["data"]
    assert [m["subscriberId"] for m in first["data"]] == ["ada"] and first["next"]
    rest = admin.get(f"{path}/preview?limit=10&cursor={first['next']}").json()["data"]
    assert [m["subscriberId"] for m in rest["data"]] == ["carl"] and rest["next"] is None
    either = {"operator": "OR", "rules": [{"operator": "NOT", "rule": PRO}, {"type": "tag", "tag": "checkout"}]}
    changed = admin.call("PATCH", path, json={"rule": either, "description": None})
    assert changed.status == 200, changed.json()
    assert "description" not in changed.json()["data"] or changed.json()["data"]["description"] is None
    assert admin.get(f"{path}/count").json()["data"]["count"] == 3  # ada (hit checkout), bob, dora
    hits = {"type": "tag_hits", "name": "checkout", "minCount": 3, "withinDays": 7}
    assert admin.call("PATCH", path, json={"rule": hits}).status == 200
    assert admin.get(f"{path}/count").json()["data"]["count"] == 1
    assert admin.delete(path).status == 204
    assert admin.get(path).status == 404
    assert admin.delete(path).status == 404
    assert admin.get("/v1/segments").json()["totalCount"] == 0


def test_a_rule_naming_what_does_not_exist_is_refused_naming_its_path(admin: Api):
    audience(admin)
    cases = [
        ({"operator": "AND", "rules": [PRO, PRO | {"name": "nope"}]}, "rule.rules[1].name"),
        (PRO | {"operator": "gt"}, "rule.operator"),
        (PRO | {"value": 3}, "rule.value"),
        (PRO | {"operator": "in"}, "rule.value"),
        ({"operator": "NOT", "rule": {"type": "list", "listId": UNKNOWN_ID}}, "rule.rule.listId"),
        ({"type": "topic", "topicKey": "nope"}, "rule.topicKey"),
    ]
    for rule, field in cases:
        response = admin.post("/v1/segments", {"name": "Bad", "rule": rule})
        assert response.status == 422, (rule, response.json())
        assert field in response.json()["errors"], (field, response.json())
    deep: dict[str, Any] = PRO
    for _ in range(6):
        deep = {"operator": "NOT", "rule": deep}
    response = admin.post("/v1/segments", {"name": "Deep", "rule": deep})
    assert response.status == 422 and "rule" in response.json()["errors"]
    assert admin.post("/v1/segments", {"name": "Bad", "rule": {"type": "colour"}}).status == 422


def test_another_environment_sees_none_of_it(admin: Api, other_admin: Api):
    audience(admin)
    segment = create_segment(admin, PRO)
    for path in ("", "/count", "/preview"):
        assert other_admin.get(f"/v1/segments/{segment['_id']}{path}").status == 404
    assert other_admin.delete(f"/v1/segments/{segment['_id']}").status == 404
    assert other_admin.get("/v1/segments").json()["totalCount"] == 0


def test_a_campaign_sent_to_a_segment_reaches_exactly_its_matching_profiles(runtime: LocalRuntime, admin: Api):
    audience(admin)
    segment = create_segment(admin, PRO)
    sent = campaign(admin, PAYLOAD_EMAIL_STEP, audience={"type": "segment", "segmentId": segment["_id"]})
    assert sent["audience"] == {"type": "segment", "segmentId": segment["_id"]}
    response = operation(admin, sent["_id"], "send", {"payload": {"code": "S1"}})
    assert response.status == 202, response.json()
    runtime.drain()
    assert emailed(runtime, sent, "S1") == ["ada@example.com", "carl@example.com"]


def test_a_segment_audience_that_names_no_segment_is_refused_naming_the_field(admin: Api):
    sent = campaign(admin, PAYLOAD_EMAIL_STEP, audience={"type": "segment", "segmentId": UNKNOWN_ID})
    response = operation(admin, sent["_id"], "send", {})
    assert response.status == 422
    assert "audience.segmentId" in response.json()["errors"]


def test_a_scheduled_send_to_a_segment_reaches_its_matching_profiles_when_it_fires(runtime: LocalRuntime, admin: Api):
    audience(admin)
    segment = create_segment(admin, {"operator": "NOT", "rule": PRO})
    sent = campaign(admin, PAYLOAD_EMAIL_STEP, audience={"type": "segment", "segmentId": segment["_id"]})
    send_at = (runtime.clock.now() + timedelta(hours=1)).replace(microsecond=0)
    body = {"sendAt": send_at.isoformat().replace("+00:00", "Z"), "payload": {"code": "S2"}}
    response = admin.post(f"/v1/campaigns/{sent['_id']}/schedule", body)
    assert response.status == 201, response.json()
    # the profiles are read when it fires: one who becomes free before then receives it
    assert admin.put("/v1/subscribers/carl", {"attributes": {"plan": "free"}}).status == 200
    # the rule was copied when it was scheduled: changing the segment now changes nothing for it
    assert admin.call("PATCH", f"/v1/segments/{segment['_id']}", json={"rule": PRO}).status == 200
    runtime.drain()
    assert emailed(runtime, sent, "S2") == []
    runtime.clock.advance(max(0.0, send_at.timestamp() + 1 - runtime.clock.time()))
    runtime.drain()
    assert emailed(runtime, sent, "S2") == ["bob@example.com", "carl@example.com", "dora@example.com"]


def test_a_journey_sent_to_a_segment_starts_a_run_for_each_matching_profile(runtime: LocalRuntime, admin: Api):
    audience(admin)
    segment = create_segment(admin, {"type": "tag_hits", "name": "checkout", "minCount": 3, "withinDays": 7})
    tag = f"J{uuid.uuid4().hex[:6]}"
    flow = journey(
        admin,
        {"id": "pause", "type": "wait", "wait": {"amount": 1, "unit": "minutes"}},
        email("hello", f"{tag} hello"),
        audience={"type": "segment", "segmentId": segment["_id"]},
    )
    response = operation(admin, flow["_id"], "send", {})
    assert response.status == 202, response.json()
    runtime.drain()
    runtime.clock.advance(120)
    runtime.drain()
    assert [run["status"] for run in runs(admin, flow, "ada")] == ["completed"]
    assert runs(admin, flow, "bob") == [] and runs(admin, flow, "carl") == []
    assert sent_subjects(runtime, "ada@example.com", tag) == [f"{tag} hello"]
    assert sent_subjects(runtime, "carl@example.com", tag) == []


def test_the_sample_event_creates_a_segment(admin: Api, runtime: LocalRuntime):
    event = load_event("segments/create_segment.json")
    event["requestContext"]["authorizer"]["lambda"]["environmentId"] = admin.environment_id
    response = runtime.invoke("SegmentsFunction", event)
    assert response["statusCode"] == 201, response
    created = json.loads(response["body"])["data"]
    assert admin.get(f"/v1/segments/{created['_id']}").json()["data"]["name"] == "Engaged"


def test_a_trigger_to_a_segment_reaches_its_matching_profiles_and_the_named_subscriber_once(
    runtime: LocalRuntime, admin: Api
):
    audience(admin)
    segment = create_segment(admin, PRO)
    sent = campaign(admin, PAYLOAD_EMAIL_STEP)
    to = [{"type": "Segment", "segmentId": segment["_id"]}, "ada", "bob"]
    response = trigger_event(admin, sent["identifier"], to, payload={"code": "S3"})
    assert response.status == 201, response.json()
    runtime.drain()
    assert emailed(runtime, sent, "S3") == ["ada@example.com", "bob@example.com", "carl@example.com"]
    unknown = trigger_event(admin, sent["identifier"], [{"type": "Segment", "segmentId": UNKNOWN_ID}])
    assert unknown.status == 422 and "to" in unknown.json()["errors"]

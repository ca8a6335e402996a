"""/v1/layouts (Novu v1) through the whole path, and layouts wrapping the emails campaigns send."""

import uuid
from typing import Any

from local.runtime import LocalRuntime
from tests.integration.conftest import Api
from tests.integration.support.campaigns import UNKNOWN_ID, campaign, records, subscriber, trigger_event
from tests.integration.support.delivery import emails_with_subject
from tests.integration.support.layouts import CONTENT, LAYOUTS, email_step, error_fields, layout, unique_subject


def fetched(api: Api, layout_id: str) -> dict[str, Any]:
    response = api.get(f"{LAYOUTS}/{layout_id}")
    assert response.status == 200, response.json()
    return response.json()["data"]


def default_ids(api: Api) -> list[str]:
    return [item["_id"] for item in api.get(f"{LAYOUTS}?pageSize=100").json()["data"] if item["isDefault"]]


# CRUD


def test_a_created_layout_answers_201_with_novus_fields(admin: Api):
    created = layout(admin, "Brand", description="Our brand", variables=[{"name": "brand", "defaultValue": "Acme"}])
    assert fetched(admin, created["_id"]) == created
    assert created["_environmentId"] == admin.environment_id
    assert created["_creatorId"] == admin.client_id
    assert (created["channel"], created["contentType"], created["isDeleted"]) == ("email", "customHtml", False)
    assert created["variables"] == [{"name": "brand", "type": "String", "defaultValue": "Acme", "required": False}]
    assert {"_organizationId", "createdAt", "updatedAt", "identifier", "content"} <= created.keys()


def test_the_first_layout_becomes_the_default_and_a_later_one_does_not(admin: Api):
    first = layout(admin, "First", isDefault=False)
    second = layout(admin, "Second")
    assert (first["isDefault"], second["isDefault"]) == (True, False)
    assert default_ids(admin) == [first["_id"]]


def test_creating_a_layout_as_default_moves_the_default(admin: Api):
    first = layout(admin, "First")
    second = layout(admin, "Second", isDefault=True)
    assert second["isDefault"] is True
    assert fetched(admin, first["_id"])["isDefault"] is False
    assert default_ids(admin) == [second["_id"]]


def test_setting_the_default_answers_204_and_unmarks_the_old_one(admin: Api):
    first, second = layout(admin, "First"), layout(admin, "Second")
    response = admin.post(f"{LAYOUTS}/{second['_id']}/default")
    assert (response.status, response.body) == (204, b"")
    assert default_ids(admin) == [second["_id"]]
    assert admin.post(f"{LAYOUTS}/{second['_id']}/default").status == 204  # already the default: no change
    assert default_ids(admin) == [second["_id"]]
    assert fetched(admin, first["_id"])["isDefault"] is False


def test_the_list_is_novus_offset_page_newest_first(admin: Api):
    made = [layout(admin, f"L{index}")["_id"] for index in range(3)]
    page0 = admin.get(f"{LAYOUTS}?page=0&pageSize=2").json()
    page1 = admin.get(f"{LAYOUTS}?page=1&pageSize=2").json()
    assert (page0["page"], page0["pageSize"], page0["totalCount"], page0["hasMore"]) == (0, 2, 3, True)
    assert (page1["page"], page1["totalCount"], page1["hasMore"]) == (1, 3, False)
    assert [item["_id"] for item in page0["data"] + page1["data"]] == made[::-1]
    assert admin.get(LAYOUTS).json()["pageSize"] == 10


def test_the_list_is_oldest_first_with_novus_order_by_1(admin: Api):
    made = [layout(admin, f"L{index}")["_id"] for index in range(3)]
    oldest_first = admin.get(f"{LAYOUTS}?sortBy=createdAt&orderBy=1").json()["data"]
    newest_first = admin.get(f"{LAYOUTS}?orderBy=-1").json()["data"]
    assert ([item["_id"] for item in oldest_first], [item["_id"] for item in newest_first]) == (made, made[::-1])
    for query in ("orderBy=2", "sortBy=name"):
        assert list(admin.get(f"{LAYOUTS}?{query}").json()["errors"]) == [query.split("=")[0]]


def test_patch_changes_only_the_fields_given(admin: Api):
    created = layout(admin, "Before")
    change = {"name": "After", "content": "<b>{{ body }}</b>"}
    response = admin.call("PATCH", f"{LAYOUTS}/{created['_id']}", json=change)
    assert response.status == 200, response.json()
    changed = response.json()["data"]
    assert (changed["name"], changed["content"], changed["identifier"]) == (
        "After",
        change["content"],
        created["identifier"],
    )
    assert fetched(admin, created["_id"]) == changed


def test_patch_with_is_default_true_makes_it_the_default(admin: Api):
    first, second = layout(admin, "First"), layout(admin, "Second")
    response = admin.call("PATCH", f"{LAYOUTS}/{second['_id']}", json={"isDefault": True})
    assert response.json()["data"]["isDefault"] is True
    assert default_ids(admin) == [second["_id"]]
    assert fetched(admin, first["_id"])["isDefault"] is False


def test_unsetting_the_default_is_a_409(admin: Api):
    first = layout(admin, "First")
    response = admin.call("PATCH", f"{LAYOUTS}/{first['_id']}", json={"isDefault": False})
    assert response.status == 409
    assert error_fields(response) == ["isDefault"]
    assert default_ids(admin) == [first["_id"]]


def test_a_taken_identifier_is_a_409_naming_it(admin: Api):
    first = layout(admin, "First")
    response = admin.post(LAYOUTS, {"name": "Other", "identifier": first["identifier"], "content": CONTENT})
    assert response.status == 409
    assert error_fields(response) == ["identifier"]
    second = layout(admin, "Second")
    response = admin.call("PATCH", f"{LAYOUTS}/{second['_id']}", json={"identifier": first["identifier"]})
    assert (response.status, error_fields(response)) == (409, ["identifier"])


def test_a_renamed_identifier_frees_the_old_one(admin: Api):
    first = layout(admin, "First")
    admin.call("PATCH", f"{LAYOUTS}/{first['_id']}", json={"identifier": f"renamed-{uuid.uuid4().hex[:6]}"})
    assert admin.post(LAYOUTS, {"name": "Reuse", "identifier": first["identifier"], "content": CONTENT}).status == 201


def test_the_identifier_defaults_to_a_slug_of_the_name(admin: Api):
    response = admin.post(LAYOUTS, {"name": "Monthly News", "content": CONTENT})
    assert response.json()["data"]["identifier"] == "monthly-news"


# 422s naming the field


def test_content_without_the_body_placeholder_is_a_422_naming_content(admin: Api):
    response = admin.post(LAYOUTS, {"name": "No body", "content": "<html>{{ payload.x }}</html>"})
    assert response.status == 422
    assert error_fields(response) == ["content"]
    assert "{{{body}}}" in response.json()["message"]


def test_a_template_syntax_error_is_a_422_pointing_at_its_line(admin: Api):
    response = admin.post(LAYOUTS, {"name": "Broken", "content": "<html>\n{{{body}}}\n{% if payload.x %}</html>"})
    assert response.status == 422
    assert error_fields(response) == ["content"]
    assert "line 3" in response.json()["message"]


def test_a_patch_with_broken_content_is_a_422_and_changes_nothing(admin: Api):
    created = layout(admin, "Keep")
    response = admin.call("PATCH", f"{LAYOUTS}/{created['_id']}", json={"content": "<p>nobody</p>"})
    assert (response.status, error_fields(response)) == (422, ["content"])
    assert fetched(admin, created["_id"])["content"] == CONTENT


def test_missing_fields_and_an_empty_patch_are_422s(admin: Api):
    assert error_fields(admin.post(LAYOUTS, {})) == ["content", "name"]
    created = layout(admin, "Some")
    response = admin.call("PATCH", f"{LAYOUTS}/{created['_id']}", json={})
    assert (response.status, error_fields(response)) == (422, ["body"])


def test_an_unknown_layout_is_a_404_and_a_malformed_id_a_422(admin: Api):
    assert admin.get(f"{LAYOUTS}/{UNKNOWN_ID}").status == 404
    assert admin.post(f"{LAYOUTS}/{UNKNOWN_ID}/default").status == 404
    assert admin.delete(f"{LAYOUTS}/{UNKNOWN_ID}").status == 404
    assert error_fields(admin.get(f"{LAYOUTS}/not-an-id")) == ["layoutId"]


def test_another_environments_layout_is_not_found(admin: Api):
    created = layout(admin, "Mine")
    other = admin.post("/v1/environments", {"name": f"other-{uuid.uuid4().hex[:12]}"}).json()["data"]["_id"]
    stranger = admin.client("stranger", ["info:layout", "list:layout"], environmentId=other)
    assert stranger.get(f"{LAYOUTS}/{created['_id']}").status == 404
    assert stranger.get(LAYOUTS).json()["totalCount"] == 0


# delete rules


def test_a_layout_no_campaign_uses_is_deleted_with_204(admin: Api):
    layout(admin, "Default")
    spare = layout(admin, "Spare")
    response = admin.delete(f"{LAYOUTS}/{spare['_id']}")
    assert (response.status, response.body) == (204, b"")
    assert admin.get(f"{LAYOUTS}/{spare['_id']}").status == 404
    assert admin.get(LAYOUTS).json()["totalCount"] == 1
    assert admin.post(LAYOUTS, {"name": "Again", "identifier": spare["identifier"], "content": CONTENT}).status == 201


def test_the_default_layout_cannot_be_deleted(admin: Api):
    default = layout(admin, "Default")
    response = admin.delete(f"{LAYOUTS}/{default['_id']}")
    assert (response.status, error_fields(response)) == (409, ["layoutId"])
    assert fetched(admin, default["_id"])["isDefault"] is True


def test_a_layout_a_campaign_names_cannot_be_deleted(admin: Api):
    layout(admin, "Default")
    used = layout(admin, "Used")
    user = campaign(admin, email_step(layoutId=used["_id"]))
    response = admin.delete(f"{LAYOUTS}/{used['_id']}")
    assert (response.status, error_fields(response)) == (409, ["layoutId"])
    assert user["_id"] in response.json()["message"]


# campaigns naming layouts


def test_a_campaign_naming_a_missing_layout_is_a_422_naming_the_step_field(admin: Api):
    steps = [email_step(), email_step(layoutId=UNKNOWN_ID)]
    response = admin.post("/v1/campaigns", {"name": "Bad layout", "steps": steps})
    assert (response.status, error_fields(response)) == (422, ["steps[1].layoutId"])
    created = campaign(admin, email_step())
    response = admin.put(f"/v1/campaigns/{created['_id']}", {"steps": [email_step(layoutId=UNKNOWN_ID)]})
    assert (response.status, error_fields(response)) == (422, ["steps[0].layoutId"])


def test_only_email_steps_take_a_layout(admin: Api):
    used = layout(admin, "Default")
    sms = {"channel": "sms", "content": {"body": "Hi"}, "layoutId": used["_id"]}
    response = admin.post("/v1/campaigns", {"name": "Sms layout", "steps": [sms]})
    assert (response.status, error_fields(response)) == (422, ["steps[0].layoutId"])


def test_a_step_keeps_null_for_no_layout_and_nothing_for_the_default(admin: Api):
    created = campaign(admin, email_step(), email_step(layoutId=None))
    assert "layoutId" not in created["steps"][0]
    assert created["steps"][1]["layoutId"] is None


# layouts wrapping sent emails (trigger → dispatcher → SES on moto)


def sent_html(runtime: LocalRuntime, admin: Api, steps: list[dict[str, Any]], payload: dict[str, Any]) -> list[str]:
    """Triggers a campaign of `steps` (each with its own subject) for ada; the HTML SES received, in step order."""
    sent = campaign(admin, *steps)
    response = trigger_event(admin, sent["identifier"], "ada", payload=payload)
    assert response.status == 201, response.json()
    runtime.drain()
    bodies = []
    for step in steps:
        (email,) = emails_with_subject(runtime, step["content"]["subject"])
        bodies.append(email.body)
    return bodies


def test_a_triggered_email_is_wrapped_in_the_default_layout(runtime: LocalRuntime, admin: Api):
    subscriber(admin, "ada", email="ada@example.com", firstName="Ada")
    layout(admin, "Default", variables=[{"name": "brand", "defaultValue": "Acme & Co"}])
    (html,) = sent_html(runtime, admin, [email_step(unique_subject())], {"order": "<42>"})
    assert html == (
        "<html><body><header>Acme &amp; Co</header><p>Order &lt;42&gt;</p><footer>Ada</footer></body></html>"
    )


def test_a_step_naming_another_layout_gets_that_one_and_no_layout_gets_none(runtime: LocalRuntime, admin: Api):
    subscriber(admin, "ada", email="ada@example.com", firstName="Ada")
    layout(admin, "Default")
    other = layout(admin, "Other", content="<main class='other'>{{ body }}</main>")
    steps = [email_step(unique_subject(), layoutId=other["_id"]), email_step(unique_subject(), layoutId=None)]
    named, bare = sent_html(runtime, admin, steps, {"order": 7, "brand": "B"})
    assert named == "<main class='other'><p>Order 7</p></main>"
    assert bare == "<p>Order 7</p>"


def test_without_any_layout_the_email_is_sent_as_rendered(runtime: LocalRuntime, admin: Api):
    subscriber(admin, "ada", email="ada@example.com")
    (html,) = sent_html(runtime, admin, [email_step(unique_subject())], {"order": 1})
    assert html == "<p>Order 1</p>"


def test_a_layout_failing_to_render_fails_the_record_naming_layout_id(runtime: LocalRuntime, admin: Api):
    subscriber(admin, "ada", email="ada@example.com")
    layout(admin, "Default", content="{{{body}}}{{ payload.n // 0 }}")
    subject = unique_subject()
    sent = campaign(admin, email_step(subject))
    assert trigger_event(admin, sent["identifier"], "ada", payload={"n": 1}).status == 201
    runtime.drain()
    assert emails_with_subject(runtime, subject) == []
    (record,) = records(runtime, admin)
    assert record["status"] == "failed"
    assert record["history"][-1]["reason"].startswith("layoutId: ZeroDivisionError")


def test_the_layouts_are_read_once_per_trigger_not_per_recipient(runtime: LocalRuntime, admin: Api, monkeypatch):
    from clarion.store.layouts import LayoutsRepository

    reads: list[str] = []
    real_default_id = LayoutsRepository.default_id

    def counted(self: LayoutsRepository, environment_id: str) -> str | None:
        reads.append(environment_id)
        return real_default_id(self, environment_id)

    monkeypatch.setattr(LayoutsRepository, "default_id", counted)
    members = [f"member-{index}" for index in range(3)]
    for member in members:
        subscriber(admin, member, email=f"{member}@example.com")
    layout(admin, "Default")
    reads.clear()
    subject = unique_subject()
    sent = campaign(admin, email_step(subject))
    assert trigger_event(admin, sent["identifier"], members, payload={"order": 1}).status == 201
    runtime.drain()
    assert len(emails_with_subject(runtime, subject)) == 3
    assert reads == [admin.environment_id]

"""POST /v1/campaigns/{campaignId}/preview through the whole path: what a step would send, nothing sent."""

import uuid
from typing import Any

from local.runtime import LocalRuntime
from tests.integration.conftest import Api
from tests.integration.support.campaigns import UNKNOWN_ID, campaign, records, subscriber, trigger_event
from tests.integration.support.delivery import emails_with_subject
from tests.integration.support.layouts import email_step, error_fields, layout, unique_subject


def preview(api: Api, campaign_id: str, body: dict[str, Any]) -> Any:
    return api.post(f"/v1/campaigns/{campaign_id}/preview", body)


def sent_emails(runtime: LocalRuntime) -> int:
    from moto.ses.models import ses_backends

    return len(ses_backends[runtime.stack.resolver.account_id][runtime.stack.resolver.region].sent_messages)


def test_an_email_preview_is_wrapped_in_its_layout_and_sends_nothing(runtime: LocalRuntime, admin: Api):
    subscriber(admin, "ada", email="ada@example.com", firstName="Ada")
    layout(admin, "Default")
    previewed = campaign(admin, email_step("Hi {{ subscriber.firstName }}"))
    before = sent_emails(runtime)
    response = preview(admin, previewed["_id"], {"subscriberId": "ada", "payload": {"order": 5, "brand": "Acme"}})
    assert response.status == 200, response.json()
    assert response.json()["data"] == {
        "stepIndex": 0,
        "channel": "email",
        "content": {
            "subject": "Hi Ada",
            "html": "<html><body><header>Acme</header><p>Order 5</p><footer>Ada</footer></body></html>",
        },
    }
    runtime.drain()
    assert sent_emails(runtime) == before
    assert records(runtime, admin) == []


def test_the_preview_equals_what_is_sent(runtime: LocalRuntime, admin: Api):
    subscriber(admin, "ada", email="ada@example.com", firstName="Ada", locale="pt-BR")
    layout(admin, "Default")
    subject = unique_subject()
    step = email_step(subject) | {"locales": {"pt": {"subject": subject, "body": "<p>Pedido {{ payload.order }}</p>"}}}
    sent = campaign(admin, step)
    payload = {"order": "<9>", "brand": "B&B"}
    shown = preview(admin, sent["_id"], {"subscriberId": "ada", "payload": payload}).json()["data"]["content"]
    assert trigger_event(admin, sent["identifier"], "ada", payload=payload).status == 201
    runtime.drain()
    (email,) = emails_with_subject(runtime, subject)
    assert shown["html"] == email.body
    assert "<p>Pedido &lt;9&gt;</p>" in shown["html"]


def test_a_preview_for_given_fields_and_locale_needs_no_stored_subscriber(admin: Api):
    french = {"fr": {"body": "Salut {{ subscriber.firstName }}"}}
    step = {"channel": "sms", "content": {"body": "Hi {{ subscriber.firstName }}"}, "locales": french}
    previewed = campaign(admin, email_step(), step, status="draft")
    body = {"stepIndex": 1, "subscriber": {"firstName": "Zoé"}, "locale": "fr-CA"}
    data = preview(admin, previewed["_id"], body).json()["data"]
    assert data == {"stepIndex": 1, "channel": "sms", "content": {"body": "Salut Zoé"}}


def test_a_step_without_a_layout_previews_bare(admin: Api):
    layout(admin, "Default")
    previewed = campaign(admin, email_step(layoutId=None))
    content = preview(admin, previewed["_id"], {"payload": {"order": 3}}).json()["data"]["content"]
    assert content == {"subject": "Hello", "html": "<p>Order 3</p>"}


def test_a_template_failing_to_render_is_a_422_naming_the_step_field(admin: Api):
    step = {"channel": "sms", "content": {"body": "{{ payload.items[0].__class__ }}"}}
    response = admin.post("/v1/campaigns", {"name": f"C {uuid.uuid4().hex[:8]}", "steps": [step]})
    assert response.status == 422  # refused at save time already; a runtime failure:
    failing = campaign(admin, {"channel": "sms", "content": {"body": "{{ payload.n // 0 }}"}})
    response = preview(admin, failing["_id"], {"payload": {"n": 1}})
    assert (response.status, error_fields(response)) == (422, ["steps[0].content.body"])


def test_a_layout_failing_to_render_is_a_422_naming_layout_id(admin: Api):
    layout(admin, "Default", content="{{{body}}}{{ payload.n // 0 }}")
    previewed = campaign(admin, email_step())
    response = preview(admin, previewed["_id"], {"payload": {"n": 1}})
    assert (response.status, error_fields(response)) == (422, ["steps[0].layoutId"])


def test_preview_refuses_bad_requests_naming_the_field(admin: Api):
    previewed = campaign(admin, email_step())
    assert error_fields(preview(admin, previewed["_id"], {"stepIndex": 1})) == ["stepIndex"]
    both = {"subscriberId": "ada", "subscriber": {"firstName": "A"}}
    assert error_fields(preview(admin, previewed["_id"], both)) == ["subscriber"]
    assert error_fields(preview(admin, previewed["_id"], {"surprise": 1})) == ["surprise"]
    missing = preview(admin, previewed["_id"], {"subscriberId": "nobody"})
    assert (missing.status, error_fields(missing)) == (404, ["subscriberId"])
    assert preview(admin, UNKNOWN_ID, {}).status == 404


def test_preview_needs_the_info_campaign_scope(admin: Api):
    previewed = campaign(admin, email_step())
    reader = admin.client("reader", ["info:campaign"])
    writer = admin.client("writer", ["create:campaign"])
    assert preview(reader, previewed["_id"], {}).status == 200
    assert preview(writer, previewed["_id"], {}).status == 403

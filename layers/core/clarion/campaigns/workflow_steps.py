"""Novu workflow steps ↔ campaign steps (Novu's `template.type` and `metadata` → the campaign step):

- email `{subject, content, senderName?, layoutId?}` → `{channel: email, content: {subject, body, senderName?}}`,
  with the step's `layoutId`;
- sms, chat `{content}` → `{channel, content: {body}}`; push `{title, content}` → `{channel, content: {title, body}}`;
- in_app `{content, cta?: {data: {url}, action: {buttons}}}` → `{channel, content: {body, cta?, buttons?}}`;
- digest, metadata `{amount, unit, digestKey?}` → `{type: digest, digest: {amount, unit, key?}}`;
- delay, metadata `{amount, unit}` → `{type: wait, wait: {amount, unit}}`.

A campaign step no Novu step expresses (a branch, an exit, a throttle, a wait for an event, an instant or a time of
day) reads as a `custom` step named by its type; it is written through /v1/campaigns only.
"""

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from clarion.campaigns.workflow_models import WorkflowStep
from clarion.engine.steps import SEND, step_type
from clarion.http.body import field_name

_BODY_FIELD = {"body": "content"}
"""A campaign content field → the Novu template field holding it, where the names differ."""


def campaign_step(step: WorkflowStep) -> dict[str, Any]:
    """The campaign step a Novu step describes (validated afterwards as a campaign's step)."""
    template, metadata = step.template, step.metadata
    if template.type in ("digest", "delay") and metadata is not None:  # WorkflowStep requires it for them
        timing: dict[str, Any] = {"amount": metadata.amount, "unit": metadata.unit}
        if template.type == "delay":
            return {"type": "wait", "wait": timing}
        return {"type": "digest", "digest": timing | ({"key": metadata.digestKey} if metadata.digestKey else {})}
    content: dict[str, Any] = {"body": template.content}
    if template.type == "email":
        content |= {"subject": template.subject} | ({"senderName": template.senderName} if template.senderName else {})
    elif template.type == "push":
        content["title"] = template.title
    elif template.type == "in_app" and template.cta is not None:
        if template.cta.data is not None and template.cta.data.url:
            content["cta"] = {"type": "redirect", "data": {"url": template.cta.data.url}}
        buttons = (template.cta.action.buttons if template.cta.action else None) or []
        if buttons:
            content["buttons"] = [{"type": button.type, "content": button.content} for button in buttons]
    sent: dict[str, Any] = {"channel": template.type, "content": content}
    if template.type == "email" and template.layoutId:
        sent["layoutId"] = template.layoutId
    return sent


def workflow_steps(campaign_id: str, steps: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The campaign's steps as Novu's, each with ids derived from the campaign and the step's place."""
    shown: list[dict[str, Any]] = []
    for index, step in enumerate(steps):
        step_id = derived_id(campaign_id, f"step:{index}")
        template, metadata = _template_and_metadata(step)
        shown.append(
            {
                "_id": step_id,
                "_templateId": derived_id(campaign_id, f"template:{index}"),
                "_parentId": shown[-1]["_id"] if shown else None,
                "active": True,
                "shouldStopOnFail": False,
                "filters": [],
                "variants": [],
                "template": {"_id": derived_id(campaign_id, f"template:{index}")} | template,
                "metadata": metadata,
            }
        )
    return shown


def workflow_field(location: Sequence[str | int]) -> str:
    """A campaign request's error location, named as the workflow's field (`steps[0].content.body` →
    `steps[0].template.content`, `steps[1].digest.amount` → `steps[1].metadata.amount`)."""
    parts = list(location)
    if len(parts) > 2 and parts[0] == "steps":
        head, rest = parts[:2], parts[2:]
        if rest[0] == "content" and len(rest) > 1:
            rest = ["template", _BODY_FIELD.get(str(rest[1]), rest[1]), *rest[2:]]
        elif rest[0] in ("digest", "wait"):
            rest = ["metadata", *rest[1:]]
        elif rest[0] in ("layoutId", "channel"):
            rest = ["template", rest[0]]
        parts = head + rest
    return field_name(tuple(parts))


def derived_id(campaign_id: str, what: str) -> str:
    """A stable 24-hex id for a part of a campaign that has no id of its own."""
    return hashlib.sha256(f"{campaign_id}:{what}".encode()).hexdigest()[:24]


def _template_and_metadata(step: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any] | None]:
    kind = step_type(step)
    if kind == SEND:
        return _channel_template(step), None
    if kind == "digest":
        digest = step["digest"]
        metadata = {"type": "regular", "amount": digest["amount"], "unit": digest.get("unit", "seconds")}
        return {"type": "digest", "content": ""}, metadata | ({"digestKey": digest["key"]} if digest.get("key") else {})
    wait = step.get("wait") or {}
    if kind == "wait" and wait.get("amount") and not wait.get("event"):
        return {"type": "delay", "content": ""}, {"type": "regular", "amount": wait["amount"], "unit": wait["unit"]}
    return {"type": "custom", "name": kind, "content": ""}, None


def _channel_template(step: Mapping[str, Any]) -> dict[str, Any]:
    channel, content = step["channel"], step.get("content") or {}
    template: dict[str, Any] = {"type": channel, "content": content.get("body", "")}
    if channel == "email":
        template |= {"contentType": "customHtml", "subject": content.get("subject", "")}
        template |= {name: content[name] for name in ("senderName",) if content.get(name)}
        if "layoutId" in step:
            template["layoutId"] = step["layoutId"]
    elif channel == "push":
        template["title"] = content.get("title", "")
    elif channel == "in_app" and (content.get("cta") or content.get("buttons")):
        cta: dict[str, Any] = {"type": "redirect", "data": (content.get("cta") or {}).get("data") or {}}
        if content.get("buttons"):
            cta["action"] = {"buttons": [{"type": b["type"], "content": b["content"]} for b in content["buttons"]]}
        template["cta"] = cta
    return template

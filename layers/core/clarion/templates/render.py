"""Jinja2 in an immutable sandbox: templates reach only the variables given, never Python internals or files.

Variables: `subscriber` (firstName, lastName, email, phone, locale, timezone, data, subscriberId), `payload` (the
trigger's payload, also named `event`), `campaign` (name, identifier), the trigger's `actor` and `tenant`, and Novu's
`step` (`digest`, and after a journey's digest its `events` and `total_count`). A missing or null variable renders
empty and a boolean as `true` / `false`, as in Novu's Handlebars.
"""

from collections.abc import Mapping
from typing import Any

from clarion.errors import ValidationFailed

MAX_SOURCE_CHARS = 64 * 1024
MAX_OUTPUT_CHARS = 256 * 1024
SUBSCRIBER_VARIABLES = ("subscriberId", "firstName", "lastName", "email", "phone", "locale", "timezone", "data")
CAMPAIGN_VARIABLES = ("name", "identifier")


class RenderFailed(Exception):
    """A template that could not be rendered for one subscriber; the sender records `field` and `reason`."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def template_problem(source: str) -> str | None:
    """What is wrong with a template, with its line, or None when it may be saved."""
    if len(source) > MAX_SOURCE_CHARS:
        return f"template is longer than {MAX_SOURCE_CHARS} characters"
    from clarion.templates.sandbox import syntax_problem  # noqa: PLC0415 - jinja2, ~100 ms, only when validating

    return syntax_problem(source)


def validate(source: str, *, field: str) -> None:
    """Refuses, naming `field`, a template that does not parse or that reaches for private attributes."""
    problem = template_problem(source)
    if problem is not None:
        raise ValidationFailed(f"{field}: {problem}", field=field, value=source)


def render(source: str, variables: Mapping[str, Any], *, field: str, html: bool = False) -> str:
    """The rendered text; any failure, refused access included, is a RenderFailed naming `field`."""
    if len(source) > MAX_SOURCE_CHARS:
        raise RenderFailed(field, f"template is longer than {MAX_SOURCE_CHARS} characters")
    from clarion.templates.sandbox import compiled  # noqa: PLC0415 - jinja2, ~100 ms, only when rendering

    chunks: list[str] = []
    size = 0
    try:
        for chunk in compiled(source, html=html).generate(**variables):
            size += len(chunk)
            if size > MAX_OUTPUT_CHARS:
                raise RenderFailed(field, f"rendered text is longer than {MAX_OUTPUT_CHARS} characters")
            chunks.append(chunk)
    except RenderFailed:
        raise
    except Exception as error:  # a template is user input: whatever it does wrong is its failure, not ours
        raise RenderFailed(field, f"{type(error).__name__}: {error}") from error
    return "".join(chunks)


def choose_locale(locales: Mapping[str, Any] | None, locale: str | None) -> str | None:
    """The variant for `locale`: the exact tag (`pt-BR`, any case, `_` or `-`), else its language (`pt`), else None."""
    if not locales or not locale:
        return None
    by_tag = {tag.lower(): tag for tag in locales}
    wanted = locale.replace("_", "-").lower()
    return by_tag.get(wanted) or by_tag.get(wanted.split("-")[0])


def template_variables(
    subscriber: Mapping[str, Any],
    payload: Mapping[str, Any],
    campaign: Mapping[str, Any],
    trigger: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """What a template can see: the subscriber's public fields, the payload (also as `event`), the campaign, the
    trigger's `actor` (a subscriber's public fields) and `tenant` (identifier, name, data) when it named them, and
    Novu's `step` (`novu_step`)."""
    trigger = trigger or {}
    variables = {
        "subscriber": {name: subscriber.get(name) for name in SUBSCRIBER_VARIABLES},
        "payload": payload,
        "event": payload,
        "campaign": {name: campaign.get(name) for name in CAMPAIGN_VARIABLES},
        "step": novu_step(trigger.get("digest")),
    }
    if trigger.get("actor"):
        variables["actor"] = {name: trigger["actor"].get(name) for name in SUBSCRIBER_VARIABLES}
    if trigger.get("tenant"):
        variables["tenant"] = trigger["tenant"]
    return variables


def novu_step(digest: Mapping[str, Any] | None) -> dict[str, Any]:
    """Novu's `step` variable: after a digest (its `{events, count}`), `digest` true, the digested payloads as
    `events` and how many were digested as `total_count` (all of them, also beyond the events kept)."""
    if not digest or not digest.get("count"):
        return {"digest": False}
    return {"digest": True, "events": list(digest.get("events") or []), "total_count": int(digest["count"])}


def render_step(
    step: Mapping[str, Any],
    *,
    subscriber: Mapping[str, Any],
    payload: Mapping[str, Any],
    campaign: Mapping[str, Any],
    trigger: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The step's content for the subscriber's locale, every string rendered; raises RenderFailed."""
    tag = choose_locale(step.get("locales"), subscriber.get("locale"))
    content, path = (step["locales"][tag], f"locales.{tag}") if tag else (step["content"], "content")
    variables = template_variables(subscriber, payload, campaign, trigger)
    rendered: dict[str, Any] = {}
    for name, value in content.items():
        html = step["channel"] == "email" and name == "body"
        rendered[name] = _render_value(value, variables, field=f"{path}.{name}", html=html)
    return rendered


def _render_value(value: Any, variables: Mapping[str, Any], *, field: str, html: bool = False) -> Any:
    if isinstance(value, str):
        return render(value, variables, field=field, html=html)
    if isinstance(value, Mapping):
        return {key: _render_value(item, variables, field=f"{field}.{key}") for key, item in value.items()}
    if isinstance(value, list):
        return [_render_value(item, variables, field=f"{field}[{index}]") for index, item in enumerate(value)]
    return value


def payload_paths(source: str) -> tuple[str, ...]:
    """The payload fields a template reads, as dotted paths (`{{ payload.order.id }}` → `order.id`)."""
    from clarion.templates.sandbox import payload_paths as paths  # noqa: PLC0415 - jinja2, ~100 ms, only when asked

    return paths(source)

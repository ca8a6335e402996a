"""A layout's content as a template: Novu's `{{{body}}}` (or Jinja's `{{ body }}`) is where the email body goes.

The layout is rendered with the variables of the step it wraps (subscriber, payload, campaign, the trigger's actor,
tenant and step) and `body`, the step's rendered HTML, marked safe so it is inserted as is (its own variables were
escaped when it was rendered).
"""

import re
from collections.abc import Mapping
from typing import Any

from markupsafe import Markup

from clarion.templates.render import render, template_problem, template_variables

_HANDLEBARS_BODY = re.compile(r"\{\{\{\s*body\s*\}\}\}")
_JINJA_BODY = re.compile(r"\{\{-?\s*body\s*-?\}\}")


def jinja_source(content: str) -> str:
    """The content with Novu's triple-brace placeholder written as Jinja's (same line, so errors keep their line)."""
    return _HANDLEBARS_BODY.sub("{{ body }}", content)


def content_problem(content: str) -> str | None:
    """What is wrong with a layout's content, or None when it may be saved."""
    source = jinja_source(content)
    if not _JINJA_BODY.search(source):
        return "the layout has no body placeholder: put {{{body}}} where the email's content goes"
    return template_problem(source)


def wrap(
    layout: Mapping[str, Any],
    body_html: str,
    *,
    subscriber: Mapping[str, Any],
    payload: Mapping[str, Any],
    campaign: Mapping[str, Any],
    trigger: Mapping[str, Any] | None = None,
    field: str = "layoutId",
) -> str:
    """The layout rendered around `body_html`; raises RenderFailed naming `field`. The layout's variables give
    `payload.<name>` its defaultValue where the payload has none."""
    variables = layout.get("variables") or []
    defaults = {v["name"]: v["defaultValue"] for v in variables if v.get("defaultValue") is not None}
    body = Markup(body_html)  # noqa: S704 - rendered with autoescape already: escaping it again would show its tags
    return render(
        jinja_source(layout["content"]),
        template_variables(subscriber, defaults | dict(payload), campaign, trigger) | {"body": body},
        field=field,
        html=True,
    )

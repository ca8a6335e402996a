"""A workflow's templates are Novu's Handlebars: checked by the request model, translated into the campaign's Jinja
when the workflow is saved, and shown as written when it is read (docs/architecture.md, "Workflow templates").

The campaign item keeps each step's Handlebars content (`handlebars`, one entry per step, null for digests and
delays) beside its translation; a step whose content no longer is that source's translation (changed through
/v1/campaigns) reads as its Jinja.
"""

from collections.abc import Mapping, Sequence
from typing import Annotated, Any

from pydantic import AfterValidator, StringConstraints
from pydantic_core import PydanticCustomError

from clarion.templates.handlebars import HandlebarsRefused, translate
from clarion.templates.render import MAX_SOURCE_CHARS, template_problem


def _checked_handlebars(source: str) -> str:
    try:
        problem = template_problem(translate(source))
    except HandlebarsRefused as refused:
        problem = str(refused)
    if problem is not None:
        raise PydanticCustomError("template", "{problem}", {"problem": problem})
    return source


HandlebarsTemplate = Annotated[str, StringConstraints(max_length=MAX_SOURCE_CHARS), AfterValidator(_checked_handlebars)]
"""A workflow step's template string: Handlebars that Clarion translates (a refusal names the field and what it
uses), whose translation is a template Clarion may save."""


def translated(content: Any) -> Any:
    """Every string of a step's content translated (the request model has checked each)."""
    if isinstance(content, str):
        return translate(content)
    if isinstance(content, Mapping):
        return {key: translated(value) for key, value in content.items()}
    if isinstance(content, list):
        return [translated(value) for value in content]
    return content


def written_steps(steps: Sequence[Mapping[str, Any]]) -> tuple[list[dict[str, Any]], list[Any]]:
    """The campaign steps of a workflow's steps as written (Handlebars), their content translated, and each step's
    source content (None for a digest or a delay)."""
    sources = [step.get("content") for step in steps]
    return [
        dict(step, content=translated(step["content"])) if "content" in step else dict(step) for step in steps
    ], sources


def shown_steps(steps: Sequence[Mapping[str, Any]], sources: Sequence[Any] | None) -> list[Mapping[str, Any]]:
    """The campaign's steps with the content the workflow shows: the Handlebars source while the stored content is
    its translation, else the stored content."""
    sources = list(sources or [])
    shown: list[Mapping[str, Any]] = []
    for index, step in enumerate(steps):
        source = sources[index] if index < len(sources) else None
        keep = source is None or not _translates_to(source, step.get("content"))
        shown.append(step if keep else {**step, "content": source})
    return shown


def _translates_to(source: Any, content: Any) -> bool:
    try:
        return bool(translated(source) == content)
    except HandlebarsRefused:  # a source saved under other rules: the stored content is the truth
        return False

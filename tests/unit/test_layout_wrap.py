"""A layout's body placeholder: Novu's triple braces or Jinja's, the body inserted as is, the rest escaped."""

import pytest

from clarion.templates.render import RenderFailed
from clarion.templates.wrap import content_problem, wrap


@pytest.mark.parametrize("placeholder", ["{{{body}}}", "{{{ body }}}", "{{ body }}", "{{body}}", "{{- body -}}"])
def test_each_placeholder_spelling_is_accepted_and_filled(placeholder: str):
    assert content_problem(f"<div>{placeholder}</div>") is None
    layout = {"content": f"<div>{placeholder}</div>"}
    assert wrap(layout, "<p>x</p>", subscriber={}, payload={}, campaign={}) == "<div><p>x</p></div>"


@pytest.mark.parametrize("content", ["<div></div>", "{{ bodies }}", "{{ payload.body }}"])
def test_content_without_the_placeholder_is_refused(content: str):
    assert "body placeholder" in (content_problem(content) or "")


def test_the_layouts_variables_are_escaped_and_defaults_fill_the_payload():
    layout = {
        "content": "{{ payload.brand }}|{{ payload.other }}|{{{body}}}",
        "variables": [{"name": "brand", "defaultValue": "<A&B>"}, {"name": "other", "defaultValue": "unused"}],
    }
    html = wrap(layout, "<b>hi</b>", subscriber={}, payload={"other": "given"}, campaign={})
    assert html == "&lt;A&amp;B&gt;|given|<b>hi</b>"


def test_a_render_failure_names_the_layout_field():
    with pytest.raises(RenderFailed) as failure:
        wrap({"content": "{{{body}}}{{ 1 // 0 }}"}, "", subscriber={}, payload={}, campaign={})
    assert failure.value.field == "layoutId"

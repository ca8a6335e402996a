"""The sandboxed template engine: save-time validation, rendering, refusals and locale choice."""

from typing import Any

import pytest

from clarion.errors import ValidationFailed
from clarion.templates.render import (
    MAX_OUTPUT_CHARS,
    MAX_SOURCE_CHARS,
    RenderFailed,
    choose_locale,
    render,
    render_step,
    template_variables,
    validate,
)

SUBSCRIBER = {
    "subscriberId": "user-1",
    "firstName": "Ann",
    "lastName": "Lee",
    "email": "ann@example.com",
    "locale": "pt-BR",
    "data": {"plan": "pro"},
    "pk": "ENV#x#SUB#user-1",
}
CAMPAIGN = {"name": "Welcome", "identifier": "welcome", "steps": []}
VARIABLES = template_variables(SUBSCRIBER, {"product": "Clarion"}, CAMPAIGN)
EMAIL_STEP = {
    "channel": "email",
    "content": {"subject": "Hi {{ subscriber.firstName }}", "body": "<p>{{ payload.product }}</p>"},
    "locales": {
        "pt-BR": {"subject": "Olá {{ subscriber.firstName }}", "body": "<p>pt-BR</p>"},
        "pt": {"subject": "Oi", "body": "<p>pt</p>"},
    },
}


def rendered(source: str, **variables: Any) -> str:
    return render(source, VARIABLES | variables, field="body")


def step_for(locale: str | None, step: dict[str, Any] = EMAIL_STEP) -> dict[str, Any]:
    return render_step(step, subscriber=SUBSCRIBER | {"locale": locale}, payload={}, campaign=CAMPAIGN)


def test_a_valid_template_passes_validation():
    validate("Hi {{ subscriber.firstName | default('there') }}{% if payload.items %}!{% endif %}", field="body")


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("{{ subscriber.firstName }", "unexpected '}' at line 1"),
        ("ok\n{% if %}", "at line 2"),
        ("{% for x in payload.items %}", "at line 1"),
        ("{% include 'other.html' %}x{% endfor %}", "endfor"),
    ],
)
def test_a_template_that_does_not_parse_is_refused_with_field_and_line(source: str, problem: str):
    with pytest.raises(ValidationFailed) as refused:
        validate(source, field="steps[0].content.subject")
    assert refused.value.field == "steps[0].content.subject"
    assert refused.value.message.startswith("steps[0].content.subject: ")
    assert problem in refused.value.message


@pytest.mark.parametrize(
    "source",
    ["{{ ''.__class__.__mro__ }}", "{{ cycler.__init__.__globals__ }}", "{{ x['__class__'] }}", "{{ x|attr('_y') }}"],
)
def test_reaching_for_private_attributes_is_refused_at_save_time(source: str):
    with pytest.raises(ValidationFailed, match="names starting with '_'"):
        validate(source, field="body")


@pytest.mark.parametrize("source", ["{% include 'a.html' %}", "{% extends 'base.html' %}", "{% import 'm' as m %}"])
def test_loading_other_templates_is_refused_at_save_time(source: str):
    with pytest.raises(ValidationFailed, match="cannot load other templates"):
        validate(source, field="body")


def test_a_template_longer_than_the_cap_is_refused():
    with pytest.raises(ValidationFailed, match="longer than"):
        validate("x" * (MAX_SOURCE_CHARS + 1), field="body")


@pytest.mark.parametrize(
    "source",
    ["{{ ''.__class__.__mro__ }}", "{{ cycler.__init__.__globals__ }}", "{{ subscriber|attr('__class__') }}"],
)
def test_reaching_python_internals_fails_the_render(source: str):
    with pytest.raises(RenderFailed, match="SecurityError") as failed:
        rendered(source)
    assert failed.value.field == "body"


def test_changing_a_variable_fails_the_render():
    with pytest.raises(RenderFailed, match="SecurityError"):
        rendered("{{ payload.update({'product': 'other'}) }}")


def test_an_error_while_rendering_is_a_render_failure_not_a_crash():
    with pytest.raises(RenderFailed, match="ZeroDivisionError"):
        rendered("{{ 1 / 0 }}")


def test_output_longer_than_the_cap_fails_the_render():
    with pytest.raises(RenderFailed, match="longer than"):
        rendered("{% for i in range(100000) %}0123456789{% endfor %}")
    assert MAX_OUTPUT_CHARS < 100000 * 10


def test_a_missing_variable_renders_empty():
    assert rendered("[{{ subscriber.nickname }}][{{ payload.order.id }}][{{ nothing }}]") == "[][][]"


def test_a_null_variable_renders_empty_not_none():
    without_name = template_variables(SUBSCRIBER | {"firstName": None}, {"coupon": None}, CAMPAIGN)
    assert render("Hi {{ subscriber.firstName }}[{{ payload.coupon }}]", without_name, field="body") == "Hi []"


def test_a_subscriber_field_never_set_renders_empty():
    variables = template_variables({"subscriberId": "user-2"}, {}, CAMPAIGN)
    assert render("Hi {{ subscriber.firstName }} {{ subscriber.lastName }}!", variables, field="body") == "Hi  !"


@pytest.mark.parametrize(
    "source", ["{{ payload.order.id }}", "{{ payload.a.b.c.d }}", "{{ nothing.at.all }}", "{{ payload.product.x }}"]
)
def test_an_attribute_of_a_missing_or_scalar_parent_renders_empty(source: str):
    assert rendered(source) == ""


def test_an_attribute_of_a_null_parent_renders_empty():
    assert rendered("[{{ payload.order.id }}]", payload={"order": None}) == "[]"


def test_booleans_render_in_lower_case_as_handlebars_does():
    assert rendered("{{ payload.paid }}/{{ payload.late }}", payload={"paid": True, "late": False}) == "true/false"


@pytest.mark.parametrize(("value", "text"), [(0, "0"), (0.0, "0.0"), (7, "7"), (-1.5, "-1.5"), ("", "")])
def test_numbers_render_as_written_zero_included(value: Any, text: str):
    assert rendered("{{ payload.n }}", payload={"n": value}) == text


def test_a_false_or_missing_value_still_takes_the_else_branch():
    source = "{% if payload.flag %}yes{% else %}no{% endif %}{% if payload.gone.deeper %}yes{% else %}no{% endif %}"
    assert rendered(source, payload={"flag": False}) == "nono"


def test_null_and_booleans_render_the_same_in_an_html_body():
    variables = VARIABLES | {"payload": {"a": None, "b": True}}
    assert render("<p>{{ payload.a }}{{ payload.b }}{{ payload.c.d }}</p>", variables, field="body", html=True) == (
        "<p>true</p>"
    )


def test_a_payload_key_named_like_a_dict_method_is_the_key():
    payload = {"items": [{"sku": "a"}, {"sku": "b"}], "keys": 2, "values": "v", "get": "g"}
    source = "{% for item in payload.items %}{{ item.sku }}{% endfor %} {{ payload.keys }}{{ payload.values }}"
    assert rendered(source + "{{ payload.get }}", payload=payload) == "ab 2vg"


def test_dict_methods_still_work_where_no_key_shadows_them():
    assert rendered("{% for k, v in payload.items() %}{{ k }}={{ v }}{% endfor %}", payload={"a": 1}) == "a=1"


def test_subscriber_payload_event_and_campaign_are_the_variables():
    source = "{{ subscriber.firstName }} {{ subscriber.data.plan }} {{ payload.product }} {{ event.product }} "
    assert rendered(source + "{{ campaign.identifier }}") == "Ann pro Clarion Clarion welcome"


def test_without_a_digest_novus_step_says_no_digest_and_has_no_events():
    source = "{% if step.digest %}digest{% else %}single{% endif %}[{{ step.total_count }}]"
    assert rendered(source + "{% for e in step.events %}{{ e }}{% endfor %}") == "single[]"


def test_after_a_digest_novus_step_has_the_events_and_the_total_count():
    digest = {"events": [{"n": 1}, {"n": 2}], "count": 60}  # 60 digested, the first events kept
    variables = template_variables(SUBSCRIBER, {}, CAMPAIGN, {"digest": digest})
    source = "{{ step.digest }} {{ step.total_count }}:{% for e in step.events %} {{ e.n }}{% endfor %}"
    assert render(source, variables, field="body") == "true 60: 1 2"


def test_only_the_documented_subscriber_fields_are_visible():
    assert rendered("[{{ subscriber.pk }}]") == "[]"


def test_html_is_escaped_only_when_asked():
    hostile = {"product": "<script>x</script>"}
    assert render("{{ payload.product }}", VARIABLES | {"payload": hostile}, field="body", html=True) == (
        "&lt;script&gt;x&lt;/script&gt;"
    )
    assert render("{{ payload.product }}", VARIABLES | {"payload": hostile}, field="body") == "<script>x</script>"


def test_an_email_body_is_escaped_but_its_subject_is_not():
    step = {"channel": "email", "content": {"subject": "{{ payload.p }}", "body": "{{ payload.p }}"}}
    content = render_step(step, subscriber={}, payload={"p": "A & B"}, campaign=CAMPAIGN)
    assert content == {"subject": "A & B", "body": "A &amp; B"}


def test_every_string_of_nested_content_is_rendered():
    step = {
        "channel": "in_app",
        "content": {
            "body": "Hi {{ subscriber.firstName }}",
            "cta": {"type": "redirect", "data": {"url": "/orders/{{ payload.id }}"}},
            "buttons": [{"type": "primary", "content": "Open {{ payload.id }}"}],
        },
    }
    content = render_step(step, subscriber=SUBSCRIBER, payload={"id": 7}, campaign=CAMPAIGN)
    assert content["cta"]["data"]["url"] == "/orders/7"
    assert content["buttons"][0]["content"] == "Open 7"


def test_a_render_failure_names_the_locale_variant_and_field():
    step = {"channel": "sms", "content": {"body": "ok"}, "locales": {"pt-BR": {"body": "{{ 1 / 0 }}"}}}
    with pytest.raises(RenderFailed) as failed:
        step_for("pt-BR", step)
    assert failed.value.field == "locales.pt-BR.body"


def test_the_exact_locale_tag_is_chosen_first():
    assert step_for("pt-BR")["subject"] == "Olá Ann"


def test_a_locale_written_with_underscore_or_other_case_matches_its_tag():
    assert step_for("pt_br")["body"] == "<p>pt-BR</p>"


def test_the_language_is_chosen_when_the_region_has_no_variant():
    assert step_for("pt-PT")["body"] == "<p>pt</p>"


@pytest.mark.parametrize("locale", ["de-DE", None, ""])
def test_the_default_content_is_chosen_without_a_matching_variant(locale: str | None):
    assert step_for(locale) == {"subject": "Hi Ann", "body": "<p></p>"}


def test_a_step_without_locales_uses_its_content():
    assert choose_locale(None, "pt-BR") is None
    assert choose_locale({}, "pt-BR") is None


def test_default_replaces_a_missing_value_and_with_true_a_null_one_too():
    assert rendered("{{ payload.name | default('friend') }}", payload={}) == "friend"
    assert rendered("[{{ payload.name | default('friend') }}]", payload={"name": None}) == "[]"
    assert rendered("{{ payload.name | default('friend', true) }}", payload={"name": None}) == "friend"


def test_a_list_renders_as_python_writes_it_and_join_makes_text_of_it():
    assert rendered("{{ payload.items }}", payload={"items": ["a", "b"]}) == "['a', 'b']"
    assert rendered("{{ payload.items | join(', ') }}", payload={"items": ["a", "b"]}) == "a, b"

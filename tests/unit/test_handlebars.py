"""Novu's Handlebars translated into Clarion's sandboxed Jinja (clarion.templates.handlebars): each construct renders
as Handlebars renders it, HTML-escaped where the output is HTML, and what Clarion does not translate is refused by
name; Jinja-looking text in a Novu template stays text."""

from typing import Any

import pytest

from clarion.templates.handlebars import HandlebarsRefused, translate
from clarion.templates.render import payload_paths, render, template_problem, template_variables

SUBSCRIBER = {"subscriberId": "s1", "firstName": "Ada", "email": "ada@example.com"}
CAMPAIGN = {"name": "Orders", "identifier": "orders"}


def rendered(source: str, payload: dict[str, Any] | None = None, *, html: bool = False, **trigger: Any) -> str:
    jinja = translate(source)
    assert template_problem(jinja) is None, jinja
    variables = template_variables(SUBSCRIBER, payload or {}, CAMPAIGN, trigger)
    return render(jinja, variables, field="content", html=html)


@pytest.mark.parametrize(
    ("source", "payload", "expected"),
    [
        ("Hi {{firstName}}", {"firstName": "Ann"}, "Hi Ann"),
        ("Hi {{ firstName }}", {"firstName": "Ann"}, "Hi Ann"),
        (
            "Order {{order.id}} for {{order.customer.name}}",
            {"order": {"id": 7, "customer": {"name": "Bo"}}},
            "Order 7 for Bo",
        ),
        ("Order {{order/id}}", {"order": {"id": 7}}, "Order 7"),
        ("{{payload.order.id}}", {"order": {"id": 7}}, "7"),
        ("{{this.firstName}} {{./firstName}}", {"firstName": "Ann"}, "Ann Ann"),
        ("[{{missing}}][{{missing.deeper.still}}][{{nothing}}]", {"nothing": None}, "[][][]"),
        ("{{vip}} {{count}}", {"vip": True, "count": 0}, "true 0"),
        ("{{items.0.name}}", {"items": [{"name": "pen"}]}, "pen"),
        ("{{items.length}} {{word.length}}", {"items": [1, 2, 3], "word": "four"}, "3 4"),
        ("[{{order.items}}][{{order.keys}}]", {"order": {}}, "[][]"),
        ("{{order.items}}", {"order": {"items": "2 pens"}}, "2 pens"),
        ("{{first-name}}", {"first-name": "Ann"}, "Ann"),
        ("{{prénom}} {{note²}}", {"prénom": "Zoé", "note²": 2}, "Zoé 2"),
    ],
)
def test_variables_are_payload_fields_by_their_dotted_paths(source, payload, expected):
    assert rendered(source, payload) == expected


def test_subscriber_actor_step_and_tenant_are_novus_roots_not_payload_fields():
    source = (
        "{{subscriber.firstName}} {{actor.firstName}} {{tenant.data.plan}} {{step.total_count}} {{step.events.length}}"
    )
    trigger = {
        "actor": {"firstName": "Bo"},
        "tenant": {"identifier": "t", "data": {"plan": "gold"}},
        "digest": {"count": 3, "events": [{"a": 1}, {"a": 2}]},
    }
    assert rendered(source, {"subscriber": {"firstName": "not this"}}, **trigger) == "Ada Bo gold 3 2"


def test_novus_string_helpers_change_the_case_of_a_string_and_leave_other_values():
    payload = {"name": "hÉllo o'neil wORLD", "count": 5}
    source = "{{uppercase name}}|{{lowercase name}}|{{titlecase name}}|{{uppercase count}}|{{titlecase missing}}"
    assert rendered(source, payload) == "HÉLLO O'NEIL WORLD|héllo o'neil world|Héllo O'neil World|5|"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('{{#equals status "in transit"}}moving{{else}}still{{/equals}}', "moving"),
        ("{{#equals status 'delivered'}}here{{else}}not yet{{/equals}}", "not yet"),
        ("{{#equals count 5}}five{{/equals}}", "five"),
        ('{{#equals count "5"}}five{{else}}a string is not a number{{/equals}}', "a string is not a number"),
        ("{{#equals left right}}same{{/equals}}", "same"),
        ("{{#equals missing null}}nothing{{/equals}}", "nothing"),
        ("{{#equals vip true}}VIP{{/equals}}", "VIP"),
        ('{{#equals formula "a=(b)"}}quoted{{/equals}}', "quoted"),
        ("{{#equals count 005}}five{{/equals}}", "five"),
        ("{{#equals price 2.50}}price{{/equals}}", "price"),
        ("{{#if other}}x{{else equals status 'in transit'}}chained{{/if}}", "chained"),
        ("{{#equals status '{% endraw %}{% if 1 %}'}}x{{else}}literal{{/equals}}", "literal"),
    ],
)
def test_equals_renders_its_block_when_the_two_values_are_equal(source, expected):
    payload = {"status": "in transit", "count": 5, "left": {"a": 1}, "right": {"a": 1}, "vip": True}
    payload |= {"formula": "a=(b)", "price": 2.5}
    assert rendered(source, payload) == expected


def test_a_digest_email_iterates_the_digested_events():
    source = "{{step.total_count}} orders: {{#each step.events}}{{orderId}}{{#unless @last}}, {{/unless}}{{/each}}"
    trigger = {"digest": {"count": 3, "events": [{"orderId": "A"}, {"orderId": "B"}]}}
    assert rendered(source, **trigger) == "3 orders: A, B"


def test_double_stash_is_escaped_in_html_and_triple_stash_is_not():
    payload = {"html": "<b>Tom & Jerry</b>"}
    source = "{{html}}|{{{html}}}|{{&html}}"
    assert (
        rendered(source, payload, html=True)
        == "&lt;b&gt;Tom &amp; Jerry&lt;/b&gt;|<b>Tom & Jerry</b>|<b>Tom & Jerry</b>"
    )
    assert rendered(source, payload) == "<b>Tom & Jerry</b>|<b>Tom & Jerry</b>|<b>Tom & Jerry</b>"
    assert rendered("[{{{missing}}}][{{{vip}}}]", {"vip": False}, html=True) == "[][false]"


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"vip": True}, "VIP"),
        ({"gold": 1}, "Gold"),
        ({}, "Regular"),
        ({"vip": 0, "gold": [], "other": "x"}, "Regular"),
        ({"vip": {}}, "VIP"),  # an object is true in JavaScript, even empty
        ({"vip": ""}, "Regular"),
    ],
)
def test_if_else_if_else_follows_handlebars_truthiness(payload, expected):
    assert rendered("{{#if vip}}VIP{{else if gold}}Gold{{else}}Regular{{/if}}", payload) == expected


def test_a_caret_is_an_else():
    assert rendered("{{#if vip}}VIP{{^}}Regular{{/if}}", {}) == "Regular"


def test_unless_renders_when_the_value_is_false():
    source = "{{#unless paid}}Please pay{{else}}Thanks{{/unless}}"
    assert (rendered(source, {"paid": False}), rendered(source, {"paid": True})) == ("Please pay", "Thanks")


def test_each_iterates_a_list_with_this_index_first_last_and_the_parent_context():
    source = (
        "{{#each items}}{{@index}}:{{name}}/{{this.qty}}{{#if @first}}^{{/if}}{{#if @last}}${{/if}} {{../currency}};"
        "{{/each}}"
    )
    payload = {"currency": "EUR", "items": [{"name": "pen", "qty": 2}, {"name": "ink", "qty": 1}]}
    assert rendered(source, payload) == "0:pen/2^ EUR;1:ink/1$ EUR;"


def test_each_over_an_object_gives_its_keys_and_values_in_order():
    assert rendered("{{#each sizes}}{{@key}}={{this}} {{/each}}", {"sizes": {"s": 1, "m": 2}}) == "s=1 m=2 "


@pytest.mark.parametrize("items", [[], None, "text", 5])
def test_each_renders_its_else_when_there_is_nothing_to_iterate(items):
    assert rendered("{{#each items}}x{{else}}none{{/each}}", {"items": items}) == "none"


def test_nested_each_and_if_reach_each_level_and_the_root():
    source = (
        "{{#each orders}}{{id}}:{{#each lines}}{{#if gift}}[{{sku}} for {{../id}} by {{@root.name}}"
        " {{subscriber.firstName}}|{{@root.subscriber.firstName}}]{{/if}}{{/each}};{{/each}}"
    )
    payload = {"name": "Ann", "orders": [{"id": 1, "lines": [{"sku": "a", "gift": True}, {"sku": "b"}]}, {"id": 2}]}
    assert rendered(source, payload) == "1:[a for 1 by Ann |Ada];2:;"


def test_with_changes_the_context_and_renders_else_without_a_value():
    source = "{{#with order}}{{id}} {{customer.name}}{{else}}no order{{/with}}"
    assert rendered(source, {"order": {"id": 3, "customer": {"name": "Bo"}}}) == "3 Bo"
    assert rendered(source, {}) == "no order"


def test_comments_whitespace_control_and_standalone_block_lines_render_as_handlebars():
    source = "<ul>\n  {{#each items}}\n  <li>{{this}}</li>\n  {{/each}}\n</ul>{{! a note }}{{!-- a }} note --}}"
    assert rendered(source, {"items": [1, 2]}) == "<ul>\n  <li>1</li>\n  <li>2</li>\n</ul>"
    assert rendered("{{#if a}}\nyes\n{{/if}}\n", {"a": 1}) == "yes\n"
    assert rendered("a   {{~firstName~}}   b", {"firstName": "X"}) == "aXb"


def test_a_trailing_newline_is_kept():
    assert rendered("Hi {{firstName}}\n", {"firstName": "Ann"}) == "Hi Ann\n"
    assert rendered("{{#if a}}x{{/if}}\n\n", {"a": True}) == "x\n\n"


def test_a_backslash_escapes_a_mustache():
    assert rendered("\\{{firstName}} {{firstName}}", {"firstName": "Ann"}) == "{{firstName}} Ann"
    assert rendered("\\\\{{firstName}}", {"firstName": "Ann"}) == "\\Ann"


@pytest.mark.parametrize(
    "text",
    [
        "{% for x in range(10) %}x{% endfor %}",
        "{{ '{' }}{% raw %}{% endraw %}{# comment #}",
        "{% endraw %}{{ 7 * 7 }}",
        "{%- set a = 1 -%}{ {{ '}' }}",
    ],
)
def test_jinja_looking_text_outside_mustaches_is_sent_as_written(text):
    source = text.replace("{{", "\\{{")  # a Handlebars mustache would be read as one: escaped, it is text
    assert rendered(f"<p>{source}</p>", html=True) == f"<p>{text}</p>"
    assert rendered("{% if true %}yes{% endif %} {{firstName}}", {"firstName": "Ann"}) == (
        "{% if true %}yes{% endif %} Ann"
    )


@pytest.mark.parametrize(
    ("source", "named"),
    [
        ("{{ ''.__class__ }}", "is not a variable path"),
        ("{{ payload.__class__ }}", "names starting with '_'"),
        ("{{ self._TemplateReference__context }}", "names starting with '_'"),
        ("{{ lipsum.__globals__ }}", "names starting with '_'"),
        ("{{ range(10) }}", "helper 'range'"),
        ("{{ cycler.__init__.__globals__.os }}", "names starting with '_'"),
        ("{{ firstName|upper }}", "is not a variable path"),
        ("{{ 7*7 }}", "is not a variable path"),
    ],
)
def test_jinja_inside_a_mustache_is_refused_never_run(source, named):
    with pytest.raises(HandlebarsRefused, match=named):
        translate(source)


@pytest.mark.parametrize(
    ("source", "named"),
    [
        ("{{pluralize name}}", "line 1: helper 'pluralize' is not supported"),
        ("Hi\n\n{{#if a}}{{pluralize name}}{{/if}}", "line 3: helper 'pluralize'"),
        ("{{dateFormat date 'MM/DD'}}", "helper 'dateFormat'"),
        ("{{#gt a b}}x{{/gt}}", "helper '#gt'"),
        ("{{uppercase a b}}", "{{uppercase}} takes exactly one variable"),
        ("{{#equals a}}x{{/equals}}", "takes exactly two values"),
        ("{{#equals a (b c)}}x{{/equals}}", "takes exactly two values"),
        ('{{#equals a "b\\"c"}}x{{/equals}}', "a string is not closed"),
        ('{{#equals a "b}}x{{/equals}}', "a string is not closed"),
        ('{{#if "a"}}x{{/if}}', "takes exactly one variable"),
        ("{{#items}}x{{/items}}", "helper '#items'"),
        ("{{lookup map key}}", "helper 'lookup'"),
        ("{{> footer}}", "partials"),
        ("{{#> layout}}x{{/layout}}", "partials"),
        ("{{^vip}}x{{/vip}}", "inverse sections"),
        ("{{* decorator}}", "decorators"),
        ("{{{{raw}}}}x{{{{/raw}}}}", "raw blocks"),
        ("{{#each items as |item|}}x{{/each}}", "takes exactly one variable"),
        ("{{#if a includeZero=true}}x{{/if}}", "takes exactly one variable"),
        ("{{@index}}", "only available inside"),
        ("{{@partial-block}}", "data variable"),
        ("{{#if a}}x", "never closed"),
        ("{{/if}}", "closes no block"),
        ("{{#if a}}{{/each}}", "closes {{#if}}"),
        ("{{#if a}}{{else}}{{else}}{{/if}}", "a second {{else}}"),
        ("Hi {{firstName", "never closed"),
        ("{{../name}}", "above the template's root"),
    ],
)
def test_what_clarion_does_not_translate_is_refused_naming_it(source, named):
    with pytest.raises(HandlebarsRefused, match=named.replace("(", r"\(").replace("{", r"\{")):
        translate(source)


def test_a_translation_that_would_grow_past_what_a_campaign_stores_is_refused_before_it_grows():
    with pytest.raises(HandlebarsRefused, match="too deep"):
        translate("{{a" + ".keys" * 40 + "}}")
    with pytest.raises(HandlebarsRefused, match="longer than 65536 characters"):
        translate("{{#if a}}x{{/if}}" * 3000)


@pytest.mark.parametrize(
    "source", ["{{" + "../" * 5000 + "a}}", "{{" + "x" * 5000 + " y}}", "{{> " + "p" * 5000 + "}}"]
)
def test_a_refusal_quotes_a_long_template_cut_short(source):
    with pytest.raises(HandlebarsRefused) as refused:
        translate(source)
    assert len(str(refused.value)) <= 320 and str(refused.value).endswith("…")


def test_a_refusal_names_the_line_of_its_tag():
    with pytest.raises(HandlebarsRefused, match=r"^line 4: helper 'pluralize'"):
        translate("{{!-- a\nnote --}}\n{{#if a}}\n{{pluralize b}}{{/if}}")


def test_the_payload_fields_a_translation_reads_are_the_bare_names():
    source = "{{firstName}} {{order.id}} {{#each items}}{{name}}{{/each}} {{#if vip}}{{/if}} {{subscriber.email}}"
    assert payload_paths(translate(source)) == ("firstName", "order.id", "items", "vip")

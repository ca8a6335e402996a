"""A campaign's trigger variables (clarion.campaigns.variables): the payload fields its templates, digest and
throttle keys and branch conditions read, as the workflows API and the activity feed answer them."""

from clarion.campaigns.variables import novu_trigger, trigger_variables
from clarion.templates.render import payload_paths


def test_a_template_reads_dotted_payload_paths_in_order_of_first_use():
    source = (
        "{{ subscriber.firstName }} {{ payload.order.id }} {% for item in payload.items %}{{ item.name }}{% endfor %}"
        "{{ event['coupon'].code | upper }} {{ payload.order.id }} {{ payload[key] }} {{ tenant.name }}"
    )
    assert payload_paths(source) == ("order.id", "items", "coupon.code")


def test_a_template_that_does_not_parse_reads_nothing():
    assert payload_paths("{{ payload.a ") == ()


def test_every_step_locale_key_and_branch_adds_its_payload_fields_once():
    campaign = {
        "identifier": "orders",
        "channels": ["email", "push"],
        "steps": [
            {"type": "digest", "digest": {"amount": 1, "unit": "hours", "key": "orderId"}},
            {
                "channel": "email",
                "content": {"subject": "{{ payload.order.id }}", "body": "{{ payload.total }}"},
                "locales": {"de": {"subject": "{{ payload.order.id }}", "body": "{{ payload.gesamt }}"}},
            },
            {"channel": "push", "content": {"title": "x", "body": "y", "data": {"link": "{{ payload.url }}"}}},
            {
                "type": "branch",
                "branches": [
                    {
                        "conditions": [
                            {"children": [{"field": "plan", "on": "payload"}, {"field": "tier", "on": "subscriber"}]}
                        ],
                        "next": "x",
                    }
                ],
            },
            {"type": "throttle", "throttle": {"limit": 1, "amount": 1, "unit": "hours", "key": "shop"}},
        ],
    }
    assert trigger_variables(campaign) == ["orderId", "order.id", "total", "gesamt", "url", "plan", "shop"]
    assert novu_trigger(campaign) == {
        "type": "event",
        "identifier": "orders",
        "variables": [{"name": name} for name in trigger_variables(campaign)],
        "subscriberVariables": [{"name": "email"}],
    }

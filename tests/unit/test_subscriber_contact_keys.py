"""The EmailIndex / PhoneIndex keys written on a subscriber's profile: per environment, hashed, an email's case
ignored."""

import re

from clarion.store.keys import contact_key


def test_an_emails_key_ignores_its_case():
    assert contact_key("env1", "email", "Ada@Example.COM") == contact_key("env1", "email", "ada@example.com")


def test_a_key_is_the_environment_and_a_hash_not_the_address():
    for field, address in (("email", "ada@example.com"), ("phone", "+14155550100")):
        assert re.fullmatch(r"env1#[0-9a-f]{64}", contact_key("env1", field, address))


def test_the_same_address_has_another_key_in_another_environment():
    assert contact_key("env1", "phone", "+14155550100") != contact_key("env2", "phone", "+14155550100")

import pytest

from clarion.clients import keys


def test_a_new_key_is_prefixed_and_unique():
    first, second = keys.new_key(), keys.new_key()
    assert first.startswith("sk_") and len(first) >= 40
    assert first != second


def test_the_hash_is_stable_and_does_not_contain_the_key():
    key = keys.new_key()
    assert keys.key_hash(key) == keys.key_hash(key)
    assert key[3:] not in keys.key_hash(key)
    assert len(keys.key_hash(key)) == 64


def test_the_hint_shows_only_the_last_four_characters():
    key = "sk_abcdefghijklmnopqrstuvwxyz"
    assert keys.key_hint(key) == "sk_...wxyz"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Bearer sk_abc", "sk_abc"),
        ("bearer sk_abc", "sk_abc"),
        ("ApiKey sk_abc", "sk_abc"),
        ("APIKEY   sk_abc  ", "sk_abc"),
        ("Basic dXNlcjpwYXNz", None),
        ("Bearer", None),
        ("Bearer   ", None),
        ("sk_abc", None),
        ("", None),
        (None, None),
    ],
)
def test_the_key_is_read_from_bearer_or_apikey_authorization(header, expected):
    assert keys.key_from_authorization(header) == expected


@pytest.mark.parametrize(
    ("key", "ok"),
    [("sk_" + "a" * 20, True), ("sk_short", False), ("pk_" + "a" * 20, False), ("sk_" + "a b" * 10, False)],
)
def test_a_chosen_admin_key_must_look_like_a_key(key, ok):
    assert keys.is_well_formed(key) is ok

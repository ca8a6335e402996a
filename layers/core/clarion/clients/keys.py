"""Client keys: `sk_` plus 256 random bits; only their SHA-256 is stored.

A fast hash is enough here: the keys are random, so there is nothing to guess that a slow hash would protect.
"""

import hashlib
import secrets

KEY_PREFIX = "sk_"
_SCHEMES = ("bearer", "apikey")


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def key_hint(key: str) -> str:
    """Enough of a key to recognise it in a list, not enough to use it."""
    return f"{KEY_PREFIX}...{key[-4:]}"


def is_well_formed(key: str) -> bool:
    return key.startswith(KEY_PREFIX) and 20 <= len(key) <= 200 and key.isprintable() and " " not in key


def key_from_authorization(header: str | None) -> str | None:
    """The key in `Authorization: Bearer <key>` or `Authorization: ApiKey <key>`; None for anything else."""
    if not header:
        return None
    scheme, _, credential = header.strip().partition(" ")
    credential = credential.strip()
    if scheme.lower() not in _SCHEMES or not credential:
        return None
    return credential

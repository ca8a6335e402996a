"""Generating, hashing and comparing codes. A code is kept only as scrypt(code, per-code random salt): a leaked
table does not give the codes back cheaply, and every comparison costs the same (hmac.compare_digest)."""

import hashlib
import hmac
import secrets

# scrypt with n=2**14, r=8 (16 MiB, ~50 ms): slow enough to make an offline guess of a 6-digit code costly
_N, _R, _P, _LENGTH = 2**14, 8, 1, 32
_DUMMY_SALT = bytes(16)


def generate(length: int) -> str:
    """`length` random digits (leading zeros kept)."""
    return str(secrets.randbelow(10**length)).zfill(length)


def new_salt() -> str:
    return secrets.token_hex(16)


def hash_code(code: str, salt: str) -> str:
    return hashlib.scrypt(code.encode(), salt=bytes.fromhex(salt), n=_N, r=_R, p=_P, dklen=_LENGTH).hex()


def matches(code: str, salt: str, code_hash: str) -> bool:
    return hmac.compare_digest(hash_code(code, salt), code_hash)


def burn(code: str) -> None:
    """The work of `matches` for a recipient without a code, so its answer takes as long as a wrong code's."""
    hmac.compare_digest(hash_code(code, _DUMMY_SALT.hex()), "0" * 2 * _LENGTH)

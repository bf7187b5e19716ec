"""Signing in as a member of staff on a shared server: the optional password of each person.

Stored as ``pbkdf2_sha256$<iterations>$<salt hex>$<hash hex>`` (PBKDF2-HMAC-SHA256, 16-byte random salt),
never the password itself; '' means the person has no password and signs in by choosing their name.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from desktop.core.errors import ValidationError

ITERATIONS = 240_000
MIN_LENGTH = 6
_SCHEME = "pbkdf2_sha256"


def check_new_password(password: str) -> str:
    """A password a person may choose: at least six characters, not only spaces."""
    if len(password) < MIN_LENGTH or not password.strip():
        raise ValidationError("登录密码", f"密码至少{MIN_LENGTH}个字符")
    if len(password) > 128:
        raise ValidationError("登录密码", "密码不能超过128个字符")
    return password


def hash_password(password: str, salt: bytes | None = None, iterations: int = ITERATIONS) -> str:
    salt = secrets.token_bytes(16) if salt is None else salt
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    return f"{_SCHEME}${iterations}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches ``stored`` (a person without a password, '', matches anything)."""
    if not stored:
        return True
    try:
        scheme, iterations, salt, digest = stored.split("$")
        if scheme != _SCHEME:
            return False
        found = hashlib.pbkdf2_hmac("sha256", password.encode(), bytes.fromhex(salt), int(iterations))
    except ValueError:
        return False
    return hmac.compare_digest(found.hex(), digest)

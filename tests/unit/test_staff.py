"""Staff passwords for signing in on a shared server (core.staff)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.core.errors import ValidationError
from desktop.core.staff import check_new_password, hash_password, verify_password

FAST = 1000  # iterations for the tests; the real count is slow on purpose


@given(st.text(min_size=6, max_size=40), st.text(min_size=1, max_size=40))
def test_only_the_password_itself_verifies(password: str, other: str) -> None:
    stored = hash_password(password, iterations=FAST)
    assert password not in stored.split("$")  # only the salt and the hash are kept
    assert verify_password(password, stored)
    assert verify_password(other, stored) == (other == password)


def test_the_same_password_hashes_differently_each_time() -> None:
    assert hash_password("王书记员123", iterations=FAST) != hash_password("王书记员123", iterations=FAST)


@pytest.mark.parametrize("stored", ["", "pbkdf2_sha256$1000$zz$00", "md5$1$00$00", "garbage"])
def test_no_password_lets_anyone_in_and_a_damaged_hash_lets_nobody(stored: str) -> None:
    assert verify_password("anything", stored) is (stored == "")


@pytest.mark.parametrize(
    ("password", "ok"),
    [("12345", False), ("      ", False), ("123456", True), ("庭长的密码", False), ("庭长的密码啊", True)],
)
def test_new_passwords_are_six_characters_or_more(password: str, ok: bool) -> None:
    if ok:
        assert check_new_password(password) == password
    else:
        with pytest.raises(ValidationError, match="登录密码"):
            check_new_password(password)

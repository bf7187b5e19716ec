"""Identifiers (DOMAIN.md §5) and masking (§7)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.core.errors import ValidationError
from desktop.core.identifiers import (
    USCC_ALPHABET,
    id_check_char,
    make_id_number,
    make_uscc,
    mask_account,
    mask_id_number,
    mask_phone,
    mask_uscc,
    uscc_check_char,
    validate_id_number,
    validate_phone,
    validate_uscc,
)

TODAY = date(2025, 6, 13)


# ---------------------------------------------------------------- 身份证号


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("11010519491231002X", "11010519491231002X"),
        ("11010519491231002x", "11010519491231002X"),
        (" 110105 19491231 002X ", "11010519491231002X"),
        ("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X"),
        ("１１０１０５１９４９１２３１００２ｘ", "11010519491231002X"),
        (make_id_number("230902", date(1990, 1, 1), 123), make_id_number("230902", date(1990, 1, 1), 123)),
        (make_id_number("810000", date(2000, 2, 29), 1), make_id_number("810000", date(2000, 2, 29), 1)),
        (make_id_number("911156", date(1980, 5, 5), 7), make_id_number("911156", date(1980, 5, 5), 7)),
        (make_id_number("230902", TODAY, 1), make_id_number("230902", TODAY, 1)),
    ],
)
def test_id_valid(text: str, stored: str) -> None:
    assert validate_id_number(text, today=TODAY) == stored


def test_id_check_table() -> None:
    assert id_check_char("11010519491231002") == "X"
    assert make_id_number("110105", date(1949, 12, 31), 2) == "11010519491231002X"
    with pytest.raises(ValueError):
        id_check_char("1101051949123100")
    with pytest.raises(ValueError):
        make_id_number("11010", date(1949, 12, 31), 2)
    with pytest.raises(ValueError):
        make_id_number("110105", date(1949, 12, 31), 1000)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "请填写"),
        ("110105491231002", "15位"),
        ("11010519491231002", "实际为17位"),
        ("11010519491231002X1", "实际为19位"),
        ("1101051949123100XX", "第17位“X”"),
        ("11010519491231002Y", "最后一位"),
        ("A1010519491231002X", "第1位“A”"),
        ("10010519491231002X", "前两位“10”"),
        ("99010519491231002X", "第2–3位“90”"),
        ("110105194902300028", "19490230"),
        ("110105189912310021", "1900"),
        ("110105202606130014", "晚于今天"),
        ("110105194912310021", "校验位应为X，实际为1"),
    ],
)
def test_id_refused(text: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate_id_number(text, today=TODAY)
    assert info.value.field == "身份证号"
    assert fragment in info.value.message


_regions = st.sampled_from(["110105", "230902", "230804", "440117", "420325", "330211", "650102", "810000"])
_births = st.dates(date(1900, 1, 1), TODAY)


@given(_regions, _births, st.integers(0, 999))
def test_made_id_numbers_validate(region: str, birth: date, seq: int) -> None:
    number = make_id_number(region, birth, seq)
    assert validate_id_number(number, today=TODAY) == number
    assert validate_id_number(number.lower(), today=TODAY) == number
    masked = mask_id_number(number)
    assert masked == number[:6] + "********" + number[-4:]


@given(_regions, _births, st.integers(0, 999), st.integers(0, 16), st.integers(1, 9))
def test_single_digit_errors_are_caught(region: str, birth: date, seq: int, pos: int, delta: int) -> None:
    number = make_id_number(region, birth, seq)
    wrong = number[:pos] + str((int(number[pos]) + delta) % 10) + number[pos + 1 :]
    with pytest.raises(ValidationError):
        validate_id_number(wrong, today=TODAY)


@given(_regions, _births, st.integers(0, 999), st.integers(0, 15))
def test_adjacent_transpositions_are_caught(region: str, birth: date, seq: int, pos: int) -> None:
    number = make_id_number(region, birth, seq)
    a, b = number[pos], number[pos + 1]
    if a != b:
        wrong = number[:pos] + b + a + number[pos + 2 :]
        with pytest.raises(ValidationError):
            validate_id_number(wrong, today=TODAY)


# ---------------------------------------------------------------- 统一社会信用代码


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("91230902MA1C2D3EXP", "91230902MA1C2D3EXP"),
        ("912309021234567880", "912309021234567880"),
        ("91230902ma1c2d3exp", "91230902MA1C2D3EXP"),
        (" 9123 0902 MA1C 2D3E XP ", "91230902MA1C2D3EXP"),
        ("９１２３０９０２ＭＡ１Ｃ２Ｄ３ＥＸＰ", "91230902MA1C2D3EXP"),
    ],
)
def test_uscc_valid(text: str, stored: str) -> None:
    assert validate_uscc(text) == stored


def test_uscc_helpers() -> None:
    assert uscc_check_char("91230902MA1C2D3EX") == "P"
    assert make_uscc("91230902123456788") == "912309021234567880"
    with pytest.raises(ValueError):
        uscc_check_char("91230902MA1C2D3EO")
    assert mask_uscc("91230902MA1C2D3EXP") == "91230902MA1C2D3EXP"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "请填写"),
        ("91230902MA1C2D3EX", "实际为17位"),
        ("91230902MA1C2D3EXPP", "实际为19位"),
        ("91230902MA1C2D3EXQ", "校验位应为P，实际为Q"),
        ("91230902MO1C2D3EXP", "第10位“O”不能使用"),
        ("91230902MA1C2D3IXP", "I、O、Z、S、V"),
        ("91230902MA1C2D3E#P", "第17位“#”"),
    ],
)
def test_uscc_refused(text: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate_uscc(text)
    assert info.value.field == "统一社会信用代码"
    assert fragment in info.value.message


_uscc_bodies = st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17)


@given(_uscc_bodies)
def test_made_usccs_validate(body: str) -> None:
    code = make_uscc(body)
    assert validate_uscc(code.lower()) == code


@given(_uscc_bodies, st.integers(0, 17), st.integers(1, 30))
def test_uscc_single_errors_are_caught(body: str, pos: int, delta: int) -> None:
    code = make_uscc(body)
    replaced = USCC_ALPHABET[(USCC_ALPHABET.index(code[pos]) + delta) % 31]
    with pytest.raises(ValidationError):
        validate_uscc(code[:pos] + replaced + code[pos + 1 :])


# ---------------------------------------------------------------- 电话


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "138-1234-5678"),
        ("１９９１２３４５６７８", "19912345678"),
        ("0464-8123456", "0464-8123456"),
        ("04648123456", "04648123456"),
        ("010-12345678", "010-12345678"),
        ("020 8765 4321", "02087654321"),
        ("0464-8123456-802", "0464-8123456-802"),
    ],
)
def test_phone_valid(text: str, stored: str) -> None:
    assert validate_phone(text) == stored


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "请填写"),
        ("1381234567", "实际为10位"),
        ("138123456789", "实际为12位"),
        ("12812345678", "第二位"),
        ("1381-234-5678", "位置"),
        ("8123456", "区号"),
        ("0464-812345", "区号加7至8位"),
        ("(0464)8123456", "“(”"),
        ("+8613812345678", "“+”"),
        ("138abc45678", "“A”"),
    ],
)
def test_phone_refused(text: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate_phone(text)
    assert info.value.field == "电话"
    assert fragment in info.value.message


# ---------------------------------------------------------------- masking


@pytest.mark.parametrize(
    ("func", "value", "masked"),
    [
        # DOMAIN §7 / 个人信息保护法: a published ID shows the region and the last 4, never the birth date
        (mask_id_number, "230902199001011234", "230902********1234"),
        (mask_id_number, "23090219900101123x", "230902********123x"),
        (mask_id_number, "230902 19900101 1234", "230902 ******** 1234"),  # as typed, with spaces
        (mask_id_number, "230902-1990-0101-1234", "230902-****-****-1234"),
        (
            mask_id_number,
            "２３０９０２１９９００１０１１２３４",
            "２３０９０２********１２３４",
        ),  # full-width
        (mask_id_number, "230902900101123", "230902********3"),  # a 15-digit old number: YYMMDD hidden
        (mask_id_number, "2309021990010112", "230902********12"),  # 16 characters: the tail only past 14
        (mask_id_number, "23090219900101", "**************"),  # too short to be an ID: hidden whole
        (mask_id_number, "1234", "****"),
        # a phone: at most 4 digits, never more than half of them
        (mask_phone, "13812345678", "*******5678"),
        (mask_phone, "138-1234-5678", "***-****-5678"),
        (mask_phone, "0464-8123456", "****-***3456"),
        (mask_phone, "0464-8123456-801", "****-******6-801"),  # with an extension: still 4 digits
        (mask_phone, "8123456", "****456"),  # 7 digits: 3 shown, no longer whole (issue 20)
        (mask_phone, "+86 138 1234 5678", "+** *** **** 5678"),
        (mask_phone, "12345", "***45"),
        (mask_phone, "", ""),
        (mask_account, "6222 0212 3456 7890 123", "***************0123"),
        (mask_account, "123", "**3"),
    ],
)
def test_masks(func: Callable[[str], str], value: str, masked: str) -> None:
    assert func(value) == masked


_separators = st.sampled_from(["", " ", "-", "　", "(", ")", "转", "+"])


def _latin_or_digit(ch: str) -> bool:
    return (ch.isascii() and ch.isalnum()) or "０" <= ch <= "９" or "Ａ" <= ch <= "Ｚ" or "ａ" <= ch <= "ｚ"


@given(st.lists(st.tuples(st.sampled_from("0123456789０１２３４５６７８９"), _separators), max_size=30))
def test_a_masked_phone_never_shows_more_than_4_digits(parts: list[tuple[str, str]]) -> None:
    """Whatever is typed (any length, any separators, full-width digits): at most 4 digits, never more
    than half of them, and the rest of the text as typed."""
    phone = "".join(d + sep for d, sep in parts)
    masked = mask_phone(phone)
    digits = sum(ch.isdigit() for ch in phone)
    visible = sum(ch.isdigit() for ch in masked)
    assert visible <= min(4, digits // 2)
    assert len(masked) == len(phone)
    assert all(m == c or (m == "*" and c.isdigit()) for m, c in zip(masked, phone, strict=True))


@given(st.text(max_size=40))
def test_a_masked_phone_of_any_text_shows_at_most_4_digits(text: str) -> None:
    assert sum(ch.isdigit() for ch in mask_phone(text)) <= 4


@given(_regions, _births, st.integers(0, 999), st.lists(_separators, min_size=17, max_size=17), st.booleans())
def test_a_masked_id_never_shows_the_birth_date_whatever_its_format(
    region: str, birth: date, seq: int, seps: list[str], lower: bool
) -> None:
    number = make_id_number(region, birth, seq)
    typed = "".join(ch + sep for ch, sep in zip(number, [*seps, ""], strict=True))
    typed = typed.lower() if lower else typed
    masked = mask_id_number(typed)
    visible = "".join(ch for ch in masked if _latin_or_digit(ch))
    expected = number[:6] + number[-4:]
    assert visible == (expected.lower() if lower else expected)
    assert birth.strftime("%Y%m%d") not in visible
    assert masked.count("*") == 8


@given(st.text(max_size=40))
def test_a_masked_id_of_any_text_is_never_whole(text: str) -> None:
    """Any text in the ID field: at most 10 characters shown, never all of them, and none of the 8
    characters after the sixth (where an ID carries the birth date)."""
    masked = mask_id_number(text)
    alnum = [i for i, ch in enumerate(text) if _latin_or_digit(ch)]
    shown = [i for i in alnum if masked[i] != "*"]
    assert len(shown) <= 10
    assert not alnum or len(shown) < len(alnum)
    assert not set(shown) & set(alnum[6:14])

"""Money in fen, formatting, and amounts in words (DOMAIN.md §6)."""

from __future__ import annotations

import ast
import inspect
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.core import fees, money
from desktop.core.errors import ValidationError
from desktop.core.money import MAX_YUAN, amount_in_words, format_money, format_yuan, parse_money


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("1,234.5", 123450),
        ("1234.50元", 123450),
        ("１２３４", 123400),
        ("¥1,234.56", 123456),
        ("￥12", 1200),
        (" 12.3 ", 1230),
        ("1.2万元", 1_200_000),
        ("1.2万", 1_200_000),
        ("0.000001万", 1),
        ("3万", 3_000_000),
        ("人民币5,000元", 500_000),
        ("0", 0),
        ("0.05", 5),
        ("1，234．56", 123456),
        ("1,234,567.89", 123456789),
        ("10000000000000", MAX_YUAN * 100),
    ],
)
def test_parse_money(text: str, fen: int) -> None:
    assert parse_money(text) == fen


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "请填写金额"),
        ("   ", "请填写金额"),
        ("-5", "负数"),
        ("－5", "负数"),
        ("¥-5", "负数"),
        ("1.234", "两位小数"),
        ("1.2345678万", "6位小数"),
        ("12a", "不是金额"),
        ("壹佰元", "不是金额"),
        ("1,23", "千分位"),
        ("12,3456", "千分位"),
        ("1.", "小数点后"),
        (".5", "小数点前"),
        ("元", "缺少数字"),
        ("10000000000000.01", "过大"),
        ("1e5", "不是金额"),
        ("1.2.3", "不是金额"),
    ],
)
def test_parse_money_refused(text: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_money(text)
    assert info.value.field == "金额"
    assert fragment in info.value.message


def test_parse_money_field_label() -> None:
    with pytest.raises(ValidationError) as info:
        parse_money("abc", "执行标的")
    assert info.value.field == "执行标的"


@pytest.mark.parametrize(
    ("fen", "text"),
    [(0, "0.00"), (5, "0.05"), (123450, "1,234.50"), (100_000_000, "1,000,000.00"), (-123450, "-1,234.50")],
)
def test_format_money(fen: int, text: str) -> None:
    assert format_money(fen) == text
    assert format_yuan(fen) == text + "元"


@pytest.mark.parametrize(
    ("fen", "words"),
    [
        (140950, "人民币壹仟肆佰零玖元伍角"),
        (168032, "人民币壹仟陆佰捌拾元零叁角贰分"),
        (10700053, "人民币壹拾万柒仟元零伍角叁分"),
        (1000, "人民币壹拾元整"),
        (0, "人民币零元整"),
        (5, "人民币伍分"),
        (50, "人民币伍角"),
        (10_000_000_000, "人民币壹亿元整"),
        (10_000_000_100, "人民币壹亿零壹元整"),
        (1_001_000, "人民币壹万零壹拾元整"),
        (140905, "人民币壹仟肆佰零玖元零伍分"),
        (100_005, "人民币壹仟元零伍分"),
        (100, "人民币壹元整"),
        (101, "人民币壹元零壹分"),
        (325_004_700, "人民币叁佰贰拾伍万零肆拾柒元整"),
        (10_010_000_000, "人民币壹亿零壹拾万元整"),
        (11_000_000_000, "人民币壹亿壹仟万元整"),
        (100_000_000_000_000, "人民币壹万亿元整"),
        (100_010_000_000_000, "人民币壹万零壹亿元整"),
        (600_000_000, "人民币陆佰万元整"),
    ],
)
def test_amount_in_words(fen: int, words: str) -> None:
    assert amount_in_words(fen) == words
    assert amount_in_words(fen, prefix=False) == words.removeprefix("人民币")


def test_amount_in_words_refuses_negative() -> None:
    with pytest.raises(ValueError):
        amount_in_words(-1)


@pytest.mark.parametrize("module", [money, fees])
def test_no_float_anywhere(module: ModuleType) -> None:
    tree = ast.parse(inspect.getsource(module))
    for node in ast.walk(tree):
        assert not (isinstance(node, ast.Constant) and isinstance(node.value, float)), ast.dump(node)
        assert not (isinstance(node, ast.Name) and node.id == "float")
        assert not isinstance(node, ast.Div), "true division produces float"


# ---------------------------------------------------------------- properties

_DIGIT = {ch: i for i, ch in enumerate("零壹贰叁肆伍陆柒捌玖")}
_UNIT = {"拾": 10, "佰": 100, "仟": 1000}


def _words_to_fen(words: str) -> int:
    """An independent reader of 大写 amounts, to check amount_in_words against."""
    assert words.startswith("人民币")
    words = words.removeprefix("人民币")
    total = section = number = 0
    fen = 0
    for ch in words:
        if ch in _DIGIT:
            number = _DIGIT[ch]
        elif ch in _UNIT:
            section += number * _UNIT[ch]
            number = 0
        elif ch == "万":
            section = (section + number) * 10_000
            number = 0
        elif ch == "亿":
            total = (total + section + number) * 10**8
            section = number = 0
        elif ch == "元":
            fen += (total + section + number) * 100
            total = section = number = 0
        elif ch == "角":
            fen += number * 10
            number = 0
        elif ch == "分":
            fen += number
            number = 0
        else:
            assert ch == "整"
    return fen


_amounts = st.integers(0, MAX_YUAN * 100)


@given(_amounts)
def test_words_read_back(fen: int) -> None:
    words = amount_in_words(fen)
    assert _words_to_fen(words) == fen
    assert "零零" not in words
    assert words.endswith(("整", "角", "分"))
    assert words.endswith("整") == (fen % 100 == 0)
    assert not words.removeprefix("人民币").startswith("零") or fen == 0
    assert "零元" not in words or fen == 0
    assert "零整" not in words and "零角" not in words and "零分" not in words


@given(_amounts)
def test_format_parse_round_trip(fen: int) -> None:
    assert parse_money(format_money(fen)) == fen
    assert parse_money(format_yuan(fen)) == fen
    assert parse_money("¥" + format_money(fen).replace(",", "")) == fen


@given(st.integers(0, 10**9 * 100))
def test_wan_round_trip(fen: int) -> None:
    whole, frac = divmod(fen, 1_000_000)
    assert parse_money(f"{whole}.{frac:06d}万") == fen

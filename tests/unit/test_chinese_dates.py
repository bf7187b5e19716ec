"""Dates on documents (二〇二五年六月十三日) and dates as typed (DOMAIN.md §6)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.core.chinese_dates import format_date_cn, format_date_iso, parse_date
from desktop.core.errors import ValidationError


@pytest.mark.parametrize(
    ("d", "text"),
    [
        (date(2025, 6, 13), "二〇二五年六月十三日"),
        (date(2025, 1, 1), "二〇二五年一月一日"),
        (date(2025, 10, 10), "二〇二五年十月十日"),
        (date(2025, 11, 20), "二〇二五年十一月二十日"),
        (date(2025, 12, 31), "二〇二五年十二月三十一日"),
        (date(2000, 2, 29), "二〇〇〇年二月二十九日"),
        (date(2019, 3, 30), "二〇一九年三月三十日"),
    ],
)
def test_format_date_cn(d: date, text: str) -> None:
    assert format_date_cn(d) == text


@pytest.mark.parametrize(
    "text",
    [
        "2025-06-13",
        "2025-6-13",
        "2025/6/13",
        "2025/06/13",
        "2025.6.13",
        "2025年6月13日",
        "2025 年 6 月 13 日",
        "20250613",
        "２０２５－０６－１３",
        "２０２５年６月１３日",
        " 2025-06-13\t",
    ],
)
def test_parse_date(text: str) -> None:
    assert parse_date(text) == date(2025, 6, 13)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "请填写送达日期"),
        ("2025-02-30", "2025年2月没有30日"),
        ("2023-02-29", "2023年2月没有29日"),
        ("2025-13-01", "月份应在1至12之间，实际为13"),
        ("2025-00-10", "月份"),
        ("2025-06-00", "没有0日"),
        ("2025-06-31", "6月没有31日"),
        ("1899-12-31", "1900至2100"),
        ("2025/06-13", "无法识别"),
        ("13/06/2025", "无法识别"),
        ("25-6-13", "无法识别"),
        ("2025年6月13", "无法识别"),
        ("二〇二五年六月十三日", "无法识别"),
        ("2025-06-13 10:00", "无法识别"),
        ("June 13, 2025", "无法识别"),
        ("2025613", "无法识别"),
    ],
)
def test_parse_date_refused(text: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_date(text, "送达日期")
    assert info.value.field == "送达日期"
    assert fragment in info.value.message


_CN = {ch: i for i, ch in enumerate("〇一二三四五六七八九")}


def _counted(text: str) -> int:
    """十 → 10, 二十三 → 23: an independent reader for the month and day."""
    if "十" not in text:
        return _CN[text]
    tens, _, ones = text.partition("十")
    return (_CN[tens] if tens else 1) * 10 + (_CN[ones] if ones else 0)


_dates = st.dates(date(1900, 1, 1), date(2100, 12, 31))


@given(_dates)
def test_cn_reads_back(d: date) -> None:
    text = format_date_cn(d)
    assert "零" not in text and "O" not in text and "0" not in text
    year, rest = text.split("年")
    month, rest = rest.split("月")
    day = rest.removesuffix("日")
    assert int("".join(str(_CN[ch]) for ch in year)) == d.year
    assert _counted(month) == d.month
    assert _counted(day) == d.day


@given(_dates)
def test_typed_forms_round_trip(d: date) -> None:
    assert parse_date(format_date_iso(d)) == d
    assert parse_date(f"{d.year}年{d.month}月{d.day}日") == d
    assert parse_date(f"{d.year}/{d.month}/{d.day}") == d
    assert parse_date(f"{d:%Y%m%d}") == d

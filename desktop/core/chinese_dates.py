"""Dates as court documents print them and as people type them.

DOMAIN.md §6: dates on court documents are written 二〇二五年六月十三日, with 〇 (U+3007) for zero in the
year, never 零 or the letter O; months and days are counted numbers (十, 十一, 二十, 三十一).

Accepted input: 2025-06-13, 2025/6/13, 2025.6.13, 2025年6月13日, 20250613, after NFKC (full-width digits
and punctuation) and with whitespace removed. Years outside 1900..2100 are refused as typing errors.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from desktop.core.errors import ValidationError

YEAR_MIN = 1900
YEAR_MAX = 2100

_DIGITS = "〇一二三四五六七八九"

_PATTERNS = (
    re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})"),
    re.compile(r"([0-9]{4})/([0-9]{1,2})/([0-9]{1,2})"),
    re.compile(r"([0-9]{4})\.([0-9]{1,2})\.([0-9]{1,2})"),
    re.compile(r"([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日"),
    re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})"),
)


def _counted(n: int) -> str:
    """1..31 as a counted number: 一, 十, 十一, 二十, 三十一."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")
    return head + (_DIGITS[ones] if ones else "")


def format_date_cn(d: date) -> str:
    """二〇二五年六月十三日"""
    year = "".join(_DIGITS[int(ch)] for ch in f"{d.year:04d}")
    return f"{year}年{_counted(d.month)}月{_counted(d.day)}日"


def format_date_iso(d: date) -> str:
    """2025-06-13"""
    return d.isoformat()


def parse_date(text: str, field: str = "日期") -> date:
    """Parse a date as typed; raise :class:`ValidationError` saying what is wrong."""
    s = "".join(unicodedata.normalize("NFKC", text).split())
    if not s:
        raise ValidationError(field, f"请填写{field}")
    for pattern in _PATTERNS:
        match = pattern.fullmatch(s)
        if match is not None:
            break
    else:
        raise ValidationError(field, f"无法识别“{s}”，请按2025-06-13、2025/6/13或2025年6月13日的格式填写")
    year, month, day = (int(g) for g in match.groups())
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise ValidationError(field, f"年份应在{YEAR_MIN}至{YEAR_MAX}之间，实际为{year}")
    if not 1 <= month <= 12:
        raise ValidationError(field, f"月份应在1至12之间，实际为{month}")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValidationError(field, f"{year}年{month}月没有{day}日") from None

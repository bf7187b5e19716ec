"""The legal calendar: holiday tables and period arithmetic.

Pure domain code (stdlib only, no Qt, no SQL, no file I/O). What it implements:

- 民事诉讼法 (2023) §85: the starting day is not counted; when the last day of a period is a statutory
  rest day (weekend or holiday) the period ends on the first working day after it; rest days inside a
  period are not deducted. Periods in months or years end on the same-numbered day of the target month,
  or on its last day when it has no such day (民法典 §202).
- 调休: a makeup working weekend day is a working day; a weekday made part of a holiday is a rest day.
- Dates in a year the holiday table does not cover are still computed (weekends only) but marked
  provisional, with the reason in the explanation.
- Effective dates of first-instance judgments and rulings (the day after the last party's appeal period
  ends), 调解书, second-instance / small-claims judgments and 司法确认 rulings (on service).

The holiday table is data: the product seeds it from ``resources/holidays/cn-holidays.json`` and an
administrator imports each new year's State Council notice with :func:`parse_holiday_json` and
:func:`merge`. See ``resources/holidays/README.md`` for the file formats.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Final, Literal, NoReturn, cast

from desktop.core.errors import ValidationError

__all__ = [
    "FORMAT_ID",
    "DocumentKind",
    "EffectiveDate",
    "HolidayDay",
    "HolidayKind",
    "HolidayTable",
    "PeriodEnd",
    "add_days",
    "add_months",
    "add_years",
    "changed_days",
    "effective_date",
    "longest_rest",
    "merge",
    "merged_runs",
    "parse_holiday_json",
    "performance_deadline",
    "to_json",
    "validate_dates",
]

HolidayKind = Literal["rest", "work"]

FORMAT_ID: Final = "tribunal-desk-holidays/1"
"""The ``format`` value of the product's own holiday file."""

_FILE_FIELD: Final = "节假日文件"
_PERIOD_FIELD: Final = "期间"
_SERVICE_FIELD: Final = "送达日期"
_DEADLINE_FIELD: Final = "履行期限"
_EFFECTIVE_FIELD: Final = "生效日期"

_WEEKDAY_NAMES: Final = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
_ONE_DAY: Final = timedelta(days=1)
# From this day of December on, a day's status can still change with the next year's notice.
_YEAR_END_FROM: Final = (12, 29)


# ---------------------------------------------------------------------------------------------------
# Holiday table
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HolidayDay:
    """One exception to the normal Monday–Friday week.

    ``kind`` is ``"rest"`` for a day of a statutory holiday (a weekday made a rest day, or a weekend day
    that belongs to a holiday) and ``"work"`` for a makeup working weekend day (调休上班).
    """

    day: date
    kind: HolidayKind
    name: str


def _sorted_entries(entries: Iterable[HolidayDay]) -> tuple[HolidayDay, ...]:
    return tuple(sorted(entries, key=lambda entry: entry.day))


@dataclass(frozen=True)
class HolidayTable:
    """The official holiday arrangements for a set of years.

    ``entries`` lists only the exceptions to the normal week, sorted by date, at most one per date;
    ``days`` is the same data as a read-only mapping. ``years`` are the years whose State Council notice
    the table carries: a date outside them is still classified (by weekday only), but results that depend
    on it are provisional. ``source`` says where the data came from.
    """

    entries: tuple[HolidayDay, ...] = ()
    years: frozenset[int] = frozenset()
    source: str = ""
    _index: dict[date, HolidayDay] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        entries = _sorted_entries(self.entries)
        index: dict[date, HolidayDay] = {}
        for entry in entries:
            if entry.day in index:
                raise ValueError(f"duplicate holiday entry for {entry.day.isoformat()}")
            index[entry.day] = entry
        object.__setattr__(self, "entries", entries)
        object.__setattr__(self, "years", frozenset(self.years))
        object.__setattr__(self, "_index", index)

    @classmethod
    def from_days(cls, days: Iterable[HolidayDay], years: Iterable[int], source: str = "") -> HolidayTable:
        """Build a table from any iterable of days (sorted for you)."""
        return cls(entries=tuple(days), years=frozenset(years), source=source)

    @property
    def days(self) -> Mapping[date, HolidayDay]:
        """The entries keyed by date (a read-only view)."""
        return MappingProxyType(self._index)

    def entry(self, d: date) -> HolidayDay | None:
        """The table's entry for ``d``, if any."""
        return self._index.get(d)

    def covers(self, d: date) -> bool:
        """Whether the official arrangements for ``d``'s year are in the table."""
        return d.year in self.years

    def pending_years(self, first: date, last: date | None = None) -> list[int]:
        """The years a result depending on the days ``first`` … ``last`` needs and the table lacks.

        Each year of the range, and the next year when the range reaches the last days of December: a
        New Year notice can change them (the 2008 notice made 2007-12-31, a Monday, a rest day and
        2007-12-29 a working Saturday; the 2012 notice made 2011-12-31 a working Saturday).
        """
        last = first if last is None else last
        years = set(range(first.year, last.year + 1))
        if (last.month, last.day) >= _YEAR_END_FROM:
            years.add(last.year + 1)
        return sorted(year for year in years if year not in self.years)

    def is_rest_day(self, d: date) -> bool:
        """A weekend day unless it is a makeup working day; a weekday only if it is a holiday rest day."""
        entry = self._index.get(d)
        if entry is not None:
            return entry.kind == "rest"
        return d.weekday() >= 5

    def is_working_day(self, d: date) -> bool:
        return not self.is_rest_day(d)

    def name_of(self, d: date) -> str | None:
        """The holiday name of ``d`` (e.g. "春节", "国庆节调休"), or None for an ordinary day."""
        entry = self._index.get(d)
        return None if entry is None else entry.name

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after ``d``."""
        candidate = d + _ONE_DAY
        while self.is_rest_day(candidate):
            candidate += _ONE_DAY
        return candidate


def changed_days(before: HolidayTable, after: HolidayTable) -> list[tuple[date, date]]:
    """The runs of days (first, last; sorted, apart) on which a look at ``before`` may be answered
    otherwise than the same look at ``after``: a result computed with ``before`` from looks at other days
    only is the same with ``after``.

    A day whose entry differs (added, dropped, another kind or name) is such a day. So is every day of a
    year whose notice one table carries and the other does not (:meth:`HolidayTable.covers`), and the last
    days of the December before it, whose :meth:`HolidayTable.pending_years` names it.
    """
    days = sorted(
        d for d in before.days.keys() | after.days.keys() if before.days.get(d) != after.days.get(d)
    )
    runs = [(d, d) for d in days]
    for year in before.years ^ after.years:
        runs.append((date(year - 1, *_YEAR_END_FROM), date(year, 12, 31)))
    return merged_runs(runs)


def merged_runs(runs: Iterable[tuple[date, date]]) -> list[tuple[date, date]]:
    """Runs of days (first, last), sorted, those that overlap or meet joined into one."""
    merged: list[tuple[date, date]] = []
    for first, last in sorted(runs):
        if merged and first <= merged[-1][1] + _ONE_DAY:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def longest_rest(table: HolidayTable) -> int:
    """The most rest days in a row the table has (a weekend: 2): a period ending on a rest day is moved
    at most this many days, and :meth:`HolidayTable.next_working_day` looks at most one day more."""
    longest = 2
    for entry in table.entries:  # a longer run holds a rest entry
        if entry.kind != "rest":
            continue
        first = last = entry.day
        while table.is_rest_day(first - _ONE_DAY):
            first -= _ONE_DAY
        while table.is_rest_day(last + _ONE_DAY):
            last += _ONE_DAY
        longest = max(longest, (last - first).days + 1)
    return longest


def merge(base: HolidayTable, incoming: HolidayTable) -> HolidayTable:
    """``base`` updated with ``incoming``.

    For every year ``incoming`` covers, all of ``base``'s entries in that year are dropped and replaced by
    ``incoming``'s. An entry of ``incoming`` outside its years (e.g. 12-31 of the previous year when the New
    Year holiday starts early) replaces ``base``'s entry for that date. The result covers both tables' years.
    """
    incoming_dates = {entry.day for entry in incoming.entries}
    kept = [
        entry
        for entry in base.entries
        if entry.day.year not in incoming.years and entry.day not in incoming_dates
    ]
    return HolidayTable(
        entries=_sorted_entries([*kept, *incoming.entries]),
        years=base.years | incoming.years,
        source=_join_sources([base.source, incoming.source]),
    )


def _join_sources(sources: Iterable[str]) -> str:
    parts: list[str] = []
    for source in sources:
        for part in source.split("；"):
            part = part.strip()
            if part and part not in parts:
                parts.append(part)
    return "；".join(parts)


def to_json(table: HolidayTable) -> str:
    """The table in the product's own format (``tribunal-desk-holidays/1``), one day per line."""
    lines = [
        "{",
        f'  "format": {json.dumps(FORMAT_ID)},',
        f'  "source": {json.dumps(table.source, ensure_ascii=False)},',
        f'  "years": {json.dumps(sorted(table.years))},',
        '  "days": [',
    ]
    last = len(table.entries) - 1
    for i, entry in enumerate(table.entries):
        item = {"date": entry.day.isoformat(), "kind": entry.kind, "name": entry.name}
        lines.append("    " + json.dumps(item, ensure_ascii=False) + ("," if i < last else ""))
    lines += ["  ]", "}"]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------------
# Parsing holiday files
# ---------------------------------------------------------------------------------------------------


class _Obj:
    """A JSON object as parsed: its pairs in document order and where it starts in the text."""

    __slots__ = ("pairs", "pos")

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        self.pairs = pairs
        self.pos = -1


# A JSON string (so braces inside strings are skipped) or an opening brace.
_TOKEN: Final = re.compile(r'"(?:[^"\\]|\\.)*"|\{', re.DOTALL)
_ISO_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

_JSON_REASONS: Final = (
    ("Expecting value", "此处缺少值（或多了一个逗号）"),
    ("Expecting ',' delimiter", "缺少逗号"),
    ("Expecting ':' delimiter", "缺少冒号"),
    ("Expecting property name enclosed in double quotes", "字段名应使用英文双引号（或多了一个逗号）"),
    ("Unterminated string", "字符串缺少结束的双引号"),
    ("Invalid control character", "字符串中有换行符或控制字符"),
    ("Invalid \\escape", "无效的转义字符"),
    ("Invalid \\uXXXX escape", "无效的\\u转义"),
    ("Extra data", "数据结束后还有多余内容"),
)

_OUR_TOP_KEYS: Final = frozenset({"format", "source", "years", "days"})
_OUR_REQUIRED_TOP: Final = ("format", "years", "days")
_OUR_ENTRY_KEYS: Final = ("date", "kind", "name")
_CN_TOP_KEYS: Final = frozenset({"$schema", "$id", "year", "papers", "days"})
_CN_REQUIRED_TOP: Final = ("year", "days")
_CN_ENTRY_KEYS: Final = ("name", "date", "isOffDay")
_MIN_YEAR: Final = 1949
_MAX_YEAR: Final = 2999


class _Refusal(Exception):
    """Internal: a reason to refuse the file, with the position it concerns (-1: none)."""

    def __init__(self, pos: int, reason: str) -> None:
        super().__init__(reason)
        self.pos = pos
        self.reason = reason


def _refuse(pos: int, reason: str) -> NoReturn:
    raise _Refusal(pos, reason)


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _file_error(line: int | None, reason: str) -> ValidationError:
    where = f"第{line}行：" if line is not None else ""
    return ValidationError(_FILE_FIELD, f"{where}{reason}（整个文件未导入）")


def _json_reason(msg: str) -> str:
    for english, chinese in _JSON_REASONS:
        if msg.startswith(english):
            return chinese
    return f"JSON语法错误（{msg}）"


def _load(text: str) -> Any:
    """Parse JSON keeping each object's pairs and start offset."""
    if not text.strip():
        raise _file_error(None, "文件是空的")
    try:
        value = json.loads(text, object_pairs_hook=_Obj)
    except json.JSONDecodeError as exc:
        raise _file_error(exc.lineno, f"不是有效的JSON，第{exc.colno}列{_json_reason(exc.msg)}") from None
    except RecursionError:
        raise _file_error(None, "JSON嵌套层数过多") from None
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        raise _file_error(None, f"不是有效的JSON（{exc}）") from None
    starts = (match.start() for match in _TOKEN.finditer(text) if match.group() == "{")
    _assign_positions(value, starts)
    return value


def _assign_positions(value: Any, starts: Iterator[int]) -> None:
    """Objects in pre-order are the opening braces outside strings, in document order."""
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, _Obj):
            item.pos = next(starts, -1)
            stack.extend(reversed([v for _, v in item.pairs]))
        elif isinstance(item, list):
            stack.extend(reversed(item))


def _fields(obj: _Obj) -> dict[str, Any]:
    """The object's fields; a key given twice is refused."""
    result: dict[str, Any] = {}
    for key, value in obj.pairs:
        if key in result:
            _refuse(obj.pos, f"字段“{key}”重复出现")
        result[key] = value
    return result


def _show(value: Any) -> str:
    """A parsed value as a person would recognise it in the file."""
    if isinstance(value, _Obj):
        return "对象{…}"
    if isinstance(value, list):
        return "列表[…]"
    if isinstance(value, str):
        return f"“{value}”"
    return json.dumps(value, ensure_ascii=False)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_year(pos: int, value: Any, what: str) -> int:
    if not _is_int(value) or not _MIN_YEAR <= value <= _MAX_YEAR:
        _refuse(pos, f"{what}应为{_MIN_YEAR}至{_MAX_YEAR}之间的整数年份，实际为{_show(value)}")
    return cast(int, value)


def _check_top_keys(
    obj: _Obj, fields: Mapping[str, Any], allowed: frozenset[str], required: Sequence[str]
) -> None:
    for key in fields:
        if key not in allowed:
            names = "、".join(sorted(allowed))
            _refuse(obj.pos, f"文件顶层有未知字段“{key}”（允许的字段：{names}）")
    for key in required:
        if key not in fields:
            _refuse(obj.pos, f"文件顶层缺少字段“{key}”")


@dataclass(frozen=True)
class _Parsed:
    """One document of a holiday file: the days with where each entry starts, and the years."""

    days: tuple[tuple[HolidayDay, int], ...]
    years: tuple[int, ...]
    source: str
    pos: int


def _entry_fields(item: Any, index: int, doc: _Obj, keys: Sequence[str]) -> tuple[dict[str, Any], str]:
    """The entry's fields and the label naming it in messages; unknown and missing fields are refused."""
    if not isinstance(item, _Obj):
        _refuse(doc.pos, f"“days”的第{index + 1}项应为对象（{{…}}），实际为{_show(item)}")
    fields = _fields(item)
    raw_date = fields.get("date")
    label = f"日期{raw_date}：" if isinstance(raw_date, str) and raw_date else ""
    for key in fields:
        if key not in keys:
            _refuse(item.pos, f"{label}未知字段“{key}”（允许的字段：{'、'.join(keys)}）")
    for key in keys:
        if key not in fields:
            _refuse(item.pos, f"{label}缺少字段“{key}”")
    return fields, label


def _entry_date(item: _Obj, raw: Any) -> date:
    if not isinstance(raw, str):
        _refuse(item.pos, f"“date”应为字符串，实际为{_show(raw)}")
    if not _ISO_DATE.fullmatch(raw):
        _refuse(item.pos, f"日期“{raw}”格式不对，应为YYYY-MM-DD，例如2025-10-01")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        _refuse(item.pos, f"日期“{raw}”不存在")


def _entry_name(item: _Obj, raw: Any, label: str) -> str:
    if not isinstance(raw, str) or not raw.strip():
        _refuse(item.pos, f"{label}“name”应为非空的节日名称")
    return raw.strip()


def _parse_ours(doc: _Obj, fields: Mapping[str, Any]) -> _Parsed:
    _check_top_keys(doc, fields, _OUR_TOP_KEYS, _OUR_REQUIRED_TOP)
    if fields["format"] != FORMAT_ID:
        _refuse(doc.pos, f"不支持的格式{_show(fields['format'])}（应为“{FORMAT_ID}”）")
    source = fields.get("source", "")
    if not isinstance(source, str):
        _refuse(doc.pos, "“source”应为字符串")
    raw_years = fields["years"]
    if not isinstance(raw_years, list):
        _refuse(doc.pos, "“years”应为年份列表，例如[2025, 2026]")
    years = [_check_year(doc.pos, y, "“years”中的每一项") for y in raw_years]
    for i, year in enumerate(years):
        if year in years[:i]:
            _refuse(doc.pos, f"“years”中{year}年重复")
    raw_days = fields["days"]
    if not isinstance(raw_days, list):
        _refuse(doc.pos, "“days”应为列表")
    days: list[tuple[HolidayDay, int]] = []
    for index, item in enumerate(raw_days):
        entry, label = _entry_fields(item, index, doc, _OUR_ENTRY_KEYS)
        day = _entry_date(item, entry["date"])
        kind = entry["kind"]
        if kind not in ("rest", "work"):
            shown = _show(kind)
            _refuse(item.pos, f"{label}未知类型{shown}（应为“rest”休息日或“work”调休上班日）")
        name = _entry_name(item, entry["name"], label)
        days.append((HolidayDay(day, cast(HolidayKind, kind), name), item.pos))
    return _Parsed(tuple(days), tuple(years), source.strip(), doc.pos)


def _parse_holiday_cn(doc: _Obj, fields: Mapping[str, Any]) -> _Parsed:
    _check_top_keys(doc, fields, _CN_TOP_KEYS, _CN_REQUIRED_TOP)
    year = _check_year(doc.pos, fields["year"], "“year”")
    papers = fields.get("papers", [])
    if not isinstance(papers, list) or not all(isinstance(p, str) for p in papers):
        _refuse(doc.pos, "“papers”应为网址（字符串）列表")
    raw_days = fields["days"]
    if not isinstance(raw_days, list):
        _refuse(doc.pos, "“days”应为列表")
    days: list[tuple[HolidayDay, int]] = []
    for index, item in enumerate(raw_days):
        entry, label = _entry_fields(item, index, doc, _CN_ENTRY_KEYS)
        day = _entry_date(item, entry["date"])
        name = _entry_name(item, entry["name"], label)
        off = entry["isOffDay"]
        if not isinstance(off, bool):
            _refuse(item.pos, f"{label}“isOffDay”应为true或false，实际为{_show(off)}")
        if off:
            days.append((HolidayDay(day, "rest", name), item.pos))
        else:
            work_name = name if name.endswith("调休") else f"{name}调休"
            days.append((HolidayDay(day, "work", work_name), item.pos))
    source = f"holiday-cn {year}"
    if papers:
        source += f"（{'、'.join(papers)}）"
    return _Parsed(tuple(days), (year,), source, doc.pos)


def _check_years_have_data(parsed: _Parsed) -> None:
    allowed = {y + delta for y in parsed.years for delta in (-1, 0, 1)}
    for entry, pos in parsed.days:
        if entry.day.year not in allowed:
            shown = "、".join(f"{y}年" for y in parsed.years) or "无"
            _refuse(pos, f"日期{entry.day.isoformat()}不在文件所列年度（{shown}）及其相邻年份内")
    present = {entry.day.year for entry, _ in parsed.days}
    for year in parsed.years:
        if year not in present:
            _refuse(
                parsed.pos,
                f"{year}年没有任何节假日条目（国务院当年的放假安排可能尚未发布），不能把该年作为已录入年份导入",
            )


def _parse_documents(value: Any, text: str) -> HolidayTable:
    if isinstance(value, list):
        if not value:
            _refuse(-1, "文件是空列表，没有节假日数据")
        documents: list[Any] = value
    elif isinstance(value, _Obj):
        documents = [value]
    else:
        _refuse(-1, "文件顶层应为对象（{…}）或由对象组成的列表（[…]）")
    seen_days: dict[date, int] = {}
    seen_years: dict[int, int] = {}
    entries: list[HolidayDay] = []
    sources: list[str] = []
    for number, doc in enumerate(documents, start=1):
        if not isinstance(doc, _Obj):
            _refuse(-1, f"列表的第{number}项应为对象（{{…}}）")
        fields = _fields(doc)
        if "format" in fields:
            parsed = _parse_ours(doc, fields)
        elif "year" in fields:
            parsed = _parse_holiday_cn(doc, fields)
        else:
            _refuse(doc.pos, "无法识别的格式：应有“format”字段（本软件格式）或“year”字段（holiday-cn格式）")
        for year in parsed.years:
            if year in seen_years:
                _refuse(doc.pos, f"{year}年的数据重复出现（另见第{_line_of(text, seen_years[year])}行）")
            seen_years[year] = doc.pos
        for entry, pos in parsed.days:
            if entry.day in seen_days:
                first = seen_days[entry.day]
                _refuse(pos, f"日期{entry.day.isoformat()}重复（第{_line_of(text, first)}行已有此日期）")
            seen_days[entry.day] = pos
            entries.append(entry)
        _check_years_have_data(parsed)
        sources.append(parsed.source)
    return HolidayTable(
        entries=_sorted_entries(entries),
        years=frozenset(seen_years),
        source=_join_sources(sources),
    )


def parse_holiday_json(text: str) -> HolidayTable:
    """Parse a holiday file: the product's own format, a holiday-cn year file, or a list of such objects.

    The whole file is refused with :class:`ValidationError` (field "节假日文件") naming the line where the
    offending entry starts and the reason: invalid JSON, wrong top-level shape, unknown or missing fields,
    a bad date, an unknown kind, a date given twice, a year given twice, a declared year without any
    entry (a file published before the State Council notice), a date far outside the declared years.
    """
    if text.startswith("\ufeff"):  # a BOM, as Windows Notepad writes
        text = text[1:]
    value = _load(text)
    try:
        return _parse_documents(value, text)
    except _Refusal as refusal:
        line = _line_of(text, refusal.pos) if refusal.pos >= 0 else None
        raise _file_error(line, refusal.reason) from None


# ---------------------------------------------------------------------------------------------------
# Periods (民事诉讼法 §85)
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodEnd:
    """The end of a period.

    ``nominal_end`` is the last day before the rest-day rule, ``end`` the legal last day. ``provisional``
    is true when a date the result depends on lies in a year the holiday table does not cover.
    """

    start: date
    nominal_end: date
    end: date
    provisional: bool
    explanation: str

    @property
    def moved(self) -> bool:
        """Whether the rest-day rule moved the end."""
        return self.end != self.nominal_end


def _check_count(n: int, unit: str, field_name: str) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValidationError(field_name, f"期间的{unit}数应为正整数，实际为{n!r}")


def _too_long(field_name: str) -> ValidationError:
    return ValidationError(field_name, "期间过长，超出可计算的日期范围")


def _uncovered_years(first: date, last: date, table: HolidayTable) -> list[int]:
    return table.pending_years(first, last)


def _provisional_note(years: Sequence[int]) -> str:
    return f"（{'、'.join(f'{y}年' for y in years)}节假日安排未录入，结果为暂定）"


def _rest_reason(d: date, table: HolidayTable) -> str:
    entry = table.entry(d)
    if entry is not None and entry.kind == "rest":
        return f"{entry.name}假期"
    return _WEEKDAY_NAMES[d.weekday()]


def _finish(start: date, nominal: date, table: HolidayTable, head: str, field_name: str) -> PeriodEnd:
    """Apply the rest-day rule to ``nominal`` and explain the result."""
    try:
        end = table.next_working_day(nominal) if table.is_rest_day(nominal) else nominal
    except OverflowError:
        raise _too_long(field_name) from None
    if end == nominal:
        text = f"{head}，届满日{nominal.isoformat()}"
    else:
        reason = _rest_reason(nominal, table)
        text = f"{head}，原届满日{nominal.isoformat()}为{reason}，顺延至{end.isoformat()}"
    uncovered = _uncovered_years(nominal, end, table)
    if uncovered:
        text += _provisional_note(uncovered)
    return PeriodEnd(start=start, nominal_end=nominal, end=end, provisional=bool(uncovered), explanation=text)


def _add_days(start: date, n: int, table: HolidayTable, start_label: str, field_name: str) -> PeriodEnd:
    _check_count(n, "天", field_name)
    try:
        nominal = start + timedelta(days=n)
    except OverflowError:
        raise _too_long(field_name) from None
    return _finish(start, nominal, table, f"自{start_label}{start.isoformat()}起算{n}日", field_name)


def add_days(start: date, n: int, table: HolidayTable) -> PeriodEnd:
    """A period of ``n`` days from ``start`` (not counted): ``start + n``, moved past rest days.

    ``n`` must be at least 1 (ValidationError "期间" otherwise).
    """
    return _add_days(start, n, table, "", _PERIOD_FIELD)


def _month_length(year: int, month: int) -> int:
    first_of_next = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return (first_of_next - _ONE_DAY).day


def _same_day_or_month_end(year: int, month: int, day: int, field_name: str) -> tuple[date, str]:
    """The same-numbered day of the month, or its last day (with a note saying so)."""
    if not 1 <= year <= 9999:
        raise _too_long(field_name)
    length = _month_length(year, month)
    if day <= length:
        return date(year, month, day), ""
    note = f"（{year}年{month}月没有{day}日，以该月最后一日为届满日）"
    return date(year, month, length), note


def add_months(start: date, n: int, table: HolidayTable) -> PeriodEnd:
    """A period of ``n`` months: the same-numbered day ``n`` months later (or that month's last day),
    moved past rest days."""
    _check_count(n, "月", _PERIOD_FIELD)
    year, month0 = divmod(start.year * 12 + start.month - 1 + n, 12)
    nominal, note = _same_day_or_month_end(year, month0 + 1, start.day, _PERIOD_FIELD)
    return _finish(start, nominal, table, f"自{start.isoformat()}起算{n}个月{note}", _PERIOD_FIELD)


def add_years(start: date, n: int, table: HolidayTable) -> PeriodEnd:
    """A period of ``n`` years: the same date ``n`` years later (29 February → 28 February), moved past
    rest days."""
    _check_count(n, "年", _PERIOD_FIELD)
    nominal, note = _same_day_or_month_end(start.year + n, start.month, start.day, _PERIOD_FIELD)
    return _finish(start, nominal, table, f"自{start.isoformat()}起算{n}年{note}", _PERIOD_FIELD)


# ---------------------------------------------------------------------------------------------------
# Effective dates and performance deadlines
# ---------------------------------------------------------------------------------------------------


class DocumentKind(StrEnum):
    """Kinds of legal document, by how they take effect."""

    JUDGMENT = "判决"  # first instance: 15-day appeal period
    RULING = "裁定"  # appealable first-instance ruling: 10-day appeal period
    MEDIATION = "调解书"  # effective when the last party signs for it
    SECOND_INSTANCE = "二审判决"  # effective on service
    SMALL_CLAIMS = "小额诉讼判决"  # final at first instance: effective on service
    JUDICIAL_CONFIRMATION = "司法确认裁定"  # effective on service
    SPECIAL_PROCEDURE = "特别程序裁判"  # 一审终审 (§185): effective on service
    SECOND_INSTANCE_RULING = "二审裁定"  # final: effective on service
    SMALL_CLAIMS_RULING = "小额诉讼裁定"  # 一审终审 (§165): effective on service
    FINAL_RULING = "不可上诉的裁定"  # not one of §157's three appealable kinds: effective on service

    @property
    def appeal_days(self) -> int | None:
        """The statutory appeal period in days, or None when the document is effective on service."""
        return _APPEAL_DAYS.get(self)


_APPEAL_DAYS: Final[Mapping[DocumentKind, int]] = MappingProxyType(
    {DocumentKind.JUDGMENT: 15, DocumentKind.RULING: 10}
)

_ON_SERVICE_TEXT: Final[Mapping[DocumentKind, str]] = MappingProxyType(
    {
        DocumentKind.MEDIATION: "调解书经双方当事人签收后生效",
        DocumentKind.SECOND_INSTANCE: "二审判决为终审判决，送达后生效",
        DocumentKind.SMALL_CLAIMS: "小额诉讼实行一审终审，判决送达后生效",
        DocumentKind.JUDICIAL_CONFIRMATION: "司法确认裁定送达双方当事人后生效",
        DocumentKind.SPECIAL_PROCEDURE: (
            "依照特别程序审理的案件实行一审终审（民事诉讼法第一百八十五条），裁判送达后生效"
        ),
        DocumentKind.SECOND_INSTANCE_RULING: "二审裁定为终审裁定，送达后生效",
        DocumentKind.SMALL_CLAIMS_RULING: "小额诉讼实行一审终审（民事诉讼法第一百六十五条），裁定送达后生效",
        DocumentKind.FINAL_RULING: (
            "可以上诉的裁定只有不予受理、对管辖权有异议和驳回起诉的裁定（民事诉讼法第一百五十七条），"
            "其他裁定送达后生效"
        ),
    }
)


@dataclass(frozen=True)
class EffectiveDate:
    """When a document takes effect.

    ``appeal_deadlines`` has one entry per service date (same order) for appealable kinds, and is empty
    for documents effective on service. The effective date of an appealable document assumes no party
    appeals.
    """

    kind: DocumentKind
    effective: date
    provisional: bool
    explanation: str
    appeal_deadlines: tuple[PeriodEnd, ...] = ()

    @property
    def last_appeal_deadline(self) -> date | None:
        return max((d.end for d in self.appeal_deadlines), default=None)


def effective_date(
    kind: DocumentKind,
    service_dates: Sequence[date],
    table: HolidayTable,
    *,
    appeal_days: int | None = None,
) -> EffectiveDate:
    """The effective date of a document served on each party on ``service_dates``.

    Judgments and rulings: each party's appeal period runs from its own date of service; the document
    takes effect the day after the last of them ends (if nobody appeals). ``appeal_days`` overrides the
    statutory period (e.g. 30 days for a party without a domicile in China). 调解书: the day the last party
    signs. Second-instance, small-claims and 司法确认: the day of (the last) service.
    """
    if not service_dates:
        raise ValidationError(_SERVICE_FIELD, "至少需要一个送达日期")
    if appeal_days is not None and kind.appeal_days is None:
        raise ValueError(f"{kind.value} takes effect on service: appeal_days does not apply")
    days = appeal_days if appeal_days is not None else kind.appeal_days
    last_served = max(service_dates)
    if days is None:
        if len(service_dates) == 1:
            text = f"{_ON_SERVICE_TEXT[kind]}，送达日期为{last_served.isoformat()}"
        else:
            text = f"{_ON_SERVICE_TEXT[kind]}，最后一方当事人的送达日期为{last_served.isoformat()}"
        return EffectiveDate(kind=kind, effective=last_served, provisional=False, explanation=text)

    deadlines = tuple(_add_days(served, days, table, "送达之日", _PERIOD_FIELD) for served in service_dates)
    latest = max(deadlines, key=lambda d: d.end)
    effective = latest.end + _ONE_DAY
    provisional = any(d.provisional for d in deadlines)
    head = f"{kind.value}上诉期{days}日"
    if len(deadlines) == 1:
        text = (
            f"{head}：{latest.explanation}。未上诉的，{kind.value}于上诉期届满次日{effective.isoformat()}生效"
        )
    else:
        parts = "；".join(
            f"当事人{i}（{d.start.isoformat()}送达）至{d.end.isoformat()}" for i, d in enumerate(deadlines, 1)
        )
        text = (
            f"{head}，自各方当事人收到之日分别起算：{parts}。最后届满日为{latest.end.isoformat()}，"
            f"各方均未上诉的，{kind.value}于次日{effective.isoformat()}生效"
        )
        uncovered = sorted(
            {year for d in deadlines for year in _uncovered_years(d.nominal_end, d.end, table)}
        )
        if uncovered:
            text += _provisional_note(uncovered)
    return EffectiveDate(
        kind=kind, effective=effective, provisional=provisional, explanation=text, appeal_deadlines=deadlines
    )


def performance_deadline(effective: date, days: int, table: HolidayTable) -> PeriodEnd:
    """The last day of "生效之日起N日内": N days from the effective date (not counted), moved past rest days.

    Served 2025-01-17 → effective 2025-02-06 → 10 days → 2025-02-16 (Sunday) → 2025-02-17.
    """
    return _add_days(effective, days, table, "生效之日", _DEADLINE_FIELD)


def validate_dates(
    service_dates: Sequence[date],
    effective: date | None,
    deadline: date | None,
    judgment_date: date | None,
) -> None:
    """Refuse impossible combinations of a case's dates (ValidationError naming the field).

    A document cannot be served before it is made nor after it took effect; it cannot take effect
    before it is made; the performance deadline cannot be before the judgment or effective date.
    """
    for served in service_dates:
        if judgment_date is not None and served < judgment_date:
            raise ValidationError(
                _SERVICE_FIELD,
                f"送达日期{served.isoformat()}早于裁判日期{judgment_date.isoformat()}，文书作出前不能送达",
            )
        if effective is not None and served > effective:
            raise ValidationError(
                _SERVICE_FIELD,
                f"送达日期{served.isoformat()}晚于生效日期{effective.isoformat()}，文书不能在生效之后才送达，请核对",
            )
    if effective is not None and judgment_date is not None and effective < judgment_date:
        raise ValidationError(
            _EFFECTIVE_FIELD,
            f"生效日期{effective.isoformat()}早于裁判日期{judgment_date.isoformat()}",
        )
    if deadline is not None:
        if judgment_date is not None and deadline < judgment_date:
            raise ValidationError(
                _DEADLINE_FIELD,
                f"履行期限{deadline.isoformat()}早于裁判日期{judgment_date.isoformat()}",
            )
        if effective is not None and deadline < effective:
            raise ValidationError(
                _DEADLINE_FIELD,
                f"履行期限{deadline.isoformat()}早于生效日期{effective.isoformat()}",
            )

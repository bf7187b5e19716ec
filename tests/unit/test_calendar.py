"""The legal calendar, against the real 2024–2026 holiday arrangements in the seed file."""

from __future__ import annotations

import copy
import dataclasses
import json
import pickle
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.core.calendar import (
    FORMAT_ID,
    DocumentKind,
    HolidayDay,
    HolidayKind,
    HolidayTable,
    add_days,
    add_months,
    add_years,
    changed_days,
    effective_date,
    longest_rest,
    merge,
    parse_holiday_json,
    performance_deadline,
    to_json,
    validate_dates,
)
from desktop.core.errors import ValidationError

SEED_PATH = Path(__file__).resolve().parents[2] / "resources" / "holidays" / "cn-holidays.json"
SEED_TEXT = SEED_PATH.read_text(encoding="utf-8")
TABLE = parse_holiday_json(SEED_TEXT)

D = date.fromisoformat


def _days(first: str, last: str) -> list[date]:
    start, stop = D(first), D(last)
    return [start + timedelta(days=i) for i in range((stop - start).days + 1)]


# ---------------------------------------------------------------------------------------------------
# The seed data
# ---------------------------------------------------------------------------------------------------

# The State Council notices (国务院办公厅关于2024/2025/2026年部分节假日安排的通知), transcribed by hand:
# the holiday spans (weekends inside included) and the makeup working days.
NOTICES: dict[int, tuple[list[tuple[str, str]], list[str]]] = {
    2024: (
        [
            ("2024-01-01", "2024-01-01"),
            ("2024-02-10", "2024-02-17"),
            ("2024-04-04", "2024-04-06"),
            ("2024-05-01", "2024-05-05"),
            ("2024-06-10", "2024-06-10"),
            ("2024-09-15", "2024-09-17"),
            ("2024-10-01", "2024-10-07"),
        ],
        [
            "2024-02-04",
            "2024-02-18",
            "2024-04-07",
            "2024-04-28",
            "2024-05-11",
            "2024-09-14",
            "2024-09-29",
            "2024-10-12",
        ],
    ),
    2025: (
        [
            ("2025-01-01", "2025-01-01"),
            ("2025-01-28", "2025-02-04"),
            ("2025-04-04", "2025-04-06"),
            ("2025-05-01", "2025-05-05"),
            ("2025-05-31", "2025-06-02"),
            ("2025-10-01", "2025-10-08"),
        ],
        ["2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"],
    ),
    2026: (
        [
            ("2026-01-01", "2026-01-03"),
            ("2026-02-15", "2026-02-23"),
            ("2026-04-04", "2026-04-06"),
            ("2026-05-01", "2026-05-05"),
            ("2026-06-19", "2026-06-21"),
            ("2026-09-25", "2026-09-27"),
            ("2026-10-01", "2026-10-07"),
        ],
        ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"],
    ),
}


def test_seed_covers_2020_through_2026() -> None:
    assert TABLE.years == frozenset(range(2020, 2027))
    assert "chinesecalendar" in TABLE.source


def test_seed_file_is_in_canonical_form() -> None:
    assert to_json(TABLE) == SEED_TEXT


@pytest.mark.parametrize("year", sorted(NOTICES))
def test_seed_matches_the_state_council_notice(year: int) -> None:
    spans, makeup = NOTICES[year]
    rest = {d for first, last in spans for d in _days(first, last)}
    work = {D(s) for s in makeup}
    for d in _days(f"{year}-01-01", f"{year}-12-31"):
        expected_rest = d in rest or (d.weekday() >= 5 and d not in work)
        assert TABLE.is_rest_day(d) is expected_rest, d
        assert TABLE.is_working_day(d) is not expected_rest, d
    for d in work:
        assert d.weekday() >= 5, "a makeup working day is always a weekend day"
        assert TABLE.days[d].kind == "work"
        assert TABLE.days[d].name.endswith("调休")


def test_seed_lists_only_exceptions_with_names() -> None:
    for entry in TABLE.entries:
        assert entry.name
        if entry.kind == "work":
            assert entry.day.weekday() >= 5
    assert list(TABLE.entries) == sorted(TABLE.entries, key=lambda e: e.day)


# ---------------------------------------------------------------------------------------------------
# The table
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "rest", "name"),
    [
        ("2025-02-08", False, "春节调休"),  # makeup Saturday
        ("2025-01-26", False, "春节调休"),  # makeup Sunday
        ("2025-02-01", True, "春节"),  # Saturday inside the Spring Festival
        ("2025-02-04", True, "春节"),  # Tuesday made a rest day
        ("2025-10-06", True, "中秋节"),
        ("2025-10-08", True, "国庆节"),
        ("2025-10-09", False, None),
        ("2025-02-09", True, None),  # ordinary Sunday
        ("2025-02-10", False, None),  # ordinary Monday
        ("2027-01-01", False, None),  # not covered: a Friday, weekends only
        ("2027-01-02", True, None),
    ],
)
def test_rest_days_and_names(day: str, rest: bool, name: str | None) -> None:
    d = D(day)
    assert TABLE.is_rest_day(d) is rest
    assert TABLE.is_working_day(d) is not rest
    assert TABLE.name_of(d) == name


def test_covers_and_next_working_day() -> None:
    assert TABLE.covers(D("2020-01-01"))
    assert TABLE.covers(D("2026-12-31"))
    assert not TABLE.covers(D("2019-12-31"))
    assert not TABLE.covers(D("2027-01-01"))
    assert TABLE.next_working_day(D("2025-01-27")) == D("2025-02-05")
    assert TABLE.next_working_day(D("2025-02-07")) == D("2025-02-08")  # makeup Saturday
    assert TABLE.next_working_day(D("2025-02-10")) == D("2025-02-11")  # strictly after


def test_pending_years() -> None:
    assert TABLE.pending_years(D("2026-12-28")) == []
    assert TABLE.pending_years(D("2026-12-29")) == [2027]  # the 2027 notice may still move it
    assert TABLE.pending_years(D("2026-12-31")) == [2027]
    assert TABLE.pending_years(D("2025-12-31")) == []  # 2026 is in the table
    assert TABLE.pending_years(D("2019-06-01")) == [2019]
    assert TABLE.pending_years(D("2019-12-31"), D("2020-01-02")) == [2019]
    assert TABLE.pending_years(D("2026-12-20"), D("2027-01-04")) == [2027]


def test_table_is_frozen_and_hashable() -> None:
    assert hash(TABLE) == hash(parse_holiday_json(SEED_TEXT))
    assert pickle.loads(pickle.dumps(TABLE)) == TABLE
    assert copy.deepcopy(TABLE).is_working_day(D("2025-02-08"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        TABLE.years = frozenset()  # type: ignore[misc]
    with pytest.raises(TypeError):
        TABLE.days[D("2025-03-03")] = HolidayDay(D("2025-03-03"), "rest", "x")  # type: ignore[index]
    with pytest.raises(ValueError, match="duplicate"):
        HolidayTable(entries=(HolidayDay(D("2025-01-01"), "rest", "元旦"),) * 2, years=frozenset({2025}))
    unsorted = HolidayTable.from_days(
        [HolidayDay(D("2025-02-08"), "work", "春节调休"), HolidayDay(D("2025-01-01"), "rest", "元旦")], [2025]
    )
    assert [e.day for e in unsorted.entries] == [D("2025-01-01"), D("2025-02-08")]


# ---------------------------------------------------------------------------------------------------
# add_days
# ---------------------------------------------------------------------------------------------------

DAY_CASES: list[tuple[str, int, str, str, bool]] = [
    # the worked chain of DOMAIN.md §2
    ("2025-01-17", 15, "2025-02-01", "2025-02-05", False),
    ("2025-02-06", 10, "2025-02-16", "2025-02-17", False),
    # 国庆节、中秋节 2025: 10-01 … 10-08 off, so each of them ends on 10-09
    *[
        ((d - timedelta(days=10)).isoformat(), 10, d.isoformat(), "2025-10-09", False)
        for d in _days("2025-10-01", "2025-10-08")
    ],
    ("2025-09-29", 10, "2025-10-09", "2025-10-09", False),
    # makeup working weekend days stay
    ("2025-01-29", 10, "2025-02-08", "2025-02-08", False),
    ("2025-09-18", 10, "2025-09-28", "2025-09-28", False),
    ("2025-10-01", 10, "2025-10-11", "2025-10-11", False),
    # 2026 Spring Festival: 02-15 … 02-23 off
    *[
        ((d - timedelta(days=15)).isoformat(), 15, d.isoformat(), "2026-02-24", False)
        for d in _days("2026-02-15", "2026-02-23")
    ],
    ("2026-02-04", 10, "2026-02-14", "2026-02-14", False),
    ("2026-02-18", 10, "2026-02-28", "2026-02-28", False),
    # 2024: the last day of the Spring Festival is followed by a makeup Sunday
    ("2024-02-02", 15, "2024-02-17", "2024-02-18", False),
    ("2024-09-16", 15, "2024-10-01", "2024-10-08", False),
    # across New Year 2026: 01-01 … 01-03 off, 01-04 (Sunday) a makeup working day
    ("2025-12-17", 15, "2026-01-01", "2026-01-04", False),
    # rest days inside the period are not deducted
    ("2025-09-30", 15, "2025-10-15", "2025-10-15", False),
    # the end of the covered data, and beyond: the last days of December depend on the next year's
    # notice too (the 2008 notice made 2007-12-31 a rest day, the 2012 one 2011-12-31 a working day)
    ("2026-12-13", 15, "2026-12-28", "2026-12-28", False),
    ("2026-12-14", 15, "2026-12-29", "2026-12-29", True),
    ("2026-12-16", 15, "2026-12-31", "2026-12-31", True),
    ("2025-12-16", 15, "2025-12-31", "2025-12-31", False),  # 2026 is in the table
    ("2026-12-17", 15, "2027-01-01", "2027-01-01", True),
    ("2026-12-18", 15, "2027-01-02", "2027-01-04", True),
    ("2019-12-01", 15, "2019-12-16", "2019-12-16", True),
]


@pytest.mark.parametrize(("start", "n", "nominal", "end", "provisional"), DAY_CASES)
def test_add_days(start: str, n: int, nominal: str, end: str, provisional: bool) -> None:
    result = add_days(D(start), n, TABLE)
    assert result.start == D(start)
    assert result.nominal_end == D(nominal)
    assert result.end == D(end)
    assert result.provisional is provisional
    assert result.moved is (nominal != end)
    assert ("结果为暂定" in result.explanation) is provisional


@pytest.mark.parametrize(
    ("start", "n", "explanation"),
    [
        ("2025-01-17", 15, "自2025-01-17起算15日，原届满日2025-02-01为春节假期，顺延至2025-02-05"),
        ("2025-02-06", 10, "自2025-02-06起算10日，原届满日2025-02-16为星期日，顺延至2025-02-17"),
        ("2025-02-04", 10, "自2025-02-04起算10日，届满日2025-02-14"),
        ("2025-09-26", 10, "自2025-09-26起算10日，原届满日2025-10-06为中秋节假期，顺延至2025-10-09"),
        (
            "2026-12-17",
            15,
            "自2026-12-17起算15日，届满日2027-01-01（2027年节假日安排未录入，结果为暂定）",
        ),
        (
            "2026-12-16",
            15,
            "自2026-12-16起算15日，届满日2026-12-31（2027年节假日安排未录入，结果为暂定）",
        ),
        (
            "2026-12-18",
            15,
            "自2026-12-18起算15日，原届满日2027-01-02为星期六，顺延至2027-01-04（2027年节假日安排未录入，结果为暂定）",
        ),
    ],
)
def test_add_days_explanation(start: str, n: int, explanation: str) -> None:
    assert add_days(D(start), n, TABLE).explanation == explanation


@pytest.mark.parametrize("n", [0, -1, -15])
def test_add_days_refuses_a_count_below_one(n: int) -> None:
    with pytest.raises(ValidationError) as err:
        add_days(D("2025-01-17"), n, TABLE)
    assert err.value.field == "期间"
    assert "正整数" in err.value.message


def test_add_days_refuses_a_bool_and_dates_beyond_the_calendar() -> None:
    with pytest.raises(ValidationError):
        add_days(D("2025-01-17"), True, TABLE)
    with pytest.raises(ValidationError, match="期间过长"):
        add_days(D("9999-12-20"), 30, TABLE)
    # 9999-12-31 is a Friday: the last computable end
    assert add_days(D("9999-12-30"), 1, HolidayTable()).end == D("9999-12-31")
    last_friday_off = HolidayTable.from_days([HolidayDay(D("9999-12-31"), "rest", "假日")], [9999])
    with pytest.raises(ValidationError, match="期间过长"):
        add_days(D("9999-12-30"), 1, last_friday_off)


# ---------------------------------------------------------------------------------------------------
# add_months / add_years
# ---------------------------------------------------------------------------------------------------

MONTH_CASES: list[tuple[str, int, str, str, bool]] = [
    ("2025-01-31", 1, "2025-02-28", "2025-02-28", False),
    ("2024-01-31", 1, "2024-02-29", "2024-02-29", False),  # leap year
    ("2025-03-31", 1, "2025-04-30", "2025-04-30", False),
    ("2025-08-31", 1, "2025-09-30", "2025-09-30", False),
    ("2025-03-31", 2, "2025-05-31", "2025-06-03", False),  # 端午: 05-31 … 06-02 off
    ("2025-12-31", 1, "2026-01-31", "2026-02-02", False),  # a Saturday
    ("2025-07-31", 12, "2026-07-31", "2026-07-31", False),
    ("2025-09-08", 1, "2025-10-08", "2025-10-09", False),  # 执前督促 one month over 国庆节
    ("2025-09-30", 1, "2025-10-30", "2025-10-30", False),  # same-numbered day, not month end
    ("2026-12-31", 1, "2027-01-31", "2027-02-01", True),
]


@pytest.mark.parametrize(("start", "n", "nominal", "end", "provisional"), MONTH_CASES)
def test_add_months(start: str, n: int, nominal: str, end: str, provisional: bool) -> None:
    result = add_months(D(start), n, TABLE)
    assert (result.nominal_end, result.end, result.provisional) == (D(nominal), D(end), provisional)


def test_add_months_explains_the_month_end() -> None:
    assert add_months(D("2025-01-31"), 1, TABLE).explanation == (
        "自2025-01-31起算1个月（2025年2月没有31日，以该月最后一日为届满日），届满日2025-02-28"
    )
    assert add_months(D("2025-03-31"), 2, TABLE).explanation == (
        "自2025-03-31起算2个月，原届满日2025-05-31为端午节假期，顺延至2025-06-03"
    )


YEAR_CASES: list[tuple[str, int, str, str, bool]] = [
    ("2025-02-17", 2, "2027-02-17", "2027-02-17", True),  # 2-year application period (§250)
    ("2024-02-29", 1, "2025-02-28", "2025-02-28", False),
    ("2023-10-01", 2, "2025-10-01", "2025-10-09", False),
    ("2024-05-31", 1, "2025-05-31", "2025-06-03", False),
    ("2024-10-09", 2, "2026-10-09", "2026-10-09", False),
]


@pytest.mark.parametrize(("start", "n", "nominal", "end", "provisional"), YEAR_CASES)
def test_add_years(start: str, n: int, nominal: str, end: str, provisional: bool) -> None:
    result = add_years(D(start), n, TABLE)
    assert (result.nominal_end, result.end, result.provisional) == (D(nominal), D(end), provisional)


def test_add_months_and_years_refuse_bad_counts() -> None:
    for func in (add_months, add_years):
        with pytest.raises(ValidationError) as err:
            func(D("2025-01-31"), 0, TABLE)
        assert err.value.field == "期间"
    with pytest.raises(ValidationError, match="期间过长"):
        add_years(D("2025-01-01"), 8000, TABLE)
    with pytest.raises(ValidationError, match="期间过长"):
        add_months(D("2025-01-01"), 12 * 8000, TABLE)


# ---------------------------------------------------------------------------------------------------
# Effective dates and performance deadlines
# ---------------------------------------------------------------------------------------------------


def test_worked_chain_of_domain_md() -> None:
    effective = effective_date(DocumentKind.JUDGMENT, [D("2025-01-17")], TABLE)
    assert [d.end for d in effective.appeal_deadlines] == [D("2025-02-05")]
    assert effective.appeal_deadlines[0].nominal_end == D("2025-02-01")
    assert effective.effective == D("2025-02-06")
    assert not effective.provisional
    assert effective.explanation == (
        "判决上诉期15日：自送达之日2025-01-17起算15日，原届满日2025-02-01为春节假期，顺延至2025-02-05。"
        "未上诉的，判决于上诉期届满次日2025-02-06生效"
    )
    deadline = performance_deadline(effective.effective, 10, TABLE)
    assert deadline.nominal_end == D("2025-02-16")
    assert deadline.end == D("2025-02-17")
    assert (
        deadline.explanation == "自生效之日2025-02-06起算10日，原届满日2025-02-16为星期日，顺延至2025-02-17"
    )


@pytest.mark.parametrize(
    ("kind", "served", "deadlines", "effective"),
    [
        (DocumentKind.JUDGMENT, ["2025-01-17", "2025-01-25"], ["2025-02-05", "2025-02-10"], "2025-02-11"),
        (DocumentKind.JUDGMENT, ["2025-01-25", "2025-01-17"], ["2025-02-10", "2025-02-05"], "2025-02-11"),
        (DocumentKind.JUDGMENT, ["2025-01-17", "2025-01-20"], ["2025-02-05", "2025-02-05"], "2025-02-06"),
        (DocumentKind.RULING, ["2025-09-21"], ["2025-10-09"], "2025-10-10"),
        (DocumentKind.RULING, ["2025-01-29"], ["2025-02-08"], "2025-02-09"),  # effective on a Sunday: fine
        (DocumentKind.MEDIATION, ["2025-03-05", "2025-03-03"], [], "2025-03-05"),
        (DocumentKind.SECOND_INSTANCE, ["2025-10-01"], [], "2025-10-01"),
        (DocumentKind.SMALL_CLAIMS, ["2025-06-03", "2025-06-04"], [], "2025-06-04"),
        (DocumentKind.JUDICIAL_CONFIRMATION, ["2025-02-01"], [], "2025-02-01"),
    ],
)
def test_effective_date(kind: DocumentKind, served: list[str], deadlines: list[str], effective: str) -> None:
    result = effective_date(kind, [D(s) for s in served], TABLE)
    assert result.kind is kind
    assert [d.end for d in result.appeal_deadlines] == [D(s) for s in deadlines]
    assert [d.start for d in result.appeal_deadlines] == ([D(s) for s in served] if deadlines else [])
    assert result.effective == D(effective)
    assert not result.provisional
    assert result.last_appeal_deadline == (max(D(s) for s in deadlines) if deadlines else None)
    assert effective in result.explanation


def test_effective_date_with_several_parties_explains_each() -> None:
    result = effective_date(DocumentKind.JUDGMENT, [D("2025-01-17"), D("2025-01-25")], TABLE)
    assert "当事人1（2025-01-17送达）至2025-02-05" in result.explanation
    assert "当事人2（2025-01-25送达）至2025-02-10" in result.explanation
    assert "判决于次日2025-02-11生效" in result.explanation


def test_effective_date_beyond_the_data_is_provisional() -> None:
    single = effective_date(DocumentKind.JUDGMENT, [D("2026-12-20")], TABLE)
    assert single.appeal_deadlines[0].nominal_end == D("2027-01-04")
    assert single.effective == D("2027-01-05")
    assert single.provisional
    assert "（2027年节假日安排未录入，结果为暂定）" in single.explanation
    several = effective_date(DocumentKind.JUDGMENT, [D("2026-12-01"), D("2026-12-20")], TABLE)
    assert several.provisional
    assert several.explanation.endswith("（2027年节假日安排未录入，结果为暂定）")


def test_effective_date_appeal_days_override() -> None:
    result = effective_date(DocumentKind.JUDGMENT, [D("2025-09-01")], TABLE, appeal_days=30)
    assert result.appeal_deadlines[0].end == D("2025-10-09")
    assert result.effective == D("2025-10-10")
    with pytest.raises(ValueError, match="on service"):
        effective_date(DocumentKind.MEDIATION, [D("2025-09-01")], TABLE, appeal_days=30)


@pytest.mark.parametrize("kind", list(DocumentKind))
def test_effective_date_refuses_no_service_date(kind: DocumentKind) -> None:
    with pytest.raises(ValidationError) as err:
        effective_date(kind, [], TABLE)
    assert err.value.field == "送达日期"


def test_document_kinds() -> None:
    assert [k.value for k in DocumentKind] == [
        "判决",
        "裁定",
        "调解书",
        "二审判决",
        "小额诉讼判决",
        "司法确认裁定",
        "特别程序裁判",
        "二审裁定",
        "小额诉讼裁定",
        "不可上诉的裁定",
    ]
    assert DocumentKind.JUDGMENT.appeal_days == 15
    assert DocumentKind.RULING.appeal_days == 10
    assert DocumentKind.MEDIATION.appeal_days is None
    assert DocumentKind("判决") is DocumentKind.JUDGMENT


def test_performance_deadline_refuses_a_count_below_one() -> None:
    with pytest.raises(ValidationError) as err:
        performance_deadline(D("2025-02-06"), 0, TABLE)
    assert err.value.field == "履行期限"


# ---------------------------------------------------------------------------------------------------
# validate_dates
# ---------------------------------------------------------------------------------------------------


def test_validate_dates_accepts_a_consistent_case() -> None:
    validate_dates([D("2025-01-17"), D("2025-01-20")], D("2025-02-06"), D("2025-02-17"), D("2025-01-10"))
    validate_dates([D("2025-02-06")], D("2025-02-06"), D("2025-02-06"), D("2025-02-06"))  # same day is fine
    validate_dates([], None, None, None)


@pytest.mark.parametrize(
    ("service", "effective", "deadline", "judgment", "field", "fragment"),
    [
        (["2025-02-07"], "2025-02-06", None, None, "送达日期", "送达日期2025-02-07晚于生效日期2025-02-06"),
        (["2025-01-09"], None, None, "2025-01-10", "送达日期", "送达日期2025-01-09早于裁判日期2025-01-10"),
        ([], "2025-02-06", "2025-02-05", None, "履行期限", "履行期限2025-02-05早于生效日期2025-02-06"),
        ([], None, "2025-01-09", "2025-01-10", "履行期限", "履行期限2025-01-09早于裁判日期2025-01-10"),
        ([], "2025-01-09", None, "2025-01-10", "生效日期", "生效日期2025-01-09早于裁判日期2025-01-10"),
    ],
)
def test_validate_dates_refuses(
    service: list[str],
    effective: str | None,
    deadline: str | None,
    judgment: str | None,
    field: str,
    fragment: str,
) -> None:
    def opt(s: str | None) -> date | None:
        return None if s is None else D(s)

    with pytest.raises(ValidationError) as err:
        validate_dates([D(s) for s in service], opt(effective), opt(deadline), opt(judgment))
    assert err.value.field == field
    assert fragment in err.value.message
    assert str(err.value).startswith(f"{field}：")


# ---------------------------------------------------------------------------------------------------
# Importing holiday files
# ---------------------------------------------------------------------------------------------------

# A hypothetical 2027 file in holiday-cn format (not the real 2027 notice, which is not in the seed).
HYPOTHETICAL_2027 = """{
    "$schema": "https://raw.githubusercontent.com/NateScarlet/holiday-cn/master/schema.json",
    "$id": "https://raw.githubusercontent.com/NateScarlet/holiday-cn/master/2027.json",
    "year": 2027,
    "papers": ["https://www.gov.cn/example"],
    "days": [
        {
            "name": "元旦",
            "date": "2027-01-01",
            "isOffDay": true
        },
        {
            "name": "元旦",
            "date": "2027-01-02",
            "isOffDay": true
        },
        {
            "name": "元旦",
            "date": "2027-01-03",
            "isOffDay": true
        }
    ]
}
"""

# holiday-cn's real 2020.json (dates only, one entry per line): 国务院办公厅 notices of 2019-11-21 and
# 2020-01-27 (the Spring Festival extended to 02-02).
HOLIDAY_CN_2020_DAYS = [
    ("元旦", "2020-01-01", True),
    ("春节", "2020-01-19", False),
    *[("春节", d.isoformat(), True) for d in _days("2020-01-24", "2020-02-02")],
    *[("清明节", d.isoformat(), True) for d in _days("2020-04-04", "2020-04-06")],
    ("劳动节", "2020-04-26", False),
    *[("劳动节", d.isoformat(), True) for d in _days("2020-05-01", "2020-05-05")],
    ("劳动节", "2020-05-09", False),
    *[("端午节", d.isoformat(), True) for d in _days("2020-06-25", "2020-06-27")],
    ("端午节", "2020-06-28", False),
    ("国庆节、中秋节", "2020-09-27", False),
    *[("国庆节、中秋节", d.isoformat(), True) for d in _days("2020-10-01", "2020-10-08")],
    ("国庆节、中秋节", "2020-10-10", False),
]


def _holiday_cn(year: int, days: list[tuple[str, str, bool]]) -> str:
    items = ",\n".join(
        "    " + json.dumps({"name": n, "date": d, "isOffDay": off}, ensure_ascii=False) for n, d, off in days
    )
    return f'{{\n  "year": {year},\n  "papers": [],\n  "days": [\n{items}\n  ]\n}}'


def test_an_import_changes_a_result() -> None:
    before = add_days(D("2026-12-17"), 15, TABLE)
    assert (before.end, before.provisional) == (D("2027-01-01"), True)
    incoming = parse_holiday_json(HYPOTHETICAL_2027)
    assert incoming.years == frozenset({2027})
    assert incoming.source == "holiday-cn 2027（https://www.gov.cn/example）"
    table = merge(TABLE, incoming)
    after = add_days(D("2026-12-17"), 15, table)
    assert (after.end, after.provisional) == (D("2027-01-04"), False)
    assert after.explanation == "自2026-12-17起算15日，原届满日2027-01-01为元旦假期，顺延至2027-01-04"
    assert table.years == TABLE.years | {2027}
    assert table.source == f"{TABLE.source}；{incoming.source}"
    # the seed table itself is untouched
    assert add_days(D("2026-12-17"), 15, TABLE) == before


def test_a_new_year_notice_can_move_the_last_day_of_the_previous_year() -> None:
    """As the 2008 notice did for 2007-12-31: a 2027 file whose New Year holiday starts on 2026-12-31."""
    before = add_days(D("2026-12-16"), 15, TABLE)
    assert (before.end, before.provisional) == (D("2026-12-31"), True)
    text = HYPOTHETICAL_2027.replace(
        '"days": [\n', '"days": [\n        {"name": "元旦", "date": "2026-12-31", "isOffDay": true},\n', 1
    )
    table = merge(TABLE, parse_holiday_json(text))
    after = add_days(D("2026-12-16"), 15, table)
    assert (after.end, after.provisional) == (D("2027-01-04"), False)
    assert after.explanation == "自2026-12-16起算15日，原届满日2026-12-31为元旦假期，顺延至2027-01-04"
    # without that entry the day stays a working day, now final
    plain = add_days(D("2026-12-16"), 15, merge(TABLE, parse_holiday_json(HYPOTHETICAL_2027)))
    assert (plain.end, plain.provisional) == (D("2026-12-31"), False)


def test_merge_replaces_the_years_it_covers() -> None:
    incoming = parse_holiday_json(
        '{"format": "tribunal-desk-holidays/1", "years": [2025], "days": [\n'
        '  {"date": "2025-01-01", "kind": "rest", "name": "元旦"},\n'
        '  {"date": "2025-03-03", "kind": "rest", "name": "本地假日"},\n'
        '  {"date": "2024-12-31", "kind": "rest", "name": "元旦"}\n'
        "]}"
    )
    table = merge(TABLE, incoming)
    assert table.is_working_day(D("2025-10-01"))  # the seed's 2025 entries are gone
    assert table.is_working_day(D("2025-02-04"))
    assert table.is_rest_day(D("2025-03-03"))
    assert table.is_rest_day(D("2024-12-31"))  # an adjacent-year entry of the incoming file wins
    assert table.is_rest_day(D("2024-10-01"))  # other years are kept
    assert table.is_rest_day(D("2026-02-16"))
    assert add_days(D("2025-02-21"), 10, table).end == D("2025-03-04")
    assert add_days(D("2025-02-21"), 10, TABLE).end == D("2025-03-03")
    assert table.years == TABLE.years


def test_holiday_cn_2020_agrees_with_the_seed() -> None:
    imported = parse_holiday_json(_holiday_cn(2020, HOLIDAY_CN_2020_DAYS))
    seed_2020 = {(e.day, e.kind) for e in TABLE.entries if e.day.year == 2020}
    assert {(e.day, e.kind) for e in imported.entries} == seed_2020
    assert imported.name_of(D("2020-10-10")) == "国庆节、中秋节调休"
    assert imported.name_of(D("2020-10-01")) == "国庆节、中秋节"


def test_a_list_of_files_in_both_formats() -> None:
    ours = to_json(HolidayTable.from_days([e for e in TABLE.entries if e.day.year == 2025], [2025], "seed"))
    text = f"[{_holiday_cn(2020, HOLIDAY_CN_2020_DAYS)},\n{HYPOTHETICAL_2027},\n{ours}]"
    table = parse_holiday_json(text)
    assert table.years == frozenset({2020, 2025, 2027})
    assert table.is_rest_day(D("2027-01-01"))
    assert table.is_working_day(D("2025-02-08"))
    assert table.is_rest_day(D("2020-02-02"))


def test_a_byte_order_mark_and_crlf_are_accepted() -> None:
    assert parse_holiday_json("\ufeff" + SEED_TEXT.replace("\n", "\r\n")) == TABLE


def test_an_empty_table_round_trips() -> None:
    empty = HolidayTable()
    assert parse_holiday_json(to_json(empty)) == empty
    assert add_days(D("2025-01-17"), 15, empty).end == D("2025-02-03")  # weekends only
    assert add_days(D("2025-01-17"), 15, empty).provisional


GOOD_HEAD = '{\n  "format": "tribunal-desk-holidays/1",\n  "years": [2025],\n  "days": [\n'
GOOD_ENTRIES = (
    '    {"date": "2025-10-01", "kind": "rest", "name": "国庆节"},\n'
    '    {"date": "2025-10-02", "kind": "rest", "name": "国庆节{括号}"},\n'
)
GOOD_TAIL = "  ]\n}\n"


def _ours(line7: str) -> str:
    """A file in our format whose line 7 is ``line7`` (lines 5 and 6 are good entries)."""
    return GOOD_HEAD + GOOD_ENTRIES + line7 + "\n" + GOOD_TAIL


BAD_FILES: list[tuple[str, str, int, str]] = [
    (
        "bad date",
        _ours('    {"date": "2025-02-30", "kind": "rest", "name": "x"}'),
        7,
        "日期“2025-02-30”不存在",
    ),
    (
        "bad date format",
        _ours('    {"date": "2025/10/03", "kind": "rest", "name": "x"}'),
        7,
        "日期“2025/10/03”格式不对",
    ),
    (
        "full-width digits",
        _ours('    {"date": "２０２５-10-03", "kind": "rest", "name": "x"}'),
        7,
        "格式不对",
    ),
    (
        "date not a string",
        _ours('    {"date": 20251003, "kind": "rest", "name": "x"}'),
        7,
        "“date”应为字符串",
    ),
    (
        "duplicate date, same kind",
        _ours('    {"date": "2025-10-01", "kind": "rest", "name": "国庆节"}'),
        7,
        "日期2025-10-01重复（第5行已有此日期）",
    ),
    (
        "duplicate date, other kind",
        _ours('    {"date": "2025-10-02", "kind": "work", "name": "国庆节调休"}'),
        7,
        "日期2025-10-02重复（第6行已有此日期）",
    ),
    (
        "unknown field",
        _ours('    {"date": "2025-10-03", "kind": "rest", "name": "国庆节", "note": "x"}'),
        7,
        "日期2025-10-03：未知字段“note”（允许的字段：date、kind、name）",
    ),
    (
        "unknown kind",
        _ours('    {"date": "2025-10-03", "kind": "holiday", "name": "国庆节"}'),
        7,
        "日期2025-10-03：未知类型“holiday”",
    ),
    (
        "missing field",
        _ours('    {"date": "2025-10-03", "kind": "rest"}'),
        7,
        "日期2025-10-03：缺少字段“name”",
    ),
    (
        "duplicate key",
        _ours('    {"date": "2025-10-03", "date": "2025-10-04", "kind": "rest", "name": "x"}'),
        7,
        "字段“date”重复出现",
    ),
    (
        "empty name",
        _ours('    {"date": "2025-10-03", "kind": "rest", "name": " "}'),
        7,
        "“name”应为非空的节日名称",
    ),
    ("entry not an object", _ours('    "2025-10-03"'), 1, "“days”的第3项应为对象"),
    (
        "date far from the year",
        _ours('    {"date": "2052-10-03", "kind": "rest", "name": "x"}'),
        7,
        "日期2052-10-03不在文件所列年度（2025年）及其相邻年份内",
    ),
    (
        "broken JSON: missing comma",
        _ours('    {"date": "2025-10-03" "kind": "rest", "name": "x"}'),
        7,
        "不是有效的JSON，第27列缺少逗号",
    ),
    (
        "broken JSON: trailing comma",
        _ours('    {"date": "2025-10-03", "kind": "rest", "name": "x"},'),
        8,
        "不是有效的JSON",
    ),
    ("broken JSON: unterminated string", _ours('    {"date": "2025-10-03'), 7, "不是有效的JSON"),
    ("top level not an object", '"hello"', 0, "文件顶层应为对象（{…}）或由对象组成的列表（[…]）"),
    ("top level list of numbers", "[1, 2]", 0, "列表的第1项应为对象"),
    ("empty list", "[]", 0, "文件是空列表"),
    ("empty file", "  \n", 0, "文件是空的"),
    ("unknown format", '{"days": []}', 1, "无法识别的格式"),
    (
        "format version",
        '{"format": "tribunal-desk-holidays/2", "years": [], "days": []}',
        1,
        "不支持的格式“tribunal-desk-holidays/2”",
    ),
    (
        "unknown top-level field",
        '{\n"format": "tribunal-desk-holidays/1", "years": [], "days": [], "comment": 1}',
        1,
        "文件顶层有未知字段“comment”",
    ),
    ("missing days", '{"format": "tribunal-desk-holidays/1", "years": [2025]}', 1, "文件顶层缺少字段“days”"),
    (
        "years not a list",
        '{"format": "tribunal-desk-holidays/1", "years": 2025, "days": []}',
        1,
        "“years”应为年份列表",
    ),
    ("year out of range", '{"format": "tribunal-desk-holidays/1", "years": [25], "days": []}', 1, "实际为25"),
    (
        "year repeated",
        '{"format": "tribunal-desk-holidays/1", "years": [2025, 2025], "days": []}',
        1,
        "“years”中2025年重复",
    ),
    (
        "a year without entries",
        '{"year": 2027,\n "papers": [],\n "days": []}',
        1,
        "2027年没有任何节假日条目（国务院当年的放假安排可能尚未发布）",
    ),
    (
        "isOffDay not a boolean",
        '{"year": 2027, "days": [\n{"name": "元旦", "date": "2027-01-01", "isOffDay": "yes"}]}',
        2,
        "“isOffDay”应为true或false，实际为“yes”",
    ),
    (
        "holiday-cn unknown field",
        '{"year": 2027, "days": [\n{"name": "元旦", "date": "2027-01-01", "isOffDay": true, "type": 1}]}',
        2,
        "日期2027-01-01：未知字段“type”（允许的字段：name、date、isOffDay）",
    ),
    (
        "holiday-cn: the line where a pretty-printed entry starts",
        HYPOTHETICAL_2027.replace('"2027-01-03"', '"2027-01-32"'),
        17,
        "日期“2027-01-32”不存在",
    ),
    (
        "the same year twice in a list",
        f"[{HYPOTHETICAL_2027},\n{HYPOTHETICAL_2027}]",
        25,
        "2027年的数据重复出现（另见第1行）",
    ),
    (
        "the second document of a list is bad",
        f'[{HYPOTHETICAL_2027},\n{{"year": 2028, "days": [{{"name": "元旦", "date": "2028-01-01"}}]}}]',
        25,
        "缺少字段“isOffDay”",
    ),
]


@pytest.mark.parametrize(
    ("text", "line", "fragment"), [c[1:] for c in BAD_FILES], ids=[c[0] for c in BAD_FILES]
)
def test_a_bad_holiday_file_is_refused_whole(text: str, line: int, fragment: str) -> None:
    with pytest.raises(ValidationError) as err:
        parse_holiday_json(text)
    assert err.value.field == "节假日文件"
    message = err.value.message
    if line:
        assert message.startswith(f"第{line}行："), message
    else:
        assert not message.startswith("第"), message
    assert fragment in message, message
    assert message.endswith("（整个文件未导入）")


def test_line_numbers_with_crlf() -> None:
    text = _ours('    {"date": "2025-02-30", "kind": "rest", "name": "x"}').replace("\n", "\r\n")
    with pytest.raises(ValidationError, match="第7行"):
        parse_holiday_json(text)


def test_the_good_variant_of_the_bad_files_parses() -> None:
    table = parse_holiday_json(_ours('    {"date": "2025-10-03", "kind": "rest", "name": "国庆节"}'))
    assert [e.day for e in table.entries] == _days("2025-10-01", "2025-10-03")
    assert table.name_of(D("2025-10-02")) == "国庆节{括号}"
    assert table.source == ""
    assert FORMAT_ID == "tribunal-desk-holidays/1"


# ---------------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------------

starts = st.dates(min_value=date(2019, 6, 1), max_value=date(2027, 6, 30))
counts = st.integers(min_value=1, max_value=400)


@given(starts, counts)
def test_add_days_properties(start: date, n: int) -> None:
    result = add_days(start, n, TABLE)
    assert result.nominal_end == start + timedelta(days=n)
    assert result.end >= result.nominal_end
    assert TABLE.is_working_day(result.end)
    if TABLE.is_working_day(result.nominal_end):
        assert result.end == result.nominal_end
    # the end is the FIRST working day: everything before it from the nominal end is a rest day
    day = result.nominal_end
    while day < result.end:
        assert TABLE.is_rest_day(day)
        day += timedelta(days=1)
    depends_on = set(range(result.nominal_end.year, result.end.year + 1))
    if (result.end.month, result.end.day) >= (12, 29):  # the next year's notice may move year-end days
        depends_on.add(result.end.year + 1)
    assert result.provisional is any(year not in TABLE.years for year in depends_on)


@given(starts, counts, counts)
def test_add_days_is_monotone(start: date, n1: int, n2: int) -> None:
    low, high = sorted((n1, n2))
    assert add_days(start, low, TABLE).end <= add_days(start, high, TABLE).end
    later = start + timedelta(days=high - low)
    assert add_days(start, low, TABLE).end <= add_days(later, low, TABLE).end


@given(starts, st.integers(min_value=1, max_value=36))
def test_add_months_properties(start: date, n: int) -> None:
    result = add_months(start, n, TABLE)
    nominal = result.nominal_end
    assert (nominal.year * 12 + nominal.month) - (start.year * 12 + start.month) == n
    assert nominal.day == start.day or (nominal.day < start.day and (nominal + timedelta(days=1)).day == 1)
    assert result.end >= nominal
    assert TABLE.is_working_day(result.end)
    if TABLE.is_working_day(nominal):
        assert result.end == nominal


@given(
    st.lists(starts, min_size=1, max_size=4), st.sampled_from([DocumentKind.JUDGMENT, DocumentKind.RULING])
)
def test_effective_date_is_the_day_after_the_last_deadline(served: list[date], kind: DocumentKind) -> None:
    result = effective_date(kind, served, TABLE)
    assert len(result.appeal_deadlines) == len(served)
    assert result.effective == max(d.end for d in result.appeal_deadlines) + timedelta(days=1)
    assert result.effective == add_days(max(served), kind.appeal_days or 0, TABLE).end + timedelta(days=1)
    for s in served:
        assert result.effective > s + timedelta(days=kind.appeal_days or 0)
    assert result.provisional is any(d.provisional for d in result.appeal_deadlines)


@st.composite
def tables(draw: st.DrawFn) -> HolidayTable:
    years = draw(st.sets(st.integers(min_value=2000, max_value=2100), min_size=0, max_size=3))
    entries: dict[date, HolidayDay] = {}
    for year in years:
        days = draw(
            st.sets(
                st.dates(min_value=date(year, 1, 1), max_value=date(year, 12, 31)), min_size=1, max_size=8
            )
        )
        for d in days:
            kind: HolidayKind = draw(st.sampled_from(["rest", "work"]))
            name = draw(st.text(min_size=1, max_size=6).map(str.strip).filter(bool))
            entries[d] = HolidayDay(d, kind, name)
    source = draw(st.sampled_from(["", "chinesecalendar", "holiday-cn 2027（https://x）"]))
    return HolidayTable.from_days(entries.values(), years, source)


@given(tables())
def test_to_json_round_trips(table: HolidayTable) -> None:
    assert parse_holiday_json(to_json(table)) == table


@given(tables(), tables())
def test_merge_properties(base: HolidayTable, incoming: HolidayTable) -> None:
    merged = merge(base, incoming)
    assert merged.years == base.years | incoming.years
    for d, entry in incoming.days.items():
        assert merged.days[d] == entry
    for d, entry in base.days.items():
        if d.year not in incoming.years and d not in incoming.days:
            assert merged.days[d] == entry
        elif d not in incoming.days:
            assert d not in merged.days


# ---------------------------------------------------------------------------------------------------
# What a holiday change can change (the kept reminder board computes again only near these days)
# ---------------------------------------------------------------------------------------------------


def _with(*days: HolidayDay, years: set[int] | None = None) -> HolidayTable:
    return merge(TABLE, HolidayTable.from_days(days, years or set()))


@pytest.mark.parametrize(
    ("after", "runs"),
    [
        (TABLE, []),
        (dataclasses.replace(TABLE, source="另一来源"), []),  # the same days from another file
        (_with(HolidayDay(D("2026-05-06"), "rest", "测试")), [("2026-05-06", "2026-05-06")]),
        (
            _with(HolidayDay(D("2026-05-06"), "rest", "测试"), HolidayDay(D("2026-05-07"), "rest", "测试")),
            [("2026-05-06", "2026-05-07")],  # next to each other: one run
        ),
        (_with(HolidayDay(D("2026-10-01"), "rest", "国庆节（改）")), [("2026-10-01", "2026-10-01")]),
        (
            HolidayTable.from_days([e for e in TABLE.entries if e.day != D("2026-10-01")], TABLE.years),
            [("2026-10-01", "2026-10-01")],  # dropped
        ),
        (
            _with(HolidayDay(D("2027-01-01"), "rest", "元旦"), years={2027}),
            [("2026-12-29", "2027-12-31")],  # a year's notice: its days, and the December before
        ),
    ],
)
def test_the_days_a_holiday_change_can_change(after: HolidayTable, runs: list[tuple[str, str]]) -> None:
    assert changed_days(TABLE, after) == [(D(a), D(b)) for a, b in runs]
    assert changed_days(after, TABLE) == [(D(a), D(b)) for a, b in runs]


def test_the_longest_run_of_rest_days() -> None:
    assert longest_rest(HolidayTable()) == 2  # weekends only
    assert longest_rest(TABLE) == 10  # 春节 2020, extended: 01-24 … 02-02
    week = HolidayTable.from_days(
        [HolidayDay(D("2026-05-04") + timedelta(days=n), "rest", "测试") for n in range(5)], []
    )
    assert longest_rest(week) == 9  # Saturday 05-02 … Sunday 05-10


_near = st.dates(min_value=D("2025-12-01"), max_value=D("2027-02-28"))
_entries = st.lists(
    st.builds(HolidayDay, _near, st.sampled_from(["rest", "work"]), st.sampled_from(["春节", "测试"])),
    max_size=12,
    unique_by=lambda e: e.day,
)


@given(
    _entries,
    _entries,
    st.sets(st.sampled_from([2025, 2026, 2027])),
    st.sets(st.sampled_from([2026, 2027])),
    _near,
)
def test_outside_the_changed_days_every_look_at_the_table_answers_alike(
    before_days: list[HolidayDay],
    after_days: list[HolidayDay],
    before_years: set[int],
    after_years: set[int],
    d: date,
) -> None:
    before = HolidayTable.from_days(before_days, before_years)
    after = HolidayTable.from_days(after_days, after_years)
    if any(first <= d <= last for first, last in changed_days(before, after)):
        return
    assert before.entry(d) == after.entry(d)
    assert before.is_rest_day(d) == after.is_rest_day(d)
    assert before.name_of(d) == after.name_of(d)
    assert before.covers(d) == after.covers(d)
    assert before.pending_years(d) == after.pending_years(d)

"""Windows that fall on holidays (民诉法§85 counts calendar days; 房县方案九（三）'s 七日 windows may lie in a
holiday): the board shows the working days a window contains and the first working day after it."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.core.calendar import parse_holiday_json
from desktop.core.holiday_windows import window_days
from desktop.core.model import CaseStatus, Stage
from desktop.core.reminders import CaseFacts, evaluate_rule, parse_rules

ROOT = Path(__file__).resolve().parents[2]
TABLE = parse_holiday_json((ROOT / "resources/holidays/cn-holidays.json").read_text(encoding="utf-8"))
RULES = {r.id: r for r in parse_rules((ROOT / "resources/rules/default-rules.json").read_text("utf-8"))}
D = date.fromisoformat

# (clause, rule, deadline, window, working days in it, first working day after, note fragment)
CASES = [
    ("房县九（三）催告书：2025-09-30届满，窗口全在国庆中秋假期", "urge", "2025-09-30",
     ("2025-10-01", "2025-10-07"), [], "2025-10-09", "全在国庆节、中秋节假期内，没有工作日"),
    ("房县九（三）催告书：2026-02-13届满，春节前只剩调休上班的02-14", "urge", "2026-02-13",
     ("2026-02-14", "2026-02-20"), ["2026-02-14"], "2026-02-24", "逢春节假期，其中工作日1日（2026-02-14）"),
    ("房县九（三）催告书：2025-04-30届满，五一假期后两个工作日", "urge", "2025-04-30",
     ("2025-05-01", "2025-05-07"), ["2025-05-06", "2025-05-07"], "2025-05-08", "逢劳动节假期，其中工作日2日"),
    ("房县九（三）提示书：2025-10-09届满，届满前七日多在假期", "prompt", "2025-10-09",
     ("2025-10-02", "2025-10-09"), ["2025-10-09"], "2025-10-10", "其中工作日1日（2025-10-09）"),
    ("房县九（三）催告书：普通的一周，只有周末，不加说明", "urge", "2025-06-10",
     ("2025-06-11", "2025-06-17"), ["2025-06-11", "2025-06-12", "2025-06-13", "2025-06-16", "2025-06-17"],
     "2025-06-18", ""),
]  # fmt: skip


@pytest.mark.parametrize(
    ("clause", "rule_id", "deadline", "window", "working", "after", "note"), CASES, ids=[c[0] for c in CASES]
)
def test_a_window_on_a_holiday_says_when_the_court_is_open(
    clause: str,
    rule_id: str,
    deadline: str,
    window: tuple[str, str],
    working: list[str],
    after: str,
    note: str,
) -> None:
    days = window_days(D(window[0]), D(window[1]), TABLE)
    assert [d.isoformat() for d in days.working] == working, clause
    assert days.next_working == D(after), clause
    number = "（2025）黑0902民初123号"
    facts = CaseFacts(1, number, Stage.AFTER_JUDGMENT, CaseStatus.OPEN, deadline=D(deadline), due_fen=100_00)
    today = D(window[1])
    (item,) = evaluate_rule(RULES[rule_id], facts, TABLE, today)
    assert (item.window_start, item.due_date) == (D(window[0]), D(window[1])), clause
    if note:
        assert note in item.reason, clause
        assert f"窗口后第一个工作日为{after}" in item.reason, clause
    else:
        assert "窗口" not in item.reason and "工作日" not in item.reason, clause


def test_rules_with_nothing_to_serve_get_no_note() -> None:
    """The 2-year enforcement period (advisory, no document) is not told about holidays."""
    facts = CaseFacts(1, "（2023）黑0902民初1号", Stage.AFTER_JUDGMENT, CaseStatus.OPEN,
                      deadline=D("2023-10-01"), due_fen=100_00)  # fmt: skip
    items = evaluate_rule(RULES["enforcement_period"], facts, TABLE, D("2025-10-05"))
    assert items and all("窗口后第一个工作日" not in i.reason for i in items)


@given(st.dates(D("2020-01-01"), D("2026-12-01")), st.integers(0, 30))
def test_working_days_and_the_next_one_are_never_rest_days(start: date, length: int) -> None:
    end = start + timedelta(days=length)
    days = window_days(start, end, TABLE)
    assert all(start <= d <= end and TABLE.is_working_day(d) for d in days.working)
    every = [start + timedelta(days=i) for i in range(length + 1)]
    assert len(days.working) == sum(TABLE.is_working_day(d) for d in every)
    assert days.next_working > end and TABLE.is_working_day(days.next_working)
    assert all(
        TABLE.is_rest_day(d)
        for d in (end + timedelta(days=i) for i in range(1, (days.next_working - end).days))
    )
    assert bool(days.note()) == days.touches_holiday

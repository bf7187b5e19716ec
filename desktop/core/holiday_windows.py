"""Reminder windows that fall on holidays: the working days a window contains and the first working day
after it, so nobody is told to serve a notice on a holiday.

A 催告书 window after a deadline of 2025-09-30 (10-01 … 10-07) lies wholly in the National Day holiday;
one after 2026-02-13 (02-14 … 02-20) holds a single working day, the makeup Saturday 02-14. The window
itself stays what the rule says (房县方案九（三）counts calendar days); the note tells the clerk when the
court is open within it, and which is the first working day after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from desktop.core.calendar import HolidayTable

__all__ = ["WindowDays", "window_days"]

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class WindowDays:
    start: date
    end: date
    working: tuple[date, ...]  # the working days in start … end
    holidays: tuple[str, ...]  # the names of the statutory holidays the window touches, in order
    next_working: date  # the first working day after ``end``

    @property
    def touches_holiday(self) -> bool:
        return bool(self.holidays)

    def note(self) -> str:
        """The sentence shown with the reminder ("" when the window touches no statutory holiday)."""
        if not self.holidays:
            return ""
        span = f"{self.start.isoformat()}至{self.end.isoformat()}"
        names = "、".join(self.holidays)
        after = f"窗口后第一个工作日为{self.next_working.isoformat()}"
        if not self.working:
            return f"窗口{span}全在{names}假期内，没有工作日；{after}"
        days = "、".join(d.isoformat() for d in self.working)
        return f"窗口{span}逢{names}假期，其中工作日{len(self.working)}日（{days}）；{after}"


def _holiday_name(name: str) -> str:
    """ "国庆节、中秋节" stays; "春节调休" → "春节" (a makeup day is named after its holiday)."""
    return name.removesuffix("调休").removesuffix("补班")


def window_days(start: date, end: date, table: HolidayTable) -> WindowDays:
    """The working days of ``start`` … ``end`` (inclusive) and the statutory holidays it touches."""
    if end < start:
        raise ValueError("window ends before it starts")
    working: list[date] = []
    names: list[str] = []
    d = start
    while d <= end:
        entry = table.entry(d)
        if table.is_working_day(d):
            working.append(d)
        elif entry is not None and entry.kind == "rest":
            name = _holiday_name(entry.name)
            if name not in names:
                names.append(name)
        d += _ONE_DAY
    return WindowDays(start, end, tuple(working), tuple(names), table.next_working_day(end))

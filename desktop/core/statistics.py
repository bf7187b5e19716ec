"""Statistics of automatic performance (统计): periods, their comparisons and the figures (no Qt, no SQL).

The figures are those the seeds report (镇海, seed 003; DOMAIN.md §8): voluntary-performance cases and
their amount, first-enforcement filings, the ratio of the two, certificates issued, white-list batches
and entries, fee reductions granted; and, per handler, the 自动履行率 of the cases whose performance
period ended in the period. Each is compared with the previous period (环比) and the same period a year
before (同比).

The ledger is read once into :class:`Tallies`: what happened on which day for which handler. A period's
figure is then a sum over its days, so any period (a half-year, a month, dates a clerk picks) costs no
further query. The definitions are in ``docs/statistics.md``.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from desktop.core.errors import ValidationError


class Metric(StrEnum):
    """What a tally counts (the value of one day, for one handler)."""

    VOLUNTARY = "自动履行案件"  # cases fully performed before enforcement, on the day the amount was reached
    VOLUNTARY_FEN = "自动履行金额"  # the amount due of those cases, fen
    FIRST_ENFORCEMENT = "首次执行收案"  # 执 cases filed (not 执恢, not the local 执前 numbers)
    CERTIFICATES = "自动履行证明书"  # issued
    WHITELIST_BATCHES = "诚信履行名单批次"  # published
    WHITELIST_ENTRIES = "诚信履行名单人次"  # entries of those batches
    FEE_RELIEVED = "减免诉讼费"  # fen granted (decision date), desktop.core.fee_relief
    URGINGS = "督促记录"  # contacts recorded
    DUE = "履行期限届满案件"  # non-enforcement cases with money due whose deadline is the day
    DUE_VOLUNTARY = "其中已自动履行"  # of those, fully performed and not transferred to enforcement
    DUE_TRANSFERRED = "其中移送执行"  # of those, transferred to enforcement


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValidationError(
                "统计期间", f"结束日期{self.end.isoformat()}早于开始日期{self.start.isoformat()}"
            )

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    @property
    def label(self) -> str:
        """2026年上半年, 2026年, 2026年第3季度, 2026年5月; a half-year or year so far,
        2026年下半年（截至12月4日）; else 2026-01-05至2026-03-31."""
        unit = _unit(self)
        if unit is not None:
            return _unit_name(self.start, unit)
        so_far = _so_far(self)
        if so_far is not None:
            return f"{_unit_name(self.start, so_far)}（截至{self.end.month}月{self.end.day}日）"
        return f"{self.start.isoformat()}至{self.end.isoformat()}"


def _unit_name(start: date, months: int) -> str:
    y = start.year
    if months == 12:
        return f"{y}年"
    if months == 6:
        return f"{y}年{'上' if start.month == 1 else '下'}半年"
    if months == 3:
        return f"{y}年第{(start.month - 1) // 3 + 1}季度"
    return f"{y}年{start.month}月"


def _month_start(year: int, month: int) -> date:
    """The first day of ``month`` of ``year``; the month may run past 12 or below 1."""
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return date(year, month, 1)


def _unit(p: Period) -> int | None:
    """12, 6, 3 or 1 when the period is exactly a calendar year, half, quarter or month; else None."""
    s = p.start
    if s.day != 1:
        return None
    for months in (12, 6, 3, 1):
        if (s.month - 1) % months == 0 and p.end == _month_start(s.year, s.month + months) - timedelta(1):
            return months
    return None


def _so_far(p: Period) -> int | None:
    """6 or 12 when the period is the first part of a calendar half-year or year (the half when both)."""
    s = p.start
    if s.day != 1:
        return None
    for months in (6, 12):
        if (s.month - 1) % months == 0 and p.end < _month_start(s.year, s.month + months) - timedelta(1):
            return months
    return None


def month(year: int, month: int) -> Period:
    return Period(_month_start(year, month), _month_start(year, month + 1) - timedelta(1))


def half_year(year: int, half: int) -> Period:
    """The first (1) or second (2) half of ``year``."""
    if half not in (1, 2):
        raise ValidationError("统计期间", f"半年应为1（上半年）或2（下半年），实际为{half}")
    first = 1 if half == 1 else 7
    return Period(date(year, first, 1), _month_start(year, first + 6) - timedelta(1))


def year(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31))


def previous(p: Period) -> Period:
    """环比: the calendar unit before (the half-year before a half-year …); for a half-year or year so far,
    as many days from the start of the one before; else as many days just before."""
    unit = _unit(p)
    if unit is not None:
        start = _month_start(p.start.year, p.start.month - unit)
        return Period(start, p.start - timedelta(1))
    so_far = _so_far(p)
    if so_far is not None:  # the half-year so far: as many days of the half-year before
        start = _month_start(p.start.year, p.start.month - so_far)
        return Period(start, min(start + timedelta(p.days - 1), p.start - timedelta(1)))
    return Period(p.start - timedelta(p.days), p.start - timedelta(1))


def _year_earlier(d: date) -> date:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:  # 29 February
        return d.replace(year=d.year - 1, day=28)


def year_before(p: Period) -> Period:
    """同比: the same dates a year earlier (29 February → 28 February; a whole month stays whole)."""
    end = _year_earlier(p.end)
    if p.end.month == 2 and p.end.day == 29:
        end = date(end.year, 2, 28)
    elif (p.end + timedelta(1)).day == 1:
        end = _month_start(end.year, end.month + 1) - timedelta(1)  # the end of February stays its end
    return Period(_year_earlier(p.start), end)


# ----------------------------------------------------------------------------------------------- tallies


@dataclass(frozen=True)
class Tally:
    """On ``day``, ``value`` of ``metric`` for the cases of ``handler`` ("" when none is set)."""

    metric: Metric
    day: date
    handler: str
    value: int


class Tallies:
    """The ledger's tallies, summed by period (and handler) with a binary search over running totals."""

    def __init__(self, tallies: Iterable[Tally]) -> None:
        days: dict[tuple[Metric, str], dict[date, int]] = defaultdict(lambda: defaultdict(int))
        for t in tallies:
            days[(t.metric, t.handler)][t.day] += t.value
        self._series: dict[tuple[Metric, str], tuple[list[date], list[int]]] = {}
        for key, values in days.items():
            ordered = sorted(values)
            running, total = [], 0
            for day in ordered:
                total += values[day]
                running.append(total)
            self._series[key] = (ordered, running)
        self.handlers: tuple[str, ...] = tuple(sorted({h for _m, h in self._series}))

    def total(self, metric: Metric, period: Period, handler: str | None = None) -> int:
        """The sum of ``metric`` over ``period``, for one handler or (None) for all."""
        handlers = self.handlers if handler is None else (handler,)
        out = 0
        for h in handlers:
            series = self._series.get((metric, h))
            if series is None:
                continue
            days, running = series
            hi = bisect.bisect_right(days, period.end)
            lo = bisect.bisect_left(days, period.start)
            if hi > lo:
                out += running[hi - 1] - (running[lo - 1] if lo else 0)
        return out


# ------------------------------------------------------------------------------------------------ report


class Unit(StrEnum):
    CASES = "件"
    YUAN = "元"
    COPIES = "份"
    BATCHES = "批"
    ENTRIES = "人次"
    TIMES = "次"
    PERCENT = "%"
    RATIO = "比"


@dataclass(frozen=True)
class Value:
    """A figure of one period: an integer (fen for money), a rate in per-ten-thousand, or a ratio."""

    number: int | None  # None: not defined (a rate of no cases, a ratio to none)
    unit: Unit

    @property
    def text(self) -> str:
        if self.number is None:
            return "—"
        if self.unit is Unit.YUAN:
            yuan, fen = divmod(self.number, 100)
            return f"{yuan:,}.{fen:02d}"
        if self.unit is Unit.PERCENT:
            return f"{self.number / 100:.1f}%"
        if self.unit is Unit.RATIO:
            return f"{self.number / 100:.2f}:1"
        return f"{self.number:,}"


@dataclass(frozen=True)
class Line:
    """One figure of the report: this period, the period before and the same period a year before."""

    label: str
    current: Value
    previous: Value
    year_before: Value

    @property
    def versus_previous(self) -> str:
        return change_text(self.current, self.previous, "上期")

    @property
    def versus_year_before(self) -> str:
        return change_text(self.current, self.year_before, "去年同期")

    @property
    def heading(self) -> str:
        """The label with its unit: 自动履行金额（元）; a rate or a ratio carries its own."""
        unit = self.current.unit
        return self.label if unit in (Unit.PERCENT, Unit.RATIO) else f"{self.label}（{unit}）"

    @property
    def cells(self) -> tuple[str, ...]:
        """The row under :data:`FIGURE_HEADER` (the page, the copy and the print show the same)."""
        return (self.heading, self.current.text, self.previous.text, self.versus_previous,
                self.year_before.text, self.versus_year_before)  # fmt: skip


FIGURE_HEADER: tuple[str, ...] = ("指标", "本期", "上期", "环比", "去年同期", "同比")
HANDLER_HEADER: tuple[str, ...] = ("承办人", "期限届满", "已自动履行", "自动履行率", "移送执行", "督促记录")
NO_HANDLER = "（未指定）"


def _per_ten_thousand(numerator: int, denominator: int) -> int | None:
    """numerator / denominator in units of 0.01 (so 98 is 0.98 and 9,412 is 94.12%), rounded half up."""
    if denominator <= 0:
        return None
    return (numerator * 10_000 * 2 + denominator) // (denominator * 2)


def rate(numerator: int, denominator: int) -> Value:
    """A share as a percentage (two decimals kept): 自动履行率."""
    return Value(_per_ten_thousand(numerator, denominator), Unit.PERCENT)


def ratio(numerator: int, denominator: int) -> Value:
    """numerator : denominator as x:1 (two decimals kept), e.g. 0.98:1."""
    value = _per_ten_thousand(numerator, denominator)
    return Value(None if value is None else (value + 50) // 100, Unit.RATIO)


def change_text(current: Value, before: Value, what: str = "上期") -> str:
    """How a figure moved against ``what`` (上期, 去年同期), in the seeds' words: 增加94%, 下降22%, 持平,
    为上期的8.0倍; rates and ratios by points or difference; — when there is nothing to compare with."""
    a, b = current.number, before.number
    if a is None or b is None:
        return "—"
    if current.unit is Unit.PERCENT:  # a and b in 0.01 percentage points: said to 0.1 point
        points = (abs(a - b) + 5) // 10
        if a == b:
            return "持平"
        if points == 0:
            return "基本持平"
        return f"{'上升' if a > b else '下降'}{points // 10}.{points % 10}个百分点"
    if current.unit is Unit.RATIO:
        return "持平" if a == b else f"{'上升' if a > b else '下降'}{abs(a - b) / 100:.2f}"
    if b == 0:
        return "—" if a == 0 else "新增"
    if a == b:
        return "持平"
    if a >= 2 * b:
        return f"为{what}的{a / b:.1f}倍"
    percent = (abs(a - b) * 100 * 2 + b) // (2 * b)
    if percent == 0:
        return f"{'增加' if a > b else '下降'}不足1%"
    return f"{'增加' if a > b else '下降'}{percent}%"


@dataclass(frozen=True)
class Report:
    period: Period
    previous: Period
    year_before: Period
    lines: tuple[Line, ...]
    handlers: tuple[HandlerLine, ...]


@dataclass(frozen=True)
class HandlerLine:
    """One handler's cases whose performance period ended in the period, and their urging."""

    handler: str
    due: int
    voluntary: int
    transferred: int
    urgings: int
    voluntary_cases: int  # cases of the handler fully performed before enforcement in the period

    @property
    def rate(self) -> Value:
        return rate(self.voluntary, self.due)

    @property
    def cells(self) -> tuple[str, ...]:
        """The row under :data:`HANDLER_HEADER`."""
        return (self.handler or NO_HANDLER, f"{self.due:,}", f"{self.voluntary:,}", self.rate.text,
                f"{self.transferred:,}", f"{self.urgings:,}")  # fmt: skip


_COUNTED: tuple[tuple[str, Metric, Unit], ...] = (
    ("自动履行案件", Metric.VOLUNTARY, Unit.CASES),
    ("自动履行金额", Metric.VOLUNTARY_FEN, Unit.YUAN),
    ("首次执行收案", Metric.FIRST_ENFORCEMENT, Unit.CASES),
    ("出具自动履行证明书", Metric.CERTIFICATES, Unit.COPIES),
    ("发布诚信履行名单", Metric.WHITELIST_BATCHES, Unit.BATCHES),
    ("诚信履行名单公布", Metric.WHITELIST_ENTRIES, Unit.ENTRIES),
    ("减免诉讼费", Metric.FEE_RELIEVED, Unit.YUAN),
    ("督促记录", Metric.URGINGS, Unit.TIMES),
    ("履行期限届满案件", Metric.DUE, Unit.CASES),
)


def _lines(tallies: Tallies, p: Period) -> list[Value]:
    values = [Value(tallies.total(metric, p), unit) for _l, metric, unit in _COUNTED]
    values.append(ratio(tallies.total(Metric.VOLUNTARY, p), tallies.total(Metric.FIRST_ENFORCEMENT, p)))
    values.append(rate(tallies.total(Metric.DUE_VOLUNTARY, p), tallies.total(Metric.DUE, p)))
    return values


LABELS: tuple[str, ...] = (*(label for label, _m, _u in _COUNTED), "自动履行与首次执行之比", "自动履行率")


def report(tallies: Tallies, period: Period) -> Report:
    """Every figure of ``period`` against the period before and the same period a year before."""
    before, last_year = previous(period), year_before(period)
    columns = [_lines(tallies, p) for p in (period, before, last_year)]
    lines = tuple(Line(label, *values) for label, *values in zip(LABELS, *columns, strict=True))
    handlers = tuple(
        line
        for line in (
            HandlerLine(
                handler=h,
                due=tallies.total(Metric.DUE, period, h),
                voluntary=tallies.total(Metric.DUE_VOLUNTARY, period, h),
                transferred=tallies.total(Metric.DUE_TRANSFERRED, period, h),
                urgings=tallies.total(Metric.URGINGS, period, h),
                voluntary_cases=tallies.total(Metric.VOLUNTARY, period, h),
            )
            for h in tallies.handlers
        )
        if line.due or line.urgings or line.voluntary_cases
    )
    return Report(period, before, last_year, lines, handlers)


def report_text(r: Report) -> str:
    """The report as tab-separated lines (the CLI's output; pasted into Excel or Word from the page)."""
    dates = f"{r.period.start.isoformat()}至{r.period.end.isoformat()}"
    out = [
        f"{r.period.label}统计" + ("" if r.period.label == dates else f"（{dates}）"),
        f"环比：{r.previous.label}；同比：{r.year_before.label}",
        "",
        "\t".join(FIGURE_HEADER),
    ]
    out += ["\t".join(line.cells) for line in r.lines]
    out += ["", "\t".join(HANDLER_HEADER)]
    out += ["\t".join(h.cells) for h in r.handlers]
    return "\n".join(out) + "\n"


def recent_periods(today: date, years: int = 3) -> list[tuple[str, Period]]:
    """The periods a clerk picks from, newest first: the half-years and years of the last ``years`` years,
    the current ones cut at ``today`` and said so (截至…)."""
    out: list[Period] = []
    for y in range(today.year, today.year - years, -1):
        for p in (half_year(y, 2), half_year(y, 1), year(y)):
            if p.start <= today:
                cut = Period(p.start, min(p.end, today))
                if cut not in out:  # in the first half, the year so far is the half so far
                    out.append(cut)
    return [(p.label, p) for p in out]

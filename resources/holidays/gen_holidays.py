#!/usr/bin/env python3
"""Regenerate resources/holidays/cn-holidays.json from the ``chinesecalendar`` package.

Developer tool, not part of the product (the product never imports chinesecalendar):

    pip install chinesecalendar
    python resources/holidays/gen_holidays.py          # write the file (2020 to the package's newest year)
    python resources/holidays/gen_holidays.py --check  # exit 1 if the file is not what the package gives

The output is written with ``desktop.core.calendar.to_json`` and read back with ``parse_holiday_json``,
so the seed file always passes the same validation as an administrator's import.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUTPUT = Path(__file__).resolve().parent / "cn-holidays.json"
FIRST_YEAR = 2020

# chinesecalendar's English holiday names → the names the State Council notices use.
NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def _calendar_module() -> ModuleType:
    """desktop.core.calendar, importable when this script runs from a checkout."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from desktop.core import calendar

    return calendar


def supported_years(cc: ModuleType, first: int, last: int) -> list[int]:
    """The years in [first, last] for which chinesecalendar carries official data."""
    years = []
    for year in range(first, last + 1):
        try:
            cc.get_holiday_detail(date(year, 1, 1))
        except NotImplementedError:
            continue
        years.append(year)
    return years


def newest_year(cc: ModuleType) -> int:
    year = date.today().year + 5
    while year > FIRST_YEAR:
        if supported_years(cc, year, year):
            return year
        year -= 1
    return FIRST_YEAR


def build_json(first: int, last: int | None) -> tuple[str, list[int]]:
    import chinese_calendar as cc

    cal = _calendar_module()
    top = newest_year(cc) if last is None else last
    years = supported_years(cc, first, top)
    if not years:
        raise SystemExit(f"chinesecalendar {cc.__version__} has no data for {first}–{top}")
    missing = sorted(set(range(first, top + 1)) - set(years))
    if missing:
        print(f"warning: chinesecalendar {cc.__version__} has no data for {missing}", file=sys.stderr)
    days = []
    for year in years:
        d = date(year, 1, 1)
        while d.year == year:
            is_holiday, english = cc.get_holiday_detail(d)
            if english is not None:
                name = NAMES.get(english)
                if name is None:
                    raise SystemExit(f"unknown holiday name {english!r} on {d}: add it to NAMES")
                if is_holiday:
                    days.append(cal.HolidayDay(d, "rest", name))
                else:
                    days.append(cal.HolidayDay(d, "work", f"{name}调休"))
            d += timedelta(days=1)
    source = f"chinesecalendar {cc.__version__}（国务院办公厅历年部分节假日安排的通知）"
    table = cal.HolidayTable.from_days(days, years, source)
    text: str = cal.to_json(table)
    if cal.parse_holiday_json(text) != table:
        raise SystemExit("internal error: the generated file does not read back as the same table")
    return text, years


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--first", type=int, default=FIRST_YEAR, help="first year (default %(default)s)")
    parser.add_argument("--last", type=int, default=None, help="last year (default: newest in the package)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="file to write")
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 if the file differs")
    args = parser.parse_args(argv)

    text, years = build_json(args.first, args.last)
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is out of date: run resources/holidays/gen_holidays.py", file=sys.stderr)
            return 1
        print(f"{args.output} is up to date ({years[0]}–{years[-1]})")
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8", newline="\n")
    print(f"wrote {args.output}: years {', '.join(map(str, years))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

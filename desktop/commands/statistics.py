"""``tribunal-desk stats [--half YYYY-1|YYYY-2 | --year YYYY | --from D --to D] [--json] [--pdf F]``:
the 统计 page headless (and its printed table): each figure of the period against the period before
(环比) and a year before (同比), and the 自动履行率 by handler. Definitions: docs/statistics.md.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import date
from pathlib import Path
from typing import Any

from desktop.commands import open_workspace
from desktop.core import statistics as stats
from desktop.core.errors import ValidationError
from desktop.core.statistics import Period, Report, Value


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应为YYYY-MM-DD，例如2026-06-30，实际为“{text}”") from None


def _half(text: str) -> Period:
    match = re.fullmatch(r"(\d{4})-([12])", text)
    if match is None:
        raise argparse.ArgumentTypeError(f"半年应写作YYYY-1（上半年）或YYYY-2（下半年），实际为“{text}”")
    return stats.half_year(int(match[1]), int(match[2]))


def _year(text: str) -> Period:
    if not re.fullmatch(r"\d{4}", text):
        raise argparse.ArgumentTypeError(f"年份应为四位数字，实际为“{text}”")
    return stats.year(int(text))


def period_of(args: argparse.Namespace, today: date) -> Period:
    """The period the options name; the current half-year up to today when none is given."""
    if (args.start is None) != (args.end is None):
        raise ValidationError("统计期间", "--from 与 --to 须一并给出")
    if args.start is not None:
        return Period(args.start, args.end)
    return args.half or args.year or stats.recent_periods(today, years=1)[0][1]


def _value(v: Value) -> dict[str, Any]:
    return {"value": v.number, "unit": v.unit.value, "text": v.text}


def _period(p: Period) -> dict[str, str]:
    return {"start": p.start.isoformat(), "end": p.end.isoformat(), "label": p.label}


def report_json(r: Report) -> dict[str, Any]:
    return {
        "period": _period(r.period),
        "previous": _period(r.previous),
        "year_before": _period(r.year_before),
        "figures": [
            {
                "label": line.label,
                "current": _value(line.current),
                "previous": _value(line.previous),
                "year_before": _value(line.year_before),
                "versus_previous": line.versus_previous,
                "versus_year_before": line.versus_year_before,
            }
            for line in r.lines
        ],
        "handlers": [
            {
                "handler": h.handler,
                "due": h.due,
                "voluntary": h.voluntary,
                "transferred": h.transferred,
                "rate": _value(h.rate),
                "urgings": h.urgings,
                "voluntary_cases": h.voluntary_cases,
            }
            for h in r.handlers
        ],
    }


def _run(args: argparse.Namespace) -> int:
    from desktop.services.statistics import statistics

    workspace = open_workspace(getattr(args, "db", None), read_only_ok=True)
    try:
        try:
            period = period_of(args, workspace.today())
        except ValidationError as exc:
            print(exc, file=sys.stderr)
            return 2
        result = statistics(workspace.db.conn, period)
        court = workspace.court()
        made_on = workspace.today()
    finally:
        workspace.close()
    if args.pdf is not None:
        from desktop.services.statistics import write_report_pdf

        write_report_pdf(args.pdf, result, court.court_name if court else "", made_on)
        print(f"已写入 {args.pdf}", file=sys.stderr)
    if args.json:
        sys.stdout.write(json.dumps(report_json(result), ensure_ascii=False, indent=1) + "\n")
    else:
        sys.stdout.write(stats.report_text(result))
    return 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    cmd = sub.add_parser(
        "stats", parents=[common], help="统计：自动履行案件、金额、首次执行收案、自动履行率等"
    )
    which = cmd.add_mutually_exclusive_group()
    which.add_argument("--half", type=_half, default=None, help="半年：YYYY-1（上半年）或 YYYY-2（下半年）")
    which.add_argument("--year", type=_year, default=None, help="全年：YYYY")
    which.add_argument("--from", dest="start", type=_date, default=None, help="自定义期间的开始日期")
    cmd.add_argument("--to", dest="end", type=_date, default=None, help="自定义期间的结束日期")
    cmd.add_argument("--json", action="store_true", help="输出JSON（字段见 docs/statistics.md）")
    cmd.add_argument("--pdf", type=Path, default=None, help="另存为打印用的 PDF（A4横向）")
    cmd.set_defaults(func=_run)

"""``tribunal-desk reminders [--db PATH] [--date YYYY-MM-DD] [--handler NAME] [--json]``: the day's
reminders (督促看板) headless, overdue first.

The JSON output is a list of objects with the fields of
:meth:`desktop.core.reminders.ReminderItem.as_json` (case_number, rule, due_date, window_start,
window_end, days_overdue, handler, suggested_form, reason, provisional, …); docs/reminder-rules.md
documents the rule ids.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from datetime import date

from desktop.commands import open_workspace
from desktop.core.money import format_money
from desktop.core.reminders import Group, group_of, suggestion_text


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应为YYYY-MM-DD，例如2025-06-13，实际为“{text}”") from None


def _run(args: argparse.Namespace) -> int:
    from desktop.services.reminders import Reminders, board_json

    workspace = open_workspace(getattr(args, "db", None), read_only_ok=True)
    out = sys.stdout
    try:
        if args.date is not None:
            workspace.today = lambda: args.date
        if args.json and not args.pretty:
            # the database writes each line's JSON; they go out as they come (a large board's lines
            # would otherwise be held several times over in memory)
            lines = Reminders(workspace).board_json_lines(handler=args.handler or None)
            separator = "["
            while chunk := list(itertools.islice(lines, 2000)):  # one write a few thousand lines
                out.write(separator + ", ".join(chunk))
                separator = ", "
            out.write("]\n" if separator == ", " else "[]\n")
            return 0
        board = Reminders(workspace).board(handler=args.handler or None)
    finally:
        workspace.close()
    if args.json:
        out.write(json.dumps(board_json(board), ensure_ascii=False, indent=1))
        out.write("\n")
        return 0
    today = board.today
    counts = "，".join(f"{g.value} {board.counts.get(g, 0):,}" for g in Group)
    who = f"（承办人：{board.handler}）" if board.handler else "（全庭）"
    out.write(f"{today.isoformat()} 督促提醒{who}：共 {len(board.items):,} 条；{counts}\n")
    current: Group | None = None
    for item in board.items:
        group = group_of(item, today)
        if group is not current:
            current = group
            out.write(f"\n【{group.value}】{board.counts.get(group, 0):,} 条\n")
        late = f"逾期{item.days_overdue}日" if item.days_overdue else f"到期{item.due_date.isoformat()}"
        flags = ("（暂定）" if item.provisional else "") + (
            "（参考）" if item.advisory and not item.title.endswith("（参考）") else ""
        )
        form = f"→{suggestion_text(item)}" if item.suggested_form_title else ""
        owed = f" 未履行{format_money(item.owed_fen)}元" if item.owed_fen else ""
        out.write(
            f"{late}\t{item.case_number}\t{item.party}{owed}\t{item.handler or '—'}\t"
            f"{item.title}{flags}{form}\t{item.reason}\n"
        )
    return 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    cmd = sub.add_parser("reminders", parents=[common], help="列出今日督促提醒（督促看板）")
    cmd.add_argument("--date", type=_date, default=None, help="按哪一天计算（默认今天），YYYY-MM-DD")
    cmd.add_argument("--handler", default="", help="只列出该承办人的案件")
    cmd.add_argument("--json", action="store_true", help="输出JSON列表（字段见 docs/reminder-rules.md）")
    cmd.add_argument("--pretty", action="store_true", help="JSON缩进排版")
    cmd.set_defaults(func=_run)

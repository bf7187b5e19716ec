"""``tribunal-desk screening [--json] [--min-cases N]``: the 审破衔接 screening (房县方案十) headless: each
flagged enterprise with the grounds it meets, the figures behind them and its open cases (where the
申请破产审查告知书 may be sent). Fields: docs/screening.md."""

from __future__ import annotations

import argparse
import json
import sys

from desktop.commands import open_workspace
from desktop.core.money import format_yuan
from desktop.core.screening import MIN_CASES
from desktop.services.screening import Screening


def _run(args: argparse.Namespace) -> int:
    workspace = open_workspace(getattr(args, "db", None))
    try:
        flagged = Screening(workspace).flagged(args.min_cases)
    finally:
        workspace.close()
    if args.json:
        sys.stdout.write(json.dumps([f.as_json() for f in flagged], ensure_ascii=False, indent=1) + "\n")
        return 0
    out = sys.stdout
    out.write(f"审破衔接筛查：{len(flagged)}家企业符合房县方案第十条所列情形之一\n")
    for f in flagged:
        e = f.enterprise
        capital = format_yuan(e.registered_capital_fen) if e.registered_capital_fen is not None else "未登记"
        status = e.licence_status.value if e.licence_status else "未登记"
        out.write(f"\n{e.name}\t{e.uscc or '（无信用代码）'}\t注册资本{capital}\t登记状态{status}\n")
        for finding in f.findings:
            out.write(f"  {finding.ground.clause} {finding.ground.value}：{finding.detail}\n")
        cases = "、".join(number for _id, number in f.open_cases) or "无（不再发送告知书）"
        out.write(f"  在办案件：{cases}\n")
    return 0


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"应为正整数，实际为“{text}”")
    return int(text)


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    cmd = sub.add_parser(
        "screening", parents=[common], help="审破衔接筛查：可能符合破产条件的企业被告及其情形"
    )
    cmd.add_argument("--json", action="store_true", help="输出JSON（字段见 docs/screening.md）")
    cmd.add_argument(
        "--min-cases", type=_positive, default=MIN_CASES, help=f"同一年度案件数的门槛（默认{MIN_CASES}件）"
    )
    cmd.set_defaults(func=_run)

"""The 诚信履行名单 from the command line (the same services as the review screen).

tribunal-desk whitelist candidates --from D --to D [--eligible] [--detail]   who performed in the period
tribunal-desk whitelist check PARTY_ID ... --checker NAME [--date D] [--failed] [--note TEXT]
tribunal-desk whitelist consent PARTY_ID ... [--date D]
tribunal-desk whitelist exclude PARTY_ID ... --kind KIND --reason TEXT [--date D]
tribunal-desk whitelist publish (--from D --to D --all-eligible | PARTY_ID ...) --approver NAME
                                [--number N] [--date D]
tribunal-desk whitelist rules [--require 条件 ...] [--months N] [--max-age DAYS]
tribunal-desk whitelist batches
tribunal-desk whitelist print (--number N [--year Y] | --id BATCH_ID) --out FILE.pdf
tribunal-desk whitelist export (--number N [--year Y] | --id BATCH_ID)
                               --agency 市场监管|税务|金融机构|信用信息平台 [--format xlsx|csv] --out FILE
tribunal-desk whitelist withdraw (--number N [--year Y] | --id BATCH_ID) --seq S [--seq S ...]
                                 --reason TEXT --approver NAME [--date D]

A batch is named by year and number (one published under an earlier court code is found too), or by the
编号 that ``batches`` lists.

A refusal prints its reason and exits 2; nothing is written then.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.commands import open_workspace
from desktop.core.chinese_dates import parse_date
from desktop.core.errors import ValidationError

if TYPE_CHECKING:
    from desktop.core.whitelist import Batch
    from desktop.services.whitelist import WhitelistService


def _date(text: str) -> date:
    try:
        return parse_date(text)
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


@contextmanager
def _service(args: argparse.Namespace, read_only_ok: bool = False) -> Iterator[WhitelistService]:
    from desktop.services.whitelist import WhitelistService

    ws = open_workspace(getattr(args, "db", None), read_only_ok)
    try:
        yield WhitelistService(ws)
    finally:
        ws.close()


def _candidates(args: argparse.Namespace) -> int:
    with _service(args, read_only_ok=True) as svc:
        found = svc.candidates(args.start, args.end)
        if args.eligible:
            found = [c for c in found if c.eligible]
        print("当事人编号\t案号\t姓名或名称\t证件（脱敏）\t履行完毕日期\t结论\t说明")
        for c in found:
            done = c.performed_on.isoformat() if c.performed_on else ""
            a = c.assessment
            state = "已在名单中" if c.listed_in else a.state.value
            print(f"{c.party_id}\t{c.case_number}\t{c.name}\t{c.identifier}\t{done}\t{state}\t{c.reasons}")
            if args.detail:
                for f in a.findings:
                    mark = "" if f.required else "（本院不要求）"
                    print(f"\t\t{f.condition.value}{mark}：{f.state.value}：{f.reason}")
        eligible = sum(1 for c in found if c.eligible)
        print(f"共{len(found)}人，其中符合全部条件{eligible}人", file=sys.stderr)
        return 0


def _check(args: argparse.Namespace) -> int:
    with _service(args) as svc:
        n = svc.record_check(
            args.party, args.date or svc.ws.today(), args.checker, not args.failed, args.note
        )
        print(f"已为{n}人登记全国被执行案件查询")
        return 0


def _consent(args: argparse.Namespace) -> int:
    with _service(args) as svc:
        n = svc.record_consent(args.party, args.date or svc.ws.today())
        print(f"已为{n}人登记申请或同意公布")
        return 0


def _exclude(args: argparse.Namespace) -> int:
    from desktop.core.whitelist import ExclusionKind

    with _service(args) as svc:
        n = svc.exclude(args.party, ExclusionKind(args.kind), args.date or svc.ws.today(), args.reason)
        print(f"已为{n}人登记排除情形“{args.kind}”")
        return 0


def _publish(args: argparse.Namespace) -> int:
    from desktop.services.whitelist import WhitelistRefused, one_per_party

    with _service(args) as svc:
        published_on = args.date or svc.ws.today()
        period = None
        if args.all_eligible:
            if args.start is None or args.end is None:
                raise WhitelistRefused("--all-eligible 需要同时给出 --from 和 --to")
            if args.party:
                raise WhitelistRefused("--all-eligible 与当事人编号不能同时给出")
            period = (args.start, args.end)
            found = svc.candidates(args.start, args.end)
            ids = [c.party_id for c in one_per_party(c for c in found if c.eligible)]
            if not ids:
                raise WhitelistRefused(
                    f"没有可以发布的名单成员：{args.start.isoformat()}至{args.end.isoformat()}期间"
                    f"履行完毕的{len(found)}人中没有符合全部条件的（可用 candidates --detail 查看原因）"
                )
        else:
            if not args.party:
                raise WhitelistRefused("请给出当事人编号，或用 --from、--to 和 --all-eligible")
            ids = list(args.party)
            if args.start and args.end:
                period = (args.start, args.end)
        number = args.number or svc.next_number(published_on.year)
        batch = svc.publish(ids, number, published_on, args.approver, period)
        print(f"已发布{batch.label}，共{batch.entries}条（批次编号 {batch.id}）")
        return 0


def _rules(args: argparse.Namespace) -> int:
    from desktop.core.whitelist import CONDITIONS, MANDATORY, Condition, WhitelistRules

    with _service(args) as svc:
        rules = svc.rules()
        if args.require is not None or args.months is not None or args.max_age is not None:
            required = rules.required
            if args.require is not None:
                required = frozenset(Condition(name) for name in args.require)
            rules = WhitelistRules(
                required,
                args.months if args.months is not None else rules.pre_enforcement_months,
                args.max_age if args.max_age is not None else rules.national_check_max_age_days,
            )
            svc.set_rules(rules)
        for c in CONDITIONS:
            mark = "要求" if c in rules.required else "不要求"
            print(f"{c.value}\t{mark}{'（始终要求）' if c in MANDATORY else ''}")
        print(f"执前督促期限\t{rules.pre_enforcement_months}个月")
        age = rules.national_check_max_age_days
        print(f"全国查询有效期\t{f'{age}日' if age else '不限'}")
        return 0


def _batches(args: argparse.Namespace) -> int:
    with _service(args) as svc:
        print("编号\t批次\t发布日期\t批准人\t条目\t撤回\t状态\t法院代字")
        for b in svc.batches():
            print(
                f"{b.id}\t{b.label}\t{b.published_on.isoformat()}\t{b.approved_by}\t{b.entries}\t{b.withdrawn}\t"
                f"{b.status.value}\t{b.court_code}"
            )
        return 0


def _batch(svc: WhitelistService, args: argparse.Namespace) -> tuple[int, Batch]:
    if args.id is not None:
        if args.year is not None:
            from desktop.services.whitelist import WhitelistRefused

            raise WhitelistRefused("--id 与 --year 不能同时给出")
        batch = svc.batch(args.id)
    else:
        batch = svc.find_batch(args.year or svc.ws.today().year, args.number)
    assert batch.id is not None  # a stored batch
    return batch.id, batch


def _print(args: argparse.Namespace) -> int:
    with _service(args) as svc:
        batch_id, batch = _batch(svc, args)
        rec = svc.print_pdf(batch_id, Path(args.out))
        print(f"已写入 {args.out}（{batch.label}，{rec.entries}条，sha256 {rec.sha256}）")
        return 0


def _export(args: argparse.Namespace) -> int:
    with _service(args) as svc:
        batch_id = _batch(svc, args)[0]
        rec = svc.export(batch_id, args.agency, args.format, Path(args.out))
        print(f"已导出 {args.out}（报送{rec.agency}，{rec.format}，{rec.entries}条，sha256 {rec.sha256}）")
        return 0


def _withdraw(args: argparse.Namespace) -> int:
    with _service(args) as svc:
        batch_id, batch = _batch(svc, args)
        n = svc.withdraw(batch_id, args.seq, args.date or svc.ws.today(), args.reason, args.approver)
        print(f"已从{batch.label}撤回{n}条")
        return 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    from desktop.core.whitelist import AGENCIES, Condition, ExclusionKind

    wl = sub.add_parser("whitelist", help="诚信履行名单：审核、发布、打印、报送")
    wsub = wl.add_subparsers(title="whitelist commands", metavar="SUBCOMMAND", required=True)

    def add(name: str, help_text: str, func) -> argparse.ArgumentParser:  # type: ignore[no-untyped-def]
        p: argparse.ArgumentParser = wsub.add_parser(name, help=help_text, parents=[common])
        p.set_defaults(func=func)
        return p

    def parties(p: argparse.ArgumentParser, required: bool = True) -> None:
        p.add_argument("party", type=int, nargs="+" if required else "*", metavar="PARTY_ID",
                       help="当事人编号（见 candidates 的第一列）")  # fmt: skip

    def batch_args(p: argparse.ArgumentParser) -> None:
        which = p.add_mutually_exclusive_group(required=True)
        which.add_argument("--number", type=int, help="批次（第N批）")
        which.add_argument("--id", type=int, help="批次编号（见 batches 的第一列）")
        p.add_argument("--year", type=int, default=None, help="年度（默认今年；与 --number 一起）")

    p = add("candidates", "列出期间内履行完毕的当事人及各项条件", _candidates)
    p.add_argument("--from", dest="start", type=_date, required=True, help="期间开始日期")
    p.add_argument("--to", dest="end", type=_date, required=True, help="期间结束日期")
    p.add_argument("--eligible", action="store_true", help="只列出符合全部条件的")
    p.add_argument("--detail", action="store_true", help="列出每项条件的结果和理由")

    p = add("check", "登记全国被执行案件查询（查询日期和查询人）", _check)
    parties(p)
    p.add_argument("--checker", required=True, help="查询人")
    p.add_argument("--date", type=_date, default=None, help="查询日期（默认今天）")
    p.add_argument("--failed", action="store_true", help="查到了被执行案件（结果不符合）")
    p.add_argument("--note", default="", help="说明")

    p = add("consent", "登记当事人申请或同意公布", _consent)
    parties(p)
    p.add_argument("--date", type=_date, default=None, help="申请或同意的日期（默认今天）")

    p = add("exclude", "登记排除情形", _exclude)
    parties(p)
    p.add_argument("--kind", required=True, choices=[k.value for k in ExclusionKind], help="排除情形")
    p.add_argument("--reason", required=True, help="原因")
    p.add_argument("--date", type=_date, default=None, help="发现日期（默认今天）")

    p = add("publish", "发布一批名单", _publish)
    parties(p, required=False)
    p.add_argument("--from", dest="start", type=_date, default=None, help="期间开始日期")
    p.add_argument("--to", dest="end", type=_date, default=None, help="期间结束日期")
    p.add_argument("--all-eligible", action="store_true", help="发布期间内符合全部条件的所有当事人")
    p.add_argument("--number", type=int, default=None, help="批次（默认本年度下一批）")
    p.add_argument("--date", type=_date, default=None, help="发布日期（默认今天）")
    p.add_argument("--approver", required=True, help="批准人")

    p = add("rules", "查看或设置本院的纳入条件", _rules)
    p.add_argument(
        "--require",
        nargs="*",
        choices=[c.value for c in Condition],
        default=None,
        help="本院要求的条件（履行完毕、身份信息、本人申请或同意始终要求）",
    )
    p.add_argument("--months", type=int, default=None, help="执前督促期限（月）")
    p.add_argument("--max-age", type=int, default=None, help="全国查询有效期（日，0 为不限）")

    add("batches", "列出已发布的批次", _batches)

    p = add("print", "打印名单（A4 PDF，张贴公示）", _print)
    batch_args(p)
    p.add_argument("--out", required=True, help="PDF 文件")

    p = add("export", "导出报送文件", _export)
    batch_args(p)
    p.add_argument("--agency", required=True, choices=list(AGENCIES), help="报送单位")
    p.add_argument("--format", choices=("xlsx", "csv"), default="xlsx", help="格式（默认 xlsx）")
    p.add_argument("--out", required=True, help="文件")

    p = add("withdraw", "撤回名单中的条目", _withdraw)
    batch_args(p)
    p.add_argument("--seq", type=int, action="append", required=True, help="序号（可多次给出）")
    p.add_argument("--reason", required=True, help="撤回原因")
    p.add_argument("--approver", required=True, help="批准人")
    p.add_argument("--date", type=_date, default=None, help="撤回日期（默认今天）")

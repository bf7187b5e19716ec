"""``tribunal-desk import`` and ``tribunal-desk export``: case lists in, the ledger out, headless.

    tribunal-desk import FILE [--db PATH] [--dry-run] [--mapping MAP.json] [--skip-rejected]
    tribunal-desk export --out FILE.xlsx [--db PATH] [--stage S] [--status S] [--handler NAME]
                         [--text WORDS] [--overdue] [--sort KEY] [--desc]

import exit codes: 0 imported (or, with --dry-run, nothing rejected); 1 rows rejected, nothing written
(unless --skip-rejected); 3 the file has no recognisable 案号 column (give one with --mapping);
2 the database cannot be used, or the file holds no case list; and for a file that cannot be read
(message on stderr naming the file, nothing written): 4 cannot be opened, 5 not a workbook or CSV
(old .xls, a web page saved as .xls), 6 damaged, 7 CSV quote not closed, 8 CSV cell too long,
9 too large to read safely (zip bomb). See desktop.services.import_files.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop.commands import open_workspace
from desktop.core.model import CaseStatus, Stage


def _progress(what: str, done: int, total: int) -> bool:
    if sys.stderr.isatty():  # a scheduled task's log gets no carriage-return progress lines
        share = f"{done:,}/{total:,}" if total else f"{done:,}"
        print(f"\r{what} {share}    ", end="", file=sys.stderr, flush=True)
    return True


def _end_progress() -> None:
    if sys.stderr.isatty():
        print(file=sys.stderr)


def _run_import(args: argparse.Namespace) -> int:
    from desktop.services import excel

    mapping = excel.load_mapping_file(Path(args.mapping)) if args.mapping else None
    ws = open_workspace(args.db)
    try:
        try:
            preview = excel.preview_import(ws, Path(args.file), mapping, _progress)
        except excel.MappingNeeded as exc:
            _end_progress()
            print(f"错误：{exc}", file=sys.stderr)
            header = exc.preview.header
            for col, text in header.unknown if header else ():
                samples = "、".join(exc.preview.samples.get(col, []))
                print(f"  未识别的列“{text}”：{samples}", file=sys.stderr)
            print(
                '请用 --mapping 指定对应关系，例如 {"收案编号": "案号", "内部编码": "不导入"}',
                file=sys.stderr,
            )
            return 3
        except excel.ExcelError as exc:
            _end_progress()
            print(f"错误：{exc}", file=sys.stderr)
            return exc.exit_code
        _end_progress()
        where = f"（工作表“{preview.sheet}”）" if preview.sheet else "（本程序导出格式）"
        print(f"{preview.path.name}{where}：{preview.summary()}")
        if preview.header is not None:
            for col, text in preview.header.unknown:
                print(f"  未识别、不导入的列：第{col + 1}列“{text}”")
        for rejection in preview.rejections:
            print(f"  拒绝 {rejection}")
        for warning in preview.warnings:
            print(f"  提醒 {warning}")
        if args.dry_run:
            print("试运行：未写入数据库。")
            return 1 if preview.rejected_rows else 0
        if preview.rejected_rows and not args.skip_rejected:
            print("有被拒绝的行，未导入任何内容（修改文件后重试，或加 --skip-rejected 跳过这些行）。")
            return 1
        result = excel.apply_import(ws, preview, args.skip_rejected, _progress)
        _end_progress()
        if mapping:
            excel.remember_mapping(ws, mapping)
        print(result.summary())
        return 0
    finally:
        ws.close()


def _run_export(args: argparse.Namespace) -> int:
    from desktop.services import excel
    from desktop.store.cases import LedgerFilter

    ws = open_workspace(args.db, read_only_ok=True)
    try:
        f = LedgerFilter(
            text=args.text,
            stage=args.stage,
            status=args.status,
            handler=args.handler,
            overdue_only=args.overdue,
            today=ws.today(),
        )
        result = excel.export_ledger(ws, Path(args.out), f, args.sort, args.desc, _progress)
        _end_progress()
        print(result.summary())
        return 0
    finally:
        ws.close()


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    imp = sub.add_parser(
        "import",
        parents=[common],
        help="导入案件清单（Excel或CSV）",
        description="导入审判流程管理系统导出的案件清单、自建台账（.xlsx、.csv，GBK或UTF-8），或本程序导出的台账。"
        "先预览：新增、更新、无变化的案件数和被拒绝的行；有被拒绝的行时不写入任何内容。"
        "退出码：0 已导入；1 有被拒绝的行；2 数据库不可用或文件中没有案件清单；3 找不到案号列；"
        "4 文件无法打开；5 不是Excel工作簿或CSV（旧版.xls、网页格式）；6 文件已损坏；7 CSV引号未闭合；"
        "8 CSV单元格过长；9 文件过大或疑似压缩炸弹。",
    )
    imp.add_argument("file", help="要导入的文件")
    imp.add_argument("--dry-run", action="store_true", help="只预览，不写入数据库")
    imp.add_argument(
        "--mapping", help='表头对应关系（JSON），如 {"收案编号": "案号", "内部编码": "不导入"}；导入后记住'
    )
    imp.add_argument("--skip-rejected", action="store_true", help="跳过被拒绝的行，导入其余案件")
    imp.set_defaults(func=_run_import)

    exp = sub.add_parser(
        "export",
        parents=[common],
        help="导出案件台账为Excel",
        description="把案件台账（或筛选后的部分）导出为Excel工作簿：案件、当事人、履行义务、分期、履行记录五张表，"
        "可用 import 原样导回。",
    )
    exp.add_argument("--out", required=True, help="输出文件（.xlsx）")
    exp.add_argument("--stage", default="", choices=["", *(s.value for s in Stage)], help="只导出该阶段")
    exp.add_argument(
        "--status", default="", choices=["", *(s.value for s in CaseStatus)], help="只导出该状态"
    )
    exp.add_argument("--handler", default="", help="只导出该承办人的案件")
    exp.add_argument("--text", default="", help="搜索案号、当事人或案由")
    exp.add_argument("--overdue", action="store_true", help="只导出逾期未履行的案件")
    exp.add_argument(
        "--sort",
        default="case_number",
        choices=[
            "case_number",
            "filing_date",
            "deadline",
            "next_due_date",
            "owed",
            "stage",
            "status",
            "handler",
            "id",
        ],
        help="排序（默认按案号）",
    )
    exp.add_argument("--desc", action="store_true", help="倒序")
    exp.set_defaults(func=_run_export)

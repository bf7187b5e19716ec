"""Documents from the command line.

tribunal-desk forms [--fonts]                                     list the form ids (and refused files)
tribunal-desk render FORM_ID --case 案号 --out FILE.pdf [--set key=value ...] [--draft]
tribunal-desk render FORM_ID --blank [--case 案号] --out FILE.pdf  a blank form for a party to fill in
tribunal-desk batch FORM_ID (--due | --case 案号 ...) --out FILE.pdf [--set key=value ...] [--single-sided]
tribunal-desk reprint DOC_ID [DOC_ID ...] --out FILE.pdf

``render`` issues the document (numbered and kept in the register, like the wizard's print) unless
``--draft``; it refuses with the eligibility reason, or with each bad field, and exits 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop.commands import open_workspace


def _workspace(args: argparse.Namespace, read_only_ok: bool = False):  # type: ignore[no-untyped-def]
    return open_workspace(getattr(args, "db", None), read_only_ok)


def _sets(pairs: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise SystemExit(f"错误：--set 应写成 键=值，实际为“{pair}”")
        out[key.strip()] = value
    return out


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise SystemExit(f"错误：无法写入 {path}：{exc.strerror or exc}") from None


def _forms(args: argparse.Namespace) -> int:
    from desktop.documents.formdef import load_forms
    from desktop.services.documents import form_directories

    forms = load_forms(form_directories())
    for form in forms.ordered():
        mark = "（本院修改）" if form.override else ""
        stages = "、".join(form.stages) or "全部"
        print(f"{form.id:<30} {form.display_name}{mark}  [{stages}]  {form.description}")
    for error in forms.errors:
        print(f"未载入：{error}", file=sys.stderr)
    if args.fonts:
        from desktop.documents.fonts import default_fonts

        for role, faces in default_fonts().describe().items():
            print(f"字体 {role}: {' → '.join(faces)}")
    return 1 if forms.errors else 0


def _case_id(ws, number: str) -> int:  # type: ignore[no-untyped-def]
    from desktop.core.errors import ValidationError
    from desktop.store.cases import find_case_id

    try:
        case_id = find_case_id(ws.db, number)
    except ValidationError as exc:
        raise SystemExit(f"错误：{exc}") from None
    if case_id is None:
        raise SystemExit(f"错误：没有案号为 {number} 的案件")
    return case_id


def _render(args: argparse.Namespace) -> int:
    from desktop.services.documents import DocumentService, NotEligible
    from desktop.services.workspace import CaseInvalid
    from desktop.store.database import StoreError

    ws = _workspace(args, read_only_ok=bool(args.draft))
    try:
        service = DocumentService(ws)
        if args.blank:
            try:
                doc = service.blank(args.form_id, _case_id(ws, args.case) if args.case else None)
            except StoreError as exc:
                print(f"错误：{exc}", file=sys.stderr)
                return 2
            _write(args.out, service.pdf([doc]))
            print(f"空白《{doc.title}》（未登记）已写入 {args.out}")
            return 0
        if not args.case:
            print("错误：请用 --case 指定案号（只打印空白表时用 --blank）", file=sys.stderr)
            return 2
        case_id = _case_id(ws, args.case)
        try:
            draft = service.start(args.form_id, case_id)
        except NotEligible as exc:
            print(f"不能出具：{exc.reason}", file=sys.stderr)
            return 2
        unknown = set(_sets(args.set)) - set(draft.form.keys)
        if unknown:
            known = "、".join(draft.form.keys)
            print(
                f"错误：《{draft.form.title}》没有字段 {'、'.join(sorted(unknown))}（可用：{known}）",
                file=sys.stderr,
            )
            return 2
        answers = {**draft.answers, **_sets(args.set)}
        values, errors = service.check(draft.form, answers)
        if errors:
            for error in errors.values():
                print(f"错误：{error}", file=sys.stderr)
            return 2
        if args.draft:
            data = service.draft_pdf(draft.form, values)
            _write(args.out, data)
            print(f"草稿（未登记）已写入 {args.out}")
            return 0
        try:
            issued = service.issue(args.form_id, case_id, answers)
        except CaseInvalid as exc:
            print(f"错误：{exc}", file=sys.stderr)
            return 2
        _write(args.out, service.pdf([issued]))
        print(f"《{issued.form.title}》{issued.number} 已登记，PDF 已写入 {args.out}")
        return 0
    finally:
        ws.close()


def _batch(args: argparse.Namespace) -> int:
    from desktop.services.documents import DocumentService

    ws = _workspace(args)
    try:
        service = DocumentService(ws)
        if args.case:
            ids = [_case_id(ws, n) for n in args.case]
        else:
            ids = service.candidates(args.form_id, limit=args.limit)
        if not ids:
            print("没有符合条件的案件，未生成文书。")
            return 0
        result = service.issue_batch(args.form_id, ids, _sets(args.set), duplex=not args.single_sided)
        for number, reason in result.refused:
            print(f"未出具 {number}：{reason}", file=sys.stderr)
        if result.issued:
            _write(args.out, result.pdf)
            print(f"已登记 {len(result.issued)} 份，合并为一个 PDF：{args.out}")
        return 0 if result.issued else 2
    finally:
        ws.close()


def _reprint(args: argparse.Namespace) -> int:
    from desktop.services.documents import DocumentService

    ws = _workspace(args)
    try:
        data = DocumentService(ws).reprint(args.doc_ids, duplex=not args.single_sided)
        _write(args.out, data)
        print(f"已按登记内容重印 {len(args.doc_ids)} 份：{args.out}")
        return 0
    finally:
        ws.close()


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    forms = sub.add_parser("forms", parents=[common], help="列出文书模板")
    forms.add_argument("--fonts", action="store_true", help="同时列出各用途使用的字体")
    forms.set_defaults(func=_forms)

    render = sub.add_parser("render", parents=[common], help="为一件案件出具文书（登记并生成 PDF）")
    render.add_argument("form_id", metavar="FORM_ID", help="文书标识（见 tribunal-desk forms）")
    render.add_argument("--case", help="案号（--blank 时可省略）")
    render.add_argument("--out", required=True, type=Path, help="PDF 文件")
    render.add_argument(
        "--set", action="append", default=[], metavar="键=值", help="填写或改写字段，可多次使用"
    )
    render.add_argument("--draft", action="store_true", help="只生成草稿，不登记、不编号")
    render.add_argument(
        "--blank",
        action="store_true",
        help="打印供当事人手写填写的空白表（不登记；有 --case 时印入案号和当事人）",
    )
    render.set_defaults(func=_render)

    batch = sub.add_parser("batch", parents=[common], help="批量出具并合并打印（每份均登记）")
    batch.add_argument("form_id", metavar="FORM_ID")
    which = batch.add_mutually_exclusive_group(required=True)
    which.add_argument("--due", action="store_true", help="今天适用的全部案件（如本周应发的提示书）")
    which.add_argument("--case", action="append", help="案号，可多次使用")
    batch.add_argument("--limit", type=int, default=500, help="最多份数（默认 500）")
    batch.add_argument("--out", required=True, type=Path)
    batch.add_argument("--set", action="append", default=[], metavar="键=值", help="各份共同的字段值")
    batch.add_argument(
        "--single-sided",
        action="store_true",
        help="单面打印：不在页数为单数的文书后补空白页（默认按双面打印补齐，每份从新的一张纸开始）",
    )
    batch.set_defaults(func=_batch)

    reprint = sub.add_parser("reprint", parents=[common], help="按登记内容重印文书")
    reprint.add_argument("doc_ids", metavar="DOC_ID", type=int, nargs="+")
    reprint.add_argument("--out", required=True, type=Path)
    reprint.add_argument("--single-sided", action="store_true", help="单面打印：不补空白页")
    reprint.set_defaults(func=_reprint)

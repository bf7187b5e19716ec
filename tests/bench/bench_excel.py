"""Benchmark: Excel import and export at scale (run on purpose, not by pytest).

    python tests/bench/bench_excel.py [--rows 100000] [--export-cases 100000] [--keep DIR]

1. Writes a case list of --rows rows as a court's trial-management system exports it, one row per
   case (案号, 案由, 承办人, 原告, 被告 — sometimes two in one cell —, 标的额, 已履行金额, 履行日期, 立案日期,
   结案日期, 生效日期, 履行期限, 被告联系电话, 被告身份证号), as an .xlsx written the way Excel writes it
   (shared strings, a <dimension>); with --openpyxl-file also as openpyxl writes it (inline strings).
2. Imports it into an empty database: preview (read + check) and the one-transaction write, with a
   progress callback printing a bar; prints the seconds of each step. Target (issue 7): under 60 s.
3. Cancels a second import half-way through the write and proves the database is unchanged (row counts
   of every table and the audit log, and the file's integrity).
4. Exports a --export-cases demo database to XLSX (all five sheets) and prints the time.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

TODAY = date(2025, 6, 13)
TABLES = ("cases", "parties", "obligations", "installments", "payments", "contacts", "handlers", "audit_log")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def case_list_rows(rows: int, seed: int = 7) -> list[list[object]]:
    """The header and ``rows`` cases of a trial-management system's case list."""
    from desktop.core.identifiers import make_id_number

    rng = random.Random(seed)
    surnames = (
        "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
    )
    given = (
        "伟强军磊洋勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆旭宁龙林阳芳娜敏静丽艳娟霞秀英玲桂兰红梅琳婷雪慧"
    )
    causes = (
        "民间借贷纠纷",
        "买卖合同纠纷",
        "劳务合同纠纷",
        "物业服务合同纠纷",
        "机动车交通事故责任纠纷",
        "信用卡纠纷",
    )
    handlers = ("孙建华", "王丽娜", "李春雨", "赵志刚", "刘晓梅")

    def name() -> str:
        return rng.choice(surnames) + rng.choice(given) + (rng.choice(given) if rng.random() < 0.8 else "")

    out: list[list[object]] = [[
        "案号", "案由", "承办人", "原告", "被告", "标的额", "已履行金额", "履行日期", "立案日期", "结案日期",
        "生效日期", "履行期限", "被告联系电话", "被告身份证号",
    ]]  # fmt: skip
    for i in range(1, rows + 1):
        filed = date(2024, 1, 2) + timedelta(days=rng.randrange(300))
        judged = filed + timedelta(days=20 + rng.randrange(60))
        effective = judged + timedelta(days=16)
        deadline = effective + timedelta(days=10)
        amount = rng.randrange(1_000, 300_000)
        plaintiff = name()
        defendants = [
            n for n in dict.fromkeys([name(), name()][: 1 + (rng.random() < 0.15)]) if n != plaintiff
        ]
        defendants = defendants or [plaintiff + "某"]
        phones = ["13" + f"{rng.randrange(10**9):09d}" for _ in defendants]
        births = [
            date(1960 + rng.randrange(40), 1 + rng.randrange(12), 1 + rng.randrange(28)) for _ in defendants
        ]
        ids = [make_id_number("230902", birth, rng.randrange(1000)) for birth in births]
        paid = amount if rng.random() < 0.5 else 0
        out.append([
            f"（2024）黑0902民初{i}号", rng.choice(causes), rng.choice(handlers), plaintiff,
            "、".join(defendants),
            amount, paid or None, (deadline - timedelta(days=rng.randrange(5))) if paid else None,
            filed, judged, effective, deadline, "、".join(phones), "、".join(ids),
        ])  # fmt: skip
    return out


def _column(j: int) -> str:
    name = ""
    j += 1
    while j:
        j, rem = divmod(j - 1, 26)
        name = chr(65 + rem) + name
    return name


def write_excel_like(path: Path, rows: list[list[object]]) -> None:
    """An .xlsx as Excel writes it: shared strings, a <dimension>, dates as serial numbers with a date
    style. (openpyxl writes every text as an inline string, which openpyxl reads back much more slowly.)"""
    import zipfile
    from xml.sax.saxutils import escape

    strings: dict[str, int] = {}
    body: list[str] = []
    for r, values in enumerate(rows, start=1):
        cells = []
        for j, v in enumerate(values):
            ref = f"{_column(j)}{r}"
            if v is None:
                continue
            if isinstance(v, date):
                cells.append(f'<c r="{ref}" s="1"><v>{(v - date(1899, 12, 30)).days}</v></c>')
            elif isinstance(v, int):
                cells.append(f'<c r="{ref}"><v>{v}</v></c>')
            else:
                index = strings.setdefault(str(v), len(strings))
                cells.append(f'<c r="{ref}" t="s"><v>{index}</v></c>')
        body.append(f'<row r="{r}">{"".join(cells)}</row>')
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet {ns}>'
        f'<dimension ref="A1:{_column(len(rows[0]) - 1)}{len(rows)}"/>'
        f"<sheetData>{''.join(body)}</sheetData></worksheet>"
    )
    shared = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst {ns} count="{len(strings)}" '
        f'uniqueCount="{len(strings)}">' + "".join(f"<si><t>{escape(s)}</t></si>" for s in strings) + "</sst>"
    )
    styles = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet {ns}>'
        '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/></numFmts>'
        '<fonts count="1"><font><sz val="11"/><name val="宋体"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    )
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook {ns} xmlns:r="{rel}">'
        '<sheets><sheet name="案件清单" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    types = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" '
                'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                f'<Override PartName="/xl/workbook.xml" ContentType="{types}.sheet.main+xml"/>'
                f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{types}.worksheet+xml"/>'
                f'<Override PartName="/xl/styles.xml" ContentType="{types}.styles+xml"/>'
                f'<Override PartName="/xl/sharedStrings.xml" ContentType="{types}.sharedStrings+xml"/>'
                "</Types>"
            ),
        )
        z.writestr(
            "_rels/.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        z.writestr("xl/workbook.xml", workbook)
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId3" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>",
        )
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        z.writestr("xl/sharedStrings.xml", shared)
        z.writestr("xl/styles.xml", styles)


def write_openpyxl(path: Path, rows: list[list[object]]) -> None:
    """The same list as openpyxl (and Apache POI's streaming writer) writes it: inline strings."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("案件清单")
    for values in rows:
        ws.append(values)
    wb.save(path)


def counts(ws) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {t: int(ws.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in TABLES}


class Bar:
    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.last = 0.0

    def __call__(self, what: str, done: int, total: int) -> bool:
        now = time.perf_counter()
        if now - self.last > 0.5 or done == total:
            self.last = now
            share = f"{done / total:6.1%}" if total else "   ..."
            print(f"\r  {what} {done:>9,}/{total:,} {share}  {now - self.started:6.1f} s", end="", flush=True)
        return True


def import_once(source: Path, folder: Path, label: str, again: bool = False) -> None:
    from desktop.services import excel
    from desktop.services.workspace import Workspace

    db = folder / f"import-{datetime.now():%H%M%S%f}.sqlite3"
    ws = Workspace.open(db, actor="bench")
    ws.today = lambda: TODAY
    print(f"import {label} into an empty database:")
    t0, c0 = time.perf_counter(), time.process_time()
    preview = excel.preview_import(ws, source, progress=Bar())
    t1, c1 = time.perf_counter(), time.process_time()
    print(f"\n  preview (read + check): {t1 - t0:.1f} s (CPU {c1 - c0:.1f} s) — {preview.summary()}")
    for rejection in preview.rejections[:5]:
        print(f"    {rejection}")
    result = excel.apply_import(ws, preview, skip_rejected=True, progress=Bar())
    t2, c2 = time.perf_counter(), time.process_time()
    print(f"\n  write (one transaction): {t2 - t1:.1f} s (CPU {c2 - c1:.1f} s) — {result.summary()}")
    print(
        f"  TOTAL {t2 - t0:.1f} s wall, {c2 - c0:.1f} s CPU (target < 60 s); peak memory {peak_mb():.0f} MB"
    )
    if again:
        t3 = time.perf_counter()
        same = excel.preview_import(ws, source)
        seconds = time.perf_counter() - t3
        print(
            f"  the same file again (all matched in the database): preview {seconds:.1f} s — {same.summary()}"
        )
    ws.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--export-cases", type=int, default=100_000)
    parser.add_argument(
        "--openpyxl-file", action="store_true", help="also import the list as openpyxl writes it"
    )
    parser.add_argument("--keep", type=Path, help="folder to keep the generated files in")
    args = parser.parse_args()

    from desktop.services import excel
    from desktop.services.demo import generate
    from desktop.services.workspace import Workspace
    from desktop.store.tabular_io import Cancelled

    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-excel-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    source = folder / f"case-list-{args.rows}.xlsx"
    if not source.exists():
        t = time.perf_counter()
        rows = case_list_rows(args.rows)
        write_excel_like(source, rows)
        if args.openpyxl_file:
            write_openpyxl(source.with_name(f"case-list-{args.rows}-openpyxl.xlsx"), rows)
        print(f"wrote the {args.rows:,}-row case list {source} ({source.stat().st_size / 1e6:.1f} MB) "
              f"in {time.perf_counter() - t:.1f} s")  # fmt: skip
    import_once(source, folder, f"{args.rows:,} rows (Excel-style file: shared strings)", again=True)
    inline = source.with_name(f"case-list-{args.rows}-openpyxl.xlsx")
    if args.openpyxl_file and inline.exists():
        import_once(inline, folder, f"{args.rows:,} rows (openpyxl-style file: inline strings)")

    print("cancel half-way through the write of a second import:")
    target = folder / f"cancel-{datetime.now():%H%M%S}.sqlite3"
    ws2 = Workspace.open(target, actor="bench")
    ws2.today = lambda: TODAY
    before = counts(ws2)
    preview2 = excel.preview_import(ws2, source)

    def cancel_half(what: str, done: int, total: int) -> bool:
        return not (what == "写入" and done >= total // 2)

    t = time.perf_counter()
    try:
        excel.apply_import(ws2, preview2, skip_rejected=True, progress=cancel_half)
        print("  NOT CANCELLED (unexpected)")
    except Cancelled as exc:
        after = counts(ws2)
        ok = ws2.db.execute("PRAGMA integrity_check").fetchone()[0]
        print(f"  cancelled after {time.perf_counter() - t:.1f} s: {exc}")
        print(
            f"  rows before {before}\n  rows after  {after}\n  unchanged: {before == after}, integrity: {ok}"
        )

    if args.export_cases:
        demo = folder / f"demo-{args.export_cases}.sqlite3"
        if not demo.exists():
            generate(demo, cases=args.export_cases, seed=1, today=TODAY)
        ws3 = Workspace.open(demo, actor="bench")
        ws3.today = lambda: TODAY
        out = folder / f"export-{args.export_cases}.xlsx"
        t = time.perf_counter()
        res = excel.export_ledger(ws3, out, progress=Bar())
        size = out.stat().st_size / 1e6
        print(f"\nexport of {res.cases:,} cases: {time.perf_counter() - t:.1f} s, {size:.1f} MB "
              f"— {res.summary()}")  # fmt: skip
    print(f"peak memory {peak_mb():.0f} MB; files in {folder}")


if __name__ == "__main__":
    main()

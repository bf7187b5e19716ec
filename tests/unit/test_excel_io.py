"""Excel in and out through files and a real database: round trip, messy sheets, all-or-nothing, cancel."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop.core import tabular
from desktop.core.model import Case, PartyKind, PartyRole, Stage
from desktop.core.money import format_money
from desktop.core.tabular import LAYOUT, Action, without_ids
from desktop.services import excel
from desktop.services.demo import generate
from desktop.services.workspace import Workspace
from desktop.store import tabular_io
from desktop.store.cases import ConcurrentEdit, LedgerFilter, ledger_count, load_case, parties_text
from tests.conftest import TODAY, make_case

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "excel"
TABLES = (
    "cases",
    "parties",
    "obligations",
    "installments",
    "payments",
    "contacts",
    "handlers",
    "audit_log",
    "settings",
)


def counts(ws: Workspace) -> dict[str, int]:
    return {t: int(ws.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in TABLES}


def all_cases(ws: Workspace) -> dict[str, Case]:
    ids = [int(r[0]) for r in ws.db.execute("SELECT id FROM cases ORDER BY id")]
    return {c.case_number: c for c in tabular_io.load_cases(ws.db, ids)}


def open_ws(path: Path) -> Workspace:
    ws = Workspace.open(path, actor="测试员")
    ws.today = lambda: TODAY
    return ws


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    generate(path, cases=300, seed=11, today=TODAY)
    return path


@pytest.fixture(scope="module")
def exported(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = open_ws(demo)
    try:
        out = tmp_path_factory.mktemp("export") / "台账.xlsx"
        result = excel.export_ledger(ws, out)
        assert result.cases == 300
        return out
    finally:
        ws.close()


# ------------------------------------------------------------------------------------ round trip


def test_export_then_import_into_an_empty_database_loses_nothing(
    demo: Path, exported: Path, tmp_path: Path
) -> None:
    source = open_ws(demo)
    target = open_ws(tmp_path / "empty.sqlite3")
    try:
        preview = excel.preview_import(target, exported)
        assert preview.layout
        assert (preview.new, preview.updated, preview.unchanged, preview.rejected_rows) == (300, 0, 0, 0)
        excel.apply_import(target, preview)

        before, after = all_cases(source), all_cases(target)
        assert sorted(before) == sorted(after)
        for number, case in before.items():
            assert without_ids(after[number]) == without_ids(case), number
        for table in ("cases", "parties", "obligations", "installments", "payments"):
            assert counts(target)[table] == counts(source)[table], table
        # what the ledger derives and searches on is the same
        derived = "SELECT case_number, due_fen, paid_fen, next_due_date, parties_text FROM cases ORDER BY 1"
        assert list(target.db.execute(derived)) == list(source.db.execute(derived))
        some_party = next(iter(before.values())).parties[0].name
        text = LedgerFilter(text=some_party, today=TODAY)
        assert ledger_count(target.db, text) == ledger_count(source.db, text) > 0
        assert target.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        target.db.execute("INSERT INTO case_search(case_search) VALUES('integrity-check')")

        again = excel.preview_import(target, exported)
        assert (again.new, again.updated, again.unchanged) == (0, 0, 300)
    finally:
        source.close()
        target.close()


def test_bulk_loading_matches_loading_one_case_at_a_time(demo: Path) -> None:
    ws = open_ws(demo)
    try:
        ids = [int(r[0]) for r in ws.db.execute("SELECT id FROM cases ORDER BY random()")]
        bulk = tabular_io.load_cases(ws.db, ids)
        assert [c.id for c in bulk] == ids
        for case in bulk:
            assert case == load_case(ws.db, case.id or 0)
    finally:
        ws.close()


def test_reimporting_an_edited_export_updates_only_what_changed(
    demo: Path, exported: Path, tmp_path: Path
) -> None:
    path = tmp_path / "edited.xlsx"
    shutil.copy(exported, path)
    target_db = tmp_path / "copy.sqlite3"
    shutil.copy(demo, target_db)
    ws = open_ws(target_db)
    try:
        wb = load_workbook(path)
        sheet = wb["案件"]
        number = sheet.cell(2, 1).value
        sheet.cell(2, 2).value = "修改后的案由"
        wb.save(path)
        before = all_cases(ws)[number]
        preview = excel.preview_import(ws, path)
        assert (preview.new, preview.updated, preview.unchanged) == (0, 1, 299)
        excel.apply_import(ws, preview)
        after = all_cases(ws)[number]
        assert after.cause == "修改后的案由"
        assert after.version == before.version + 1
        assert [p.id for p in after.parties] == [p.id for p in before.parties]
        entry = ws.db.execute(
            "SELECT detail FROM audit_log WHERE action = 'case.update' AND case_number = ?", [number]
        ).fetchone()
        assert json.loads(entry[0])["cause"] == [before.cause, "修改后的案由"]
    finally:
        ws.close()


def test_a_filtered_view_exports_just_its_cases(demo: Path, tmp_path: Path) -> None:
    ws = open_ws(demo)
    try:
        f = LedgerFilter(stage=Stage.ENFORCEMENT.value, today=TODAY)
        result = excel.export_ledger(ws, tmp_path / "执行", f, sort="filing_date", descending=True)
        assert result.path == tmp_path / "执行.xlsx"
        expected = ledger_count(ws.db, f)
        assert 0 < result.cases == expected < 300
        wb = load_workbook(result.path)
        rows = list(wb["案件"].iter_rows(min_row=2, values_only=True))
        assert [row[2] for row in rows] == ["执行"] * expected
        filed = [row[7] for row in rows]
        assert filed == sorted(filed, reverse=True)
        readme = {row[0]: row[1] for row in wb["说明"].iter_rows(values_only=True)}
        assert readme["导出范围"] == "阶段：执行"
        audit = ws.db.execute(
            "SELECT detail FROM audit_log WHERE action = 'excel.export' ORDER BY id DESC"
        ).fetchone()
        assert json.loads(audit[0])["rows"]["案件"] == expected
    finally:
        ws.close()


def test_the_export_is_formatted(exported: Path) -> None:
    wb = load_workbook(exported)
    assert wb.sheetnames == ["案件", "当事人", "履行义务", "分期", "履行记录", "说明"]
    for layout in LAYOUT:
        ws = wb[layout.name]
        assert [c.value for c in ws[1]] == [c.header for c in layout.columns]
        assert ws["A1"].font.b
        assert ws.freeze_panes == "B2"
        assert ws.column_dimensions["A"].width == 26
    cases = wb["案件"]
    headers = [c.value for c in cases[1]]
    row = cases[2]
    filing = row[headers.index("立案日期")]
    assert filing.is_date and filing.number_format == "yyyy-mm-dd"
    due = row[headers.index("应履行金额（导出时计算）")]
    assert due.number_format == "#,##0.00" and isinstance(due.value, int | float)
    parties = wb["当事人"]
    ids = [r[5] for r in parties.iter_rows(min_row=2) if r[5].value]
    assert ids and all(c.data_type == "s" and c.number_format == "@" for c in ids)


def test_too_many_rows_for_excel_are_refused(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(excel, "EXCEL_MAX_ROWS", 500)
    ws = open_ws(demo)
    try:
        with pytest.raises(excel.ExcelError, match="超过Excel每张表最多500行的限制（当事人"):
            excel.export_ledger(ws, tmp_path / "too-big.xlsx")
        assert list(tmp_path.iterdir()) == []
    finally:
        ws.close()


def test_a_cancelled_export_leaves_no_file(demo: Path, tmp_path: Path) -> None:
    ws = open_ws(demo)
    try:
        with pytest.raises(excel.Cancelled):
            excel.export_ledger(ws, tmp_path / "x.xlsx", progress=lambda what, done, total: done < 100)
        assert list(tmp_path.iterdir()) == []
    finally:
        ws.close()


# ------------------------------------------------------------------------------------ LibreOffice


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def _expected_sheets(cases: list[Case]) -> dict[str, list[list[str]]]:
    """What the workbook shows, written out independently of the exporter: dates yyyy-mm-dd, amounts
    #,##0.00, 是/否, enum labels, empty cells for nothing."""

    def show(kind: str, value: object) -> str:
        if value is None:
            return ""
        if kind == "money":
            return format_money(int(value))  # type: ignore[call-overload]
        if kind == "bool":
            return "是" if value else "否"
        if isinstance(value, date):
            return value.isoformat()
        return str(getattr(value, "value", value))

    out: dict[str, list[list[str]]] = {s.name: [[c.header for c in s.columns]] for s in LAYOUT}
    kinds = {s.name: [c.kind for c in s.columns] for s in LAYOUT}
    for case in cases:
        from desktop.core.ledger import balance

        bal = balance(case)
        out["案件"].append([
            case.case_number, case.cause, case.stage.value, case.disposition.value, case.procedure.value,
            case.status.value, case.handler, show("date", case.filing_date), show("date", case.judgment_date),
            show("date", case.effective_date), case.effective_override_reason, show("date", case.deadline),
            case.deadline_override_reason, show("bool", case.public_notice), case.enforcement_case_number,
            show("date", case.enforcement_filing_date), show("date", case.enforcement_notice_date),
            case.notes, parties_text(case.parties), format_money(bal.due_fen), format_money(bal.paid_fen),
            format_money(bal.owed_fen), show("date", bal.next_due_date),
        ])  # fmt: skip
        for i, p in enumerate(case.parties, start=1):
            values = [case.case_number, i, p.role, p.kind, p.name, p.id_number, p.uscc, p.phone, p.address,
                      p.legal_representative, p.registered_capital_fen, p.licence_status, p.service_date,
                      p.publication_consent, p.consent_date]  # fmt: skip
            out["当事人"].append([show(k, v) for k, v in zip(kinds["当事人"], values, strict=True)])
        for i, o in enumerate(case.obligations, start=1):
            values = [case.case_number, i, o.kind, o.description, o.amount_fen, o.due_date, o.debtor,
                      o.creditor,
                      o.default_clause, o.default_clause_text, o.guarantee, o.guarantee_text, o.account_name,
                      o.account_number, o.account_bank]  # fmt: skip
            out["履行义务"].append([show(k, v) for k, v in zip(kinds["履行义务"], values, strict=True)])
            for it in o.installments:
                values = [case.case_number, i, it.seq, it.due_date, it.amount_fen]
                out["分期"].append([show(k, v) for k, v in zip(kinds["分期"], values, strict=True)])
        for pay in case.payments:
            values = [case.case_number, pay.paid_on, pay.amount_fen, pay.method, pay.payer, pay.evidence,
                      pay.creditor_confirmed, pay.note]  # fmt: skip
            out["履行记录"].append([show(k, v) for k, v in zip(kinds["履行记录"], values, strict=True)])
    return out


@pytest.mark.slow
@pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui to run this check",
)
def test_libreoffice_reads_the_export_as_expected(demo: Path, exported: Path, tmp_path: Path) -> None:
    assert SOFFICE is not None
    # 44 = comma, 34 = double quote, 76 = UTF-8; token 9 "true" = save cell contents as shown;
    # -1 = every sheet, each to <name>-<sheet>.csv
    options = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"
    profile = Path(tempfile.mkdtemp(prefix="lo-profile-"))
    try:
        subprocess.run(
            [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", options,
             "--outdir", str(tmp_path), str(exported)],
            check=True, capture_output=True, timeout=240,
        )  # fmt: skip
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    ws = open_ws(demo)
    try:
        ids = tabular_io.case_ids(ws.db, LedgerFilter(today=TODAY))
        expected = _expected_sheets(tabular_io.load_cases(ws.db, ids))
    finally:
        ws.close()
    for sheet, rows in expected.items():
        path = tmp_path / f"{exported.stem}-{sheet}.csv"
        assert path.exists(), sorted(p.name for p in tmp_path.iterdir())
        with path.open(encoding="utf-8", newline="") as fh:
            got = [row + [""] * (len(rows[0]) - len(row)) for row in csv.reader(fh)]
        assert len(got) == len(rows), sheet
        for number, (want, have) in enumerate(zip(rows, got, strict=True), start=1):
            assert have == want, f"{sheet} 第{number}行"


# ------------------------------------------------------------------------------------ messy sheets


def test_court_system_export_with_merged_headers_and_mixed_dates(workspace: Workspace) -> None:
    preview = excel.preview_import(workspace, FIXTURES / "court_export.xlsx")
    assert preview.sheet == "结案清单" and preview.header_row == 3
    assert (preview.new, preview.rejected_rows, preview.skipped_totals) == (4, 0, 1)
    excel.apply_import(workspace, preview)
    cases = all_cases(workspace)
    assert sorted(cases) == [f"（2025）黑0902民初{n}号" for n in (101, 102, 103, 104)]

    first = cases["（2025）黑0902民初101号"]
    assert (first.cause, first.handler) == ("民间借贷纠纷", "孙建华")
    assert (first.filing_date, first.judgment_date, first.effective_date) == (
        date(2025, 1, 6), date(2025, 3, 3), date(2025, 3, 19),
    )  # fmt: skip
    assert first.obligations[0].amount_fen == 2_000_000  # 2 in a 万元 column
    assert [(p.role, p.name, p.phone) for p in first.parties] == [
        (PartyRole.PLAINTIFF, "张三丰", ""), (PartyRole.DEFENDANT, "李四光", "13800138000"),
    ]  # fmt: skip

    second = cases["（2025）黑0902民初102号"]  # full-width digits everywhere
    assert second.obligations[0].amount_fen == 1_250_000
    assert second.parties[1].phone == "13900139000"
    assert second.parties[0].kind is PartyKind.ORGANISATION
    assert (second.filing_date, second.effective_date) == (date(2025, 1, 8), date(2025, 3, 21))

    third = cases["（2025）黑0902民初103号"]  # 年月日 text, a serial number, two plaintiffs in a cell
    assert [p.name for p in third.parties] == ["赵六", "钱七", "孙八"]
    assert (third.filing_date, third.judgment_date, third.effective_date) == (
        date(2025, 1, 10), date(2025, 3, 21), date(2025, 4, 7),
    )  # fmt: skip

    fourth = cases["（2025）黑0902民初104号"]  # 案号 merged over two rows, one defendant each
    assert fourth.judgment_date == date(2025, 5, 6)  # 二〇二五年五月六日
    assert [(p.role, p.name, p.phone) for p in fourth.parties] == [
        (PartyRole.PLAINTIFF, "周九", ""),
        (PartyRole.DEFENDANT, "吴十", "13600136000"),
        (PartyRole.DEFENDANT, "中国人民财产保险股份有限公司七台河市分公司", "0464-8251234"),
    ]
    assert fourth.obligations[0].debtor == "吴十、中国人民财产保险股份有限公司七台河市分公司"


def test_gbk_ledger_rejects_bad_rows_one_by_one(workspace: Workspace) -> None:
    before = counts(workspace)
    preview = excel.preview_import(workspace, FIXTURES / "ledger_gbk.csv")
    assert preview.encoding == "GBK/GB18030"
    assert (preview.new, preview.rejected, preview.rejected_rows, preview.skipped_totals) == (2, 3, 3, 1)
    assert [(r.row, r.column, r.reason) for r in preview.rejections] == [
        (4, "履行期限届满日", "2025年2月没有30日"),
        (5, "执行标的(元)", "“三千元”不是金额：只能填写数字，可带千分位逗号、¥、元或万元"),
        (6, "被执行人身份证号", "曹十的身份证号校验位应为8，实际为6，请核对号码"),
    ]
    with pytest.raises(excel.ExcelError, match="有 3 行被拒绝"):
        excel.apply_import(workspace, preview)
    assert counts(workspace) == before

    result = excel.apply_import(workspace, preview, skip_rejected=True)
    assert (len(result.created), result.skipped_rows) == (2, 3)
    cases = all_cases(workspace)
    paid = cases["（2024）黑0902执1201号"]
    assert paid.stage is Stage.ENFORCEMENT
    assert [(p.role, p.name, p.id_number) for p in paid.parties] == [
        (PartyRole.CREDITOR, "刘一", ""), (PartyRole.DEBTOR, "陈二", "230902198001010018"),
    ]  # fmt: skip
    assert (paid.obligations[0].amount_fen, paid.payments[0].amount_fen) == (1_200_000, 200_000)
    assert paid.payments[0].paid_on == date(2024, 12, 20)
    two = cases["（2024）黑0902执1202号"]
    assert [(p.name, p.phone) for p in two.parties[1:]] == [("杨三", "13400134000"), ("许四", "13300133000")]
    assert two.deadline == date(2024, 12, 6)


def test_one_bad_row_means_nothing_is_imported(workspace: Workspace) -> None:
    path = FIXTURES / "one_bad_row.xlsx"
    before = counts(workspace)
    preview = excel.preview_import(workspace, path)
    assert (preview.new, preview.rejected_rows) == (3, 1)
    assert [str(r) for r in preview.rejections] == ["台账 第4行“案号”列：年度应写在括号中，例如（2025）"]
    with pytest.raises(excel.ExcelError, match="未导入任何内容"):
        excel.apply_import(workspace, preview)
    assert counts(workspace) == before
    excel.apply_import(workspace, preview, skip_rejected=True)
    assert sorted(all_cases(workspace)) == [f"（2025）黑0902民初{n}号" for n in (201, 202, 204)]
    assert all_cases(workspace)["（2025）黑0902民初202号"].obligations[0].amount_fen == 315_050


def test_the_import_is_audited_with_file_name_and_hash(workspace: Workspace) -> None:
    path = FIXTURES / "one_bad_row.xlsx"
    preview = excel.preview_import(workspace, path)
    result = excel.apply_import(workspace, preview, skip_rejected=True)
    (detail,) = [
        json.loads(r[0])
        for r in workspace.db.execute("SELECT detail FROM audit_log WHERE action = 'excel.import'")
    ]
    assert detail["file"] == "one_bad_row.xlsx"
    assert detail["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (detail["new"], detail["rejected_rows"], detail["skip_rejected"]) == (3, 1, True)
    per_case = workspace.db.execute(
        "SELECT entity_id, actor FROM audit_log WHERE action = 'case.import' ORDER BY entity_id"
    ).fetchall()
    assert per_case == [(i, "测试员") for i in result.created]


def test_unknown_headers_need_the_mapping_step_which_is_remembered(workspace: Workspace) -> None:
    path = FIXTURES / "unknown_headers.csv"
    with pytest.raises(excel.MappingNeeded) as info:
        excel.preview_import(workspace, path)
    preview = info.value.preview
    assert preview.header is not None
    assert preview.header.unknown == ((0, "收案编号"), (4, "内部编码"))
    assert preview.samples[0] == ["（2025）黑0902民初301号", "（2025）黑0902民初302号"]
    assert preview.encoding == "UTF-8"

    mapping = excel.parse_mapping({"收案编号": "案号", "内部编码": "不导入"})
    preview = excel.preview_import(workspace, path, mapping)
    assert (preview.new, preview.rejected_rows) == (2, 0)
    excel.apply_import(workspace, preview)
    excel.remember_mapping(workspace, mapping)
    assert excel.remembered_mapping(workspace) == {"收案编号": "case_number", "内部编码": ""}
    again = excel.preview_import(workspace, path)  # no mapping given: the remembered one is used
    assert again.unchanged == 2 and again.header is not None and again.header.unknown == ()


def test_bad_mapping_files_are_explained() -> None:
    with pytest.raises(excel.ExcelError, match="“收案编号”对应的字段“案件号码”不存在"):
        excel.parse_mapping({"收案编号": "案件号码"})
    with pytest.raises(excel.ExcelError, match="应为JSON对象"):
        excel.parse_mapping(["案号"])


def test_utf8_csv_without_bom_and_a_duplicate_case_in_it(workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "清单.csv"
    path.write_text(
        "案号,原告,被告,标的额\n"
        "（2025）黑0902民初1号,张三,李四,1000\n"
        "(2025)黑0902民初1号,张三,王五,1000\n"
        "（2025）黑0902民初2号,赵六,孙七,500\n",
        encoding="utf-8",
    )
    preview = excel.preview_import(workspace, path)
    assert (preview.new, preview.rejected_rows, preview.encoding) == (2, 0, "UTF-8")
    excel.apply_import(workspace, preview)
    assert [p.name for p in all_cases(workspace)["（2025）黑0902民初1号"].parties] == ["张三", "李四", "王五"]


def test_old_xls_files_are_refused_with_a_hint(tmp_path: Path, workspace: Workspace) -> None:
    path = tmp_path / "旧台账.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    with pytest.raises(excel.ExcelError, match="另存为"):
        excel.preview_import(workspace, path)
    broken = tmp_path / "坏的.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(excel.ExcelError, match=r"文件已损坏：坏的\.xlsx"):
        excel.preview_import(workspace, broken)


def test_a_sheet_without_any_header(tmp_path: Path, workspace: Workspace) -> None:
    path = tmp_path / "数字.csv"
    path.write_text("1,2,3\n4,5,6\n", encoding="utf-8")
    with pytest.raises(excel.ExcelError, match="找不到表头"):
        excel.preview_import(workspace, path)


# ------------------------------------------------------------------------------------ safety


def test_cancel_during_the_write_leaves_the_database_unchanged(workspace: Workspace, exported: Path) -> None:
    workspace.save_case(make_case("（2025）黑0902民初9999号"))
    before = counts(workspace)
    preview = excel.preview_import(workspace, exported)
    seen: list[tuple[str, int]] = []

    def cancel_half_way(what: str, done: int, total: int) -> bool:
        seen.append((what, done))
        return not (what == "写入" and done >= total // 2)

    with pytest.raises(excel.Cancelled, match="数据库未作任何修改"):
        excel.apply_import(workspace, preview, progress=cancel_half_way)
    assert ("写入", 0) in seen and max(d for w, d in seen if w == "写入") >= 150
    assert counts(workspace) == before
    if not workspace.is_server:
        assert workspace.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # the search trigger dropped for the bulk insert is back: a new case is searchable
    workspace.save_case(make_case("（2025）黑0902民初9998号", cause="追索劳动报酬纠纷"))
    assert ledger_count(workspace.db, LedgerFilter(text="追索劳动报酬")) == 1


def test_cancel_while_reading(workspace: Workspace, exported: Path) -> None:
    with pytest.raises(excel.Cancelled):
        excel.preview_import(workspace, exported, progress=lambda what, done, total: what != "检查")


def test_changes_after_the_preview_stop_the_import(workspace: Workspace, tmp_path: Path) -> None:
    saved = workspace.save_case(make_case())
    path = tmp_path / "update.csv"
    path.write_text(
        "案号,案由\n（2025）黑0902民初123号,买卖合同纠纷\n（2025）黑0902民初5号,x\n", encoding="utf-8"
    )
    preview = excel.preview_import(workspace, path)
    assert preview.updated == 1
    workspace.save_case(replace(saved, notes="别人改了"))
    before = counts(workspace)
    with pytest.raises(ConcurrentEdit, match="在预览之后已被修改"):
        excel.apply_import(workspace, preview, skip_rejected=True)
    assert counts(workspace) == before

    preview = excel.preview_import(workspace, path)
    path.write_text("案号,案由\n（2025）黑0902民初123号,改了文件\n", encoding="utf-8")
    with pytest.raises(excel.ExcelError, match="在预览之后被修改过"):
        excel.apply_import(workspace, preview, skip_rejected=True)
    assert counts(workspace) == before


def test_listeners_hear_about_imported_cases(workspace: Workspace) -> None:
    heard = []
    workspace.subscribe(heard.append)
    result = excel.apply_import(workspace, excel.preview_import(workspace, FIXTURES / "court_export.xlsx"))
    assert [c.what for c in heard] == ["case"]
    assert set(heard[0].case_ids) == set(result.created)


def test_every_layout_column_is_documented() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "excel-layout.md").read_text(encoding="utf-8")
    for layout in LAYOUT:
        assert f"### {layout.name}" in doc
        for column in layout.columns:
            assert f"| {column.header} |" in doc, column.header
    assert tabular.LAYOUT_VERSION == 1 and "格式版本（当前为 1）" in doc


def test_the_planned_actions_are_visible_per_case(workspace: Workspace) -> None:
    preview = excel.preview_import(workspace, FIXTURES / "one_bad_row.xlsx")
    assert [p.action for p in preview.plans] == [Action.NEW, Action.NEW, Action.REJECTED, Action.NEW]
    assert preview.summary() == "新增 3 件，更新 0 件，无变化 0 件，拒绝 1 行（涉及 1 件）"
    assert os.path.basename(preview.path) == "one_bad_row.xlsx"


# ------------------------------------------------------------------------------------ review additions


def test_template_rows_with_only_a_sequence_number_are_blank(workspace: Workspace, tmp_path: Path) -> None:
    """Court ledgers are often pre-numbered: rows holding nothing but their 序号 import as blank rows,
    not as rows "缺少案号" that would stop the whole import."""
    from openpyxl import Workbook

    wb = Workbook()
    sheet = wb.active
    sheet.title = "台账"
    sheet.append(["序号", "案号", "原告", "被告", "标的额", "结案日期"])
    sheet.append([1, "（2025）黑0902民初501号", "张三", "李四", 1000, "2025-05-01"])
    sheet.append([2, "（2025）黑0902民初502号", "张三", "王五", "1,000.5元", "2025.5.2"])
    sheet.append([3, None, None, None, None, None])
    sheet.append([4, None, "", None, None, None])
    sheet.append([5, None, None, "赵六", None, None])  # real content without a 案号: still rejected
    path = tmp_path / "预编号.xlsx"
    wb.save(path)
    preview = excel.preview_import(workspace, path)
    assert (preview.new, preview.rejected_rows) == (2, 1)
    assert [(r.row, r.column, r.reason) for r in preview.rejections] == [(6, "案号", "缺少案号")]


def test_utf16_text_saved_by_excel(workspace: Workspace, tmp_path: Path) -> None:
    """Excel's "Unicode 文本(*.txt)": UTF-16 with a byte-order mark, tab separated."""
    path = tmp_path / "清单.txt"
    path.write_bytes("案号\t原告\t被告\t标的额\n（2025）黑0902民初7号\t张三\t李四\t1000\n".encode("utf-16"))
    preview = excel.preview_import(workspace, path)
    assert (preview.new, preview.rejected_rows, preview.encoding) == (1, 0, "UTF-16")


def test_an_export_of_a_capped_search_says_so(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import desktop.store.cases as cases_store

    monkeypatch.setattr(cases_store, "SEARCH_LIMIT", 3)
    ws = open_ws(demo)
    try:
        f = LedgerFilter(text="纠纷", today=TODAY)
        result = excel.export_ledger(ws, tmp_path / "搜索.xlsx", f)
        assert result.cases == 3 and result.capped
        assert "只导出了最新的" in result.summary()
        readme = {row[0]: row[1] for row in load_workbook(result.path)["说明"].iter_rows(values_only=True)}
        assert "只导出了最新的" in readme["导出范围"]
    finally:
        ws.close()


@pytest.fixture
def no_log_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("desktop.cli._setup_logging", lambda: None)  # no log file handler left open


@pytest.mark.usefixtures("no_log_file")
def test_cli_import_and_export(demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The exit codes the command documents, as a script or Task Scheduler sees them."""
    from desktop import cli

    out = tmp_path / "台账.xlsx"
    assert cli.main(["export", "--db", str(demo), "--out", str(out), "--stage", "执行"]) == 0
    assert "已导出" in capsys.readouterr().out
    fresh = str(tmp_path / "fresh.sqlite3")
    assert cli.main(["import", str(out), "--db", fresh, "--dry-run"]) == 0
    assert "试运行：未写入数据库" in capsys.readouterr().out
    assert cli.main(["import", str(out), "--db", fresh]) == 0
    assert "已导入：新增" in capsys.readouterr().out
    assert cli.main(["import", str(out), "--db", fresh, "--dry-run"]) == 0
    assert "新增 0 件" in capsys.readouterr().out

    bad = str(FIXTURES / "one_bad_row.xlsx")
    assert cli.main(["import", bad, "--db", fresh, "--dry-run"]) == 1
    assert cli.main(["import", bad, "--db", fresh]) == 1
    printed = capsys.readouterr().out
    assert "第4行“案号”列" in printed and "未导入任何内容" in printed
    assert cli.main(["import", bad, "--db", fresh, "--skip-rejected"]) == 0
    assert "跳过被拒绝的 1 行" in capsys.readouterr().out

    unknown = str(FIXTURES / "unknown_headers.csv")
    assert cli.main(["import", unknown, "--db", fresh]) == 3
    assert "未识别的列“收案编号”" in capsys.readouterr().err
    mapping = tmp_path / "对应.json"
    mapping.write_text('{"收案编号": "案号", "内部编码": "不导入"}', encoding="utf-8")
    assert cli.main(["import", unknown, "--db", fresh, "--mapping", str(mapping)]) == 0
    assert cli.main(["import", unknown, "--db", fresh, "--dry-run"]) == 0  # remembered
    assert "无变化 2 件" in capsys.readouterr().out

    old = tmp_path / "旧.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100))
    assert (
        cli.main(["import", str(old), "--db", fresh]) == 5
    )  # not a workbook: its own exit code (docs/excel-layout.md §4)
    assert "另存为" in capsys.readouterr().err


@pytest.mark.sqlite_only  # the lock of an SQLite file
def test_a_command_is_refused_while_the_app_holds_the_database(
    workspace: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The CLI takes the window's single-instance lock: while another program holds it, a command that
    may write says who holds it and writes nothing; once released, the same command runs."""
    from desktop import cli

    db = Path(workspace.path)
    out = tmp_path / "ledger.xlsx"
    holder = subprocess.Popen(  # another program (the lock is per process)
        [sys.executable, "-c", "import sys; from desktop.store.lock import acquire; l = acquire(sys.argv[1]);"
         " print('held', flush=True); sys.stdin.read()", str(db)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        # a writer is refused; a reader (export) runs read-only (issue 18: read-only commands)
        assert cli.main(["import", str(FIXTURES / "ledger_gbk.csv"), "--db", str(db)]) == 2
        assert "正在被" in capsys.readouterr().err
        assert cli.main(["export", "--db", str(db), "--out", str(out)]) == 0
        assert "以只读方式打开" in capsys.readouterr().err
        out.unlink()
    finally:
        holder.communicate("")
    assert cli.main(["export", "--db", str(db), "--out", str(out)]) == 0
    assert out.exists()


@pytest.mark.parametrize(
    ("name", "data", "code", "fragment"),
    [
        ("不存在.xlsx", None, 4, "文件不存在"),
        ("网页.xls", b"<html><table><tr><td>x</td></tr></table></html>", 5, "网页格式"),
        ("截断.xlsx", b"PK\x03\x04" + bytes(40), 6, "文件已损坏"),
        ("引号.csv", '案号,案由\n（2025）黑0902民初1号,"借款\n'.encode(), 7, "引号没有闭合"),
        ("长.csv", ("案号,案由\n（2025）黑0902民初1号," + "长" * 140_000 + "\n").encode(), 8, "单元格过长"),
    ],
)
def test_each_bad_file_has_its_own_exit_code_and_a_message_naming_it(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    data: bytes | None,
    code: int,
    fragment: str,
) -> None:
    from desktop import cli

    path = tmp_path / name
    if data is not None:
        path.write_bytes(data)
    fresh = str(tmp_path / "fresh.sqlite3")
    assert cli.main(["import", str(path), "--db", fresh]) == code
    err = capsys.readouterr().err
    assert fragment in err and name in err and "Traceback" not in err

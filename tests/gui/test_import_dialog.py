"""导入Excel / 导出Excel as a clerk uses them: file dialogs monkeypatched, message boxes recorded."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFileDialog, QProgressDialog

from desktop.gui.import_dialog import ImportDialog
from desktop.gui.ledger_page import LedgerPage
from desktop.services import excel
from desktop.services.workspace import Workspace
from tests.conftest import make_case

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "excel"


def case_count(ws: Workspace) -> int:
    return int(ws.db.execute("SELECT count(*) FROM cases").fetchone()[0])


def choose(monkeypatch: pytest.MonkeyPatch, path: Path | None) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path) if path else "", ""))


def test_the_ledger_toolbar_opens_the_import_dialog(qtbot, workspace: Workspace, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    page = LedgerPage(workspace)
    qtbot.addWidget(page)
    choose(monkeypatch, None)
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    assert page.findChildren(ImportDialog) == []  # no file chosen: nothing opens

    choose(monkeypatch, FIXTURES / "court_export.xlsx")
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    (dialog,) = page.findChildren(ImportDialog)
    assert dialog.isVisible()
    assert dialog.summary.text() == "新增 4 件，更新 0 件，无变化 0 件，拒绝 0 行；已跳过合计行 1 行"
    assert "结案清单" in dialog.info.text() and "裁判日期（结案日期）←“结案日期”" in dialog.info.text()
    assert dialog.import_button.isEnabled() and not dialog.skip.isVisible()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert case_count(workspace) == 4
    assert not dialog.isVisible()


def test_rejected_rows_are_listed_and_block_the_import_until_skipped(
    qtbot, workspace, monkeypatch, dialogs
) -> None:  # type: ignore[no-untyped-def]
    dialog = ImportDialog(workspace)
    qtbot.addWidget(dialog)
    dialog.show()
    choose(monkeypatch, FIXTURES / "ledger_gbk.csv")
    assert dialog.choose_file()
    assert dialog.summary.text().startswith("新增 2 件，更新 0 件，无变化 0 件，拒绝 3 行（涉及 3 件）")
    table = dialog.rejections
    rows = [[table.item(r, c).text() for c in range(4)] for r in range(table.rowCount())]
    assert rows == [
        ["ledger_gbk", "4", "履行期限届满日", "2025年2月没有30日"],
        ["ledger_gbk", "5", "执行标的(元)", "“三千元”不是金额：只能填写数字，可带千分位逗号、¥、元或万元"],
        ["ledger_gbk", "6", "被执行人身份证号", "曹十的身份证号校验位应为8，实际为6，请核对号码"],
    ]
    assert "GBK" in dialog.info.text()
    assert not dialog.import_button.isEnabled()
    assert "全部或全不" in dialog.hint.text()
    dialog.skip.setChecked(True)
    assert dialog.import_button.isEnabled()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert case_count(workspace) == 2
    assert dialogs.shown[-1] == ("导入完成", "已导入：新增 2 件，更新 0 件，无变化 0 件；跳过被拒绝的 3 行")


def test_the_mapping_step_fixes_unknown_columns_and_is_remembered(qtbot, workspace, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    dialog = ImportDialog(workspace)
    qtbot.addWidget(dialog)
    dialog.show()
    choose(monkeypatch, FIXTURES / "unknown_headers.csv")
    dialog.choose_file()
    assert dialog.mapping_box.isVisible()
    assert "案号" in dialog.summary.text()
    assert not dialog.import_button.isEnabled()
    table = dialog.mapping
    assert [table.item(r, 0).text() for r in range(table.rowCount())] == ["收案编号", "内部编码"]
    assert table.item(0, 1).text() == "（2025）黑0902民初301号、（2025）黑0902民初302号"
    combo = table.cellWidget(0, 2)
    assert isinstance(combo, QComboBox) and combo.currentText() == "不导入"
    combo.setCurrentIndex(combo.findData("case_number"))
    qtbot.mouseClick(dialog.repreview_button, Qt.MouseButton.LeftButton)
    assert dialog.summary.text() == "新增 2 件，更新 0 件，无变化 0 件，拒绝 0 行"
    assert table.rowCount() == 2  # the choices stay on screen
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert case_count(workspace) == 2
    assert excel.remembered_mapping(workspace) == {"收案编号": "case_number", "内部编码": ""}

    again = ImportDialog(workspace)
    qtbot.addWidget(again)
    again.show()
    again.choose_file()
    assert not again.mapping_box.isVisible()
    assert again.summary.text() == "新增 0 件，更新 0 件，无变化 2 件，拒绝 0 行"
    assert not again.import_button.isEnabled() and again.hint.text() == "没有需要新增或更新的案件。"


def test_cancelling_the_import_changes_nothing(qtbot, workspace, monkeypatch, dialogs) -> None:  # type: ignore[no-untyped-def]
    dialog = ImportDialog(workspace)
    qtbot.addWidget(dialog)
    dialog.show()
    choose(monkeypatch, FIXTURES / "court_export.xlsx")
    dialog.choose_file()
    before = workspace.db.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    monkeypatch.setattr(QProgressDialog, "wasCanceled", lambda self: True)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialogs.shown[-1] == ("已取消", "已取消导入，数据库未作任何修改。")
    assert case_count(workspace) == 0
    assert workspace.db.execute("SELECT count(*) FROM audit_log").fetchone()[0] == before
    assert dialog.isVisible()


def test_a_file_that_cannot_be_read_is_explained(qtbot, workspace, monkeypatch, dialogs, tmp_path) -> None:  # type: ignore[no-untyped-def]
    old = tmp_path / "旧台账.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100))
    dialog = ImportDialog(workspace)
    qtbot.addWidget(dialog)
    choose(monkeypatch, old)
    dialog.choose_file()
    title, text = dialogs.shown[-1]
    assert title == "无法导入" and "另存为" in text
    assert not dialog.import_button.isEnabled()


def test_export_writes_what_the_ledger_shows(qtbot, workspace, monkeypatch, dialogs, tmp_path) -> None:  # type: ignore[no-untyped-def]
    workspace.save_case(make_case("（2025）黑0902民初1号"))
    workspace.save_case(make_case("（2025）黑0902民初2号", cause="买卖合同纠纷"))
    page = LedgerPage(workspace)
    qtbot.addWidget(page)
    page.search.setText("买卖合同")
    page.apply_filter()
    target = tmp_path / "筛选.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    assert target.exists()
    assert dialogs.shown[-1][0] == "导出完成"
    assert "已导出 1 件案件" in dialogs.shown[-1][1]
    preview = excel.preview_import(workspace, target)
    assert [p.case_number for p in preview.plans] == ["（2025）黑0902民初2号"]
    assert preview.unchanged == 1


@pytest.mark.parametrize(
    ("name", "data", "fragment"),
    [
        ("网页.xls", b"<html><body><table><tr><td>1</td></tr></table></body></html>", "网页格式"),
        ("截断.xlsx", b"PK\x03\x04" + bytes(60), "文件已损坏：截断.xlsx"),
        ("引号.csv", '案号,案由\n（2025）黑0902民初1号,"民间借贷\n'.encode(), "引号没有闭合"),
    ],
)
def test_a_bad_file_is_explained_in_the_dialog(  # type: ignore[no-untyped-def]
    qtbot, workspace, monkeypatch, dialogs, tmp_path, name, data, fragment
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    dialog = ImportDialog(workspace)
    qtbot.addWidget(dialog)
    choose(monkeypatch, path)
    dialog.choose_file()
    assert fragment in dialog.summary.text()
    assert dialogs.shown[-1][0] == "无法导入" and fragment in dialogs.shown[-1][1]
    assert dialog.rejections.rowCount() == 0 and not dialog.import_button.isEnabled()


def test_warnings_are_listed_after_the_rejections(qtbot, workspace, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "零.csv"
    path.write_text(
        "案号,案由,原告,被告,标的额,裁判日期,生效日期,履行期限\n"
        "（2025）黑0902民初1号,借款,张三丰,李四,0,2025-05-06,2025-05-06,2025-06-30\n",
        encoding="utf-8",
    )
    dialog = ImportDialog(workspace)
    qtbot.addWidget(dialog)
    choose(monkeypatch, path)
    dialog.choose_file()
    assert "提醒 1 条" in dialog.summary.text()
    assert dialog.rejections.rowCount() == 1
    assert dialog.rejections.item(0, 3).text().startswith("提醒：标的额为0")
    assert dialog.import_button.isEnabled()  # a warning does not stop the import


def test_the_preview_runs_off_the_gui_thread_and_can_be_cancelled(qtbot, workspace, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import threading

    from PySide6.QtCore import QTimer

    seen: dict[str, object] = {}

    def slow_preview(ws, path, mapping=None, progress=None):  # type: ignore[no-untyped-def]
        seen["thread"] = threading.current_thread()
        seen["read_only"] = ws.db is not workspace.db
        for i in range(500):
            if not progress("读取", i, 500):
                raise excel.Cancelled("已取消，数据库未作任何修改。")
            threading.Event().wait(0.01)
        raise AssertionError("never cancelled")

    monkeypatch.setattr(excel, "preview_import", slow_preview)
    dialog = ImportDialog(workspace)
    qtbot.addWidget(dialog)
    choose(monkeypatch, FIXTURES / "court_export.xlsx")
    QTimer.singleShot(200, lambda: dialog.preview_progress.dialog.cancel())
    dialog.choose_file()
    assert seen["thread"] is not threading.main_thread() and seen["read_only"]
    assert dialog.summary.text() == "已取消读取。"
    assert dialog.preview is None and not dialog.import_button.isEnabled()

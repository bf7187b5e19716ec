"""The ledger and the case editor as a clerk uses them (pytest-qt, offscreen, no blocking exec())."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QMessageBox

from desktop.core.model import CaseStatus, PartyRole
from desktop.gui.case_editor import CaseEditor
from desktop.gui.court_dialog import CourtDialog
from desktop.gui.ledger_model import COL
from desktop.gui.main_window import MainWindow
from desktop.services.workspace import Workspace
from tests.conftest import make_case, type_text


def fill_cell(qtbot, table, row: int, col: int, text: str) -> None:  # type: ignore[no-untyped-def]
    """Enter a cell's value as the cell editor would commit it."""
    table.setCurrentCell(row, col)
    table.item(row, col).setText(text)


def new_editor(qtbot, workspace: Workspace) -> CaseEditor:  # type: ignore[no-untyped-def]
    editor = CaseEditor(workspace)
    qtbot.addWidget(editor)
    editor.show()
    return editor


def type_valid_case(qtbot, editor: CaseEditor, number: str) -> None:  # type: ignore[no-untyped-def]
    type_text(editor.case_number, number)
    type_text(editor.cause, "民间借贷纠纷")
    editor.handler.setCurrentText("王建国")
    type_text(editor.judgment_date, "2025/5/6")
    type_text(editor.deadline, "2025年6月30日")
    editor._add_party_row()
    editor._add_party_row()
    parties = editor.parties
    role = parties.cellWidget(0, 0)
    assert isinstance(role, QComboBox)
    role.setCurrentIndex(role.findData(PartyRole.PLAINTIFF))
    fill_cell(qtbot, parties, 0, 2, "张三丰")
    fill_cell(qtbot, parties, 0, 3, "11010519491231002x")
    fill_cell(qtbot, parties, 1, 2, "李四")
    editor._add_obligation_row()
    fill_cell(qtbot, editor.obligations, 0, 2, "1,234.5元")
    editor._add_payment_row()
    fill_cell(qtbot, editor.payments, 0, 1, "234.50")
    confirmed = editor.payments.cellWidget(0, 5)
    assert isinstance(confirmed, QCheckBox)
    confirmed.setChecked(True)


def test_add_a_case_through_the_editor(qtbot, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    editor = new_editor(qtbot, workspace)
    type_valid_case(qtbot, editor, " (2025)黑0902民初0456号 ")
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow, timeout=2000)
    qtbot.keyClick(editor.cause, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # 保存 by keyboard
    assert editor.saved is not None, editor.banner.text()
    case = workspace.load_case(editor.saved.id or 0)
    assert case.case_number == "（2025）黑0902民初456号"
    assert [p.name for p in case.parties] == ["张三丰", "李四"]
    assert case.parties[0].id_number == "11010519491231002X"
    assert case.obligations[0].amount_fen == 123_450
    assert case.payments[0].amount_fen == 23_450 and case.payments[0].creditor_confirmed
    assert case.handler == "王建国"


def test_invalid_case_number_shows_message_and_saves_nothing(qtbot, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    editor = new_editor(qtbot, workspace)
    type_valid_case(qtbot, editor, "2025黑0902民初456")
    editor.save()
    assert editor.saved is None
    assert editor.isVisible()
    message = editor.basic._errors["案号"]
    assert message.isVisible() and message.text()
    assert "案号" in editor.banner.text()
    assert workspace.db.execute("SELECT count(*) FROM cases").fetchone()[0] == 0


def test_bad_cells_are_marked_and_nothing_saved(qtbot, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    editor = new_editor(qtbot, workspace)
    type_valid_case(qtbot, editor, "（2025）黑0902民初457号")
    fill_cell(qtbot, editor.parties, 0, 3, "110105194912310021")  # wrong check digit
    fill_cell(qtbot, editor.obligations, 0, 2, "12.345")  # three decimals
    editor.save()
    assert editor.saved is None
    assert "当事人1身份证号" in editor.banner.text()
    assert "履行义务1金额" in editor.banner.text()
    assert editor.parties.item(0, 3).toolTip()
    assert workspace.db.execute("SELECT count(*) FROM cases").fetchone()[0] == 0


def test_cross_field_problem_is_refused(qtbot, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    editor = new_editor(qtbot, workspace)
    type_valid_case(qtbot, editor, "（2025）黑0902民初458号")
    editor.deadline.setText("2025-01-01")  # before the judgment
    editor.save()
    assert editor.saved is None
    assert editor.basic._errors["履行期限"].isVisible()


def test_search_as_you_type_finds_the_case(qtbot, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    workspace.save_case(make_case())
    workspace.save_case(make_case("（2025）黑0902民初124号", parties=make_case().parties[1:]))
    window = MainWindow(workspace)
    qtbot.addWidget(window)
    page = window.ledger
    assert page.model.rowCount() == 2
    qtbot.keyClick(page, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    type_text(page.search, "张三丰")
    qtbot.waitUntil(lambda: not page._timer.isActive(), timeout=2000)
    assert page.model.rowCount() == 1
    assert page.model.index(0, COL["case_number"]).data() == "（2025）黑0902民初123号"
    assert "共 1 件" in page.count_label.text()
    page.search.clear()
    type_text(page.search, "张")  # one character: LIKE fallback
    qtbot.waitUntil(lambda: not page._timer.isActive(), timeout=2000)
    assert page.model.rowCount() == 1


def test_ledger_refreshes_after_a_save_elsewhere(qtbot, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(workspace)
    qtbot.addWidget(window)
    assert window.ledger.model.rowCount() == 0
    workspace.save_case(make_case())
    assert window.ledger.model.rowCount() == 1
    assert window.ledger.model.index(0, COL["owed"]).data() == "60,000.00"


def test_overdue_rows_are_coloured(qtbot, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    workspace.save_case(make_case(payments=()))  # first installment due 2025-05-31 unpaid, today 2025-06-13
    window = MainWindow(workspace)
    qtbot.addWidget(window)
    model = window.ledger.model
    assert model.index(0, COL["overdue"]).data() == "13"
    assert model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole) is not None


def test_delete_asks_first(qtbot, workspace: Workspace, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    workspace.save_case(make_case())
    window = MainWindow(workspace)
    qtbot.addWidget(window)
    answers = iter([QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes])
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: next(answers))
    window.ledger.table.selectRow(0)
    window.ledger.delete_current()
    assert window.ledger.model.rowCount() == 1
    window.ledger.delete_current()
    assert window.ledger.model.rowCount() == 0


def test_status_filter(qtbot, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    workspace.save_case(make_case())
    workspace.save_case(make_case("（2025）黑0902民初124号", status=CaseStatus.CLOSED))
    window = MainWindow(workspace)
    qtbot.addWidget(window)
    page = window.ledger
    page.status.setCurrentIndex(page.status.findData("已归档"))
    assert page.model.rowCount() == 1


def test_navigation_reaches_every_area(qtbot, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(workspace)
    qtbot.addWidget(window)
    labels = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert labels == ["案件台账", "督促看板", "文书", "诚信履行名单", "审破衔接", "统计", "设置"]
    # every area has its page now; one not built would say 尚未开放 rather than show anything made up
    assert all(window.nav.item(i).toolTip() == "" for i in range(window.nav.count()))
    assert set(window.area_pages) == {"督促看板", "文书", "诚信履行名单", "审破衔接", "统计"}
    assert "七台河市新兴区人民法院" in window.windowTitle()
    # the application's name is added by Qt (its display name): the title does not repeat it
    assert "法庭自动履行工作台" not in window.windowTitle()
    # it opens on what is due today
    assert window.nav.currentRow() == 1
    assert window.pages.currentWidget() is window.area_pages["督促看板"]


def test_first_run_court_setup(qtbot, db_path) -> None:  # type: ignore[no-untyped-def]
    ws = Workspace.open(db_path, actor="测试员")
    dialog = CourtDialog(ws, first_run=True)
    qtbot.addWidget(dialog)
    type_text(dialog.court_code, "黑09X2")
    dialog.save()
    assert ws.court() is None
    assert dialog.form._errors["法院名称"].text()
    assert dialog.form._errors["法院代字"].text()
    type_text(dialog.court_name, "七台河市新兴区人民法院")
    dialog.court_code.setText("黑0902")
    type_text(dialog.departments, "民一庭，执行局")
    dialog.save()
    court = ws.court()
    assert court is not None and court.court_code == "黑0902" and court.departments == ("民一庭", "执行局")
    ws.close()


def test_the_window_fits_a_small_screen(qtbot, workspace: Workspace, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """On a screen smaller than the preferred size (a 1366×768 laptop) nothing hangs off the screen."""
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QScreen

    from desktop.gui import main_window

    screen = QRect(0, 0, 1366, 728)  # 768 less a taskbar
    monkeypatch.setattr(QScreen, "availableGeometry", lambda _self: screen)
    window = MainWindow(workspace)
    qtbot.addWidget(window)
    window.show_on_screen()
    qtbot.waitExposed(window)
    assert window.width() <= screen.width() and window.height() <= screen.height()
    assert window.isMaximized() or window.geometry() == screen
    big = QRect(0, 0, 2560, 1400)
    monkeypatch.setattr(QScreen, "availableGeometry", lambda _self: big)
    roomy = MainWindow(workspace)
    qtbot.addWidget(roomy)
    roomy.show_on_screen()
    assert (roomy.width(), roomy.height()) == main_window.PREFERRED_SIZE


def test_a_change_elsewhere_keeps_the_selected_case_beyond_the_first_page(
    qtbot, workspace: Workspace
) -> None:  # type: ignore[no-untyped-def]
    """Saving a fee-relief entry (any change) refreshes the ledger: the selection stayed on row 0 when the
    case was not on the first page of 200 rows fetched."""
    from dataclasses import replace
    from datetime import date

    from desktop.core.fee_relief import FeeRelief
    from desktop.gui.ledger_model import PAGE
    from desktop.gui.ledger_page import LedgerPage
    from desktop.gui.main_window import Changes

    base = make_case()
    for n in range(1, PAGE + 31):
        workspace.save_case(replace(base, case_number=f"（2025）黑0902民初{n}号"))
    page = LedgerPage(workspace)
    qtbot.addWidget(page)
    page.show()  # the rows beyond the first page are counted once the first are painted
    qtbot.waitUntil(lambda: not page.model.counting)
    changes = Changes(page)
    workspace.subscribe(changes.changed.emit)
    changes.changed.connect(lambda _change: page.refresh())  # as the main window does
    row = PAGE + 20
    page.table.selectRow(row)
    chosen = page.selected_case_id()
    assert chosen is not None
    workspace.save_fee_relief(chosen, FeeRelief("张三丰", date(2025, 6, 10), 250_00))
    assert page.selected_case_id() == chosen
    assert page.table.currentIndex().row() == row


def test_the_ledger_counts_after_its_first_rows_are_painted(qtbot, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    """Opening the ledger, the first page of rows is read and painted, then the cases are counted (on a
    million the count is the dearest query of the opening); the row after the first page then shows."""
    from dataclasses import replace

    from desktop.gui.ledger_model import PAGE
    from desktop.gui.ledger_page import LedgerPage

    for n in range(1, PAGE + 6):
        workspace.save_case(replace(make_case(), case_number=f"（2025）黑0902民初{n}号"))
    page = LedgerPage(workspace)
    qtbot.addWidget(page)
    assert page.model.counting and page.model.rowCount() == PAGE
    assert page.count_label.text() == "正在统计件数…"
    assert page.table.currentIndex().row() == 0
    page.show()
    qtbot.waitUntil(lambda: not page.model.counting)
    assert page.model.rowCount() == PAGE + 5
    assert page.count_label.text() == f"共 {PAGE + 5} 件"
    assert page.model.index(PAGE + 4, 0).data() == "（2025）黑0902民初1号"  # the oldest 案号 last
    assert page.table.currentIndex().row() == 0  # the selection stays on the first row
    page.search.setText("民初7号")  # a search counts before it shows its rows
    page.apply_filter()
    assert not page.model.counting and page.model.rowCount() == 1


def test_sorting_to_the_order_shown_keeps_the_rows(qtbot, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    """The ledger opens newest 案号 first; turning sorting on asks for that order again, which must not
    throw away the rows read (a reset); another order does reset, and clicking back restores it."""
    from dataclasses import replace

    from desktop.gui.ledger_page import LedgerPage

    for n in (3, 1, 2):
        workspace.save_case(replace(make_case(), case_number=f"（2025）黑0902民初{n}号"))
    page = LedgerPage(workspace)
    qtbot.addWidget(page)
    model = page.model
    assert (model.sort_key, model.descending) == ("case_number", True)

    def numbers() -> list[str]:
        return [model.index(r, COL["case_number"]).data() for r in range(3)]

    assert numbers() == [f"（2025）黑0902民初{n}号" for n in (3, 2, 1)]
    with qtbot.assertNotEmitted(model.modelReset):
        model.sort(COL["case_number"], Qt.SortOrder.DescendingOrder)
    with qtbot.waitSignal(model.modelReset, timeout=1000):
        page.table.sortByColumn(COL["case_number"], Qt.SortOrder.AscendingOrder)
    assert numbers() == [f"（2025）黑0902民初{n}号" for n in (1, 2, 3)]
    with qtbot.waitSignal(model.modelReset, timeout=1000):
        page.table.sortByColumn(COL["overdue"], Qt.SortOrder.DescendingOrder)  # most overdue first
    assert (model.sort_key, model.descending) == ("next_due_date", False)


def test_a_ledger_of_less_than_a_page_is_counted_at_once(qtbot, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from desktop.gui.ledger_page import LedgerPage

    for n in range(1, 4):
        workspace.save_case(replace(make_case(), case_number=f"（2025）黑0902民初{n}号"))
    page = LedgerPage(workspace)
    qtbot.addWidget(page)
    assert not page.model.counting and page.model.rowCount() == 3
    assert page.count_label.text() == "共 3 件"


def test_every_ledger_column_fits_1366_by_768(qtbot, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    for n in range(1, 41):  # more rows than fit: the vertical scroll bar takes its room too
        workspace.save_case(replace(make_case(), case_number=f"（2025）黑0902民初{n}号"))
    window = MainWindow(workspace)
    qtbot.addWidget(window)
    window.setGeometry(0, 0, 1366, 768)
    window.show()
    window.nav.setCurrentRow(0)
    qtbot.waitExposed(window)
    table = window.ledger.table
    assert table.verticalScrollBar().isVisible()
    assert table.horizontalHeader().length() <= table.viewport().width()  # the last, 逾期, was cut off

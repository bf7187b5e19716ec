"""登记督促 from the case window and the ledger (key C, as on the 督促看板), and the dashboard's search box.

A call could only be recorded from the dashboard; the case's 督促记录 tab was read-only and the dashboard
could not be searched."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLineEdit

from desktop.core.model import ContactMethod, Payment
from desktop.gui.case_editor import CaseEditor
from desktop.gui.contact_dialog import CaseContactDialog
from desktop.gui.ledger_page import LedgerPage
from desktop.services.reminders import Reminders
from desktop.services.workspace import Workspace
from tests.conftest import TODAY, make_case, type_text
from tests.gui.test_dashboard import _overdue, _rows, page  # noqa: F401  (the page fixture)


def _board(workspace: Workspace) -> list[tuple[str, str]]:
    return [(i.case_number, i.rule_id) for i in Reminders(workspace).board().items]


def _editor(qtbot, workspace: Workspace, case_id: int | None) -> CaseEditor:  # type: ignore[no-untyped-def]
    editor = CaseEditor(workspace, case_id)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    return editor


def test_c_in_the_case_window_records_a_call_that_answers_the_reminder(qtbot, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    case_id = _overdue(workspace, "（2025）黑0902民初123号")
    assert _board(workspace) == [("（2025）黑0902民初123号", "urge")]
    editor = _editor(qtbot, workspace, case_id)
    editor.tabs.setCurrentIndex(4)  # 督促记录
    editor.contacts.setFocus()
    qtbot.keyClick(editor.contacts, Qt.Key.Key_C)  # keystroke 1
    dialog = editor.contact_dialog
    assert isinstance(dialog, CaseContactDialog)
    assert dialog.method.currentText() == ContactMethod.PHONE.value
    assert dialog.party.currentText() == "七台河市宏达商贸有限公司"  # the debtor first
    assert [check.text() for check, _item in dialog.answers] == ["自动履行催告书（到期 2025-06-12，逾期1日）"]
    assert all(check.isChecked() for check, _item in dialog.answers)
    type_text(dialog.outcome, "已接通，承诺本周内履行")
    qtbot.keyClick(dialog.outcome, Qt.Key.Key_Return)  # keystroke 2
    assert dialog.result() == QDialog.DialogCode.Accepted

    (contact,) = workspace.load_case(case_id).contacts
    assert (contact.method, contact.rule_id, contact.by) == (ContactMethod.PHONE, "urge", "测试员")
    assert contact.outcome == "已接通，承诺本周内履行" and contact.at.date() == TODAY
    assert _board(workspace) == []  # answered, as if recorded on the dashboard
    assert editor.contacts.rowCount() == 1
    assert editor.contacts.item(0, 4).text() == "已接通，承诺本周内履行"  # type: ignore[union-attr]
    assert editor._dirty is False  # saved already: closing the case asks nothing


def test_the_button_on_any_tab_and_a_contact_answering_no_reminder(qtbot, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    paid = make_case(payments=(Payment(date(2025, 5, 30), 10_000_000, creditor_confirmed=True),))
    case_id = workspace.save_case(
        replace(paid, obligations=(replace(paid.obligations[0], installments=()),))
    ).id
    assert _board(workspace) == []  # paid in full: nothing due
    editor = _editor(qtbot, workspace, case_id)
    editor.tabs.setCurrentIndex(0)
    qtbot.keyClick(editor.tabs.tabBar(), Qt.Key.Key_C)
    dialog = editor.contact_dialog
    assert isinstance(dialog, CaseContactDialog) and dialog.answers == []
    dialog.method.setCurrentIndex(dialog.method.findText(ContactMethod.SMS.value))
    dialog.party.setCurrentText("张三丰")
    dialog.buttons.accepted.emit()
    (contact,) = workspace.load_case(case_id).contacts  # type: ignore[arg-type]
    assert (contact.method, contact.party, contact.rule_id) == (ContactMethod.SMS, "张三丰", "")


def test_c_typed_into_a_field_is_a_letter(qtbot, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    case_id = _overdue(workspace, "（2025）黑0902民初123号")
    editor = _editor(qtbot, workspace, case_id)
    editor.cause.setFocus()
    editor.cause.clear()
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(
            editor.cause, QKeyEvent(kind, Qt.Key.Key_C, Qt.KeyboardModifier.NoModifier, "c")
        )
    assert editor.cause.text() == "c" and editor.contact_dialog is None


def test_a_new_case_is_saved_before_a_contact(qtbot, workspace: Workspace, dialogs) -> None:  # type: ignore[no-untyped-def]
    editor = _editor(qtbot, workspace, None)
    assert editor.record_contact() is None
    assert dialogs.shown == [("登记督促", "请先保存案件，再登记督促。")]


def test_c_on_the_ledger_records_a_call(qtbot, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    _overdue(workspace, "（2025）黑0902民初124号")
    case_id = _overdue(workspace, "（2025）黑0902民初123号")
    ledger = LedgerPage(workspace)
    qtbot.addWidget(ledger)
    ledger.show()
    (row,) = [r for r in range(ledger.model.rowCount()) if ledger.model.case_id(r) == case_id]
    ledger.table.setFocus()
    ledger.table.selectRow(row)
    qtbot.keyClick(ledger.table, Qt.Key.Key_C)
    dialog = ledger.dialog
    assert isinstance(dialog, CaseContactDialog) and dialog.case_id == case_id
    qtbot.keyClick(dialog.outcome, Qt.Key.Key_Return)
    assert [c.rule_id for c in workspace.load_case(case_id).contacts] == ["urge"]
    assert _board(workspace) == [("（2025）黑0902民初124号", "urge")]
    assert ledger.contact_button.text() == "登记督促（C）"


def test_the_dashboard_search_box_narrows_the_board(qtbot, page, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    _overdue(workspace, "（2025）黑0902民初123号")
    other = make_case("（2025）黑0902民初124号", deadline=date(2025, 6, 5), payments=())
    debtor = replace(other.parties[1], name="七台河市兴隆建材有限公司")
    ob = replace(other.obligations[0], installments=(), debtor=debtor.name)
    workspace.save_case(replace(other, parties=(other.parties[0], debtor), obligations=(ob,)))
    assert len(_rows(page)) == 2
    search = page.search
    assert isinstance(search, QLineEdit) and search.placeholderText() == "搜索案号或当事人（Ctrl+F）"
    type_text(search, "兴隆")
    qtbot.waitUntil(lambda: _rows(page) == [("（2025）黑0902民初124号", "urge")], timeout=2000)
    assert page.count_labels[next(iter(page.count_labels))].text() == "逾期 1"
    search.clear()
    type_text(search, "123")
    qtbot.keyClick(search, Qt.Key.Key_Return)  # at once, and to the first line
    assert _rows(page) == [("（2025）黑0902民初123号", "urge")]
    assert page.current_item() is not None and page.table.hasFocus()
    search.clear()
    type_text(search, "无此人")
    qtbot.waitUntil(lambda: _rows(page) == [], timeout=2000)
    assert page.detail.text() == "没有案号或当事人含“无此人”的提醒。"

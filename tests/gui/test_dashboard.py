"""督促看板: an overdue case shows, a contact recorded from it (C, Enter) updates the row; postpone, done,
filters, refresh on changes and on a new day, rules and holiday dialogs, and 计算 in the case editor."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QSpinBox

from desktop.core.model import ContactMethod, Disposition, Procedure
from desktop.core.reminders import Group
from desktop.gui.dashboard_page import (
    ContactDialog,
    DashboardPage,
    DoneDialog,
    HolidayDialog,
    PostponeDialog,
    RulesDialog,
    overdue_colour,
)
from desktop.gui.main_window import Changes
from desktop.services.workspace import Workspace
from tests.conftest import TODAY, make_case, type_text

D = date.fromisoformat


def _overdue(workspace: Workspace, number: str, unreachable: bool = False, **changes: object) -> int:
    """A judgment whose deadline 2025-06-05 passed unpaid and nobody urged: its 催告书 is one day overdue.
    The debtor has a phone number unless ``unreachable``."""
    base = make_case(number, **{"deadline": D("2025-06-05"), "payments": (), **changes})
    ob = replace(base.obligations[0], installments=())
    phone = "" if unreachable else "0464-8123456"
    parties = tuple(replace(p, phone=phone) if p.role.owes else p for p in base.parties)
    saved = workspace.save_case(replace(base, parties=parties, obligations=(ob,)))
    assert saved.id is not None
    return saved.id


@pytest.fixture
def page(qtbot, workspace: Workspace) -> DashboardPage:  # type: ignore[no-untyped-def]
    changes = Changes()
    workspace.subscribe(changes.changed.emit)
    page = DashboardPage(workspace, changes)
    changes.setParent(page)  # as in MainWindow: the signal lives as long as the page
    qtbot.addWidget(page)
    page.resize(1400, 700)
    page.show()
    qtbot.waitExposed(page)
    return page


def _rows(page: DashboardPage) -> list[tuple[str, str]]:
    model = page.model
    items = [model.item(r) for r in range(model.rowCount())]
    return [(i.case_number, i.rule_id) for i in items if i is not None]


def _select(page: DashboardPage, *numbers: str) -> None:
    rows = [
        r for r in range(page.model.rowCount())
        if (item := page.model.item(r)) is not None and item.case_number in numbers
    ]  # fmt: skip
    assert rows
    page.table.setCurrentIndex(page.model.index(rows[0], 0))
    selection = page.table.selectionModel()
    for row in rows:
        selection.select(
            page.model.index(row, 0), selection.SelectionFlag.Select | selection.SelectionFlag.Rows
        )


def test_an_overdue_case_shows_and_a_contact_recorded_from_it_updates_the_row(
    qtbot, page: DashboardPage, workspace: Workspace
) -> None:  # type: ignore[no-untyped-def]
    case_id = _overdue(workspace, "（2025）黑0902民初123号")
    # the page heard the save and refreshed itself
    assert _rows(page) == [("（2025）黑0902民初123号", "urge")]
    assert page.count_labels[Group.OVERDUE].text() == "逾期 1"
    header = page.model.index(0, 0)
    assert header.data() == "▾ 逾期（1）"
    row = page.model.row_of(page.model.item(1).key)  # type: ignore[union-attr]
    assert row == 1
    cells = [page.model.index(1, c).data() for c in range(page.model.columnCount())]
    assert cells[:3] == ["2025-06-12", "1", "（2025）黑0902民初123号"]
    assert cells[-1] == "履行期限2025-06-05已届满，尚欠100,000.00元，应于2025-06-12前发送《自动履行催告书》"
    assert cells[6] == "《自动履行催告书》"
    assert page.model.index(1, 0).data(Qt.ItemDataRole.BackgroundRole).color() == overdue_colour(1)

    page.table.setFocus()
    page.table.selectRow(1)
    qtbot.keyClick(page.table, Qt.Key.Key_C)  # keystroke 1
    dialog = page.dialog
    assert isinstance(dialog, ContactDialog)
    assert dialog.method.currentText() == ContactMethod.PHONE.value
    type_text(dialog.outcome, "已接通，义务人承诺三日内履行")
    qtbot.keyClick(dialog.outcome, Qt.Key.Key_Return)  # keystroke 2 (the outcome is optional)
    assert dialog.result() == QDialog.DialogCode.Accepted

    assert _rows(page) == []  # answered: the row is gone
    assert page.count_labels[Group.OVERDUE].text() == "逾期 0"
    (contact,) = workspace.load_case(case_id).contacts
    assert (contact.method, contact.rule_id, contact.by) == (ContactMethod.PHONE, "urge", "测试员")
    assert contact.outcome == "已接通，义务人承诺三日内履行"
    assert contact.at.date() == TODAY


def test_a_large_ledger_paints_at_once_and_shows_the_rows_when_its_board_is_built(
    qtbot, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """No board kept yet on a ledger counted as large: the page opens empty, saying it is computing, the
    board is built on a connection of its own, then the rows appear; the next page finds it kept."""
    from desktop.services import reminders as service

    _overdue(workspace, "（2025）黑0902民初123号")
    monkeypatch.setattr(service, "BACKGROUND_FROM", 1)
    built: list[int] = []
    real_board = service.Reminders.board

    def board(self: service.Reminders, *args: object, **kwargs: object) -> object:
        built.append(1)
        return real_board(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(service.Reminders, "board", board)
    changes = Changes()
    workspace.subscribe(changes.changed.emit)
    first = DashboardPage(workspace, changes)
    qtbot.addWidget(first)
    assert first.building is not None
    assert _rows(first) == [] and "正在计算今日提醒" in first.detail.text()
    assert first.count_labels[Group.OVERDUE].text() == "逾期 …"
    qtbot.waitUntil(lambda: first.building is None, timeout=20_000)
    assert _rows(first) == [("（2025）黑0902民初123号", "urge")]
    assert first.count_labels[Group.OVERDUE].text() == "逾期 1"
    calls = len(built)
    second = DashboardPage(workspace, changes)
    qtbot.addWidget(second)
    assert second.building is None and _rows(second) == _rows(first)
    assert len(built) == calls + 1  # one look, at the board the first page had built


def test_a_failed_background_build_is_said_and_the_page_builds_the_board_itself(
    qtbot, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    import threading

    from desktop.gui import dashboard_page
    from desktop.services import reminders as service

    _overdue(workspace, "（2025）黑0902民初123号")
    monkeypatch.setattr(service, "BACKGROUND_FROM", 1)
    real_board = service.Reminders.board

    def board(self: service.Reminders, *args: object, **kwargs: object) -> object:
        if threading.current_thread() is not threading.main_thread():
            raise RuntimeError("disk on fire")
        return real_board(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(service.Reminders, "board", board)
    warnings: list[str] = []
    monkeypatch.setattr(
        dashboard_page.QMessageBox, "warning", lambda _parent, _title, text: warnings.append(text)
    )
    changes = Changes()
    workspace.subscribe(changes.changed.emit)
    page = DashboardPage(workspace, changes)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.building is None, timeout=20_000)
    assert warnings == ["后台计算提醒失败，将直接计算：disk on fire"]
    assert not page.build_aside
    assert _rows(page) == [("（2025）黑0902民初123号", "urge")]


def test_two_keystrokes_record_a_phone_call(qtbot, page: DashboardPage, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    case_id = _overdue(workspace, "（2025）黑0902民初123号")
    page.table.setFocus()
    page.table.selectRow(1)
    qtbot.keyClick(page.table, Qt.Key.Key_C)
    assert page.dialog is not None
    qtbot.keyClick(page.dialog.focusWidget(), Qt.Key.Key_Return)
    assert [c.method for c in workspace.load_case(case_id).contacts] == [ContactMethod.PHONE]


def test_postpone_many_with_a_reason_and_they_come_back(
    qtbot, page: DashboardPage, workspace: Workspace
) -> None:  # type: ignore[no-untyped-def]
    for n in (201, 202, 203):
        _overdue(workspace, f"（2025）黑0902民初{n}号")
    _select(page, "（2025）黑0902民初201号", "（2025）黑0902民初202号")
    assert len(page.selected_items()) == 2
    qtbot.keyClick(page.table, Qt.Key.Key_P)
    dialog = page.dialog
    assert isinstance(dialog, PostponeDialog)
    assert dialog.until.value("推迟至") == TODAY + timedelta(days=7)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.error.isVisible() and "推迟理由：不能为空" in dialog.error.text()
    assert len(_rows(page)) == 3
    type_text(dialog.reason, "义务人住院，出院后再联系")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert _rows(page) == [("（2025）黑0902民初203号", "urge")]

    workspace.today = lambda: TODAY + timedelta(days=7)
    page.check_date()  # the minute timer noticed a new day
    assert page.date_label.text().startswith("今天 2025-06-20")
    assert {n for n, _r in _rows(page)} == {f"（2025）黑0902民初{n}号" for n in (201, 202, 203)}


def test_mark_done(qtbot, page: DashboardPage, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    _overdue(workspace, "（2025）黑0902民初123号")
    page.table.setFocus()
    page.table.selectRow(1)
    qtbot.keyClick(page.table, Qt.Key.Key_D)
    assert isinstance(page.dialog, DoneDialog)
    type_text(page.dialog.reason, "已当面送达催告书")
    page.dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert _rows(page) == []
    detail = workspace.db.execute("SELECT detail FROM audit_log WHERE action = 'reminder.done'").fetchone()[0]
    assert "已当面送达催告书" in detail


def test_scope_all_and_by_handler(page: DashboardPage, workspace: Workspace) -> None:
    _overdue(workspace, "（2025）黑0902民初123号")
    _overdue(workspace, "（2025）黑0902民初124号", handler="李春雨")
    # the person using the program (测试员) handles no case: no 我的, the page opens on 全庭
    assert page.scope.findData("__mine__") == -1
    assert page.scope.currentData() == "__all__"
    assert len(_rows(page)) == 2
    page.scope.setCurrentIndex(page.scope.findData("李春雨"))
    assert _rows(page) == [("（2025）黑0902民初124号", "urge")]


def test_enter_opens_the_case(qtbot, page: DashboardPage, workspace: Workspace, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    case_id = _overdue(workspace, "（2025）黑0902民初123号")
    opened: list[int | None] = []

    def fake_exec(editor) -> int:  # type: ignore[no-untyped-def]
        opened.append(editor.case.id)
        return 0

    monkeypatch.setattr("desktop.gui.case_editor.CaseEditor.exec", fake_exec)
    page.table.setFocus()
    page.table.selectRow(1)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert opened == [case_id]


def test_a_group_header_folds(qtbot, page: DashboardPage, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    _overdue(workspace, "（2025）黑0902民初123号")
    assert page.model.rowCount() == 2
    page._clicked(page.model.index(0, 0))
    assert page.model.rowCount() == 1 and page.model.index(0, 0).data() == "▸ 逾期（1）"
    page._clicked(page.model.index(0, 0))
    assert page.model.rowCount() == 2


def test_rules_dialog_changes_a_window(page: DashboardPage, workspace: Workspace) -> None:
    _overdue(workspace, "（2025）黑0902民初123号")
    dialog = page.edit_rules()
    assert isinstance(dialog, RulesDialog)
    row = [r.id for r in dialog.rules].index("urge")
    end = dialog.table.cellWidget(row, 3)
    assert isinstance(end, QSpinBox)
    end.setValue(10)  # 催告书 within 10 days after the deadline: due 06-15, not yet overdue
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    (item,) = [page.model.item(r) for r in range(page.model.rowCount()) if page.model.item(r)]
    assert item.due_date == D("2025-06-15")  # type: ignore[union-attr]
    assert page.count_labels[Group.WEEK].text() == "7日内 1"


def test_holiday_dialog_refuses_a_bad_file_and_imports_a_good_one(
    page: DashboardPage, workspace: Workspace
) -> None:
    dialog = page.edit_holidays()
    assert isinstance(dialog, HolidayDialog)
    assert "2020、2021、2022、2023、2024、2025、2026" in dialog.summary.text()
    before = workspace.db.execute("SELECT count(*) FROM holidays").fetchone()[0]
    bad = '{"year": 2027, "days": [\n{"name": "元旦", "date": "2027-01-01", "isOffDay": true, "x": 1}]}'
    assert not dialog.import_text(bad, "2027.json")
    assert "第2行" in dialog.message.text() and "未知字段" in dialog.message.text()
    assert workspace.db.execute("SELECT count(*) FROM holidays").fetchone()[0] == before
    good = '{"year": 2027, "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true}]}'
    assert dialog.import_text(good, "2027.json")
    assert "2027" in dialog.summary.text()


def test_case_editor_computes_effective_date_and_deadline(qtbot, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    from desktop.gui.case_editor import CaseEditor

    case = make_case(
        disposition=Disposition.JUDGMENT, procedure=Procedure.SIMPLIFIED, filing_date=D("2024-11-04"),
        judgment_date=D("2025-01-10"), effective_date=None, deadline=None, payments=(),
    )  # fmt: skip
    parties = tuple(replace(p, service_date=D("2025-01-17")) for p in case.parties)
    ob = replace(case.obligations[0], installments=(), description="被告于本判决生效之日起十日内给付原告借款")
    saved = workspace.save_case(replace(case, parties=parties, obligations=(ob,)))
    editor = CaseEditor(workspace, saved.id)
    qtbot.addWidget(editor)
    editor.compute_button.click()
    assert editor.effective_date.text() == "2025-02-06"
    assert editor.deadline.text() == "2025-02-17"
    assert "顺延至2025-02-17" in editor.dates_explanation.text()
    # a party not yet served: refused, named, nothing filled
    editor.effective_date.clear()
    editor.parties.item(1, 6).setText("")  # type: ignore[union-attr]
    editor.compute_button.click()
    assert not editor.banner.isHidden() and "当事人2送达日期" in editor.banner.text()
    assert editor.effective_date.text() == ""


def test_the_line_under_the_table_shows_the_current_reason_in_full(
    page: DashboardPage, workspace: Workspace
) -> None:
    _overdue(workspace, "（2025）黑0902民初123号")
    page.table.selectRow(1)
    text = page.detail.text()
    assert text.startswith("（2025）黑0902民初123号")
    assert (
        "自动履行催告书：履行期限2025-06-05已届满，尚欠100,000.00元，应于2025-06-12前发送《自动履行催告书》"
        in text
    )
    header = page.table.horizontalHeader()
    assert header.length() <= page.table.viewport().width()  # 1400 wide: no sideways scrolling


def test_a_debtor_without_contact_details_is_asked_for_them_not_sent_a_document(
    qtbot, page: DashboardPage, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """房县方案九（三）: the 催告书 goes to debtors whose contact details are known. The board says
    补充联系方式, and its document button opens the case instead of a wizard that would refuse."""
    from desktop.gui import case_editor, dashboard_page

    case_id = _overdue(workspace, "（2025）黑0902民初123号", unreachable=True)
    assert _rows(page) == [("（2025）黑0902民初123号", "urge")]
    cells = [page.model.index(1, c).data() for c in range(page.model.columnCount())]
    assert cells[6] == "补充联系方式"
    assert cells[-1].endswith(
        "履行义务人没有登记电话或住址，联系方式不明确，无法送达：请先补充联系方式（房县方案九（三））"
    )
    told: list[str] = []
    monkeypatch.setattr(dashboard_page.QMessageBox, "information", lambda *a: told.append(a[2]))
    opened: list[int] = []
    monkeypatch.setattr(case_editor.CaseEditor, "exec", lambda self: opened.append(self.case.id))
    page.table.selectRow(1)
    page.issue_document()
    assert "补充电话或住址" in told[0]
    assert opened == [case_id]


def _item_rows_spanning(page: DashboardPage) -> list[tuple[int, str]]:
    """Reminder rows drawn as one cell across the table (only their date would show)."""
    return [
        (r, item.case_number)
        for r in range(page.model.rowCount())
        if (item := page.model.item(r)) is not None and page.table.columnSpan(r, 0) != 1
    ]


def test_rows_stay_whole_after_a_call_shrinks_a_group(
    qtbot, page: DashboardPage, workspace: Workspace
) -> None:  # type: ignore[no-untyped-def]
    """A group shrinking by one moves the next group's header up a row: the row it left, now a reminder,
    must show all its cells, not the header's span (it showed only its date until restart)."""
    _overdue(workspace, "（2025）黑0902民初123号")
    _overdue(workspace, "（2025）黑0902民初124号")
    _overdue(workspace, "（2025）黑0902民初125号", deadline=D("2025-06-06"))  # 催告书 due today
    headers = [row for row, _g in page.model.header_rows()]
    assert headers == [0, 3]
    assert _item_rows_spanning(page) == []
    _select(page, "（2025）黑0902民初123号")
    page.contact()
    page.dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()  # type: ignore[union-attr]
    assert [row for row, _g in page.model.header_rows()] == [0, 2]
    assert page.model.index(3, 2).data() == "（2025）黑0902民初125号"
    assert _item_rows_spanning(page) == []
    assert page.table.columnSpan(2, 0) == page.model.columnCount()  # the moved header still spans
    # folding a group moves the headers too
    page.open_row(0)
    assert [row for row, _g in page.model.header_rows()] == [0, 1]
    assert _item_rows_spanning(page) == []
    assert page.table.columnSpan(1, 0) == page.model.columnCount()


def test_a_count_chip_shows_only_its_group(qtbot, page: DashboardPage, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    """The chips looked like buttons but did nothing: a click shows only that group, again shows all."""
    _overdue(workspace, "（2025）黑0902民初123号")
    _overdue(workspace, "（2025）黑0902民初125号", deadline=D("2025-06-06"))  # 催告书 due today
    assert len(_rows(page)) == 2
    today_chip = page.count_labels[Group.TODAY]
    assert today_chip.text() == "今日 1"
    qtbot.mouseClick(today_chip, Qt.MouseButton.LeftButton)
    assert _rows(page) == [("（2025）黑0902民初125号", "urge")]
    assert today_chip.isChecked() and not page.count_labels[Group.OVERDUE].isChecked()
    assert page.model.index(0, 0).data() == "▸ 逾期（1）"  # folded, still there
    assert page.current_item() is not None and page.current_item().case_number == "（2025）黑0902民初125号"  # type: ignore[union-attr]
    assert page.table.columnSpan(0, 0) == page.table.columnSpan(1, 0) == page.model.columnCount()
    qtbot.mouseClick(page.count_labels[Group.OVERDUE], Qt.MouseButton.LeftButton)
    assert _rows(page) == [("（2025）黑0902民初123号", "urge")]
    qtbot.mouseClick(page.count_labels[Group.OVERDUE], Qt.MouseButton.LeftButton)  # again: all
    assert len(_rows(page)) == 2
    assert not any(chip.isChecked() for chip in page.count_labels.values())


def test_the_page_prepares_the_next_working_days_lines_once_idle(
    qtbot, page: DashboardPage, workspace: Workspace
) -> None:  # type: ignore[no-untyped-def]
    from desktop.store import reminders as store

    _overdue(workspace, "（2025）黑0902民初123号")
    assert page._ahead.isActive()  # armed when the day's board was shown
    thread = page.prepare_ahead()
    assert thread is not None and thread.wait(20_000)
    prepared = store.ahead_meta(workspace.db)
    assert prepared is not None and (prepared.base_day, prepared.day) == (TODAY, D("2025-06-16"))
    assert page.prepare_ahead() is None  # once a day
    page.refresh()
    assert not page._ahead.isActive()


def test_the_models_rows_are_computed_from_the_groups(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Rows come from each group's place and size, not from a list of every line: each row, header and
    folded group is what a plain list of rows would say."""
    from desktop.core.reminders import ReminderItem
    from desktop.gui.dashboard_page import DashboardModel
    from desktop.services.reminders import _sorted_board

    def item(n: int, due: str) -> ReminderItem:
        return ReminderItem(
            n, f"（2025）黑0902民初{n}号", "urge", "催告", D(due), D(due), D(due), 0, "", "", "", False,
            False, "王建国", "张三", 100, "判决后",
        )  # fmt: skip

    dues = ["2025-06-01"] * 3 + ["2025-06-13"] + ["2025-06-15"] * 2 + ["2025-07-30"] * 4
    board = _sorted_board(TODAY, [item(n, d) for n, d in enumerate(dues, start=1)], None)
    model = DashboardModel()
    for collapsed in (set(), {Group.TODAY}, {Group.OVERDUE, Group.LATER}, set(Group)):
        model.collapsed = collapsed
        model.set_board(board)
        expected: list[tuple[Group, int]] = []
        start = 0
        for group in Group:
            count = board.counts[group]
            expected.append((group, -1))
            if group not in collapsed:
                expected += [(group, i) for i in range(start, start + count)]
            start += count
        assert model.rowCount() == len(expected)
        assert model.header_rows() == [(r, g) for r, (g, i) in enumerate(expected) if i < 0]
        for row, (group, index) in enumerate(expected):
            assert model.group_at(row) is group
            got = model.item(row)
            assert (got is None) if index < 0 else (got == board.items[index])
            if index >= 0:
                assert model.row_of(board.items[index].key) == row
        folded = [i for i in board.items if not any(e[1] >= 0 and board.items[e[1]] == i for e in expected)]
        assert all(model.row_of(i.key) is None for i in folded)
        assert model.item(len(expected)) is None and model.group_at(-1) is None

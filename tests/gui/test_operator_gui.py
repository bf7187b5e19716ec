"""The person using the program (issue 17, items 8 and 10): asked once per PC at start, changeable in
设置, named by every record; the 督促看板 opens on their cases (我的), with 全庭 and each handler still there.
Before, every record named the OS login and 我的 could not be set (its button stayed greyed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog

from desktop.gui import operator_dialog
from desktop.gui.main_window import MainWindow
from desktop.gui.operator_dialog import OperatorDialog
from desktop.services import operator
from desktop.services.workspace import Workspace
from tests.gui.test_dashboard import _overdue, _rows


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRIBUNAL_DESK_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def window(qtbot, workspace: Workspace, home: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    _overdue(workspace, "（2025）黑0902民初123号")  # 王建国's
    _overdue(workspace, "（2025）黑0902民初124号", handler="李春雨")
    win = MainWindow(workspace)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    return win


def _dashboard(win: MainWindow):  # type: ignore[no-untyped-def]
    return win.area_pages["督促看板"]


def test_choosing_the_person_in_settings_names_them_everywhere(
    qtbot, window: MainWindow, workspace: Workspace
) -> None:  # type: ignore[no-untyped-def]
    page = _dashboard(window)
    assert page.scope.currentData() == "__all__" and len(_rows(page)) == 2
    assert "尚未选择" in window.operator_label.text()
    dialog = window.choose_operator()
    assert isinstance(dialog, OperatorDialog)
    assert [dialog.person.itemText(i) for i in range(dialog.person.count())] == ["李春雨", "王建国"]
    dialog.person.setCurrentText("李春雨")
    dialog.buttons.accepted.emit()
    assert dialog.result() == QDialog.DialogCode.Accepted

    assert workspace.actor == "李春雨"
    assert window.operator_label.text() == "本机使用人：李春雨"
    assert "使用人：李春雨" in window.status_label.text()
    # the dashboard turns to the person's own cases; 全庭 and each handler stay
    assert page.scope.currentText() == "我的（李春雨）"
    assert _rows(page) == [("（2025）黑0902民初124号", "urge")]
    scopes = [page.scope.itemData(i) for i in range(page.scope.count())]
    assert scopes == ["__mine__", "__all__", "李春雨", "王建国"]
    page.scope.setCurrentIndex(page.scope.findData("__all__"))
    assert len(_rows(page)) == 2
    # a call recorded now names the person
    page.scope.setCurrentIndex(page.scope.findData("__mine__"))
    page.table.selectRow(1)
    page.contact()
    page.dialog.buttons.accepted.emit()  # type: ignore[union-attr]
    by = workspace.db.execute("SELECT by FROM contacts").fetchall()
    assert by == [("李春雨",)]


def test_the_dashboard_opens_on_the_persons_cases(qtbot, workspace: Workspace, home: Path) -> None:  # type: ignore[no-untyped-def]
    _overdue(workspace, "（2025）黑0902民初123号")
    _overdue(workspace, "（2025）黑0902民初124号", handler="李春雨")
    operator.set_operator(workspace, "王建国")  # chosen on an earlier day
    win = MainWindow(workspace)
    qtbot.addWidget(win)
    page = _dashboard(win)
    assert page.scope.currentText() == "我的（王建国）"
    assert _rows(page) == [("（2025）黑0902民初123号", "urge")]


def test_a_refused_choice_says_why(qtbot, window: MainWindow, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    dialog = window.choose_operator()
    dialog.person.setCurrentIndex(-1)
    dialog.buttons.accepted.emit()
    assert dialog.isVisible() and dialog.error.text() == "使用人：请选择使用本程序的人"
    assert workspace.actor == "测试员"


def test_asked_once_at_start(qtbot, workspace: Workspace, home: Path) -> None:  # type: ignore[no-untyped-def]
    assert operator_dialog.ask_once(workspace) is None  # no staff yet (a new database): nothing to choose
    _overdue(workspace, "（2025）黑0902民初123号")
    dialog = operator_dialog.ask_once(workspace)
    assert isinstance(dialog, OperatorDialog) and dialog.isVisible()  # shown, not blocking the start
    qtbot.addWidget(dialog)
    dialog.person.setCurrentText("王建国")
    dialog.buttons.accepted.emit()
    assert not dialog.isVisible() and workspace.actor == "王建国"
    assert operator_dialog.ask_once(workspace) is None  # chosen: not asked again

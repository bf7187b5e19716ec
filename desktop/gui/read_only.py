"""A window on a database opened read-only — another program holds it, or the server did not answer and
this PC's copy was opened to look things up (desktop.store.lock.open_read_only): every action that would
write is disabled from the start, with a tooltip saying why, rather than refused when it is saved.

Pages and dialogs pass their writing controls to :func:`lock_writes`; a control stays disabled even
when the page's own logic (a selection, a page of a wizard) enables it again later.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTableWidget,
    QTextEdit,
    QWidget,
)

from desktop.i18n import _
from desktop.services.workspace import Workspace

READ_ONLY_TIP = _("只读打开：不能修改数据")
READ_ONLY_TITLE = _("（只读）")


def read_only(workspace: Workspace) -> bool:
    """Whether the window's database was opened read-only (every write would be refused)."""
    return workspace.read_only


class _KeepDisabled(QObject):
    """Puts a locked widget back to disabled whenever something enables it."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.EnabledChange and isinstance(watched, QWidget) and watched.isEnabled():
            watched.setEnabled(False)
        return False


_KEEPER: _KeepDisabled | None = None


def _keeper() -> _KeepDisabled:
    global _KEEPER
    if _KEEPER is None:
        _KEEPER = _KeepDisabled()
    return _KEEPER


Control = QWidget | QAction | QShortcut


def lock(*controls: Control | None) -> None:
    """Disable ``controls`` for good, each saying why (None: a control a page did not build)."""
    for control in controls:
        if control is None:
            continue
        control.setEnabled(False)
        if isinstance(control, QShortcut):
            continue
        control.setToolTip(READ_ONLY_TIP)
        if isinstance(control, QAction):
            control.enabledChanged.connect(lambda on, action=control: on and action.setEnabled(False))
        else:
            control.setProperty("read_only_locked", True)
            control.installEventFilter(_keeper())


def lock_writes(workspace: Workspace, *controls: Control | None) -> bool:
    """In a read-only window, disable every control that would write; says whether it is one."""
    if not read_only(workspace):
        return False
    lock(*controls)
    return True


def is_locked(control: QObject) -> bool:
    """Whether ``control`` was locked by :func:`lock` (tests check every writing control is)."""
    return bool(control.property("read_only_locked"))


def make_fields_read_only(root: QWidget) -> None:
    """Every field under ``root`` shows its value but takes no input: text is read-only (still
    selectable), choices and ticks are disabled, tables are not editable."""
    for edit in root.findChildren(QLineEdit):
        edit.setReadOnly(True)
    for plain in root.findChildren(QPlainTextEdit):
        plain.setReadOnly(True)
    for rich in root.findChildren(QTextEdit):
        rich.setReadOnly(True)
    for spin in root.findChildren(QAbstractSpinBox):
        spin.setReadOnly(True)
    for combo in root.findChildren(QComboBox):
        combo.setEnabled(False)
    for view in root.findChildren(QAbstractItemView):
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    for table in root.findChildren(QTableWidget):
        for row in range(table.rowCount()):
            for col in range(table.columnCount()):
                cell = table.cellWidget(row, col)
                if cell is not None:
                    cell.setEnabled(False)
    for button in root.findChildren(QAbstractButton):
        if button.isCheckable() and not isinstance(button.parent(), QAbstractItemView):
            button.setEnabled(False)
    # read-only text would look editable on its white ground: grey, as the disabled choices are
    root.setStyleSheet(
        root.styleSheet()
        + ' QLineEdit[readOnly="true"], QPlainTextEdit[readOnly="true"] { background: #f3f3f3; }'
    )

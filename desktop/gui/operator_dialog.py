"""本机使用人: who is using the program on this PC, chosen from the staff (the handlers list).

Asked once per PC at start (and whenever 设置 › 更换使用人 is pressed); every record then names this
person as 签发人, 核查人, 操作人 and 督促人, and the 督促看板 opens on their cases. The rule itself is in
:mod:`desktop.services.operator`.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from desktop.gui.dashboard_page import _Dialog
from desktop.i18n import _
from desktop.services import operator
from desktop.services.workspace import Workspace


class OperatorDialog(_Dialog):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(_("本机使用人"), parent)
        self.workspace = workspace
        about = QLabel(
            _(
                "请选择在这台电脑上使用本程序的人。出具文书的签发人、诚信履行名单的核查人、督促记录的"
                "督促人和操作日志的操作人都记为此人；督促看板的“我的”显示其承办的案件。"
                "只需选择一次，以后可在“设置”中更换。"
            ),
            self,
        )
        about.setWordWrap(True)
        self.col.insertWidget(0, about)
        self.person = QComboBox(self)
        staff = workspace.handler_names()
        self.person.addItems(staff)
        current = operator.chosen(workspace.path)
        self.person.setCurrentIndex(staff.index(current) if current in staff else -1)
        self.person.setPlaceholderText(_("从本庭承办人中选择"))
        self.form.addRow(_("使用人"), self.person)
        self.finish_layout()
        self.person.setFocus()

    def apply(self) -> None:
        operator.set_operator(self.workspace, self.person.currentText())


def ask_once(workspace: Workspace, parent: QWidget | None = None) -> OperatorDialog | None:
    """At start, over the main window: ask who is using the program when nobody was chosen on this PC.
    Shown without blocking (a start that must not wait, like a smoke test, is not held up); cancelling
    goes on with the login's name and asks again next time."""
    if not operator.needs_choice(workspace):
        return None
    dialog = OperatorDialog(workspace, parent)
    dialog.open()
    return dialog

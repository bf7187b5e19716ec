"""本机使用人: who is using the program on this PC, chosen from the staff (the handlers list).

Asked once per PC at start (and whenever 设置 › 更换使用人 is pressed); every record then names this
person as 签发人, 核查人, 操作人 and 督促人, and the 督促看板 opens on their cases. The rule itself is in
:mod:`desktop.services.operator`.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

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
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(_("设有登录密码时填写"))
        self.form.addRow(_("登录密码"), self.password)
        self.finish_layout()
        self.person.setFocus()

    def apply(self) -> None:
        operator.sign_in(self.workspace, self.person.currentText(), self.password.text())


def ask_once(workspace: Workspace, parent: QWidget | None = None) -> OperatorDialog | None:
    """At start, over the main window: ask who is using the program when nobody was chosen on this PC.
    Shown without blocking (a start that must not wait, like a smoke test, is not held up); cancelling
    goes on with the login's name and asks again next time. A person with a password (server mode)
    signs in here at every start."""
    if not operator.needs_sign_in(workspace):
        return None
    dialog = OperatorDialog(workspace, parent)
    dialog.open()
    return dialog


class PasswordDialog(_Dialog):
    """设置 › 登录密码: the person using the program sets, changes or removes their password (server mode:
    then nobody else can sign in under their name on another PC)."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(_("登录密码"), parent)
        self.workspace = workspace
        about = QLabel(
            _("为“{0}”设置登录密码（至少6个字符）。新密码留空则取消密码。").format(workspace.actor), self
        )
        about.setWordWrap(True)
        self.col.insertWidget(0, about)
        self.old = QLineEdit(self)
        self.new = QLineEdit(self)
        self.again = QLineEdit(self)
        for field in (self.old, self.new, self.again):
            field.setEchoMode(QLineEdit.EchoMode.Password)
        if operator.password_required(workspace, workspace.actor):
            self.form.addRow(_("原密码"), self.old)
        else:
            self.old.hide()
        self.form.addRow(_("新密码"), self.new)
        self.form.addRow(_("再输入一次"), self.again)
        self.finish_layout()

    def apply(self) -> None:
        from desktop.core.errors import ValidationError
        from desktop.services.workspace import CaseInvalid

        if self.new.text() != self.again.text():
            raise CaseInvalid([ValidationError("新密码", "两次输入的新密码不一致")])
        operator.set_password(self.workspace, self.new.text(), self.old.text())

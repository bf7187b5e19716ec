"""Server mode in the window: connecting a PC to the tribunal's server, what to do when it cannot be
reached, who is connected, and the choice a clerk makes when another clerk saved a case first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QThread, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.gui.opening import open_at_start as open_at_start  # moved there: a start needs no dialog
from desktop.gui.threads import keep
from desktop.i18n import _
from desktop.services import connection
from desktop.services.connection import ServerAddress

if TYPE_CHECKING:  # only a conflict's dialog needs it, and it loads the table layouts (issue 23)
    from desktop.core.compare import Difference


class _Probe(QThread):
    """Tries a connection off the GUI thread (a server that does not answer takes seconds)."""

    answered = Signal(str)
    failed = Signal(str)

    def __init__(self, address: ServerAddress, password: str | None) -> None:
        super().__init__()
        self.address, self.password = address, password
        keep(self)

    def run(self) -> None:
        try:
            self.answered.emit(connection.test(self.address, self.password))
        except Exception as exc:  # shown in the dialog
            self.failed.emit(str(exc))


class ConnectDialog(QDialog):
    """设置 → 连接服务器: host, port, database, user, password; 测试连接; connect, or back to this PC's file.

    Accepted with ``choice`` "server" (``address`` / ``password`` set, saved for the next start) or
    "local" (this PC's own database from the next start)."""

    def __init__(self, parent: QWidget | None = None, address: ServerAddress | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("连接服务器"))
        self.choice = ""
        self.address: ServerAddress | None = None
        self.password: str | None = None
        self._probe: _Probe | None = None
        saved = connection.saved()
        address = address or (saved.address if saved else ServerAddress(""))
        col = QVBoxLayout(self)
        intro = QLabel(
            _(
                "法庭几台电脑共用数据时，每台电脑连接同一台 PostgreSQL 服务器。"
                "服务器地址、数据库、用户名和密码由法院信息技术人员提供（见 docs/server-mode.md）。"
            )
        )
        intro.setWordWrap(True)
        col.addWidget(intro)
        form = QFormLayout()
        self.host = QLineEdit(address.host)
        self.host.setPlaceholderText(_("例如 192.168.10.5"))
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(address.port)
        self.database = QLineEdit(address.database)
        self.user = QLineEdit(address.user)
        self.secret = QLineEdit(saved.password or "" if saved else "")
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember = QCheckBox(_("在本机记住密码（仅本机当前用户可读）"))
        self.remember.setChecked(bool(saved and saved.password))
        form.addRow(_("服务器地址(&H)："), self.host)
        form.addRow(_("端口(&P)："), self.port)
        form.addRow(_("数据库(&D)："), self.database)
        form.addRow(_("用户名(&U)："), self.user)
        form.addRow(_("密码(&W)："), self.secret)
        form.addRow("", self.remember)
        col.addLayout(form)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        col.addWidget(self.status)
        buttons = QDialogButtonBox()
        self.test_button = buttons.addButton(_("测试连接(&T)"), QDialogButtonBox.ButtonRole.ActionRole)
        self.connect_button = buttons.addButton(_("连接(&C)"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.local_button = buttons.addButton(_("改用本机数据库(&L)"), QDialogButtonBox.ButtonRole.ResetRole)
        buttons.addButton(_("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        self.connect_button.setDefault(True)
        self.test_button.clicked.connect(self.test)
        self.connect_button.clicked.connect(self._connect)
        self.local_button.clicked.connect(self._local)
        buttons.rejected.connect(self.reject)
        col.addWidget(buttons)
        self.local_button.setVisible(saved is not None)
        self.setMinimumWidth(460)

    def _address(self) -> ServerAddress | None:
        address = ServerAddress(
            self.host.text().strip(),
            self.port.value(),
            self.database.text().strip(),
            self.user.text().strip(),
        )
        problems = address.problems()
        if problems:
            self._say("；".join(problems), ok=False)
            return None
        return address

    def _say(self, text: str, ok: bool) -> None:
        self.status.setStyleSheet("color: #1a7f37;" if ok else "color: #b42318;")
        self.status.setText(text)

    def test(self) -> None:
        address = self._address()
        if address is None:
            return
        self._say(_("正在连接 {0}:{1}……").format(address.host, address.port), ok=True)
        self.test_button.setEnabled(False)
        self._probe = _Probe(address, self.secret.text() or None)
        self._probe.answered.connect(lambda v: self._say(_("连接成功：{0}").format(v), ok=True))
        self._probe.failed.connect(lambda e: self._say(e, ok=False))
        self._probe.finished.connect(lambda: self.test_button.setEnabled(True))
        self._probe.start()

    def _connect(self) -> None:
        address = self._address()
        if address is None:
            return
        self.address, self.password, self.choice = address, self.secret.text() or None, "server"
        connection.save(address, self.password, self.remember.isChecked())
        self.accept()

    def _local(self) -> None:
        connection.forget()
        self.choice = "local"
        self.accept()


class ServerUnavailableDialog(QDialog):
    """At start: the server did not answer. 重试, 打开本机数据库（只读）, 更改连接, or 退出 (``choice``)."""

    def __init__(self, message: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("无法连接服务器"))
        self.choice = "quit"
        col = QVBoxLayout(self)
        text = QLabel(message)
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        col.addWidget(text)
        hint = QLabel(
            _(
                "可以稍后重试；也可以先只读打开本机上的数据库查阅（不能修改，也不会与服务器上的数据混在一起）。"
            )
        )
        hint.setWordWrap(True)
        col.addWidget(hint)
        row = QHBoxLayout()
        for label, choice in (
            (_("重试(&R)"), "retry"),
            (_("打开本机数据库（只读）(&O)"), "local"),
            (_("更改连接…(&C)"), "change"),
            (_("退出(&Q)"), "quit"),
        ):
            button = QPushButton(label)
            button.clicked.connect(lambda _checked=False, c=choice: self._choose(c))
            row.addWidget(button)
            if choice == "retry":
                button.setDefault(True)
        col.addLayout(row)
        self.setMinimumWidth(520)

    def _choose(self, choice: str) -> None:
        self.choice = choice
        self.accept()


class ClientsDialog(QDialog):
    """设置 → 在线用户: the programs connected to the server now."""

    def __init__(self, rows: list[tuple[str, str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("在线用户"))
        col = QVBoxLayout(self)
        table = QTableWidget(len(rows), 3)
        table.setHorizontalHeaderLabels([_("使用人@计算机"), _("地址"), _("连接时间")])
        for r, (who, address, since) in enumerate(rows):
            for c, text in enumerate((who, address, since.replace("T", " "))):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                table.setItem(r, c, item)
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        table.verticalHeader().hide()
        col.addWidget(table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        col.addWidget(buttons)
        self.resize(560, 300)


class ConflictDialog(QDialog):
    """Saving a case another clerk saved first: the message (who and when), every field that differs
    (我的修改 / 对方已保存的), and the choice: 重新载入 (take theirs, lose mine) or 返回修改 (keep
    editing)."""

    def __init__(self, message: str, differences: list[Difference], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("案件已被他人修改"))
        self.reload = False
        col = QVBoxLayout(self)
        text = QLabel(message)
        text.setWordWrap(True)
        col.addWidget(text)
        box = QGroupBox(_("逐项比较"))
        inner = QVBoxLayout(box)
        table = QTableWidget(len(differences), 3)
        table.setHorizontalHeaderLabels([_("项目"), _("我的修改（未保存）"), _("对方已保存的")])
        for r, d in enumerate(differences):
            for c, value in enumerate((d.label, d.mine, d.theirs)):
                item = QTableWidgetItem(value)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                item.setToolTip(value)
                table.setItem(r, c, item)
        table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        table.verticalHeader().hide()
        if not differences:
            inner.addWidget(QLabel(_("两者内容相同（对方可能只是保存了同样的内容）。")))
        inner.addWidget(table)
        col.addWidget(box, 1)
        buttons = QDialogButtonBox()
        reload = buttons.addButton(_("重新载入对方的版本(&R)"), QDialogButtonBox.ButtonRole.DestructiveRole)
        back = buttons.addButton(_("返回修改(&B)"), QDialogButtonBox.ButtonRole.RejectRole)
        back.setDefault(True)
        reload.clicked.connect(self._reload)
        buttons.rejected.connect(self.reject)
        col.addWidget(buttons)
        self.resize(720, 380)

    def _reload(self) -> None:
        self.reload = True
        self.accept()


class ServerBlock(QGroupBox):
    """The settings page's 数据库 block: where this PC's data is, and the server's buttons."""

    def __init__(self, workspace: object, parent: QWidget | None = None) -> None:
        super().__init__(_("数据库（多台电脑共用）"), parent)
        self.workspace = workspace
        col = QVBoxLayout(self)
        on_server = bool(getattr(workspace, "is_server", False))
        where = (
            _("本机连接服务器：{0}").format(getattr(workspace, "path", ""))
            if on_server
            else _("本机数据库：{0}").format(getattr(workspace, "path", ""))
        )
        label = QLabel(where)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        col.addWidget(label)
        row = QHBoxLayout()
        change = QPushButton(_("连接服务器…") if not on_server else _("更改连接…"))
        change.clicked.connect(self.change)
        row.addWidget(change)
        if on_server:
            who = QPushButton(_("在线用户…"))
            who.clicked.connect(self.show_clients)
            row.addWidget(who)
        row.addStretch(1)
        col.addLayout(row)
        note = QLabel(_("更改后，下次启动本程序时生效。"))
        note.setStyleSheet("color: gray;")
        col.addWidget(note)

    def change(self) -> None:
        ConnectDialog(self).exec()

    def show_clients(self) -> None:
        db = getattr(self.workspace, "db", None)
        ClientsDialog(connection.who_is_connected(db), self).exec()

"""The main window: navigation between the product's areas, the case ledger in the middle."""

from __future__ import annotations

import importlib

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import __version__
from desktop.gui.court_dialog import CourtDialog
from desktop.gui.ledger_page import LedgerPage
from desktop.gui.read_only import READ_ONLY_TITLE, lock_writes, read_only
from desktop.i18n import _
from desktop.services import operator
from desktop.services.documents import form_directories
from desktop.services.workspace import Change, Workspace


class Changes(QObject):
    """The workspace's change notifications as one Qt signal every view listens to."""

    changed = Signal(object)


def _placeholder(title: str, text: str) -> QWidget:
    page = QWidget()
    col = QVBoxLayout(page)
    heading = QLabel(title)
    heading.setStyleSheet("font-size: 18pt; font-weight: bold;")
    body = QLabel(text)
    body.setWordWrap(True)
    col.addWidget(heading)
    col.addWidget(body)
    col.addStretch(1)
    return page


# The product's areas in navigation order: (title, "module:Class" of its page or None while it is not
# built yet, what it is for). A page class takes (workspace, changes, parent) and listens to
# ``changes.changed`` itself. Areas without a page are shown, and say honestly they are not there yet.
AREAS: tuple[tuple[str, str | None, str], ...] = (
    (
        _("督促看板"),
        "desktop.gui.dashboard_page:DashboardPage",
        _("每日到期与逾期提醒（提示书、催告书、分期、执前督促、预失信等）。"),
    ),
    (
        _("文书"),
        "desktop.gui.documents_page:DocumentsPage",
        _("告知书、承诺书、提示书、催告书、证明书等文书的向导、打印与登记。"),
    ),
    (
        _("诚信履行名单"),
        "desktop.gui.whitelist_page:WhitelistPage",
        _("诚信履行名单的审核、分批发布、打印与报送。"),
    ),
    (
        _("审破衔接"),
        "desktop.gui.screening_page:ScreeningPage",
        _("筛查可能符合破产条件的企业被告（房县方案第十条），发送申请破产审查告知书。"),
    ),
    (
        _("统计"),
        "desktop.gui.statistics_page:StatisticsPage",
        _("自动履行案件与金额、首次执行收案、自动履行率等，环比与同比。"),
    ),
)


def _page_class(spec: str) -> type[QWidget]:
    module, _sep, name = spec.partition(":")
    cls = getattr(importlib.import_module(module), name)
    assert isinstance(cls, type) and issubclass(cls, QWidget)
    return cls


PREFERRED_SIZE = (1440, 860)


class MainWindow(QMainWindow):
    def show_on_screen(self) -> None:
        """Show at the preferred size, or maximized where the screen is smaller (a 1366×768 laptop):
        nothing may hang off the screen."""
        available = self.screen().availableGeometry()
        width, height = PREFERRED_SIZE
        if available.width() < width or available.height() < height:
            self.setGeometry(available)  # where no window manager maximizes (and before it does)
            self.showMaximized()
        else:
            self.show()

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.changes = Changes(self)
        workspace.subscribe(self.changes.changed.emit)
        self.resize(*PREFERRED_SIZE)

        central = QWidget(self)
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        self.nav = QListWidget(central)
        self.nav.setFixedWidth(124)
        self.nav.setStyleSheet("QListWidget { font-size: 12pt; } QListWidget::item { padding: 10px 8px; }")
        self.pages = QStackedWidget(central)
        row.addWidget(self.nav)
        row.addWidget(self.pages, 1)
        self.setCentralWidget(central)

        self.ledger = LedgerPage(workspace, self)
        self._add_page(_("案件台账"), self.ledger)
        self.area_pages: dict[str, QWidget] = {}
        for title, spec, text in AREAS:
            if spec is None:
                notice = text + "\n\n" + _("此功能尚未开放，将在后续版本提供。")
                item = self._add_page(title, _placeholder(title, notice))
                item.setForeground(Qt.GlobalColor.gray)
                item.setToolTip(_("尚未开放"))
            else:
                page = _page_class(spec)(workspace, self.changes, self)  # type: ignore[call-arg, arg-type]
                self.area_pages[title] = page
                self._add_page(title, page)
        self.settings_page = self._settings_page()
        self._add_page(_("设置"), self.settings_page)
        self.nav.currentRowChanged.connect(self.pages.setCurrentIndex)
        # Every morning the app opens on what is due (督促看板); the ledger is one click away.
        dashboard = self.area_pages.get(_("督促看板"))
        self.nav.setCurrentRow(self.pages.indexOf(dashboard) if dashboard is not None else 0)

        self.changes.changed.connect(self._on_change)
        self._update_title()
        self.status_label = QLabel(self)
        self.statusBar().addWidget(self.status_label, 1)
        self._update_operator()

    def _add_page(self, title: str, page: QWidget) -> QListWidgetItem:
        item = QListWidgetItem(title, self.nav)
        self.pages.addWidget(page)
        return item

    def _settings_page(self) -> QWidget:
        page = QWidget()
        col = QVBoxLayout(page)
        heading = QLabel(_("设置"))
        heading.setStyleSheet("font-size: 18pt; font-weight: bold;")
        col.addWidget(heading)
        self.court_label = QLabel()
        col.addWidget(self.court_label)
        self.court_button = QPushButton(_("修改法院信息…"))
        self.court_button.clicked.connect(lambda: CourtDialog(self.workspace, parent=self).exec())
        col.addWidget(self.court_button, 0, Qt.AlignmentFlag.AlignLeft)
        person = QHBoxLayout()
        self.operator_label = QLabel()
        person.addWidget(self.operator_label)
        self.operator_button = QPushButton(_("更换使用人…"))
        self.operator_button.clicked.connect(self.choose_operator)
        person.addWidget(self.operator_button)
        self.password_button = QPushButton(_("登录密码…"))
        self.password_button.setToolTip(_("多台电脑共用服务器时，为自己的名字设密码，别人不能以你的名义登录"))
        self.password_button.clicked.connect(self.set_password)
        person.addWidget(self.password_button)
        person.addStretch(1)
        col.addLayout(person)
        dashboard = self.area_pages.get(_("督促看板"))
        if dashboard is not None:
            rules = QPushButton(_("督促提醒规则（提醒窗口）…"))
            rules.clicked.connect(dashboard.edit_rules)  # type: ignore[attr-defined]
            holidays = QPushButton(_("节假日表（导入、导出）…"))
            holidays.clicked.connect(dashboard.edit_holidays)  # type: ignore[attr-defined]
            col.addWidget(rules, 0, Qt.AlignmentFlag.AlignLeft)
            col.addWidget(holidays, 0, Qt.AlignmentFlag.AlignLeft)
        forms_note = QLabel(
            _("文书模板：将修改后的模板文件放入 {0} ，即以本院版本替代同名模板。").format(
                form_directories()[-1]
            )
        )
        forms_note.setWordWrap(True)
        forms_note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        col.addWidget(forms_note)
        from desktop.gui.server_dialogs import ServerBlock  # this PC's file, or the tribunal's server

        col.addWidget(ServerBlock(self.workspace, page))
        from desktop.gui.backup_dialog import BackupBlock  # 备份与恢复, and the daily automatic backup

        self.backup_block = BackupBlock(self.workspace, page)
        col.addWidget(self.backup_block)
        col.addStretch(1)
        # a read-only window: the court and a password are not changed (the rules and the holiday
        # table open to be read; the person using this PC is kept on this PC, not in the database)
        lock_writes(self.workspace, self.court_button, self.password_button)
        return page

    def choose_operator(self) -> QDialog:
        from desktop.gui.operator_dialog import OperatorDialog

        self.operator_dialog = OperatorDialog(self.workspace, self)
        self.operator_dialog.open()
        return self.operator_dialog

    def set_password(self) -> QDialog:
        from desktop.gui.operator_dialog import PasswordDialog

        self.password_dialog = PasswordDialog(self.workspace, self)
        self.password_dialog.open()
        return self.password_dialog

    def _update_operator(self) -> None:
        """本机使用人 on the settings page and in the status bar."""
        name = self.workspace.actor
        chosen = operator.chosen(self.workspace.path)
        self.operator_label.setText(
            _("本机使用人：{0}").format(name)
            if chosen
            else _("本机使用人：尚未选择（记录暂以登录名 {0} 署名）").format(name)
        )
        self.status_label.setText(
            (_("只读　") if read_only(self.workspace) else "")
            + _("数据库：{0}　使用人：{1}　版本 {2}").format(self.workspace.path, name, __version__)
        )

    def _update_title(self) -> None:
        court = self.workspace.court()
        name = (
            court.court_name + (f"·{court.tribunal_name}" if court and court.tribunal_name else "")
            if court
            else ""
        )
        # Qt adds the application's name (its display name) after the title: not repeated here
        self.setWindowTitle(name + (READ_ONLY_TITLE if read_only(self.workspace) else ""))
        if court:
            self.court_label.setText(
                _("法院：{0}\n代字：{1}\n法庭：{2}\n部门：{3}").format(
                    court.court_name,
                    court.court_code,
                    court.tribunal_name or "—",
                    "、".join(court.departments) or "—",
                )
            )

    def closeEvent(self, event):  # type: ignore[no-untyped-def]
        self.ledger.stop_pending()
        super().closeEvent(event)

    def _on_change(self, change: Change) -> None:
        if change.what == "settings":
            self._update_title()
            self._update_operator()
        else:
            self.ledger.refresh()

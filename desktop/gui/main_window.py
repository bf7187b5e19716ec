"""The main window: navigation between the product's areas, the case ledger in the middle."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
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
from desktop.gui.read_only import READ_ONLY_TITLE, lock_writes, read_only
from desktop.i18n import _
from desktop.services import operator
from desktop.services.workspace import Change, Workspace

if TYPE_CHECKING:
    from desktop.gui.ledger_page import LedgerPage


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
    # __import__ rather than importlib.import_module: `python -X importtime` then lists the page's module
    cls = getattr(__import__(module, fromlist=[name]), name)
    assert isinstance(cls, type) and issubclass(cls, QWidget)
    return cls


PREFERRED_SIZE = (1440, 860)
# The page the window opens on is made at once; every other page when first shown (issue 23: the first
# window comes up quickly). PREFETCH_MS after the first paint, the modules of the pages not made yet
# are imported in the background of the event loop, one module per turn, so that a first click shows
# its page without a pause.
FIRST_PAGE = _("督促看板")
LEDGER_ROW = 0
PREFETCH_MS = 300
PREFETCH_MODULES: tuple[str, ...] = (
    "desktop.gui.ledger_page",
    *(spec.partition(":")[0] for _t, spec, _x in AREAS if spec is not None),
    "desktop.gui.backup_dialog",
    "desktop.gui.server_dialogs",
    "desktop.gui.court_dialog",
    "desktop.gui.case_editor",
    "desktop.gui.import_dialog",
    "desktop.gui.wizard",
    "desktop.services.documents",
)


class AreaPages(Mapping[str, QWidget]):
    """The areas' pages by title, each made when first asked for (shown, or looked up by a caller)."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.made: dict[str, QWidget] = {}

    def __getitem__(self, title: str) -> QWidget:
        if title not in self.made:
            self.window._make_page(self.window._rows[title])
        return self.made[title]

    def __contains__(self, title: object) -> bool:
        return any(t == title for t in self)

    def __iter__(self) -> Iterator[str]:
        return iter(t for t, spec, _x in AREAS if spec is not None)

    def __len__(self) -> int:
        return sum(1 for _t, spec, _x in AREAS if spec is not None)


class SettingsPage(QWidget):
    """设置: the court, the person using this PC, reminder rules, forms, the server and backups."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__()
        from desktop.gui.court_dialog import CourtDialog
        from desktop.services.documents import form_directories

        workspace = window.workspace
        col = QVBoxLayout(self)
        heading = QLabel(_("设置"))
        heading.setStyleSheet("font-size: 18pt; font-weight: bold;")
        col.addWidget(heading)
        self.court_label = QLabel()
        col.addWidget(self.court_label)
        self.court_button = QPushButton(_("修改法院信息…"))
        self.court_button.clicked.connect(lambda: CourtDialog(workspace, parent=window).exec())
        col.addWidget(self.court_button, 0, Qt.AlignmentFlag.AlignLeft)
        person = QHBoxLayout()
        self.operator_label = QLabel()
        person.addWidget(self.operator_label)
        self.operator_button = QPushButton(_("更换使用人…"))
        self.operator_button.clicked.connect(window.choose_operator)
        person.addWidget(self.operator_button)
        self.password_button = QPushButton(_("登录密码…"))
        self.password_button.setToolTip(_("多台电脑共用服务器时，为自己的名字设密码，别人不能以你的名义登录"))
        self.password_button.clicked.connect(window.set_password)
        person.addWidget(self.password_button)
        person.addStretch(1)
        col.addLayout(person)
        if _("督促看板") in window.area_pages:
            dashboard = window.area_pages[_("督促看板")]
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

        col.addWidget(ServerBlock(workspace, self))
        from desktop.gui.backup_dialog import BackupBlock  # 备份与恢复, and the daily automatic backup

        self.backup_block = BackupBlock(workspace, self)
        col.addWidget(self.backup_block)
        col.addStretch(1)
        # a read-only window: the court and a password are not changed (the rules and the holiday
        # table open to be read; the person using this PC is kept on this PC, not in the database)
        lock_writes(workspace, self.court_button, self.password_button)


class MainWindow(QMainWindow):
    first_painted = Signal()  # the window is on the screen: what it does not show may load from now on

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

        self._ledger: LedgerPage | None = None  # made when first shown or asked for, like the areas' pages
        self._add_page(_("案件台账"), QWidget())
        self.area_pages = AreaPages(self)
        self._specs: dict[int, tuple[str, str]] = {}  # row → (title, page spec) of a page not made yet
        self._rows: dict[str, int] = {}
        for title, spec, text in AREAS:
            if spec is None:
                notice = text + "\n\n" + _("此功能尚未开放，将在后续版本提供。")
                item = self._add_page(title, _placeholder(title, notice))
                item.setForeground(Qt.GlobalColor.gray)
                item.setToolTip(_("尚未开放"))
            else:
                self._rows[title] = self.pages.count()
                self._specs[self.pages.count()] = (title, spec)
                self._add_page(title, QWidget())  # stands in until the page is first shown
        self._rows[_("设置")] = self.pages.count()
        self._settings: SettingsPage | None = None
        self._add_page(_("设置"), QWidget())
        self.nav.currentRowChanged.connect(self._show_row)
        # Every morning the app opens on what is due (督促看板); the ledger is one click away.
        first = self._rows.get(FIRST_PAGE, 0)
        self.nav.setCurrentRow(first)

        self.changes.changed.connect(self._on_change)
        self._update_title()
        self.status_label = QLabel(self)
        self.statusBar().addWidget(self.status_label, 1)
        self._update_operator()
        from desktop.gui.opening import read_only_holder

        holder = read_only_holder(workspace)
        if holder is not None:  # another program holds the database: said at once, in red
            read_only = QLabel(_("只读：数据库正由 {0} 使用").format(holder), self)
            read_only.setStyleSheet("color: #b3261e; font-weight: bold;")
            self.statusBar().addPermanentWidget(read_only)
        self._prefetch = list(PREFETCH_MODULES)
        self._prefetch_timer = QTimer(self)
        self._prefetch_timer.setSingleShot(True)
        self._prefetch_timer.timeout.connect(self._prefetch_next)
        self._painted = False

    def _add_page(self, title: str, page: QWidget) -> QListWidgetItem:
        item = QListWidgetItem(title, self.nav)
        self.pages.addWidget(page)
        return item

    def _make_page(self, row: int) -> QWidget:
        """The page at ``row``, made now if it was not yet (in the stand-in's place)."""
        if row == self._rows[_("设置")]:
            return self.settings_page
        if row == LEDGER_ROW:
            return self.ledger
        if row not in self._specs:
            page = self.pages.widget(row)
            assert page is not None
            return page
        title, spec = self._specs.pop(row)
        page = _page_class(spec)(self.workspace, self.changes, self)  # type: ignore[call-arg, arg-type]
        self.area_pages.made[title] = page
        self._replace(row, page)
        return page

    def _replace(self, row: int, page: QWidget) -> None:
        stand_in = self.pages.widget(row)
        assert stand_in is not None
        current = self.pages.currentIndex()
        self.pages.insertWidget(row, page)
        self.pages.removeWidget(stand_in)
        stand_in.deleteLater()
        if current == row:
            self.pages.setCurrentIndex(row)

    def _show_row(self, row: int) -> None:
        if row < 0:
            return
        if (
            row in self._specs
            or (row == self._rows[_("设置")] and self._settings is None)
            or (row == LEDGER_ROW and self._ledger is None)
        ):
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                self._make_page(row)
            finally:
                QApplication.restoreOverrideCursor()
        self.pages.setCurrentIndex(row)

    @property
    def ledger(self) -> LedgerPage:
        """案件台账, made when first shown or asked for."""
        if self._ledger is None:
            from desktop.gui.ledger_page import LedgerPage

            self._ledger = LedgerPage(self.workspace, self)
            self._replace(LEDGER_ROW, self._ledger)
        return self._ledger

    @property
    def settings_page(self) -> SettingsPage:
        """设置, made when first shown or asked for."""
        if self._settings is None:
            self._settings = SettingsPage(self)
            self._replace(self._rows[_("设置")], self._settings)
            self._update_title()
            self._update_operator()
        return self._settings

    # the settings page's parts, as callers knew them on the window
    @property
    def court_label(self) -> QLabel:
        return self.settings_page.court_label

    @property
    def operator_label(self) -> QLabel:
        return self.settings_page.operator_label

    @property
    def backup_block(self) -> QWidget:
        return self.settings_page.backup_block

    @property
    def court_button(self) -> QPushButton:
        return self.settings_page.court_button

    @property
    def password_button(self) -> QPushButton:
        return self.settings_page.password_button

    def paintEvent(self, event):  # type: ignore[no-untyped-def]
        super().paintEvent(event)
        if not self._painted:  # the first screen is up: what the others need is loaded from now on
            self._painted = True
            self._prefetch_timer.start(PREFETCH_MS)
            self.first_painted.emit()

    def _prefetch_next(self) -> None:
        """Import the next module a page not made yet needs (one per turn of the event loop); at the end
        make the settings page, whose backup block runs the daily automatic backup."""
        if not self.isVisible():  # closed meanwhile: nothing more is needed
            return
        while self._prefetch:
            name = self._prefetch.pop(0)
            if name not in sys.modules:
                importlib.import_module(name)
                break
        if self._prefetch:
            self._prefetch_timer.start(0)
        else:
            self.settings_page  # noqa: B018 - made now: the daily backup's timers start with it

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
        if self._settings is not None:
            self._update_operator_label(name)
        self.status_label.setText(
            (_("只读　") if read_only(self.workspace) else "")
            + _("数据库：{0}　使用人：{1}　版本 {2}").format(self.workspace.path, name, __version__)
        )

    def _update_operator_label(self, name: str) -> None:
        assert self._settings is not None
        chosen = operator.chosen(self.workspace.path)
        self._settings.operator_label.setText(
            _("本机使用人：{0}").format(name)
            if chosen
            else _("本机使用人：尚未选择（记录暂以登录名 {0} 署名）").format(name)
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
        if court and self._settings is not None:
            self._settings.court_label.setText(
                _("法院：{0}\n代字：{1}\n法庭：{2}\n部门：{3}").format(
                    court.court_name,
                    court.court_code,
                    court.tribunal_name or "—",
                    "、".join(court.departments) or "—",
                )
            )

    def closeEvent(self, event):  # type: ignore[no-untyped-def]
        self._prefetch_timer.stop()
        if self._ledger is not None:
            self._ledger.stop_pending()
        super().closeEvent(event)

    def _on_change(self, change: Change) -> None:
        if change.what == "settings":
            self._update_title()
            self._update_operator()
        elif self._ledger is not None:  # a ledger not made yet reads the cases when it is
            self._ledger.refresh()

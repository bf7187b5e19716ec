"""督促看板: what is due today, overdue first, for me or the whole tribunal, each line leading to its action.

The page shows the board of :class:`desktop.services.reminders.Reminders` in four groups (逾期 / 今日 /
7日内 / 以后), coloured by days overdue, narrowed by a search on 案号 or party (Ctrl+F). Keys on the
list: Enter opens the case, C records a contact (Enter again saves it: two keystrokes), P postpones the
selected reminders with a reason, D marks them done, W starts the suggested document. It refreshes when
anything changes and when the date changes.
"""

from __future__ import annotations

import bisect
import logging
import sqlite3
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QThread,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QCloseEvent, QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.core.calendar import to_json
from desktop.core.eligibility import ADD_CONTACT
from desktop.core.errors import ValidationError
from desktop.core.model import ContactMethod
from desktop.core.money import format_money
from desktop.core.reminders import (
    CaseEvent,
    CaseEventKind,
    Group,
    Period,
    ReminderItem,
    Rule,
    suggestion_text,
)
from desktop.gui import save_dir
from desktop.gui.fields import ERROR_STYLE, DateLine, combo_value, enum_combo
from desktop.gui.read_only import lock_writes, make_fields_read_only
from desktop.gui.threads import keep
from desktop.i18n import _
from desktop.services.reminders import Board, Reminders
from desktop.services.workspace import CaseInvalid, Change, Workspace
from desktop.store.database import StoreError
from desktop.store.lock import is_read_only

DATE_CHECK_MS = 60_000
# On a server, how often the page looks whether another PC has changed something (one small statement).
SERVER_POLL_MS = 20_000
# How long the page waits, once it shows the day's board, before preparing the next working day's.
AHEAD_DELAY_MS = 15_000
SEARCH_DELAY_MS = 200
_WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
ALL = "__all__"
MINE = "__mine__"

# (header, width); the reason, last, takes the rest of the width (elided: the line under the table shows
# the current row's reason in full)
COLUMNS: tuple[tuple[str, int], ...] = (
    (_("到期日"), 96),
    (_("逾期"), 48),
    (_("案号"), 186),
    (_("当事人（义务人）"), 160),
    (_("未履行（元）"), 92),
    (_("提醒事项"), 172),
    (_("建议文书"), 132),
    (_("承办人"), 62),
    (_("原因"), 240),
)
_GROUP_BG = {
    Group.TODAY: QColor("#fff1c2"),
    Group.WEEK: QColor("#fffbe8"),
    Group.LATER: QColor("#ffffff"),
}
# days overdue: 1–7, 8–20, more than 20 (unhandled reminders stay up to 30 days by default)
OVERDUE_BANDS = ((7, QColor("#fde2e1")), (20, QColor("#f9c0bd")), (None, QColor("#f19b96")))
_HEADER_BG = QColor("#e8eaed")


def overdue_colour(days: int) -> QColor:
    for limit, colour in OVERDUE_BANDS:
        if limit is None or days <= limit:
            return colour
    raise AssertionError("unreachable")


log = logging.getLogger(__name__)


class _OwnConnection(QThread):
    """Work on the board on a connection of its own (a worker must not use the window's)."""

    def __init__(self, workspace: Workspace, today: date) -> None:
        super().__init__()
        self.path, self.actor, self.today = workspace.path, workspace.actor, today
        self.password = workspace.password
        keep(self)

    def run(self) -> None:
        try:
            other = Workspace.open(self.path, actor=self.actor, password=self.password)
            try:
                self.work(Reminders(other))
            finally:
                other.close()
        except Exception as exc:
            self.fail(exc)
        else:
            self.done()

    def work(self, service: Reminders) -> None:
        raise NotImplementedError

    def done(self) -> None:
        pass

    def fail(self, exc: Exception) -> None:
        raise NotImplementedError


class BoardBuild(_OwnConnection):
    """Builds and keeps the day's board from every case (seconds on a large ledger), so that the page
    paints at once and shows the rows when they are ready."""

    built = Signal()
    failed = Signal(str)

    def work(self, service: Reminders) -> None:
        service.board(self.today)

    def done(self) -> None:
        self.built.emit()

    def fail(self, exc: Exception) -> None:  # shown on the page, which then builds the board itself
        log.error("building the reminder board failed", exc_info=exc)
        self.failed.emit(str(exc))


class AheadBuild(_OwnConnection):
    """Prepares the next working day's changes to the kept board (Reminders.prepare_ahead) while the
    page is idle, so the first look that morning is at once."""

    def work(self, service: Reminders) -> None:
        service.prepare_ahead(self.today)

    def fail(self, exc: Exception) -> None:  # only a head start lost: the next day rolls as always
        log.warning("preparing the next working day's reminders failed", exc_info=exc)


# the roles DashboardModel.data answers, as plain ints (a view asks for each role of each cell it paints)
_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole.value)
_FONT = int(Qt.ItemDataRole.FontRole.value)
_ROLES = frozenset((_DISPLAY, _BACKGROUND, _TOOLTIP, _ALIGNMENT, _FONT))
_RIGHT = int((Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value)


class DashboardModel(QAbstractTableModel):
    """The board as rows: a header row per non-empty group, then its reminders (fetched lazily)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.board: Board | None = None
        self.collapsed: set[Group] = set()
        # each shown group as (its header's row, the group, its first item index, items shown): rows are
        # computed from these, not listed (a large board has tens of thousands of lines)
        self._groups: list[tuple[int, Group, int, int]] = []
        self._headers: list[int] = []  # the groups' header rows, for bisect
        self._row_count = 0
        self._bold = QFont()
        self._bold.setBold(True)

    def set_board(self, board: Board) -> None:
        self.beginResetModel()
        self.board = board
        self._layout()
        self.endResetModel()

    def toggle(self, group: Group) -> None:
        self.set_collapsed(self.collapsed ^ {group})

    def set_collapsed(self, groups: set[Group]) -> None:
        self.beginResetModel()
        self.collapsed = set(groups)
        self._layout()
        self.endResetModel()

    def _layout(self) -> None:
        groups: list[tuple[int, Group, int, int]] = []
        row = start = 0
        board = self.board
        if board is not None:
            for group in Group:
                count = board.counts.get(group, 0)
                if count:
                    shown = 0 if group in self.collapsed else count
                    groups.append((row, group, start, shown))
                    row += 1 + shown
                start += count
        self._groups = groups
        self._headers = [g[0] for g in groups]
        self._row_count = row

    def _at(self, row: int) -> tuple[Group, int] | None:
        """The group at ``row`` and the index of its item (-1 for the group's header)."""
        if not 0 <= row < self._row_count:
            return None
        n = bisect.bisect_right(self._headers, row) - 1
        header, group, start, _shown = self._groups[n]
        return group, (-1 if row == header else start + row - header - 1)

    # ------------------------------------------------------------ lookups
    def header_rows(self) -> list[tuple[int, Group]]:
        return [(header, group) for header, group, _start, _shown in self._groups]

    def item(self, row: int) -> ReminderItem | None:
        found = self._at(row) if self.board is not None else None
        return None if found is None or found[1] < 0 else self._item(found[1])

    def _item(self, index: int) -> ReminderItem | None:
        assert self.board is not None
        try:
            return self.board.items[index]
        except IndexError:  # changed under us (another program); the next refresh shows the truth
            return None

    def group_at(self, row: int) -> Group | None:
        found = self._at(row)
        return None if found is None else found[0]

    def row_of(self, key: tuple[int, str, date]) -> int | None:
        """The row showing the reminder ``key`` (None when it is gone or its group is folded)."""
        if self.board is None:
            return None
        index = self.board.index_of(key)
        if index is None:
            return None
        for header, _group, start, shown in self._groups:
            if start <= index < start + shown:
                return header + 1 + index - start
        return None

    # ------------------------------------------------------------ Qt model API
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._row_count

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][0]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        # asked for every role of every cell painted: the roles the board does not answer go first
        if role not in _ROLES or self.board is None or not index.isValid():
            return None
        found = self._at(index.row())
        if found is None:
            return None
        group, item_index = found
        if item_index < 0:
            return self._header_data(group, index.column(), role)
        item = self._item(item_index)
        if item is None:
            return None
        col = index.column()
        if role == _DISPLAY:
            return self._display(item, col)
        if role == _BACKGROUND:
            if group is Group.OVERDUE:
                return QBrush(overdue_colour(item.days_overdue))
            return QBrush(_GROUP_BG[group])
        if role == _TOOLTIP:
            tip = f"{item.title}：{item.reason}"
            if item.provisional:
                tip += "\n" + _("（日期为暂定：所依据年份的节假日安排尚未录入）")
            if item.postponed_until:
                tip += "\n" + _("曾推迟至{0}").format(item.postponed_until.isoformat())
            return tip
        if role == _ALIGNMENT and col in (1, 4):
            return _RIGHT
        return None

    def _header_data(self, group: Group, col: int, role: int) -> Any:
        assert self.board is not None
        if role == _DISPLAY and col == 0:
            mark = "▸" if group in self.collapsed else "▾"
            return f"{mark} {group.value}（{self.board.counts.get(group, 0):,}）"
        if role == _FONT:
            return self._bold
        if role == _BACKGROUND:
            return QBrush(_HEADER_BG)
        return None

    @staticmethod
    def _display(item: ReminderItem, col: int) -> str:
        if col == 0:
            return item.due_date.isoformat() + ("*" if item.provisional else "")
        if col == 1:
            return str(item.days_overdue) if item.days_overdue else ""
        if col == 2:
            return item.case_number
        if col == 3:
            return item.party
        if col == 4:
            return format_money(item.owed_fen) if item.owed_fen else ""
        if col == 5:
            return item.title + (_("（暂定）") if item.provisional else "")
        if col == 6:
            return suggestion_text(item) or "—"
        if col == 7:
            return item.handler
        return item.reason


class BoardTable(QTableView):
    """Enter opens the case; a click on a group header folds the group."""

    def __init__(self, page: DashboardPage) -> None:
        super().__init__(page)
        self.page = page

    def keyPressEvent(self, event):  # type: ignore[no-untyped-def]
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            super().keyPressEvent(event)
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.page.open_current()
            return
        action = {
            Qt.Key.Key_C: self.page.contact,
            Qt.Key.Key_P: self.page.postpone,
            Qt.Key.Key_D: self.page.mark_done,
            Qt.Key.Key_W: self.page.issue_document,
        }.get(Qt.Key(event.key()))
        if action is not None:
            action()
            return
        super().keyPressEvent(event)


# ---------------------------------------------------------------- dialogs


class _Dialog(QDialog):
    """A small dialog with an error line and OK / Cancel; ``apply`` does the work and may refuse."""

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        self.col = QVBoxLayout(self)
        self.form = QFormLayout()
        self.col.addLayout(self.form)
        self.error = QLabel(self)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("确定"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("取消"))
        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)

    def finish_layout(self) -> None:
        self.col.addWidget(self.error)
        self.col.addWidget(self.buttons)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def apply(self) -> None:
        raise NotImplementedError

    def _ok(self) -> None:
        try:
            self.apply()
        except CaseInvalid as exc:
            self.show_error("；".join(str(p) for p in exc.problems))
            return
        except ValidationError as exc:
            self.show_error(str(exc))
            return
        except StoreError as exc:
            self.show_error(str(exc))
            return
        self.accept()


class _ContactDialog(_Dialog):
    """A dialog that records a contact: 方式 (Ctrl+1–8 picks one), 结果 and 备注."""

    def add_contact_fields(self) -> None:
        self.method = enum_combo(ContactMethod, ContactMethod.PHONE)
        self.form.addRow(_("方式（Ctrl+1–8）"), self.method)
        self.outcome = QLineEdit(self)
        self.outcome.setPlaceholderText(_("如：已接通，义务人表示将于期限内履行"))
        self.form.addRow(_("结果"), self.outcome)
        self.note = QLineEdit(self)
        self.form.addRow(_("备注"), self.note)
        for number, method in enumerate(ContactMethod, start=1):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{number}"), self)
            shortcut.activated.connect(
                lambda m=method: self.method.setCurrentIndex(self.method.findText(m.value))
            )


def _summary(items: list[ReminderItem]) -> str:
    first = items[0]
    text = f"{first.case_number} {first.party}：{first.title}"
    return text if len(items) == 1 else _("{0} 等 {1} 条提醒").format(text, len(items))


class ContactDialog(_ContactDialog):
    """Record a contact for the selected reminders. Opens on 电话 with the cursor in 结果; Ctrl+1–8 choose
    the method; Enter saves (so C, Enter records a phone call: two keystrokes)."""

    def __init__(self, service: Reminders, items: list[ReminderItem], parent: QWidget | None) -> None:
        super().__init__(_("登记督促"), parent)
        self.service = service
        self.items = items
        about = QLabel(_summary(items), self)
        about.setWordWrap(True)
        self.form.addRow(_("提醒"), about)
        self.add_contact_fields()
        self.finish_layout()
        self.outcome.setFocus()

    def apply(self) -> None:
        method = combo_value(self.method, ContactMethod)
        self.service.record_contact(self.items, method, self.outcome.text(), self.note.text())


class PostponeDialog(_Dialog):
    def __init__(self, service: Reminders, items: list[ReminderItem], parent: QWidget | None) -> None:
        super().__init__(_("推迟提醒"), parent)
        self.service = service
        self.items = items
        about = QLabel(_summary(items), self)
        about.setWordWrap(True)
        self.form.addRow(_("提醒"), about)
        self.until = DateLine(self)
        self.until.set_value(service.workspace.today() + timedelta(days=7))
        self.form.addRow(_("推迟至"), self.until)
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText(_("必填，如：义务人承诺月底前履行"))
        self.form.addRow(_("推迟理由"), self.reason)
        self.finish_layout()
        self.reason.setFocus()

    def apply(self) -> None:
        until = self.until.value(_("推迟至"))
        if until is None:
            raise ValidationError(_("推迟至"), _("请填写日期"))
        self.service.postpone(self.items, until, self.reason.text())


class DoneDialog(_Dialog):
    def __init__(self, service: Reminders, items: list[ReminderItem], parent: QWidget | None) -> None:
        super().__init__(_("标记完成"), parent)
        self.service = service
        self.items = items
        about = QLabel(_summary(items), self)
        about.setWordWrap(True)
        self.form.addRow(_("提醒"), about)
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText(_("可选，如：已转执行立案"))
        self.form.addRow(_("说明"), self.reason)
        self.finish_layout()
        self.reason.setFocus()

    def apply(self) -> None:
        self.service.mark_done(self.items, self.reason.text())


class EventDialog(_Dialog):
    """Record a dated fact the reminders count from: a 执前督促 start, a notice and its 限期, a 信用承诺
    credit-repair period, a 履行承诺."""

    def __init__(self, service: Reminders, case_id: int, case_number: str, parent: QWidget | None) -> None:
        super().__init__(_("登记期限事项"), parent)
        self.service = service
        self.case_id = case_id
        self.form.addRow(_("案号"), QLabel(case_number, self))
        self.kind = enum_combo(CaseEventKind, CaseEventKind.PRE_BLACKLIST)
        self.form.addRow(_("事项"), self.kind)
        self.start = DateLine(self)
        self.start.set_value(service.workspace.today())
        self.form.addRow(_("开始（送达、签署）日期"), self.start)
        self.end = DateLine(self)
        self.form.addRow(_("届满日期（限期履行日）"), self.end)
        self.note = QLineEdit(self)
        self.form.addRow(_("备注"), self.note)
        existing = service.events(case_id)
        if existing:
            lines = "\n".join(
                f"{e.kind.value} {e.start.isoformat()}" + (f"～{e.end.isoformat()}" if e.end else "")
                for e in existing
            )
            self.form.addRow(_("已登记"), QLabel(lines, self))
        self.finish_layout()

    def apply(self) -> None:
        start = self.start.value(_("开始日期"))
        if start is None:
            raise ValidationError(_("开始日期"), _("请填写日期"))
        kind = combo_value(self.kind, CaseEventKind)
        event = CaseEvent(kind, start, self.end.value(_("届满日期")), self.note.text())
        self.service.add_event(self.case_id, event)


class RulesDialog(_Dialog):
    """The court's reminder windows: enable, window start and due day, days kept, legal period."""

    HEADERS = (
        _("启用"),
        _("提醒事项"),
        _("窗口开始"),
        _("到期"),
        _("逾期后保留（日，空=直至处理）"),
        _("期间"),
    )

    def __init__(self, service: Reminders, parent: QWidget | None) -> None:
        super().__init__(_("提醒规则设置"), parent)
        self.setMinimumWidth(820)
        self.service = service
        self.rules = list(service.rules())
        note = QLabel(
            _("窗口以起算事件为0日计：-7表示事件前7日，1表示事件后1日。鼠标停在提醒事项上可看其依据。"),
            self,
        )
        note.setWordWrap(True)
        self.col.insertWidget(0, note)
        table = self.table = QTableWidget(len(self.rules), len(self.HEADERS), self)
        table.setHorizontalHeaderLabels(list(self.HEADERS))
        table.verticalHeader().hide()
        for r, rule in enumerate(self.rules):
            check = QCheckBox(self)
            check.setChecked(rule.enabled)
            table.setCellWidget(r, 0, check)
            title = QTableWidgetItem(rule.title)  # the rule's key (urge, prompt…) is for the program
            title.setToolTip(rule.source)
            title.setFlags(title.flags() & ~Qt.ItemFlag.ItemIsEditable)
            table.setItem(r, 1, title)
            for c, value in ((2, rule.window_start), (3, rule.window_end)):
                spin = QSpinBox(self)
                spin.setRange(-3660, 3660)
                spin.setValue(value)
                table.setCellWidget(r, c, spin)
            table.setItem(r, 4, QTableWidgetItem("" if rule.keep_days is None else str(rule.keep_days)))
            if rule.period is not None:
                period = QSpinBox(self)
                period.setRange(1, 120)
                period.setValue(rule.period.count)
                period.setSuffix(rule.period.text[len(str(rule.period.count)) :])
                table.setCellWidget(r, 5, period)
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        self.col.insertWidget(1, table)
        self.finish_layout()
        if lock_writes(service.workspace, self.buttons.button(QDialogButtonBox.StandardButton.Ok)):
            make_fields_read_only(self)  # a read-only window: the rules are shown, not changed

    def collected(self) -> list[Rule]:
        out = []
        for r, rule in enumerate(self.rules):
            check = self.table.cellWidget(r, 0)
            start = self.table.cellWidget(r, 2)
            end = self.table.cellWidget(r, 3)
            assert isinstance(check, QCheckBox) and isinstance(start, QSpinBox) and isinstance(end, QSpinBox)
            keep_item = self.table.item(r, 4)
            keep_text = keep_item.text().strip() if keep_item else ""
            if keep_text and not keep_text.isdigit():
                raise ValidationError(_("保留天数"), _("{0}：应为非负整数或留空").format(rule.title))
            if start.value() > end.value():
                raise ValidationError(_("窗口"), _("{0}：窗口开始不能晚于到期").format(rule.title))
            new = replace(
                rule,
                enabled=check.isChecked(),
                window_start=start.value(),
                window_end=end.value(),
                keep_days=int(keep_text) if keep_text else None,
            )
            period = self.table.cellWidget(r, 5)
            if isinstance(period, QSpinBox) and rule.period is not None:
                new = replace(new, period=Period(period.value(), rule.period.unit))
            out.append(new)
        return out

    def apply(self) -> None:
        self.service.set_rules(self.collected())


class HolidayDialog(QDialog):
    """The holiday table: which years it carries, import a new year's file, export it."""

    def __init__(self, service: Reminders, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.service = service
        self.setWindowTitle(_("节假日表"))
        self.setMinimumWidth(560)
        col = QVBoxLayout(self)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        col.addWidget(self.summary)
        help_text = QLabel(
            _(
                "每年国务院公布下一年节假日安排后，导入该年的节假日文件"
                "（本软件导出的格式，或 holiday-cn 格式）。"
                "文件有任何错误时整个文件不导入，原表不变。"
                "要修改个别日期，可导出、修改该年的条目后再导入：导入的年份整体替换。"
            ),
            self,
        )
        help_text.setWordWrap(True)
        col.addWidget(help_text)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.hide()
        col.addWidget(self.message)
        row = QHBoxLayout()
        self.import_button = QPushButton(_("导入节假日文件…"), self)
        self.export_button = QPushButton(_("导出…"), self)
        close = QPushButton(_("关闭"), self)
        row.addWidget(self.import_button)
        row.addWidget(self.export_button)
        row.addStretch(1)
        row.addWidget(close)
        col.addLayout(row)
        self.import_button.clicked.connect(self.choose_and_import)
        self.export_button.clicked.connect(self.export)
        lock_writes(service.workspace, self.import_button)  # a read-only window: export only
        close.clicked.connect(self.accept)
        self._show_table()

    def _show_table(self) -> None:
        table = self.service.holiday_table()
        years = "、".join(str(y) for y in sorted(table.years)) or "—"
        self.summary.setText(
            _("已录入年份：{0}\n共 {1} 条调整（放假日与调休上班日）\n来源：{2}").format(
                years, len(table.entries), table.source or "—"
            )
        )

    def import_text(self, text: str, name: str) -> bool:
        try:
            table = self.service.import_holidays(text, name)
        except CaseInvalid as exc:
            self.message.setStyleSheet(ERROR_STYLE)
            self.message.setText(_("未导入：") + "；".join(p.message for p in exc.problems))
            self.message.show()
            return False
        self.message.setStyleSheet("")
        years = "、".join(str(y) for y in sorted(table.years))
        self.message.setText(_("已导入 {0}。现有年份：{1}").format(name, years))
        self.message.show()
        self._show_table()
        return True

    def choose_and_import(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("选择节假日文件"), "", _("JSON 文件 (*.json);;所有文件 (*)")
        )
        if not path:
            return
        try:
            with open(path, encoding="utf-8-sig") as fh:
                text = fh.read()
        except (OSError, UnicodeDecodeError) as exc:
            self.message.setStyleSheet(ERROR_STYLE)
            self.message.setText(_("无法读取文件：{0}").format(exc))
            self.message.show()
            return
        self.import_text(text, Path(path).name)

    def export(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, _("导出节假日表"), save_dir.suggested("holidays.json"), _("JSON 文件 (*.json)")
        )
        if not path:
            return
        save_dir.remember(path)
        try:
            Path(path).write_text(to_json(self.service.holiday_table()), encoding="utf-8")
        except OSError as exc:
            self.message.setStyleSheet(ERROR_STYLE)
            self.message.setText(_("无法写入文件：{0}").format(exc))
        else:
            self.message.setStyleSheet("")
            self.message.setText(_("已导出到 {0}").format(path))
        self.message.show()


# ---------------------------------------------------------------- the page


class DashboardPage(QWidget):
    def __init__(self, workspace: Workspace, changes: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.service = Reminders(workspace)
        self.today = workspace.today()
        self.board: Board | None = None
        self.building: BoardBuild | None = None
        # a slow build runs on a connection of its own; not for a read-only second instance (it must not
        # write), nor after such a build failed
        self.build_aside = not is_read_only(workspace.db)
        self.dialog: QDialog | None = None
        self._me: str | None = None  # whose cases 我的 shows, as last shown
        layout = QVBoxLayout(self)

        top = QHBoxLayout()
        title = QLabel(_("督促看板"), self)
        title.setStyleSheet("font-size: 16pt; font-weight: bold;")
        top.addWidget(title)
        self.date_label = QLabel(self)
        top.addWidget(self.date_label)
        top.addSpacing(16)
        top.addWidget(QLabel(_("范围"), self))
        self.scope = QComboBox(self)
        self.scope.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)  # 我的（name） whole
        top.addWidget(self.scope)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(_("搜索案号或当事人（Ctrl+F）"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(200)
        top.addWidget(self.search)
        top.addSpacing(16)
        self.count_labels: dict[Group, QPushButton] = {}  # chips: a click shows only that group
        chip_colours = {
            Group.OVERDUE: OVERDUE_BANDS[1][1].name(),
            Group.TODAY: _GROUP_BG[Group.TODAY].name(),
            Group.WEEK: _GROUP_BG[Group.WEEK].name(),
            Group.LATER: "#eef0f3",
        }
        for group in Group:
            chip = QPushButton(self)
            chip.setCheckable(True)
            chip.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            chip.setToolTip(_("只看“{0}”；再点一次显示全部").format(group.value))
            chip.setStyleSheet(
                f"QPushButton {{ padding: 2px 8px; border-radius: 4px; border: 1px solid #d0d4da;"
                f" background: {chip_colours[group]}; }}"
                " QPushButton:checked { border: 2px solid #1a73e8; font-weight: bold; }"
            )
            chip.clicked.connect(lambda _on, g=group: self.show_only(g))
            self.count_labels[group] = chip
            top.addWidget(chip)
        top.addStretch(1)
        layout.addLayout(top)

        bar = QHBoxLayout()
        self.open_button = QPushButton(_("打开案件（Enter）"), self)
        self.contact_button = QPushButton(_("登记督促（C）"), self)
        self.document_button = QPushButton(_("出具建议文书（W）"), self)
        self.postpone_button = QPushButton(_("推迟…（P）"), self)
        self.done_button = QPushButton(_("完成（D）"), self)
        self.event_button = QPushButton(_("登记期限事项…"), self)
        self.rules_button = QPushButton(_("提醒规则…"), self)
        self.holiday_button = QPushButton(_("节假日表…"), self)
        for b in (self.open_button, self.contact_button, self.document_button, self.postpone_button):
            bar.addWidget(b)
        bar.addWidget(self.done_button)
        bar.addStretch(1)
        for b in (self.event_button, self.rules_button, self.holiday_button):
            bar.addWidget(b)
        layout.addLayout(bar)

        self.model = DashboardModel(self)
        self.table = BoardTable(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        for col, (_h, width) in enumerate(COLUMNS):
            self.table.setColumnWidth(col, width)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setMinimumSectionSize(40)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        layout.addWidget(self.table, 1)
        # the current row's reason in full: the column is elided on a narrow screen
        self.detail = QLabel(self)
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setStyleSheet("padding: 4px 6px; background: #f6f7f9; border: 1px solid #d0d4da;")
        self.detail.setMinimumHeight(44)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.detail)
        legend = QLabel(
            _("颜色：逾期1–7日 / 8–20日 / 20日以上由浅到深；黄色为今日到期；日期后带*为暂定。"), self
        )
        legend.setStyleSheet("color: #555;")
        layout.addWidget(legend)

        self.scope.currentIndexChanged.connect(self._scope_changed)
        self.open_button.clicked.connect(self.open_current)
        self.contact_button.clicked.connect(self.contact)
        self.document_button.clicked.connect(self.issue_document)
        self.postpone_button.clicked.connect(self.postpone)
        self.done_button.clicked.connect(self.mark_done)
        self.event_button.clicked.connect(self.add_event)
        self.rules_button.clicked.connect(self.edit_rules)
        self.holiday_button.clicked.connect(self.edit_holidays)
        # a read-only window: the board is shown, cases open read-only, a document only as a draft
        self.locked = lock_writes(
            workspace, self.contact_button, self.postpone_button, self.done_button, self.event_button
        )
        self.table.clicked.connect(self._clicked)
        self.table.selectionModel().currentChanged.connect(lambda *_args: self._show_detail())
        self.table.doubleClicked.connect(lambda index: self.open_row(index.row()))
        changes.changed.connect(self._on_change)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(self._search_timer.start)
        self.search.returnPressed.connect(self._search_enter)
        QShortcut(QKeySequence.StandardKey.Find, self, self.focus_search)
        self._timer = QTimer(self)
        self._timer.setInterval(DATE_CHECK_MS)
        self._timer.timeout.connect(self.check_date)
        self._timer.start()
        self._ahead = QTimer(self)  # the next working day's lines, prepared once the page is idle
        self._ahead.setSingleShot(True)
        self._ahead.setInterval(AHEAD_DELAY_MS)
        self._ahead.timeout.connect(self.prepare_ahead)
        self._ahead_for: date | None = None  # the day whose next working day was prepared
        self._seen: tuple[int, int] | None = None  # what had been written when the page last refreshed
        self._poll = QTimer(self)
        self._poll.setInterval(SERVER_POLL_MS)
        self._poll.timeout.connect(self.check_others)
        if workspace.is_server:
            self._poll.start()

        self._fill_scope()
        self.refresh()

    # ------------------------------------------------------------ scope
    def _fill_scope(self) -> None:
        """我的 (the person using the program, when they handle cases: the page opens on it), 全庭, then
        each handler. A new person chosen on this PC brings the page to their cases."""
        current = self.scope.currentData()
        me = self.service.me()
        if me != self._me:
            current = MINE if me else ALL
            self._me = me
        self.scope.blockSignals(True)
        self.scope.clear()
        if me:
            self.scope.addItem(_("我的（{0}）").format(me), MINE)
        self.scope.addItem(_("全庭"), ALL)
        for name in self.workspace.handler_names():
            self.scope.addItem(name, name)
        found = self.scope.findData(current)
        self.scope.setCurrentIndex(found if found >= 0 else self.scope.findData(ALL))
        self.scope.blockSignals(False)

    def handler_filter(self) -> str | None:
        data = self.scope.currentData()
        if data == MINE:
            return self._me or None
        if data in (ALL, None):
            return None
        return str(data)

    def _scope_changed(self) -> None:
        self.refresh()

    # ------------------------------------------------------------ refresh
    def refresh(self) -> None:
        """Recompute the board (incrementally when possible), keeping the selection where it can."""
        self._search_timer.stop()
        keys = [i.key for i in self.selected_items()]
        current = self.table.currentIndex()
        self.today = self.workspace.today()
        if self.workspace.is_server:
            self._seen = self.service.change_mark()  # before reading: a later change shows next time
        handler = self.handler_filter()
        empty = Board(self.today, (), None, dict.fromkeys(Group, 0))
        if self.scope.currentData() == MINE and handler is None:
            board = empty
        elif self.building is not None or (self.build_aside and self.service.slow_build_ahead(self.today)):
            # a first look, new rules or many changed cases on a large ledger: the board is brought up to
            # date meanwhile
            if self.building is None:
                self.building = BoardBuild(self.workspace, self.today)
                self.building.built.connect(self._built)
                self.building.failed.connect(self._build_failed)
                self.building.start()
            board = empty
        else:
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # a smaller ledger's build: a moment
            try:
                board = self.service.board(self.today, handler, lazy=True, text=self.search.text())
            finally:
                QApplication.restoreOverrideCursor()
        self.board = board
        self.model.set_board(board)
        self._span_headers()
        self.date_label.setText(
            _("今天 {0} {1}").format(self.today.isoformat(), _WEEKDAYS[self.today.weekday()])
        )
        for group, label in self.count_labels.items():
            label.setText(f"{group.value} {board.counts.get(group, 0):,}")
        self._restore_selection(keys, current.row() if current.isValid() else 0)
        self._show_detail()
        if self.building is None and self.build_aside and self._ahead_for != self.today:
            self._ahead.start()
        if self.building is not None:
            self.detail.setText(
                _("正在计算今日提醒，稍候即显示（首次打开、更改规则或节假日、导入大量案件后需要数秒）……")
            )
            for group, label in self.count_labels.items():
                label.setText(f"{group.value} …")

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _search_enter(self) -> None:
        """Enter in the search box: search now and go to the first line found."""
        self.refresh()
        row = self._first_item_row(0)
        if row is not None:
            self.table.setFocus()
            self.table.selectRow(row)

    def show_only(self, group: Group | None) -> None:
        """A chip: fold every other group (the same chip again, or None, unfolds them all)."""
        others = set(Group) - {group} if group is not None else set()
        if group is not None and self.model.collapsed == others:
            others = set()  # clicked again: everything
        self.model.set_collapsed(others)
        self._span_headers()
        self._check_chips()
        row = self._first_item_row(0)
        if row is not None:
            self.table.selectRow(row)
        self._show_detail()

    def _check_chips(self) -> None:
        collapsed = self.model.collapsed
        only = [g for g in Group if g not in collapsed] if collapsed else []
        for group, chip in self.count_labels.items():
            chip.setChecked(only == [group])

    def _span_headers(self) -> None:
        """Each group header spans the row; the spans of the rows before a change are cleared first (a
        row that was a header and now shows a reminder would otherwise show only its date)."""
        self.table.clearSpans()
        for row, _group in self.model.header_rows():
            self.table.setSpan(row, 0, 1, len(COLUMNS))

    def prepare_ahead(self) -> AheadBuild | None:
        """Prepare the next working day's lines off the GUI thread (once a day)."""
        self._ahead.stop()
        if self._ahead_for == self.today or self.building is not None:
            return None
        self._ahead_for = self.today
        try:
            thread = AheadBuild(self.workspace, self.today)
        except sqlite3.Error:  # the workspace was closed meanwhile (the window is closing)
            return None
        thread.start()
        return thread

    def closeEvent(self, event: QCloseEvent) -> None:
        for timer in (self._timer, self._poll, self._ahead, self._search_timer):
            timer.stop()
        super().closeEvent(event)

    def _built(self) -> None:
        self.building = None
        self.refresh()

    def _build_failed(self, message: str) -> None:
        self.building = None
        self.build_aside = False
        QMessageBox.warning(self, _("督促看板"), _("后台计算提醒失败，将直接计算：{0}").format(message))
        self.refresh()

    def _restore_selection(self, keys: list[tuple[int, str, date]], fallback: int) -> None:
        """Select the reminders that were selected, or the line nearest to where the cursor was."""
        found = [self.model.row_of(k) for k in keys[:50]]
        rows = [r for r in found if r is not None]
        if not rows:
            nearest = self._first_item_row(min(fallback, self.model.rowCount() - 1))
            rows = [] if nearest is None else [nearest]
        selection = self.table.selectionModel()
        selection.clearSelection()
        if not rows:
            return
        self.table.setCurrentIndex(self.model.index(rows[0], 0))
        flags = selection.SelectionFlag.Select | selection.SelectionFlag.Rows
        for row in rows:
            selection.select(self.model.index(row, 0), flags)

    def _first_item_row(self, start: int) -> int | None:
        """The first reminder line at or after ``start`` (else before it)."""
        count = self.model.rowCount()
        rows: list[int] = [*range(max(start, 0), count), *range(min(start, count) - 1, -1, -1)]
        return next((row for row in rows if self.model.item(row) is not None), None)

    def _show_detail(self) -> None:
        item = self.current_item()
        if item is None and self.search.text().strip() and self.model.rowCount() == 0:
            self.detail.setText(_("没有案号或当事人含“{0}”的提醒。").format(self.search.text().strip()))
            return
        if item is None:
            self.detail.setText(_("选中一条提醒，此处显示其完整原因。"))
            return
        text = f"{item.case_number}  {item.party}｜{item.title}：{item.reason}"
        if item.provisional:
            text += _("（日期为暂定：所依据年份的节假日安排尚未录入）")
        if item.postponed_until:
            text += _("（曾推迟至{0}）").format(item.postponed_until.isoformat())
        self.detail.setText(text)

    def check_date(self) -> None:
        """Called every minute: a new day brings a new board."""
        if self.workspace.today() != self.today:
            self.refresh()

    def check_others(self) -> None:
        """On a server: refresh when another PC has written since (while the page is shown and idle)."""
        if not self.isVisible() or self.building is not None or self._seen is None:
            return
        try:
            changed = self.service.change_mark() != self._seen
        except Exception:  # the server is away: the connection reconnects on the next real action
            log.warning("could not look for other PCs' changes", exc_info=True)
            return
        if changed:
            self.refresh()

    def _on_change(self, change: Change) -> None:
        if change.what in ("settings", "case"):  # "我的", or a new 承办人 typed into a case
            self._fill_scope()
        self.refresh()

    # ------------------------------------------------------------ selection
    def selected_items(self) -> list[ReminderItem]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        items = [self.model.item(r) for r in rows]
        return [i for i in items if i is not None]

    def _clicked(self, index: QModelIndex) -> None:
        if self.model.item(index.row()) is None:
            group = self.model.group_at(index.row())
            if group is not None:
                self.model.toggle(group)
                self._span_headers()
                self._check_chips()

    def current_item(self) -> ReminderItem | None:
        index = self.table.currentIndex()
        return self.model.item(index.row()) if index.isValid() else None

    # ------------------------------------------------------------ actions
    def open_current(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self.open_row(index.row())

    def open_row(self, row: int) -> None:
        item = self.model.item(row)
        if item is None:
            group = self.model.group_at(row)
            if group is not None:
                self.model.toggle(group)
                self._span_headers()
                self._check_chips()
            return
        self.open_case(item.case_id)

    def open_case(self, case_id: int) -> None:
        from desktop.gui.case_editor import CaseEditor

        try:
            CaseEditor(self.workspace, case_id, self).exec()
        except StoreError as exc:
            QMessageBox.warning(self, _("无法打开案件"), str(exc))

    def _open_dialog(self, dialog: QDialog) -> QDialog:
        """Show ``dialog`` window-modal without blocking (tests drive it; the page refreshes on change)."""
        self.dialog = dialog
        dialog.open()
        return dialog

    def _need_selection(self) -> list[ReminderItem] | None:
        items = self.selected_items()
        if not items:
            QMessageBox.information(self, _("督促看板"), _("请先选中一条或多条提醒。"))
            return None
        return items

    def contact(self) -> QDialog | None:
        if self.locked:  # C, P, D on the board of a read-only window: nothing
            return None
        items = self._need_selection()
        return None if items is None else self._open_dialog(ContactDialog(self.service, items, self))

    def postpone(self) -> QDialog | None:
        if self.locked:
            return None
        items = self._need_selection()
        return None if items is None else self._open_dialog(PostponeDialog(self.service, items, self))

    def mark_done(self) -> QDialog | None:
        if self.locked:
            return None
        items = self._need_selection()
        return None if items is None else self._open_dialog(DoneDialog(self.service, items, self))

    def add_event(self) -> QDialog | None:
        if self.locked:
            return None
        item = self.current_item()
        if item is None:
            QMessageBox.information(self, _("督促看板"), _("请先选中一条提醒，为其案件登记期限事项。"))
            return None
        return self._open_dialog(EventDialog(self.service, item.case_id, item.case_number, self))

    def edit_rules(self) -> QDialog:
        return self._open_dialog(RulesDialog(self.service, self))

    def edit_holidays(self) -> QDialog:
        return self._open_dialog(HolidayDialog(self.service, self))

    def issue_document(self) -> None:
        item = self.current_item()
        if item is not None and suggestion_text(item) == ADD_CONTACT:
            QMessageBox.information(
                self,
                _("督促看板"),
                _("履行义务人的联系方式不明确（房县方案九（三））：请在案件中补充电话或住址后再发送文书。"),
            )
            self.open_case(item.case_id)
            return
        if item is None or not item.suggested_form:
            QMessageBox.information(
                self, _("督促看板"), _("该提醒没有可由本软件出具的建议文书，请打开案件办理。")
            )
            return
        from desktop.gui.wizard import open_wizard
        from desktop.services.documents import DocumentService

        wizard = open_wizard(DocumentService(self.workspace), item.suggested_form, item.case_id, self)
        if wizard is not None:
            self._open_dialog(wizard)

"""统计: the figures of a period against the period before and a year before, and the 自动履行率 by handler.

The ledger is read into tallies once (seconds on a large ledger: off the GUI thread, on a read-only
connection of its own) and again only after a case changes; picking another period is then instant.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, QThread, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.core import statistics as stats
from desktop.core.errors import ValidationError
from desktop.core.statistics import Period, Report, Tallies
from desktop.gui import save_dir
from desktop.gui.threads import keep
from desktop.i18n import _
from desktop.services.statistics import read_tallies, write_report_pdf
from desktop.services.workspace import Change, Workspace
from desktop.store.database import StoreError

log = logging.getLogger(__name__)

CUSTOM = _("自定义期间…")


class TallyLoad(QThread):
    """Reads the ledger's tallies on a read-only connection of its own."""

    loaded = Signal(object)
    failed = Signal(str)

    def __init__(self, path: str, password: str | None = None) -> None:
        super().__init__()
        self.path, self.password = path, password
        keep(self)

    def run(self) -> None:
        try:
            tallies = read_tallies(self.path, self.password)
        except Exception as exc:  # shown on the page
            log.exception("statistics failed")
            self.failed.emit(str(exc))
        else:
            self.loaded.emit(tallies)


def _item(text: str, number: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if number:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


class _Count(QTableWidgetItem):
    """A number cell that sorts by its value."""

    def __init__(self, value: int | None, text: str) -> None:
        super().__init__(text)
        self.value = -1 if value is None else value
        self.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        self.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def __lt__(self, other: QTableWidgetItem) -> bool:
        if isinstance(other, _Count):
            return self.value < other.value
        return super().__lt__(other)


def _table(parent: QWidget, columns: tuple[str, ...]) -> QTableWidget:
    table = QTableWidget(0, len(columns), parent)
    table.setHorizontalHeaderLabels(list(columns))
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
    return table


class StatisticsPage(QWidget):
    def __init__(self, workspace: Workspace, changes: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.tallies: Tallies | None = None
        self.report: Report | None = None
        self.loading: TallyLoad | None = None
        self.stale = True  # the tallies must be read (again) before they are shown
        layout = QVBoxLayout(self)

        top = QHBoxLayout()
        title = QLabel(_("统计"), self)
        title.setStyleSheet("font-size: 16pt; font-weight: bold;")
        top.addWidget(title)
        top.addSpacing(16)
        top.addWidget(QLabel(_("期间"), self))
        self.period = QComboBox(self)
        self.period.setMinimumContentsLength(16)
        top.addWidget(self.period)
        self.start = QDateEdit(self)
        self.end = QDateEdit(self)
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        top.addWidget(self.start)
        self.to_label = QLabel(_("至"), self)
        top.addWidget(self.to_label)
        top.addWidget(self.end)
        top.addStretch(1)
        self.print_button = QPushButton(_("打印（PDF）…"), self)
        self.print_button.setToolTip(_("另存为 A4 横向的 PDF，打印或报送"))
        top.addWidget(self.print_button)
        self.copy_button = QPushButton(_("复制表格"), self)
        self.copy_button.setToolTip(_("复制为制表符分隔的文字，可粘贴到 Excel 或 Word"))
        top.addWidget(self.copy_button)
        self.refresh_button = QPushButton(_("重新统计"), self)
        top.addWidget(self.refresh_button)
        layout.addLayout(top)

        self.caption = QLabel(self)
        self.caption.setWordWrap(True)
        layout.addWidget(self.caption)
        self.figures = _table(self, stats.FIGURE_HEADER)
        layout.addWidget(self.figures, 3)
        layout.addWidget(QLabel(_("按承办人（履行期限在本期届满的案件）"), self))
        self.handlers = _table(self, stats.HANDLER_HEADER)
        self.handlers.setSortingEnabled(True)
        self.handlers.sortByColumn(1, Qt.SortOrder.DescendingOrder)  # the largest caseload first
        layout.addWidget(self.handlers, 2)
        note = QLabel(
            _(
                "自动履行：进入执行前全部履行完毕（以付清之日计）；首次执行收案：本院“执”字案件（不含执恢、执前督促）；"
                "自动履行率：本期履行期限届满的案件中已自动履行的比例；减免诉讼费：本期决定准予减免的金额。"
            ),
            self,
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")
        layout.addWidget(note)

        self._fill_periods()
        self.period.currentIndexChanged.connect(self._period_chosen)
        self.start.dateChanged.connect(self._show)
        self.end.dateChanged.connect(self._show)
        self.refresh_button.clicked.connect(self.reload)
        self.copy_button.clicked.connect(self.copy)
        self.print_button.clicked.connect(self.print_pdf)
        changes.changed.connect(self._on_change)
        self._period_chosen()

    # ------------------------------------------------------------ period
    def _fill_periods(self) -> None:
        """The periods up to today (again when the page is shown on a later day), keeping the choice."""
        self.periods_on = self.workspace.today()
        chosen = self.period.currentText()
        self.period.blockSignals(True)
        self.period.clear()
        for label, period in stats.recent_periods(self.periods_on):
            self.period.addItem(label, period)
        self.period.addItem(CUSTOM, None)
        self.period.setCurrentIndex(max(self.period.findText(chosen), 0))
        self.period.blockSignals(False)

    def chosen_period(self) -> Period:
        period = self.period.currentData()
        if isinstance(period, Period):
            return period
        return Period(self.start.date().toPython(), self.end.date().toPython())  # type: ignore[arg-type]

    def _period_chosen(self) -> None:
        period = self.period.currentData()
        custom = not isinstance(period, Period)
        for widget in (self.start, self.to_label, self.end):
            widget.setVisible(custom)
        if not custom:
            for edit, day in ((self.start, period.start), (self.end, period.end)):
                edit.blockSignals(True)
                edit.setDate(QDate(day.year, day.month, day.day))
                edit.blockSignals(False)
        self._show()

    def choose(self, label: str) -> None:
        self.period.setCurrentIndex(self.period.findText(label))

    # ------------------------------------------------------------ loading
    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self.workspace.today() != self.periods_on:
            self._fill_periods()
            self._period_chosen()
        if self.stale:
            self.reload()

    def _on_change(self, change: Change) -> None:
        self.stale = True
        if self.isVisible():
            self.reload()

    def reload(self) -> None:
        """Read the ledger's tallies again, off the GUI thread."""
        if self.loading is not None:
            self.stale = True  # read again when this load ends
            return
        self.stale = False
        self.caption.setText(_("正在统计…"))
        self.refresh_button.setEnabled(False)
        self.loading = TallyLoad(self.workspace.path, self.workspace.password)
        self.loading.loaded.connect(self._loaded)
        self.loading.failed.connect(self._failed)
        self.loading.finished.connect(self._load_ended)
        self.loading.start()

    def _loaded(self, tallies: Tallies) -> None:
        self.tallies = tallies
        self._show()

    def _failed(self, message: str) -> None:
        self.caption.setText(_("统计失败：{0}").format(message))

    def _load_ended(self) -> None:
        self.loading = None
        self.refresh_button.setEnabled(True)
        if self.stale and self.isVisible():
            self.reload()

    # ------------------------------------------------------------ showing
    def _show(self) -> None:
        if self.tallies is None:
            return
        try:
            period = self.chosen_period()
        except ValidationError as exc:
            self.caption.setText("✘ " + exc.message)
            self.caption.setStyleSheet("color: #b00020;")
            return
        self.caption.setStyleSheet("")
        report = self.report = stats.report(self.tallies, period)
        self.caption.setText(
            _("本期：{0}（{1}至{2}）　上期：{3}　去年同期：{4}").format(
                period.label, period.start.isoformat(), period.end.isoformat(),
                report.previous.label, report.year_before.label,
            )
        )  # fmt: skip
        self.figures.setRowCount(len(report.lines))
        for row, line in enumerate(report.lines):
            for col, text in enumerate(line.cells):
                self.figures.setItem(row, col, _item(text, number=col in (1, 2, 4)))
        self.handlers.setSortingEnabled(False)
        self.handlers.setRowCount(len(report.handlers))
        for row, h in enumerate(report.handlers):
            values = (h.due, h.voluntary, h.rate.number, h.transferred, h.urgings)  # what the columns sort by
            name, *texts = h.cells
            self.handlers.setItem(row, 0, _item(name))
            for col, (value, text) in enumerate(zip(values, texts, strict=True), start=1):
                self.handlers.setItem(row, col, _Count(value, text))
        self.handlers.setSortingEnabled(True)

    def copy(self) -> None:
        if self.report is not None:
            QGuiApplication.clipboard().setText(stats.report_text(self.report))

    def print_pdf(self) -> None:
        report = self.report
        if report is None:
            return
        court = self.workspace.court()
        name = f"{report.period.label}自动履行工作统计.pdf"
        path, _filter = QFileDialog.getSaveFileName(
            self, _("保存统计表 PDF"), save_dir.suggested(name), "PDF (*.pdf)"
        )
        if not path:
            return
        save_dir.remember(path)
        try:
            write_report_pdf(Path(path), report, court.court_name if court else "", self.workspace.today())
        except StoreError as exc:
            QMessageBox.warning(self, _("统计"), str(exc))
            return
        self.caption.setText(_("已写入 {0}").format(path))

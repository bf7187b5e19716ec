"""批量出具文书: every case a form applies to today, each shown with its party, due date and amount and
a tick to leave it out; then one PDF, each document registered.

Finding and issuing run on a thread of their own with a connection of their own (minutes on a
200,000-case ledger): the window stays responsive, a bar shows the progress and 取消 stops — finding at
once, issuing until the registration commits (then nothing is registered). A limit that cut the list
short is said, never silent.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QThread, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.core.money import format_money
from desktop.gui import save_dir
from desktop.gui.fields import ERROR_STYLE
from desktop.gui.read_only import lock_writes
from desktop.gui.threads import keep
from desktop.i18n import _
from desktop.services import batch
from desktop.services.documents import BatchResult, DocumentService
from desktop.services.workspace import Change, Workspace
from desktop.store.lock import is_read_only

COLUMNS = (
    (_("出具"), 48),
    (_("案号"), 200),
    (_("当事人（义务人）"), 250),
    (_("到期日"), 100),
    (_("未履行（元）"), 110),
)
PHASES = {
    "检查": _("正在检查第 {0:,} / {1:,} 件"),
    "读取": _("正在读取第 {0:,} / {1:,} 件"),
    "登记": _("正在登记第 {0:,} / {1:,} 份"),
    "排版": _("已登记，正在生成 PDF：第 {0:,} / {1:,} 份（已不能取消）"),
}


class BatchJob(QThread):
    """Runs ``work(service, progress)`` on a connection of its own; 取消 sets ``stop``."""

    progressed = Signal(str, int, int)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, workspace: Workspace, work: Callable[[DocumentService, batch.Progress], Any]) -> None:
        super().__init__()
        self.path, self.actor, self.today = workspace.path, workspace.actor, workspace.today
        self.password = workspace.password
        self.work = work
        self.stop = threading.Event()
        keep(self)

    def run(self) -> None:
        try:
            other = Workspace.open(self.path, actor=self.actor, password=self.password)
            other.today = self.today
            try:
                progress = batch.stoppable(self.progressed.emit, self.stop.is_set)
                result = self.work(DocumentService(other), progress)
            finally:
                other.close()
        except batch.Cancelled:
            self.cancelled.emit()
        except Exception as exc:  # shown in the dialog
            self.failed.emit(str(exc))
        else:
            self.succeeded.emit(result)


class BatchDialog(QDialog):
    """Issue one form for the cases its rule allows today, into one PDF (each registered)."""

    def __init__(self, service: DocumentService, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.service = service
        self.found: batch.Found | None = None
        self.job: BatchJob | None = None
        self.saved_to = ""
        self.setWindowTitle(_("批量出具文书"))
        self.resize(820, 600)
        col = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(QLabel(_("文书"), self))
        self.form_combo = QComboBox(self)
        for form in service.forms().ordered():
            self.form_combo.addItem(form.display_name, form.id)
        index = self.form_combo.findData("performance_prompt")
        self.form_combo.setCurrentIndex(max(index, 0))
        row.addWidget(self.form_combo, 1)
        self.find_button = QPushButton(_("查找适用案件"), self)
        row.addWidget(self.find_button)
        col.addLayout(row)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        col.addWidget(self.summary)
        self.notice = QLabel(self)
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet(ERROR_STYLE + "background:#fff4e5;border:1px solid #f0c36d;padding:4px;")
        self.notice.hide()
        col.addWidget(self.notice)

        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels([c[0] for c in COLUMNS])
        for c, (_h, width) in enumerate(COLUMNS):
            self.table.setColumnWidth(c, width)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.itemChanged.connect(lambda _item: self._count_ticked())
        col.addWidget(self.table, 1)
        ticks = QHBoxLayout()
        self.all_button = QPushButton(_("全选"), self)
        self.none_button = QPushButton(_("全不选"), self)
        self.ticked_label = QLabel(self)
        ticks.addWidget(self.all_button)
        ticks.addWidget(self.none_button)
        ticks.addWidget(self.ticked_label, 1)
        col.addLayout(ticks)

        running = QHBoxLayout()
        self.bar = QProgressBar(self)
        self.stage = QLabel(self)
        self.cancel_button = QPushButton(_("取消"), self)
        running.addWidget(self.bar, 1)
        running.addWidget(self.stage, 1)
        running.addWidget(self.cancel_button)
        col.addLayout(running)
        buttons = QDialogButtonBox(self)
        self.issue_button = buttons.addButton(
            _("登记并保存为一个 PDF…"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.close_button = buttons.addButton(_("关闭"), QDialogButtonBox.ButtonRole.RejectRole)
        lock_writes(service.ws, self.issue_button)  # a read-only window: nothing is registered
        buttons.rejected.connect(self.reject)
        col.addWidget(buttons)

        self.find_button.clicked.connect(self.find_cases)
        self.issue_button.clicked.connect(self.issue)
        self.cancel_button.clicked.connect(self.cancel)
        self.all_button.clicked.connect(lambda: self._tick_all(True))
        self.none_button.clicked.connect(lambda: self._tick_all(False))
        self.form_combo.currentIndexChanged.connect(lambda _i: self._reset())
        self._running(False)
        self._reset()

    # ------------------------------------------------------------ state
    def _running(self, on: bool, text: str = "") -> None:
        shown: tuple[QWidget, ...] = (self.bar, self.stage, self.cancel_button)
        for w in shown:
            w.setVisible(on)
        self.cancel_button.setEnabled(on)
        idle: tuple[QWidget, ...] = (
            self.find_button,
            self.form_combo,
            self.table,
            self.all_button,
            self.none_button,
        )
        for w in idle:
            w.setEnabled(not on)
        self.bar.setRange(0, 0)  # busy until the first step is heard
        self.stage.setText(text)
        self._count_ticked()

    def _reset(self) -> None:
        self.found = None
        self.table.setRowCount(0)
        self.summary.setText(_("选择文书后按“查找适用案件”：列出今天适用的案件，可逐件取消勾选。"))
        self.notice.hide()
        self._count_ticked()

    def ticked(self) -> list[int]:
        if self.found is None:
            return []
        return [
            c.case_id
            for r, c in enumerate(self.found.candidates)
            if (item := self.table.item(r, 0)) is not None and item.checkState() == Qt.CheckState.Checked
        ]

    def _count_ticked(self) -> None:
        total = self.table.rowCount()
        chosen = len(self.ticked())
        self.ticked_label.setText(_("已勾选 {0:,} / {1:,} 件").format(chosen, total) if total else "")
        self.issue_button.setEnabled(bool(chosen) and self.job is None)

    def _tick_all(self, on: bool) -> None:
        state = Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
        self.table.blockSignals(True)
        for r in range(self.table.rowCount()):
            item = self.table.item(r, 0)
            if item is not None:
                item.setCheckState(state)
        self.table.blockSignals(False)
        self._count_ticked()

    # ------------------------------------------------------------ running a job
    def _start(self, work: Callable[[DocumentService, batch.Progress], Any], text: str) -> BatchJob:
        job = self.job = BatchJob(self.service.ws, work)
        job.progressed.connect(self._progressed)
        job.failed.connect(self._failed)
        job.cancelled.connect(self._cancelled)
        self._running(True, text)
        job.start()
        return job

    def _progressed(self, phase: str, done: int, total: int) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)
        self.stage.setText(PHASES.get(phase, phase + " {0:,} / {1:,}").format(done + 1, total))
        self.cancel_button.setEnabled(phase != "排版")

    def _ended(self) -> None:
        self.job = None
        self._running(False)

    def _failed(self, message: str) -> None:
        self._ended()
        QMessageBox.critical(self, _("批量出具"), message)

    def _cancelled(self) -> None:
        self._ended()
        self.summary.setText(_("已取消，没有登记任何文书。"))

    def cancel(self) -> None:
        if self.job is not None:
            self.job.stop.set()
            self.cancel_button.setEnabled(False)
            self.stage.setText(_("正在取消……"))

    def reject(self) -> None:
        """关闭 while a job runs stops it first (the dialog stays until it has stopped)."""
        if self.job is not None:
            self.cancel()
            return
        super().reject()

    # ------------------------------------------------------------ find
    def find_cases(self) -> BatchJob:
        form_id = self.form_combo.currentData()
        self._reset()
        job = self._start(
            lambda service, progress: batch.find(
                service, form_id, batch.FIND_LIMIT, batch.SCAN_LIMIT, progress
            ),
            _("正在查找……"),
        )
        job.succeeded.connect(self._show_found)
        return job

    def _show_found(self, found: batch.Found) -> None:
        self._ended()
        self.found = found
        self.table.blockSignals(True)
        self.table.setRowCount(len(found.candidates))
        for r, c in enumerate(found.candidates):
            tick = QTableWidgetItem()
            tick.setFlags(
                Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            )
            tick.setCheckState(Qt.CheckState.Checked)
            self.table.setItem(r, 0, tick)
            due = c.due_date.isoformat() if c.due_date else "—"
            cells = (c.case_number, c.party, due, format_money(c.owed_fen) if c.owed_fen else "—")
            for col, text in enumerate(cells, start=1):
                item = QTableWidgetItem(text)
                if col == 4:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                item.setToolTip(text)
                self.table.setItem(r, col, item)
        self.table.blockSignals(False)
        self.summary.setText(
            _("今天适用的案件：{0:,} 件（检查了 {1:,} 件候选案件）。取消勾选的案件不出具。").format(
                len(found.candidates), found.checked
            )
        )
        notice = found.notice()
        self.notice.setText(notice)
        self.notice.setVisible(bool(notice))
        self._count_ticked()

    # ------------------------------------------------------------ issue
    def issue(self) -> BatchJob | None:
        case_ids = self.ticked()
        if not case_ids:
            return None
        if is_read_only(self.service.ws.db):
            QMessageBox.warning(
                self, _("批量出具"), _("数据库以只读方式打开（另一程序正在使用），不能登记文书。")
            )
            return None
        form = self.service.form(self.form_combo.currentData())
        path_text, _f = QFileDialog.getSaveFileName(
            self,
            _("保存 PDF"),
            save_dir.suggested(f"{form.title}{date.today():%Y%m%d}.pdf"),
            _("PDF 文件 (*.pdf)"),
        )
        if not path_text:
            return None
        form_id = form.id
        job = self._start(
            lambda service, progress: batch.issue(service, form_id, case_ids, progress), _("正在登记……")
        )
        job.succeeded.connect(lambda result: self._issued(result, path_text, form.reminder_rule))
        return job

    def _issued(self, result: BatchResult, path_text: str, answers_reminder: str) -> None:
        self._ended()
        ws = self.service.ws
        ids = tuple(i.case_id for i in result.issued)
        if ids:  # the job wrote on a connection of its own: tell this window's views
            ws.notify(Change("document", ids))
            if answers_reminder:
                ws.notify(Change("contact", ids))
        saved = True
        if result.issued:
            try:
                Path(path_text).write_bytes(result.pdf)
                save_dir.remember(path_text)
                self.saved_to = path_text
            except OSError as exc:
                saved = False
                QMessageBox.critical(
                    self,
                    _("保存失败"),
                    _("已登记 {0} 份，但无法写入 {1}：{2}\n可在文书登记中选中后重印。").format(
                        len(result.issued), path_text, exc.strerror or exc
                    ),
                )
        refused = "\n".join(f"{n}：{r}" for n, r in result.refused[:20])
        more = _("\n……另有 {0} 件").format(len(result.refused) - 20) if len(result.refused) > 20 else ""
        text = _("已登记 {0} 份").format(len(result.issued))
        if result.issued and saved:
            text += _("，保存为：{0}").format(path_text)
        if result.refused:
            text += _("\n未出具 {0} 件：\n{1}").format(len(result.refused), refused) + more
        QMessageBox.information(self, _("批量出具完成"), text)
        self._reset()
        self.summary.setText(text.split("\n")[0])

"""审破衔接 page (房县方案十): the enterprises the screening flags, the grounds each meets with the figures
behind them, and its open cases; a judge enters another ground (四) with a reason; the 申请破产审查告知书
is started for an open case of the selected enterprise, its ground prefilled by the screening.

Thin: the rules are in desktop/core/screening.py, the queries in desktop/store/screening.py. The list
takes seconds on a large ledger: it is read off the GUI thread (desktop.gui.page_load) while the page says
so, with 取消, when the page is shown and again after a change.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.core.errors import ValidationError
from desktop.core.money import format_yuan
from desktop.core.screening import Ground
from desktop.gui.fields import ERROR_STYLE, DateLine
from desktop.gui.page_load import LoadBar, PageLoad
from desktop.gui.read_only import lock_writes
from desktop.i18n import _
from desktop.services.screening import Flagged, Screening
from desktop.services.workspace import CaseInvalid, Change, Workspace

COLUMNS = (
    _("企业名称"),
    _("统一社会信用代码"),
    _("注册资本"),
    _("登记状态"),
    _("符合情形"),
    _("筛查所见"),
    _("在办案件"),
)
FORM_ID = "bankruptcy_review_notice"


class OtherGroundDialog(QDialog):
    """房县方案十（四）: a judge enters another ground for an enterprise, with the reason."""

    def __init__(
        self, service: Screening, name: str = "", uscc: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.setWindowTitle(_("登记其他符合破产申请条件的情形"))
        form = QFormLayout(self)
        self.name = QLineEdit(name)
        self.uscc = QLineEdit(uscc)
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText(_("写明理由，如停产停业、资不抵债的情况（最多200字）"))
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()
        form.addRow(_("企业名称"), self.name)
        form.addRow(_("统一社会信用代码"), self.uscc)
        form.addRow(_("理由"), self.reason)
        form.addRow(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("登记"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("取消"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def save(self) -> None:
        try:
            self.service.enter_other(self.uscc.text(), self.name.text(), self.reason.toPlainText())
        except CaseInvalid as exc:
            self.error.setText("\n".join(str(p) for p in exc.problems))
            self.error.show()
            return
        self.accept()


class TerminationDialog(QDialog):
    """Record that an enforcement case was closed by 终结本次执行程序 (ground (二)), or take it back."""

    def __init__(self, service: Screening, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.setWindowTitle(_("登记终结本次执行程序"))
        form = QFormLayout(self)
        self.number = QLineEdit()
        self.number.setPlaceholderText(_("执行案号，如（2024）黑0902执88号"))
        self.on = DateLine()
        self.on.set_value(service.ws.today())
        self.note = QLineEdit()
        self.note.setPlaceholderText(_("如：经财产调查未发现可供执行的财产"))
        self.undo = QCheckBox(_("撤销该案的终本登记"))
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()
        form.addRow(_("案号"), self.number)
        form.addRow(_("终本日期"), self.on)
        form.addRow(_("说明"), self.note)
        form.addRow(self.undo)
        form.addRow(self.error)
        ok, cancel = QDialogButtonBox.StandardButton.Ok, QDialogButtonBox.StandardButton.Cancel
        buttons = QDialogButtonBox(ok | cancel)
        buttons.button(ok).setText(_("确定"))
        buttons.button(cancel).setText(_("取消"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def save(self) -> None:
        try:
            case_id = self.service.case_id(self.number.text())
            if self.undo.isChecked():
                self.service.remove_termination(case_id)
            else:
                on = self.on.value(_("终本日期"))
                if on is None:
                    raise CaseInvalid([ValidationError(_("终本日期"), _("不能为空"))])
                self.service.record_termination(case_id, on, self.note.text())
        except CaseInvalid as exc:
            self.error.setText("\n".join(str(p) for p in exc.problems))
            self.error.show()
            return
        except ValidationError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.accept()


class ScreeningPage(QWidget):
    def __init__(self, workspace: Workspace, changes: object, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.service = Screening(workspace)
        self.flagged: list[Flagged] = []
        self.dialog: QDialog | None = None
        self.loading: PageLoad | None = None
        self._again = False  # a change while loading: read again when this load ends
        self._stale = True  # read (again) when the page is next shown
        col = QVBoxLayout(self)
        heading = QLabel(_("审破衔接筛查"))
        heading.setStyleSheet("font-size: 18pt; font-weight: bold;")
        col.addWidget(heading)
        intro = QLabel(
            _(
                "被告企业可能符合破产条件的（房县方案第十条）：（一）同一年度金钱给付类纠纷10件以上且标的总额超过"
                "注册资本；（二）其他案件被执行并因无履行能力终结本次执行程序；（三）营业执照已吊销；（四）法官登记的"
                "其他情形。对其在办案件可发送《申请破产审查告知书》，情形由筛查预先填好。"
            )
        )
        intro.setWordWrap(True)
        col.addWidget(intro)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        col.addWidget(self.summary)
        self.load_bar = LoadBar(self)
        self.load_bar.cancel_button.clicked.connect(self.cancel_load)
        col.addWidget(self.load_bar)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # at 1366 px the last column (在办案件, stretched) keeps about 180 px
        for i, width in enumerate((220, 160, 120, 64, 170, 270)):
            self.table.setColumnWidth(i, width)
        header.setStretchLastSection(True)
        col.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.notice_button = QPushButton(_("出具申请破产审查告知书…"))
        self.other_button = QPushButton(_("登记其他情形…"))
        self.remove_other_button = QPushButton(_("撤销其他情形"))
        self.termination_button = QPushButton(_("登记终本案件…"))
        self.refresh_button = QPushButton(_("刷新"))
        for b in (self.notice_button, self.other_button, self.remove_other_button, self.termination_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.refresh_button)
        col.addLayout(buttons)
        self.notice_button.clicked.connect(self.issue_notice)
        self.other_button.clicked.connect(self.enter_other)
        self.remove_other_button.clicked.connect(self.remove_other)
        self.termination_button.clicked.connect(self.record_termination)
        self.refresh_button.clicked.connect(self.refresh)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        # a read-only window: the screening is shown, a notice only as a draft; no decision is recorded
        self.locked = lock_writes(
            workspace, self.other_button, self.remove_other_button, self.termination_button
        )
        signal = getattr(changes, "changed", None)
        if signal is not None:
            signal.connect(self._on_change)
        self.refresh()

    # ------------------------------------------------------------ the list
    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def _on_change(self, change: Change) -> None:
        if change.what not in ("contact", "reminder", "case_event", "document", "settings", "holidays"):
            if self.isVisible() or self.loading is not None:
                self.refresh()
            else:
                self._stale = True  # a save elsewhere does not pay for the screening

    def refresh(self) -> None:
        """Read the flagged enterprises again, off the GUI thread (seconds on a large ledger)."""
        self._stale = False
        if self.loading is not None:
            self._again = True
            return
        self.loading = PageLoad(self.workspace, lambda ws: Screening(ws).flagged())
        self.loading.loaded.connect(self._loaded)
        self.loading.failed.connect(self._failed)
        self.summary.setStyleSheet("")
        self.load_bar.start(_("正在筛查被告企业…"))
        self.refresh_button.setEnabled(False)
        self.loading.start()

    def cancel_load(self) -> None:
        """取消: stop reading; the list shown stays as it was."""
        if self.loading is None:
            return
        self.loading.cancel()
        self.loading = None
        self._again = False
        self.load_bar.stop()
        self.refresh_button.setEnabled(True)
        self.summary.setText(_("已取消筛查。点“刷新”重新筛查。"))

    def _load_ended(self, load: PageLoad) -> bool:
        """Whether ``load`` is the one waited for (a cancelled one is ignored); starts the one asked
        for meanwhile."""
        if load is not self.loading:
            return False
        self.loading = None
        self.load_bar.stop()
        self.refresh_button.setEnabled(True)
        if self._again:
            self._again = False
            self.refresh()
            return False
        return True

    def _failed(self, load: PageLoad, message: str) -> None:
        if self._load_ended(load):
            self.summary.setStyleSheet(ERROR_STYLE)
            self.summary.setText(_("筛查失败：{0}").format(message))

    def _loaded(self, load: PageLoad, flagged: list[Flagged]) -> None:
        if self._load_ended(load):
            self.show_flagged(flagged)

    def show_flagged(self, flagged: list[Flagged]) -> None:
        self.flagged = flagged
        t = self.table
        t.setRowCount(0)
        for f in self.flagged:
            r = t.rowCount()
            t.insertRow(r)
            e = f.enterprise
            capital = e.registered_capital_fen
            cells = (
                e.name,
                e.uscc or _("（未登记）"),
                format_yuan(capital) if capital is not None else _("未登记"),
                e.licence_status.value if e.licence_status else _("未登记"),
                "\n".join(finding.ground.short for finding in f.findings),
                "\n".join(finding.detail for finding in f.findings),
                "\n".join(number for _id, number in f.open_cases) or _("无在办案件"),
            )
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if c == 4:
                    item.setToolTip("\n".join(finding.ground.value for finding in f.findings))
                t.setItem(r, c, item)
        t.resizeRowsToContents()
        with_cases = sum(1 for f in self.flagged if f.open_cases)
        self.summary.setText(
            _("{0}家企业符合所列情形之一，其中{1}家有在办案件。").format(len(self.flagged), with_cases)
        )
        self._update_buttons()

    def current(self) -> Flagged | None:
        row = self.table.currentRow()
        return self.flagged[row] if 0 <= row < len(self.flagged) else None

    def _update_buttons(self) -> None:
        f = self.current()
        self.notice_button.setEnabled(f is not None and bool(f.open_cases))
        self.remove_other_button.setEnabled(
            f is not None and any(x.ground is Ground.OTHER for x in f.findings)
        )

    # ------------------------------------------------------------ actions
    def enter_other(self) -> QDialog | None:
        if self.locked:
            return None
        f = self.current()
        name, uscc = (f.enterprise.name, f.enterprise.uscc) if f else ("", "")
        dialog = OtherGroundDialog(self.service, name, uscc, self)
        return self._open(dialog)

    def record_termination(self) -> QDialog | None:
        if self.locked:
            return None
        return self._open(TerminationDialog(self.service, self))

    def remove_other(self) -> None:
        f = self.current()
        if f is None or self.locked:
            return
        self.service.remove_other(f.enterprise.uscc, f.enterprise.name)

    def issue_notice(self) -> None:
        f = self.current()
        if f is None or not f.open_cases:
            QMessageBox.information(self, _("审破衔接"), _("请先选中一家有在办案件的企业。"))
            return
        case_id = f.open_cases[0][0]
        if len(f.open_cases) > 1:
            numbers = [number for _id, number in f.open_cases]
            chosen, ok = QInputDialog.getItem(
                self, _("选择案件"), _("向哪一案件的当事人发送告知书？"), numbers, 0, False
            )
            if not ok:
                return
            case_id = f.open_cases[numbers.index(chosen)][0]
        from desktop.gui.wizard import open_wizard
        from desktop.services.documents import DocumentService

        wizard = open_wizard(DocumentService(self.workspace), FORM_ID, case_id, self)
        if wizard is not None:
            self._open(wizard)

    def _open(self, dialog: QDialog) -> QDialog:
        self.dialog = dialog
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.show()
        return dialog

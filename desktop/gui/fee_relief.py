"""诉讼费减免 in the case editor: the case's applications and decisions, and the dialog that records one.

Each record is written when its dialog is saved (one transaction with its audit entry), apart from the
case's own 保存: a decision is a fact of its own date, not an edit of the case.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.core.errors import ValidationError
from desktop.core.fee_relief import BASIS_EXAMPLE, FeeRelief, ReliefOutcome, fee_ordered
from desktop.core.model import Case
from desktop.core.money import format_money
from desktop.gui.fields import DateLine, Form, MoneyLine, combo_value, enum_combo, fill_combo
from desktop.gui.read_only import lock_writes
from desktop.i18n import _
from desktop.services.workspace import CaseInvalid, Workspace
from desktop.store.database import StoreError

COLUMNS = (_("申请人"), _("申请日期"), _("案件受理费（元）"), _("结果"), _("决定日期"), _("减免金额（元）"),
           _("依据"), _("决定人"))  # fmt: skip


class FeeReliefDialog(QDialog):
    """Record an application (结果 待决定) or the court's decision on it."""

    def __init__(
        self, workspace: Workspace, case: Case, relief: FeeRelief | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        assert case.id is not None
        self.workspace, self.case = workspace, case
        self.relief = relief
        self.saved: FeeRelief | None = None
        self.setWindowTitle(_("诉讼费减免 {0}").format(case.case_number))
        layout = QVBoxLayout(self)
        hint = QLabel(
            _("本程序只登记申请和法院的决定，不计算减免金额。自动履行完毕的当事人可申请减免案件受理费。"),
            self,
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        form = self.form = Form(self)
        self.applicant = form.add(_("申请人"), QComboBox(), required=True)
        self.applicant.setEditable(True)
        self.applied_on = form.add(_("申请日期"), DateLine(), required=True)
        self.fee = form.add(_("案件受理费"), MoneyLine(), required=True)
        self.outcome = form.add(_("结果"), enum_combo(ReliefOutcome))
        self.decided_on = form.add(_("决定日期"), DateLine())
        self.relieved = form.add(_("减免金额"), MoneyLine())
        self.basis = form.add(_("依据"), QLineEdit())
        self.basis.setPlaceholderText(_("例如{0}；不予减免时写明理由").format(BASIS_EXAMPLE))
        self.decided_by = form.add(_("决定人"), QLineEdit())
        self.note = form.add(_("备注"), QLineEdit())
        layout.addWidget(form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("保存"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("取消"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._hints = (self.decided_on.placeholderText(), self.relieved.placeholderText())
        self.outcome.currentIndexChanged.connect(self._outcome_changed)
        self._load()
        self.resize(560, self.sizeHint().height())

    def _load(self) -> None:
        debtors = [p.name for p in self.case.parties if p.role.owes]
        r = self.relief
        fill_combo(self.applicant, debtors, r.applicant if r else (debtors[0] if debtors else ""))
        self.applied_on.set_value(r.applied_on if r else self.workspace.today())
        self.fee.set_value(r.fee_fen if r else fee_ordered(self.case))
        self.outcome.setCurrentIndex(self.outcome.findData(r.outcome if r else ReliefOutcome.PENDING))
        self.decided_on.set_value(r.decided_on if r else None)
        self.relieved.set_value(r.relieved_fen if r else 0)
        self.basis.setText(r.basis if r else "")
        self.decided_by.setText(r.decided_by if r else "")
        self.note.setText(r.note if r else "")
        self._outcome_changed()

    def _outcome_changed(self) -> None:
        outcome = combo_value(self.outcome, ReliefOutcome)
        decided = outcome is not ReliefOutcome.PENDING
        for widget in (self.decided_on, self.basis, self.decided_by):
            widget.setEnabled(decided)
        self.relieved.setEnabled(outcome is ReliefOutcome.GRANTED)
        # a disabled field shows why it is empty, not a sample value that reads like one
        self.decided_on.setPlaceholderText(self._hints[0] if decided else _("决定后填写"))
        granted = outcome is ReliefOutcome.GRANTED
        self.relieved.setPlaceholderText(self._hints[1] if granted else _("准予减免时填写"))
        if decided and not self.decided_on.text().strip():
            self.decided_on.set_value(self.workspace.today())
        if outcome is ReliefOutcome.GRANTED and not self.relieved.text().strip():
            self.relieved.setText(self.fee.text())  # waived in full unless the decision says less
        if not decided:
            self.decided_on.clear()
            self.decided_by.clear()
        if outcome is not ReliefOutcome.GRANTED:
            self.relieved.clear()

    def collect(self) -> tuple[FeeRelief | None, list[ValidationError]]:
        errors: list[ValidationError] = []
        form = self.form
        applied_on = form.attempt(_("申请日期"), lambda: self.applied_on.value(_("申请日期")), errors)
        if not self.applied_on.text().strip():
            errors.append(ValidationError(_("申请日期"), _("请填写申请日期")))
        fee = form.attempt(_("案件受理费"), lambda: self.fee.value(_("案件受理费")), errors)
        decided_on = form.attempt(_("决定日期"), lambda: self.decided_on.value(_("决定日期")), errors)
        relieved = 0
        if self.relieved.text().strip():
            relieved = form.attempt(_("减免金额"), lambda: self.relieved.value(_("减免金额")), errors) or 0
        if errors:
            return None, errors
        assert isinstance(applied_on, date)
        relief = FeeRelief(
            applicant=self.applicant.currentText(),
            applied_on=applied_on,
            fee_fen=fee or 0,
            outcome=combo_value(self.outcome, ReliefOutcome),
            decided_on=decided_on,
            relieved_fen=relieved,
            basis=self.basis.text(),
            decided_by=self.decided_by.text(),
            note=self.note.text(),
            case_id=self.case.id,
            id=self.relief.id if self.relief else None,
        )
        return relief, []

    def save(self) -> None:
        self.form.clear_errors()
        relief, errors = self.collect()
        if relief is not None:
            try:
                self.saved = self.workspace.save_fee_relief(self.case.id or 0, relief)
            except CaseInvalid as exc:
                errors = exc.problems
            except StoreError as exc:
                QMessageBox.warning(self, _("未保存"), str(exc))
                return
        if errors:
            for e in errors:
                if not self.form.show_error(e.field, e.message):
                    self.form.show_error(_("结果"), str(e))
            return
        self.accept()


class FeeReliefTab(QWidget):
    """The case editor's 诉讼费减免 tab."""

    def __init__(self, workspace: Workspace, case: Case, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace, self.case = workspace, case
        self.reliefs: list[FeeRelief] = []
        col = QVBoxLayout(self)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        col.addWidget(self.hint)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _index: self.edit())
        col.addWidget(self.table)
        row = QHBoxLayout()
        self.add_button = QPushButton(_("登记申请…"), self)
        self.edit_button = QPushButton(_("登记决定或修改…"), self)
        self.delete_button = QPushButton(_("删除"), self)
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit)
        self.delete_button.clicked.connect(self.delete)
        for button in (self.add_button, self.edit_button, self.delete_button):
            row.addWidget(button)
        row.addStretch(1)
        col.addLayout(row)
        self.locked = lock_writes(workspace, self.add_button, self.edit_button, self.delete_button)
        self.refresh()

    def refresh(self) -> None:
        saved = self.case.id is not None
        for button in (self.add_button, self.edit_button, self.delete_button):
            button.setEnabled(saved)
        if not saved:
            self.hint.setText(_("新案件保存后才能登记诉讼费减免。"))
            return
        self.hint.setText(_("申请和决定在各自的对话框中保存后立即登记，不随本窗口的“保存”或“取消”改变。"))
        self.reliefs = self.workspace.fee_reliefs(self.case.id)  # type: ignore[arg-type]
        self.table.setRowCount(len(self.reliefs))
        for r, f in enumerate(self.reliefs):
            values = (
                f.applicant,
                f.applied_on.isoformat(),
                format_money(f.fee_fen),
                f.outcome.value,
                f.decided_on.isoformat() if f.decided_on else "",
                format_money(f.relieved_fen) if f.relieved_fen else "",
                f.basis,
                f.decided_by,
            )
            for c, text in enumerate(values):
                item = QTableWidgetItem(text)
                if c in (2, 5):  # amounts
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)

    def selected(self) -> FeeRelief | None:
        row = self.table.currentRow()
        return self.reliefs[row] if 0 <= row < len(self.reliefs) else None

    def add(self) -> None:
        if self.locked:
            return
        if FeeReliefDialog(self.workspace, self.case, None, self).exec() == QDialog.DialogCode.Accepted:
            self.refresh()

    def edit(self) -> None:
        relief = self.selected()
        if relief is None or self.locked:  # a double-click in a read-only window: nothing to change
            return
        if FeeReliefDialog(self.workspace, self.case, relief, self).exec() == QDialog.DialogCode.Accepted:
            self.refresh()

    def delete(self) -> None:
        relief = self.selected()
        if relief is None or relief.id is None or self.locked:
            return
        answer = QMessageBox.question(
            self,
            _("删除减免记录"),
            _("删除 {0} 于 {1} 的减免申请（{2}）？删除会记入操作日志。").format(
                relief.applicant, relief.applied_on.isoformat(), relief.summary
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.workspace.delete_fee_relief(self.case.id or 0, relief.id)
        except StoreError as exc:
            QMessageBox.warning(self, _("未删除"), str(exc))
        self.refresh()

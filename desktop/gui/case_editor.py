"""The case editor: basic facts, parties, obligations with installments, payments, the urging log.

Nothing is written until 保存: the editor builds a ``Case`` from what is on screen, every value is parsed
by the core functions (each refusal shown next to its field or cell, in Chinese), the whole case is
checked, and the workspace saves it in one transaction. A failed save changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from functools import partial
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.core.casenumber import parse_case_number
from desktop.core.chinese_dates import parse_date
from desktop.core.errors import ValidationError
from desktop.core.identifiers import validate_id_number, validate_phone, validate_uscc
from desktop.core.ledger import balance
from desktop.core.model import (
    Case,
    CaseStatus,
    Contact,
    DefaultClause,
    Disposition,
    GuaranteeKind,
    Installment,
    LicenceStatus,
    Obligation,
    ObligationKind,
    Party,
    PartyKind,
    PartyRole,
    Payment,
    PaymentMethod,
    Procedure,
    Stage,
)
from desktop.core.money import format_money, format_yuan, parse_money
from desktop.gui.fee_relief import FeeReliefTab
from desktop.gui.fields import (
    ERROR_STYLE,
    DateLine,
    Form,
    combo_value,
    enum_combo,
    fill_combo,
    mark_cell,
    set_table_text,
    table_text,
)
from desktop.gui.read_only import READ_ONLY_TITLE, lock, make_fields_read_only, read_only
from desktop.i18n import _
from desktop.services.workspace import CaseInvalid, Workspace
from desktop.store.cases import ConcurrentEdit
from desktop.store.database import StoreError

PARTY_COLS = (
    _("诉讼地位"),
    _("类型"),
    _("姓名或名称"),
    _("身份证号/统一社会信用代码"),
    _("电话"),
    _("住址"),
    _("送达日期"),
    _("同意公布"),
    _("注册资本（元）"),
    _("登记状态"),
)
OBLIGATION_COLS = (
    _("类型"),
    _("履行内容"),
    _("金额（元）"),
    _("履行日期"),
    _("义务人"),
    _("权利人"),
    _("违约条款"),
    _("担保"),
    _("收款户名"),
    _("收款账号"),
    _("开户行"),
)
INSTALLMENT_COLS = (_("期次"), _("履行日期"), _("金额（元）"))
PAYMENT_COLS = (_("日期"), _("金额（元）"), _("方式"), _("付款人"), _("凭证"), _("债权人确认"), _("备注"))
CONTACT_COLS = (_("时间"), _("方式"), _("督促人"), _("对象"), _("结果"), _("备注"))


def _make_table(headers: tuple[str, ...]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.horizontalHeader().setStretchLastSection(True)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setDefaultSectionSize(28)
    return table


def _positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise ValidationError(_("期次"), _("应为正整数"))
    return int(text)


def _check(table: QTableWidget, row: int, col: int) -> bool:
    widget = table.cellWidget(row, col)
    return isinstance(widget, QCheckBox) and widget.isChecked()


def _combo(table: QTableWidget, row: int, col: int) -> QComboBox:
    widget = table.cellWidget(row, col)
    assert isinstance(widget, QComboBox)
    return widget


class CaseEditor(QDialog):
    """Edit one case (``case_id``) or add a new one (``case_id=None``)."""

    def __init__(
        self, workspace: Workspace, case_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.case: Case = workspace.load_case(case_id) if case_id is not None else Case(case_number="")
        self.saved: Case | None = None
        self.setWindowTitle(_("编辑案件 {0}").format(self.case.case_number) if case_id else _("新增案件"))
        self.resize(1100, 720)
        self._installments: list[list[Installment]] = []  # per obligation row
        self._current_obligation = -1
        self._row_button_list: list[QPushButton] = []  # 添加一行 / 删除选中行 of every table
        self.locked = read_only(workspace)

        layout = QVBoxLayout(self)
        self.banner = QLabel(self)
        self.banner.setStyleSheet(ERROR_STYLE + "background:#fff4f3;border:1px solid #f1b5b0;padding:6px;")
        self.banner.setWordWrap(True)
        self.banner.hide()
        layout.addWidget(self.banner)
        self.tabs = QTabWidget(self)
        layout.addWidget(self.tabs, 1)
        self.tabs.addTab(self._basic_tab(), _("基本信息"))
        self.tabs.addTab(self._parties_tab(), _("当事人"))
        self.tabs.addTab(self._obligations_tab(), _("履行义务"))
        self.tabs.addTab(self._payments_tab(), _("履行记录"))
        self.tabs.addTab(self._contacts_tab(), _("督促记录"))
        self.fee_reliefs = FeeReliefTab(workspace, self.case, self)
        self.tabs.addTab(self.fee_reliefs, _("诉讼费减免"))
        self.summary = QLabel(self)
        layout.addWidget(self.summary)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("保存"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("取消"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.contact_dialog: QDialog | None = None
        contact = buttons.addButton(_("登记督促（C）"), QDialogButtonBox.ButtonRole.ActionRole)
        contact.setAutoDefault(False)
        contact.clicked.connect(self.record_contact)
        layout.addWidget(buttons)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.cancel_button = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        save_key = QShortcut(QKeySequence.StandardKey.Save, self, self.save)

        self._load(self.case)
        self._dirty = False
        self._watch_changes()
        if self.locked:
            self._show_read_only(contact, save_key)

    def _show_read_only(self, *writes: QWidget | QShortcut) -> None:
        """A read-only window: the case is shown, not editable; nothing that writes can be pressed."""
        self.setWindowTitle(_("查看案件 {0}").format(self.case.case_number) + READ_ONLY_TITLE)
        lock(self.save_button, self.contact_button, self.compute_button, *self._row_button_list, *writes)
        make_fields_read_only(self.tabs)
        self.banner.setStyleSheet("color:#5f4b00;background:#fff8e1;border:1px solid #f0d98c;padding:6px;")
        self.banner.setText(
            _("只读打开：只能查看本案，不能修改数据（数据库正由另一程序使用，或服务器暂不可用）。")
        )
        self.banner.show()
        self.cancel_button.setText(_("关闭"))

    # ------------------------------------------------------------ tabs
    def _basic_tab(self) -> QWidget:
        form = self.basic = Form()
        self.case_number = form.add(_("案号"), QLineEdit(), required=True)
        self.case_number.setPlaceholderText(_("如：（2025）黑0902民初123号"))
        self.cause = form.add(_("案由"), QLineEdit())
        self.stage = form.add(_("阶段"), enum_combo(Stage))
        self.disposition = form.add(_("结案方式"), enum_combo(Disposition))
        self.procedure = form.add(_("程序"), enum_combo(Procedure))
        self.status = form.add(_("状态"), enum_combo(CaseStatus))
        self.handler = form.add(_("承办人"), QComboBox())
        self.handler.setEditable(True)
        self.filing_date = form.add(_("立案日期"), DateLine())
        self.judgment_date = form.add(_("裁判日期"), DateLine())
        self.judgment_date.setToolTip(_("判决、调解书或裁定作出之日；执行案件填所执行的法律文书的日期"))
        self.effective_date = form.add(_("生效日期"), DateLine())
        self.effective_reason = form.add(_("生效日期说明"), QLineEdit())
        self.effective_reason.setPlaceholderText(_("手工确定生效日期时填写理由"))
        self.deadline = form.add(_("履行期限"), DateLine())
        self.deadline_reason = form.add(_("履行期限说明"), QLineEdit())
        self.deadline_reason.setPlaceholderText(_("手工确定履行期限时填写理由"))
        self._add_compute_dates_button(form)
        self.public_notice = form.add(_("公告送达"), QCheckBox(_("本案系公告送达")))
        self.enforcement_number = form.add(_("执行案号"), QLineEdit())
        self.enforcement_filing_date = form.add(_("执行立案日期"), DateLine())
        self.enforcement_filing_date.setToolTip(
            _("执行案件（执前督促案件）立案之日；以执行案号登记的案件不填即为立案日期")
        )
        self.enforcement_notice_date = form.add(_("执行通知书送达日期"), DateLine())
        for edit in (self.case_number, self.enforcement_number):
            edit.editingFinished.connect(lambda edit=edit: self._show_normalised(edit))
        self.notes = form.add(_("备注"), QPlainTextEdit())
        self.notes.setMaximumHeight(70)
        return form

    def _add_compute_dates_button(self, form: Form) -> None:
        """计算: the effective date and deadline from the service dates and the terms (督促看板 feature)."""
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        self.compute_button = QPushButton(_("按送达日期和判项计算生效日期、履行期限"))
        self.compute_button.clicked.connect(self.compute_dates)
        line.addWidget(self.compute_button)
        line.addStretch(1)
        self.dates_explanation = QLabel()
        self.dates_explanation.setWordWrap(True)
        self.dates_explanation.hide()
        form.layout_.addRow("", row)
        form.layout_.addRow("", self.dates_explanation)

    def compute_dates(self) -> None:
        """Fill 生效日期 and 履行期限 with the computed dates and show how they were computed."""
        from desktop.services.reminders import Reminders

        case, errors = self.collect()
        if case is None:
            self._show_banner(errors)
            return
        try:
            proposal = Reminders(self.workspace).propose_dates(case)
        except ValidationError as exc:
            self._show_banner([exc])
            return
        self.banner.hide()
        self.effective_date.set_value(proposal.effective.effective)
        self.effective_reason.clear()
        if proposal.deadline is not None:
            self.deadline.set_value(proposal.deadline)
            self.deadline_reason.clear()
        note = _("（暂定）") if proposal.provisional else ""
        self.dates_explanation.setText(proposal.explanation + note)
        self.dates_explanation.show()

    def _parties_tab(self) -> QWidget:
        page = QWidget()
        col = QVBoxLayout(page)
        self.parties = _make_table(PARTY_COLS)
        for i, w in enumerate((110, 130, 140, 200, 120, 200, 100, 70, 120)):
            self.parties.setColumnWidth(i, w)
        col.addWidget(self.parties)
        col.addLayout(self._row_buttons(self.parties, self._add_party_row))
        return page

    def _obligations_tab(self) -> QWidget:
        page = QSplitter(Qt.Orientation.Vertical)
        top = QWidget()
        col = QVBoxLayout(top)
        self.obligations = _make_table(OBLIGATION_COLS)
        for i, w in enumerate((90, 180, 110, 100, 100, 100, 130, 130, 90, 150)):
            self.obligations.setColumnWidth(i, w)
        self.obligations.currentCellChanged.connect(self._obligation_selected)
        col.addWidget(QLabel(_("履行义务（金钱给付写金额；行为履行写内容）")))
        col.addWidget(self.obligations)
        col.addLayout(self._row_buttons(self.obligations, self._add_obligation_row, self._removed_obligation))
        bottom = QWidget()
        col2 = QVBoxLayout(bottom)
        self.installment_title = QLabel(_("分期履行（选中上方一项义务后编辑；各期合计应等于该项金额）"))
        col2.addWidget(self.installment_title)
        self.installments = _make_table(INSTALLMENT_COLS)
        col2.addWidget(self.installments)
        col2.addLayout(self._row_buttons(self.installments, self._add_installment_row))
        page.addWidget(top)
        page.addWidget(bottom)
        return page

    def _payments_tab(self) -> QWidget:
        page = QWidget()
        col = QVBoxLayout(page)
        self.payments = _make_table(PAYMENT_COLS)
        for i, w in enumerate((100, 110, 110, 120, 160, 90)):
            self.payments.setColumnWidth(i, w)
        col.addWidget(self.payments)
        col.addLayout(self._row_buttons(self.payments, self._add_payment_row))
        return page

    def _contacts_tab(self) -> QWidget:
        page = QWidget()
        col = QVBoxLayout(page)
        self.contacts = _make_table(CONTACT_COLS)
        self.contacts.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for i, w in enumerate((130, 80, 90, 180, 300)):
            self.contacts.setColumnWidth(i, w)
        self.contacts.installEventFilter(self)  # C on the log (it would search its rows for "c")
        row = QHBoxLayout()
        self.contact_button = QPushButton(_("登记督促（C）"))
        self.contact_button.setToolTip(_("登记一次电话、短信、上门等督促，立即保存，不必再按“保存”"))
        self.contact_button.clicked.connect(self.record_contact)
        row.addWidget(self.contact_button)
        row.addWidget(QLabel(_("督促记录登记后即保存，不能修改。")), 1)
        col.addLayout(row)
        col.addWidget(self.contacts)
        return page

    def record_contact(self) -> QDialog | None:
        """登记督促 (key C outside a text field): saved at once, apart from the case's unsaved edits."""
        from desktop.gui.contact_dialog import CaseContactDialog

        if self.locked:  # C in a read-only window: nothing
            return None
        if self.case.id is None:
            QMessageBox.information(self, _("登记督促"), _("请先保存案件，再登记督促。"))
            return None
        try:
            dialog = CaseContactDialog(self.workspace, self.case.id, self)
        except StoreError as exc:
            QMessageBox.warning(self, _("登记督促"), str(exc))
            return None
        dialog.accepted.connect(self._reload_contacts)
        self.contact_dialog = dialog
        dialog.open()
        return dialog

    def _reload_contacts(self) -> None:
        assert self.case.id is not None
        self._show_contacts(self.workspace.load_case(self.case.id).contacts)
        self.tabs.setCurrentIndex(4)  # 督促记录: the new line in view

    def _show_contacts(self, contacts: tuple[Contact, ...]) -> None:
        self.contacts.setRowCount(0)
        for c in contacts:
            r = self.contacts.rowCount()
            self.contacts.insertRow(r)
            for i, text in enumerate(
                (c.at.strftime("%Y-%m-%d %H:%M"), c.method.value, c.by, c.party, c.outcome, c.note)
            ):
                set_table_text(self.contacts, r, i, text)

    @staticmethod
    def _is_c(event: QKeyEvent) -> bool:
        return event.key() == Qt.Key.Key_C and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """C records a contact, as on the 督促看板; keys typed into a field never reach here."""
        if self._is_c(event):
            self.record_contact()
            return
        super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.contacts and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if self._is_c(event):
                self.record_contact()
                return True
        return super().eventFilter(watched, event)

    def _row_buttons(self, table: QTableWidget, add: Any, removed: Any = None) -> QHBoxLayout:
        row = QHBoxLayout()
        plus = QPushButton(_("添加一行"))
        minus = QPushButton(_("删除选中行"))
        plus.clicked.connect(lambda: add())
        self._row_button_list += [plus, minus]

        def remove() -> None:
            r = table.currentRow()
            if r >= 0:
                table.removeRow(r)
                if removed:
                    removed(r)
                self._dirty = True

        minus.clicked.connect(remove)
        row.addWidget(plus)
        row.addWidget(minus)
        row.addStretch(1)
        return row

    # ------------------------------------------------------------ rows
    def _add_party_row(self, party: Party | None = None) -> None:
        t = self.parties
        r = t.rowCount()
        t.insertRow(r)
        t.setCellWidget(r, 0, enum_combo(PartyRole, party.role if party else PartyRole.DEFENDANT))
        t.setCellWidget(r, 1, enum_combo(PartyKind, party.kind if party else PartyKind.PERSON))
        set_table_text(t, r, 2, party.name if party else "")
        set_table_text(t, r, 3, party.identifier if party else "")
        set_table_text(t, r, 4, party.phone if party else "")
        set_table_text(t, r, 5, party.address if party else "")
        set_table_text(t, r, 6, party.service_date.isoformat() if party and party.service_date else "")
        consent = QCheckBox()
        consent.setChecked(bool(party and party.publication_consent))
        t.setCellWidget(r, 7, consent)
        # an enterprise's registered capital and licence status (审破衔接 screening, 房县方案十)
        capital = party.registered_capital_fen if party else None
        set_table_text(t, r, 8, format_money(capital) if capital is not None else "")
        licence = QComboBox()
        licence.addItem("", None)
        for status in LicenceStatus:
            licence.addItem(status.value, status)
        if party and party.licence_status:
            licence.setCurrentIndex(licence.findData(party.licence_status))
        t.setCellWidget(r, 9, licence)
        t.item(r, 2).setData(Qt.ItemDataRole.UserRole, party)  # type: ignore[union-attr]
        self._dirty = True

    def _add_obligation_row(self, ob: Obligation | None = None) -> None:
        t = self.obligations
        r = t.rowCount()
        t.insertRow(r)
        t.setCellWidget(r, 0, enum_combo(ObligationKind, ob.kind if ob else ObligationKind.MONEY))
        set_table_text(t, r, 1, ob.description if ob else "")
        set_table_text(t, r, 2, format_money(ob.amount_fen) if ob and ob.amount_fen else "")
        set_table_text(t, r, 3, ob.due_date.isoformat() if ob and ob.due_date else "")
        set_table_text(t, r, 4, ob.debtor if ob else "")
        set_table_text(t, r, 5, ob.creditor if ob else "")
        t.setCellWidget(r, 6, enum_combo(DefaultClause, ob.default_clause if ob else DefaultClause.NONE))
        t.setCellWidget(r, 7, enum_combo(GuaranteeKind, ob.guarantee if ob else GuaranteeKind.NONE))
        set_table_text(t, r, 8, ob.account_name if ob else "")
        set_table_text(t, r, 9, ob.account_number if ob else "")
        set_table_text(t, r, 10, ob.account_bank if ob else "")
        t.item(r, 1).setData(Qt.ItemDataRole.UserRole, ob)  # type: ignore[union-attr]
        self._installments.append(list(ob.installments) if ob else [])
        self._dirty = True

    def _removed_obligation(self, r: int) -> None:
        del self._installments[r]
        self._current_obligation = -1
        self._show_installments(self.obligations.currentRow())

    def _add_installment_row(self, inst: Installment | None = None) -> None:
        if self.obligations.currentRow() < 0 and inst is None:
            self._show_banner([ValidationError(_("分期"), _("请先在上方选中一项履行义务"))])
            return
        t = self.installments
        r = t.rowCount()
        t.insertRow(r)
        set_table_text(t, r, 0, str(inst.seq if inst else r + 1))
        set_table_text(t, r, 1, inst.due_date.isoformat() if inst else "")
        set_table_text(t, r, 2, format_money(inst.amount_fen) if inst else "")
        self._dirty = True

    def _add_payment_row(self, pay: Payment | None = None) -> None:
        t = self.payments
        r = t.rowCount()
        t.insertRow(r)
        set_table_text(t, r, 0, pay.paid_on.isoformat() if pay else self.workspace.today().isoformat())
        set_table_text(t, r, 1, format_money(pay.amount_fen) if pay else "")
        t.setCellWidget(r, 2, enum_combo(PaymentMethod, pay.method if pay else PaymentMethod.TRANSFER))
        set_table_text(t, r, 3, pay.payer if pay else "")
        set_table_text(t, r, 4, pay.evidence if pay else "")
        confirmed = QCheckBox()
        confirmed.setChecked(bool(pay and pay.creditor_confirmed))
        t.setCellWidget(r, 5, confirmed)
        set_table_text(t, r, 6, pay.note if pay else "")
        t.item(r, 0).setData(Qt.ItemDataRole.UserRole, pay)  # type: ignore[union-attr]
        self._dirty = True

    # ------------------------------------------------------------ installments follow the selected obligation
    def _obligation_selected(self, row: int, *_args: Any) -> None:
        if row == self._current_obligation:
            return
        self._stash_installments()
        self._show_installments(row)

    def _stash_installments(self) -> list[ValidationError]:
        """Parse the installment table back into the current obligation's list."""
        r = self._current_obligation
        if r < 0 or r >= len(self._installments):
            return []
        errors: list[ValidationError] = []
        parsed: list[Installment] = []
        t = self.installments
        for i in range(t.rowCount()):
            label = _("履行义务{0}第{1}期").format(r + 1, i + 1)
            results = [
                self._cell(t, i, 0, label, _("期次"), _positive_int, errors, required=True),
                self._cell(
                    t,
                    i,
                    1,
                    label,
                    _("履行日期"),
                    lambda x: parse_date(x, _("履行日期")),
                    errors,
                    required=True,
                ),
                self._cell(
                    t, i, 2, label, _("金额"), lambda x: parse_money(x, _("金额")), errors, required=True
                ),
            ]
            if all(ok for ok, _v in results):
                seq, due, amount = (v for _ok, v in results)
                parsed.append(Installment(seq, due, amount))
        if not errors:
            self._installments[r] = parsed
        return errors

    def _show_installments(self, row: int) -> None:
        self._current_obligation = row
        t = self.installments
        t.setRowCount(0)
        if 0 <= row < len(self._installments):
            self.installment_title.setText(
                _("第{0}项义务的分期履行（各期合计应等于该项金额）").format(row + 1)
            )
            dirty = self._dirty
            for inst in self._installments[row]:
                self._add_installment_row(inst)
            self._dirty = dirty

    # ------------------------------------------------------------ load and collect
    def _load(self, case: Case) -> None:
        self.case_number.setText(case.case_number)
        self.cause.setText(case.cause)
        for combo, value in (
            (self.stage, case.stage),
            (self.disposition, case.disposition),
            (self.procedure, case.procedure),
            (self.status, case.status),
        ):
            combo.setCurrentIndex(combo.findData(value))
        fill_combo(self.handler, ["", *self.workspace.handler_names()], case.handler)
        self.filing_date.set_value(case.filing_date)
        self.judgment_date.set_value(case.judgment_date)
        self.effective_date.set_value(case.effective_date)
        self.effective_reason.setText(case.effective_override_reason)
        self.deadline.set_value(case.deadline)
        self.deadline_reason.setText(case.deadline_override_reason)
        self.public_notice.setChecked(case.public_notice)
        self.enforcement_number.setText(case.enforcement_case_number)
        self.enforcement_filing_date.set_value(case.enforcement_filing_date)
        self.enforcement_notice_date.set_value(case.enforcement_notice_date)
        self.notes.setPlainText(case.notes)
        for p in case.parties:
            self._add_party_row(p)
        for ob in case.obligations:
            self._add_obligation_row(ob)
        if case.obligations:
            self.obligations.setCurrentCell(0, 1)
        for pay in case.payments:
            self._add_payment_row(pay)
        self._show_contacts(case.contacts)
        self._update_summary(case)

    def _watch_changes(self) -> None:
        def dirty(*_a: Any) -> None:
            self._dirty = True

        for w in self.basic.widgets.values():
            for signal in ("textChanged", "currentIndexChanged", "toggled"):
                if hasattr(w, signal):
                    getattr(w, signal).connect(dirty)
        for t in (self.parties, self.obligations, self.installments, self.payments):
            t.itemChanged.connect(dirty)

    @staticmethod
    def _show_normalised(edit: QLineEdit) -> None:
        """Put the stored form of a typed case number in its field（(2025)黑0902民初0123号 →
        （2025）黑0902民初123号), so the clerk sees what will be saved; a number that does not parse is left
        as typed (saving names what is wrong)."""
        text = edit.text()
        if not text.strip():
            return
        try:
            canonical = parse_case_number(text).canonical
        except ValidationError:
            return
        if canonical != text:
            edit.setText(canonical)

    def collect(self) -> tuple[Case | None, list[ValidationError]]:
        """The case as on screen, or the list of what is wrong with it."""
        errors: list[ValidationError] = []
        form = self.basic
        form.clear_errors()
        number = form.attempt(_("案号"), lambda: parse_case_number(self.case_number.text()).canonical, errors)
        for edit in (self.case_number, self.enforcement_number):
            self._show_normalised(edit)
        enforcement = self.enforcement_number.text().strip()
        if enforcement:
            enforcement = (
                form.attempt(_("执行案号"), lambda: parse_case_number(enforcement).canonical, errors) or ""
            )
        dates: dict[str, date | None] = {}
        for label, widget in (
            (_("立案日期"), self.filing_date),
            (_("裁判日期"), self.judgment_date),
            (_("生效日期"), self.effective_date),
            (_("履行期限"), self.deadline),
            (_("执行立案日期"), self.enforcement_filing_date),
            (_("执行通知书送达日期"), self.enforcement_notice_date),
        ):
            dates[label] = form.attempt(label, partial(widget.value, label), errors)
        parties = self._collect_parties(errors)
        obligations = self._collect_obligations(errors)
        payments = self._collect_payments(errors)
        if errors:
            return None, errors
        case = replace(
            self.case,
            case_number=number,
            cause=self.cause.text().strip(),
            stage=combo_value(self.stage, Stage),
            disposition=combo_value(self.disposition, Disposition),
            procedure=combo_value(self.procedure, Procedure),
            status=combo_value(self.status, CaseStatus),
            handler=self.handler.currentText().strip(),
            filing_date=dates[_("立案日期")],
            judgment_date=dates[_("裁判日期")],
            effective_date=dates[_("生效日期")],
            effective_override_reason=self.effective_reason.text().strip(),
            deadline=dates[_("履行期限")],
            deadline_override_reason=self.deadline_reason.text().strip(),
            public_notice=self.public_notice.isChecked(),
            enforcement_case_number=enforcement,
            enforcement_filing_date=dates[_("执行立案日期")],
            enforcement_notice_date=dates[_("执行通知书送达日期")],
            notes=self.notes.toPlainText().strip(),
            parties=tuple(parties),
            obligations=tuple(obligations),
            payments=tuple(payments),
        )
        return case, []

    @staticmethod
    def _cell(
        t: QTableWidget,
        r: int,
        col: int,
        label: str,
        field: str,
        parse: Callable[[str], Any],
        errors: list[ValidationError],
        *,
        required: bool = False,
        empty: Any = None,
    ) -> tuple[bool, Any]:
        """Parse one cell; on a refusal mark the cell, record the error and return (False, None)."""
        text = table_text(t, r, col)
        try:
            if not text and required:
                raise ValidationError(field, _("不能为空"))
            value = parse(text) if text else empty
        except ValidationError as exc:
            error = ValidationError(label + exc.field, exc.message)
            mark_cell(t, r, col, str(error))
            errors.append(error)
            return False, None
        mark_cell(t, r, col, None)
        return True, value

    def _collect_parties(self, errors: list[ValidationError]) -> list[Party]:
        t = self.parties
        out = []
        for r in range(t.rowCount()):
            label = _("当事人{0}").format(r + 1)
            kind = combo_value(_combo(t, r, 1), PartyKind)
            ident_field = _("身份证号") if kind is PartyKind.PERSON else _("统一社会信用代码")
            check_ident = validate_id_number if kind is PartyKind.PERSON else validate_uscc
            results = [
                self._cell(t, r, 2, label, _("姓名或名称"), str, errors, required=True),
                self._cell(t, r, 3, label, ident_field, check_ident, errors, empty=""),
                self._cell(t, r, 4, label, _("电话"), validate_phone, errors, empty=""),
                self._cell(t, r, 6, label, _("送达日期"), lambda x: parse_date(x, _("送达日期")), errors),
                self._cell(t, r, 8, label, _("注册资本"), lambda x: parse_money(x, _("注册资本")), errors),
            ]
            if not all(ok for ok, _v in results):
                continue
            name, ident, phone, served, capital = (v for _ok, v in results)
            licence_text = _combo(t, r, 9).currentText()
            licence = LicenceStatus(licence_text) if licence_text else None
            organisation = kind is PartyKind.ORGANISATION
            previous = t.item(r, 2).data(Qt.ItemDataRole.UserRole) if t.item(r, 2) else None  # type: ignore[union-attr]
            base = previous if isinstance(previous, Party) else Party(PartyRole.DEFENDANT, kind, name)
            consent = _check(t, r, 7)
            out.append(
                replace(
                    base,
                    role=combo_value(_combo(t, r, 0), PartyRole),
                    kind=kind,
                    name=name,
                    id_number=ident if kind is PartyKind.PERSON else "",
                    uscc=ident if kind is PartyKind.ORGANISATION else "",
                    phone=phone,
                    address=table_text(t, r, 5),
                    service_date=served,
                    publication_consent=consent,
                    consent_date=(base.consent_date or self.workspace.today()) if consent else None,
                    registered_capital_fen=capital if organisation else None,
                    licence_status=licence if organisation else None,
                )
            )
        return out

    def _collect_obligations(self, errors: list[ValidationError]) -> list[Obligation]:
        errors += self._stash_installments()
        t = self.obligations
        out = []
        for r in range(t.rowCount()):
            label = _("履行义务{0}").format(r + 1)
            kind = combo_value(_combo(t, r, 0), ObligationKind)
            money = kind is ObligationKind.MONEY
            ok_amount, amount = self._cell(
                t,
                r,
                2,
                label,
                _("金额"),
                lambda x: parse_money(x, _("金额")),
                errors,
                required=money,
                empty=0,
            )
            ok_due, due = self._cell(
                t, r, 3, label, _("履行日期"), lambda x: parse_date(x, _("履行日期")), errors
            )
            if not (ok_amount and ok_due):
                continue
            previous = t.item(r, 1).data(Qt.ItemDataRole.UserRole) if t.item(r, 1) else None  # type: ignore[union-attr]
            base = previous if isinstance(previous, Obligation) else Obligation(kind)
            out.append(
                replace(
                    base,
                    kind=kind,
                    description=table_text(t, r, 1),
                    amount_fen=amount,
                    due_date=due,
                    debtor=table_text(t, r, 4),
                    creditor=table_text(t, r, 5),
                    default_clause=combo_value(_combo(t, r, 6), DefaultClause),
                    guarantee=combo_value(_combo(t, r, 7), GuaranteeKind),
                    account_name=table_text(t, r, 8),
                    account_number=table_text(t, r, 9),
                    account_bank=table_text(t, r, 10),
                    installments=tuple(self._installments[r]),
                )
            )
        return out

    def _collect_payments(self, errors: list[ValidationError]) -> list[Payment]:
        t = self.payments
        out = []
        for r in range(t.rowCount()):
            label = _("履行记录{0}").format(r + 1)
            ok_date, paid_on = self._cell(
                t, r, 0, label, _("日期"), lambda x: parse_date(x, _("日期")), errors, required=True
            )
            ok_amount, amount = self._cell(
                t, r, 1, label, _("金额"), lambda x: parse_money(x, _("金额")), errors, required=True
            )
            if not (ok_date and ok_amount):
                continue
            previous = t.item(r, 0).data(Qt.ItemDataRole.UserRole) if t.item(r, 0) else None  # type: ignore[union-attr]
            base = previous if isinstance(previous, Payment) else Payment(paid_on, amount)
            out.append(
                replace(
                    base,
                    paid_on=paid_on,
                    amount_fen=amount,
                    method=combo_value(_combo(t, r, 2), PaymentMethod),
                    payer=table_text(t, r, 3),
                    evidence=table_text(t, r, 4),
                    creditor_confirmed=_check(t, r, 5),
                    note=table_text(t, r, 6),
                )
            )
        return out

    # ------------------------------------------------------------ save
    def _show_banner(self, errors: list[ValidationError]) -> None:
        if not errors:
            self.banner.hide()
            return
        for e in errors:
            self.basic.show_error(e.field, e.message)
        shown = errors[:8]
        more = _("……另有{0}处问题").format(len(errors) - 8) if len(errors) > 8 else ""
        self.banner.setText(_("未保存，请修改以下问题：") + "\n" + "\n".join(str(e) for e in shown) + more)
        self.banner.show()

    def _update_summary(self, case: Case) -> None:
        b = balance(case)
        self.summary.setText(
            _("应履行 {0}　已履行 {1}　未履行 {2}　{3}").format(
                format_yuan(b.due_fen), format_yuan(b.paid_fen), format_yuan(b.owed_fen), b.performance.value
            )
        )

    def save(self) -> None:
        if self.locked:
            return
        case, errors = self.collect()
        if case is None:
            self._show_banner(errors)
            return
        try:
            self.saved = self.workspace.save_case(case)
        except CaseInvalid as exc:
            self._show_banner(exc.problems)
            return
        except ConcurrentEdit as exc:
            self._conflict(case, exc)
            return
        except StoreError as exc:
            self._show_banner([ValidationError(_("保存"), str(exc))])
            return
        self._dirty = False
        self.accept()

    def _conflict(self, mine: Case, exc: ConcurrentEdit) -> None:
        """Another clerk saved this case first (server mode): compare, then reload theirs or keep editing."""
        from desktop.core.compare import differences
        from desktop.gui.server_dialogs import ConflictDialog

        theirs = exc.current
        dialog = ConflictDialog(str(exc), differences(mine, theirs) if theirs else [], self)
        dialog.exec()
        if dialog.reload and theirs is not None and theirs.id is not None:
            self.case = self.workspace.load_case(theirs.id)
            self._load(self.case)
            self._dirty = False
            self._show_banner([ValidationError(_("保存"), _("已载入对方保存的版本，您的修改未保存。"))])
        else:
            self._show_banner([ValidationError(_("保存"), str(exc))])

    def reject(self) -> None:
        if self._dirty:
            answer = QMessageBox.question(
                self,
                _("放弃修改"),
                _("修改尚未保存，确定放弃吗？"),
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Discard:
                return
        super().reject()

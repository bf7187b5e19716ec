"""文书: issue a document for a case through its wizard, the register, reprints and batch printing.

Top: the case (typed 案号, or the one selected in the ledger) and every form with its verdict — a form
the rules refuse is greyed and says why. Bottom: the register of issued documents (newest first,
searchable), reprint of a selection into one PDF or print job, and batch issuing (e.g. every 提示书
due this week) into one PDF, each document registered.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QBrush, QColor
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.core.eligibility import CaseFlag
from desktop.core.errors import ValidationError
from desktop.core.ledger import balance
from desktop.core.money import format_yuan
from desktop.documents.fill import Printable
from desktop.documents.render import layout_document
from desktop.gui import save_dir
from desktop.gui.batch_dialog import BatchDialog
from desktop.gui.fields import DateLine
from desktop.gui.page_painter import print_pages
from desktop.gui.read_only import lock_writes
from desktop.gui.wizard import open_wizard
from desktop.i18n import _
from desktop.services.documents import DocumentService
from desktop.services.workspace import CaseInvalid, Change, Workspace
from desktop.store.cases import find_case_id
from desktop.store.database import StoreError
from desktop.store.documents import RegisterFilter

REGISTER_LIMIT = 500
FORM_ID_ROLE = Qt.ItemDataRole.UserRole + 1

REGISTER_COLUMNS = (
    (_("文书编号"), "doc_number"),
    (_("文书名称"), "title"),
    (_("案号"), "case_number"),
    (_("当事人"), "party"),
    (_("签发日期"), "issued_on"),
    (_("签发人"), "issued_by"),
)


class RegisterModel(QAbstractTableModel):
    """The newest registered documents matching a filter (ids kept; snapshots read on reprint)."""

    def __init__(self, service: DocumentService, parent: Any = None) -> None:
        super().__init__(parent)
        self.service = service
        self.filter = RegisterFilter()
        self.rows: list[dict[str, Any]] = []
        self.total = 0

    def set_filter(self, f: RegisterFilter) -> None:
        self.filter = f
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        self.total = self.service.register_count(self.filter)
        self.rows = self.service.register_page(self.filter, 0, REGISTER_LIMIT)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(REGISTER_COLUMNS)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        return str(self.rows[index.row()][REGISTER_COLUMNS[index.column()][1]] or "")

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return REGISTER_COLUMNS[section][0]
        return None

    def doc_id(self, row: int) -> int:
        return int(self.rows[row]["id"])


class FlagDialog(QDialog):
    """Record the creditor's consent (main part performed) or an exclusion for a case."""

    def __init__(
        self, service: DocumentService, case_id: int, case_number: str, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.case_id = case_id
        self.setWindowTitle(_("证明书相关情形 — {0}").format(case_number))
        col = QVBoxLayout(self)
        self.current = QLabel(self)
        self.current.setWordWrap(True)
        col.addWidget(self.current)
        form = QFormLayout()
        self.flag = QComboBox(self)
        for flag in CaseFlag:
            self.flag.addItem(flag.value, flag)
        self.since = DateLine(self)
        self.since.set_value(service.ws.today())
        self.note = QLineEdit(self)
        self.note.setPlaceholderText(_("如：申请执行人当庭表示同意，见笔录"))
        form.addRow(_("情形"), self.flag)
        form.addRow(_("日期"), self.since)
        form.addRow(_("说明"), self.note)
        col.addLayout(form)
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #b3261e;")
        col.addWidget(self.error)
        buttons = QDialogButtonBox(self)
        self.record_button = buttons.addButton(_("记录"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.clear_button = buttons.addButton(_("撤销所选情形"), QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.record_button.clicked.connect(self.record)
        self.clear_button.clicked.connect(self.clear)
        col.addWidget(buttons)
        self._show()

    def _show(self) -> None:
        flags = self.service.flags(self.case_id)
        lines = [f"{f['flag']}（{f['since']}，{f['recorded_by']}）{f['note']}" for f in flags]
        self.current.setText(_("已记录：") + ("；".join(lines) if lines else _("无")))

    def record(self) -> None:
        try:
            since = self.since.value(_("日期"))
            if since is None:
                raise ValidationError(_("日期"), _("请填写日期"))
            self.service.set_flag(self.case_id, self.flag.currentData(), since, self.note.text())
        except ValidationError as exc:
            self.error.setText(str(exc))
            return
        except (CaseInvalid, StoreError) as exc:
            self.error.setText(str(exc))
            return
        self.error.clear()
        self._show()

    def clear(self) -> None:
        self.service.clear_flag(self.case_id, self.flag.currentData())
        self._show()


class DocumentsPage(QWidget):
    def __init__(self, workspace: Workspace, changes: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.service = DocumentService(workspace)
        self.case_id: int | None = None
        layout = QVBoxLayout(self)

        # ---- the case
        case_box = QGroupBox(_("案件"), self)
        case_col = QVBoxLayout(case_box)
        row = QHBoxLayout()
        self.case_edit = QLineEdit(case_box)
        self.case_edit.setPlaceholderText(_("输入案号，如（2025）黑0902民初123号"))
        self.find_button = QPushButton(_("查找"), case_box)
        self.from_ledger_button = QPushButton(_("用台账中选中的案件"), case_box)
        row.addWidget(QLabel(_("案号"), case_box))
        row.addWidget(self.case_edit, 1)
        row.addWidget(self.find_button)
        row.addWidget(self.from_ledger_button)
        case_col.addLayout(row)
        self.case_label = QLabel(_("尚未选择案件。"), case_box)
        self.case_label.setWordWrap(True)
        case_col.addWidget(self.case_label)
        self.forms_list = QListWidget(case_box)
        self.forms_list.setMinimumHeight(180)
        case_col.addWidget(self.forms_list, 1)
        actions = QHBoxLayout()
        self.new_button = QPushButton(_("新建文书…"), case_box)
        self.flags_button = QPushButton(_("证明书相关情形…"), case_box)
        actions.addWidget(self.new_button)
        actions.addWidget(self.flags_button)
        actions.addStretch(1)
        case_col.addLayout(actions)
        layout.addWidget(case_box, 1)

        # ---- the register
        reg_box = QGroupBox(_("文书登记"), self)
        reg_col = QVBoxLayout(reg_box)
        bar = QHBoxLayout()
        self.search = QLineEdit(reg_box)
        self.search.setPlaceholderText(_("搜索文书编号、名称、案号或当事人"))
        self.search.setClearButtonEnabled(True)
        self.only_case = QCheckBox(_("只看本案"), reg_box)
        self.reprint_button = QPushButton(_("重印所选…"), reg_box)
        self.print_button = QPushButton(_("打印所选…"), reg_box)
        self.batch_button = QPushButton(_("批量出具…"), reg_box)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.only_case)
        bar.addWidget(self.reprint_button)
        bar.addWidget(self.print_button)
        bar.addWidget(self.batch_button)
        reg_col.addLayout(bar)
        self.model = RegisterModel(self.service, self)
        self.table = QTableView(reg_box)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for col, width in enumerate((190, 190, 190, 220, 100)):
            self.table.setColumnWidth(col, width)
        self.table.horizontalHeader().setStretchLastSection(True)
        reg_col.addWidget(self.table, 1)
        self.count_label = QLabel(reg_box)
        reg_col.addWidget(self.count_label)
        layout.addWidget(reg_box, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self.refresh_register)
        self.search.textChanged.connect(self._timer.start)
        self.only_case.toggled.connect(self.refresh_register)
        self.find_button.clicked.connect(self.find_case)
        self.case_edit.returnPressed.connect(self.find_case)
        self.from_ledger_button.clicked.connect(self.use_ledger_selection)
        self.new_button.clicked.connect(self.new_document)
        # Enter or a double click on a form starts its wizard
        self.forms_list.itemActivated.connect(lambda _item: self.new_document())
        self.flags_button.clicked.connect(self.edit_flags)
        self.reprint_button.clicked.connect(self.reprint_selected)
        self.print_button.clicked.connect(self.print_selected)
        self.batch_button.clicked.connect(self.batch)
        # a read-only window: a document only as a draft (the wizard registers nothing); no 情形, no batch,
        # no reprint (a reprint is recorded in the operation log); printing what is registered stays
        self.locked = lock_writes(workspace, self.flags_button, self.batch_button, self.reprint_button)
        changes.changed.connect(self._on_change)
        self._update_case()
        self.refresh_register()
        for error in self.service.forms().errors:
            self.count_label.setText(_("有模板文件未载入：{0}").format(error))

    # ------------------------------------------------------------------ the case
    def set_case(self, case_id: int | None) -> None:
        self.case_id = case_id
        self._update_case()
        self.refresh_register()

    def find_case(self) -> None:
        text = self.case_edit.text().strip()
        if not text:
            return
        try:
            case_id = find_case_id(self.workspace.db, text)
        except ValidationError as exc:
            QMessageBox.warning(self, _("案号有误"), str(exc))
            return
        if case_id is None:
            QMessageBox.information(self, _("未找到"), _("没有案号为 {0} 的案件。").format(text))
            return
        self.set_case(case_id)

    def use_ledger_selection(self) -> None:
        ledger = getattr(self.window(), "ledger", None)
        case_id = ledger.selected_case_id() if ledger is not None else None
        if case_id is None:
            QMessageBox.information(self, _("未选择案件"), _("请先在“案件台账”中选中一件案件。"))
            return
        self.set_case(case_id)

    def _update_case(self) -> None:
        self.forms_list.clear()
        enabled = self.case_id is not None
        self.new_button.setEnabled(enabled)
        self.flags_button.setEnabled(enabled)
        if self.case_id is None:
            self.case_label.setText(_("尚未选择案件：输入案号查找，或使用台账中选中的案件。"))
            return
        try:
            case = self.workspace.load_case(self.case_id)
            verdicts = self.service.available(self.case_id)
        except StoreError as exc:
            self.case_label.setText(str(exc))
            self.case_id = None
            return
        self.case_edit.setText(case.case_number)
        bal = balance(case)
        flags = "、".join(f["flag"] for f in self.service.flags(self.case_id))
        self.case_label.setText(
            _("{0}　{1}　阶段：{2}　状态：{3}　未履行：{4}{5}").format(
                case.case_number,
                case.cause,
                case.stage.value,
                case.status.value,
                format_yuan(bal.owed_fen),
                _("　已记录：{0}").format(flags) if flags else "",
            )
        )
        first_allowed = None
        for form, verdict in verdicts:
            text = form.display_name
            item = QListWidgetItem(text, self.forms_list)
            item.setData(FORM_ID_ROLE, form.id)
            if verdict.allowed:
                item.setToolTip(verdict.reason or form.description)
                if first_allowed is None:
                    first_allowed = item
            else:
                item.setText(f"{text}　— {_('不适用')}：{verdict.reason}")
                item.setForeground(QBrush(QColor("#888888")))
                item.setToolTip(verdict.reason)
        if first_allowed is not None:
            self.forms_list.setCurrentItem(first_allowed)

    def new_document(self) -> None:
        item = self.forms_list.currentItem()
        if self.case_id is None or item is None:
            return
        wizard = open_wizard(self.service, item.data(FORM_ID_ROLE), self.case_id, self)
        if wizard is not None:
            wizard.exec()
            self.refresh_register()

    def edit_flags(self) -> None:
        if self.case_id is None or self.locked:
            return
        case = self.workspace.load_case(self.case_id)
        FlagDialog(self.service, self.case_id, case.case_number, self).exec()
        self._update_case()

    # ------------------------------------------------------------------ the register
    def refresh_register(self) -> None:
        self._timer.stop()
        case_id = self.case_id if self.only_case.isChecked() else None
        self.model.set_filter(RegisterFilter(case_id=case_id, text=self.search.text()))
        shown = len(self.model.rows)
        self.count_label.setText(
            _("共 {0} 份").format(self.model.total)
            + (_("（显示最近 {0} 份）").format(shown) if shown < self.model.total else "")
        )

    def selected_doc_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.doc_id(r) for r in rows]

    def reprint_selected(self) -> None:
        if self.locked:
            return
        ids = self.selected_doc_ids()
        if not ids:
            QMessageBox.information(self, _("未选择"), _("请先在登记表中选择要重印的文书。"))
            return
        path_text, _f = QFileDialog.getSaveFileName(
            self, _("重印为 PDF"), save_dir.suggested(_("重印文书.pdf")), _("PDF 文件 (*.pdf)")
        )
        if not path_text:
            return
        save_dir.remember(path_text)
        try:
            Path(path_text).write_bytes(self.service.reprint(ids))
        except (StoreError, OSError) as exc:
            QMessageBox.critical(self, _("重印失败"), str(exc))

    def print_selected(self) -> None:
        ids = self.selected_doc_ids()
        if not ids:
            QMessageBox.information(self, _("未选择"), _("请先在登记表中选择要打印的文书。"))
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if QPrintDialog(printer, self).exec() != QPrintDialog.DialogCode.Accepted:
            return
        try:
            pages = []
            for doc_id in ids:
                rec = self.service.record(doc_id)
                pages += layout_document(Printable.from_json(rec.snapshot["printable"]), self.service.fonts)
            print_pages(printer, pages)
        except (StoreError, OSError) as exc:
            QMessageBox.critical(self, _("打印失败"), str(exc))

    def batch(self) -> None:
        if self.locked:
            return
        BatchDialog(self.service, self).exec()
        self.refresh_register()

    def _on_change(self, change: Change) -> None:
        if change.what in ("document", "case", "contact", "settings"):
            if self.case_id is not None and (not change.case_ids or self.case_id in change.case_ids):
                self._update_case()
            self.refresh_register()

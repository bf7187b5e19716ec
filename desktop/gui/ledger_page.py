"""案件台账: every case with something to perform, searchable as you type, sortable, filterable."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.core.model import CaseStatus, Stage
from desktop.gui.first_paint import AfterFirstPaint
from desktop.gui.ledger_model import COL, COLUMNS, LedgerModel
from desktop.gui.read_only import lock_writes, read_only
from desktop.i18n import _
from desktop.services.workspace import Workspace
from desktop.store.cases import SEARCH_LIMIT, LedgerFilter
from desktop.store.database import StoreError

SEARCH_DELAY_MS = 150
_ALL = _("全部")


class LedgerTable(QTableView):
    """Enter opens the current case (the default would start editing a cell); C records a contact."""

    activated_row = Signal(int)
    contact_row = Signal(int)

    def keyPressEvent(self, event):  # type: ignore[no-untyped-def]
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.activated_row.emit(self.currentIndex().row())
            return
        plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if event.key() == Qt.Key.Key_C and plain and self.currentIndex().isValid():
            self.contact_row.emit(self.currentIndex().row())
            return
        super().keyPressEvent(event)


class LedgerPage(QWidget):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        layout = QVBoxLayout(self)

        bar = QHBoxLayout()
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(_("搜索案号、当事人或案由（Ctrl+F）"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(160)  # it takes the room left; the bar must fit 1366 pixels
        bar.addWidget(self.search, 2)
        self.stage = self._combo(bar, _("阶段"), [s.value for s in Stage])
        self.status = self._combo(bar, _("状态"), [s.value for s in CaseStatus])
        self.handler = self._combo(bar, _("承办人"), workspace.handler_names())
        self.overdue = QCheckBox(_("只看逾期"), self)
        bar.addWidget(self.overdue)
        bar.addStretch(1)
        self.add_button = QPushButton(_("新增案件（Ctrl+N）"), self)
        self.edit_button = QPushButton(_("打开"), self)
        self.contact_button = QPushButton(_("登记督促（C）"), self)
        self.delete_button = QPushButton(_("删除"), self)
        self.import_button = QPushButton(_("导入Excel"), self)
        self.export_button = QPushButton(_("导出Excel"), self)
        for b in (
            self.add_button,
            self.edit_button,
            self.contact_button,
            self.delete_button,
            self.import_button,
            self.export_button,
        ):
            bar.addWidget(b)
        layout.addLayout(bar)

        # built in the order the header shows (below), newest 案号 first: turning sorting on keeps it;
        # the count is taken once the first rows are painted (AfterFirstPaint)
        self.model = LedgerModel(workspace, self, sort_key="case_number", descending=True, count_later=True)
        self.table = LedgerTable(self)
        # every column fits a 1366×768 screen (the last, 逾期, was cut off): no row numbers. Rows of a
        # fixed height and the row header hidden before the model is set: a shown or resizable row header
        # asks the model for ~850 row headers (a Python call each) to size itself over a million rows.
        rows = self.table.verticalHeader()
        rows.hide()
        rows.setDefaultSectionSize(26)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(COL["case_number"], Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        # a little less for the parties and the cause (elided; the full text is in the case)
        for col, width in enumerate((186, 196, 96, 72, 64, 60, 88, 92, 92, 92, 88, 56)):
            self.table.setColumnWidth(col, width)
        header.setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        self.count_label = QLabel(self)
        layout.addWidget(self.count_label)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(self._timer.start)
        for combo in (self.stage, self.status, self.handler):
            combo.currentIndexChanged.connect(self.apply_filter)
        self.overdue.toggled.connect(self.apply_filter)
        self.add_button.clicked.connect(self.add_case)
        self.edit_button.clicked.connect(self.open_current)
        self.delete_button.clicked.connect(self.delete_current)
        self.import_button.clicked.connect(self.import_files)
        self.export_button.clicked.connect(self.export)
        self.table.doubleClicked.connect(lambda index: self.open_row(index.row()))
        self.table.activated_row.connect(self.open_row)
        self.table.contact_row.connect(self.contact_row)
        self.contact_button.clicked.connect(self.contact_current)
        self.dialog: QDialog | None = None
        QShortcut(QKeySequence.StandardKey.Find, self, self.focus_search)
        new = QShortcut(QKeySequence.StandardKey.New, self, self.add_case)
        delete = QShortcut(QKeySequence(Qt.Key.Key_Delete), self.table, self.delete_current)
        # a read-only window: no new case, contact, deletion or import (a case opens read-only)
        writes = (self.add_button, self.contact_button, self.delete_button, self.import_button, new, delete)
        lock_writes(workspace, *writes)
        self.search.returnPressed.connect(self._search_enter)
        self._update_count()
        self._count_after = (
            AfterFirstPaint(self.table.viewport(), self._count_rest) if self.model.counting else None
        )

    def _count_rest(self) -> None:
        self.model.count_rest()
        self._update_count()

    def _combo(self, bar: QHBoxLayout, label: str, values: list[str]) -> QComboBox:
        bar.addWidget(QLabel(label, self))
        combo = QComboBox(self)
        combo.addItem(_ALL, "")
        for v in values:
            combo.addItem(v, v)
        bar.addWidget(combo)
        return combo

    # ------------------------------------------------------------ filtering
    def current_filter(self) -> LedgerFilter:
        return LedgerFilter(
            text=self.search.text(),
            stage=self.stage.currentData() or "",
            status=self.status.currentData() or "",
            handler=self.handler.currentData() or "",
            overdue_only=self.overdue.isChecked(),
            today=self.workspace.today(),
        )

    def apply_filter(self) -> None:
        self._timer.stop()
        self.model.set_filter(self.current_filter())
        self._update_count()

    def stop_pending(self) -> None:
        """Drop a search that was typed but not yet run (the window is closing)."""
        self._timer.stop()

    def refresh(self) -> None:
        """Data changed elsewhere: re-query, keeping the selected case selected when it is still shown."""
        selected = self.selected_case_id()
        old_row = self.table.currentIndex().row()
        current_handler = self.handler.currentData() or ""
        self.handler.blockSignals(True)
        self.handler.clear()
        self.handler.addItem(_ALL, "")
        for name in self.workspace.handler_names():
            self.handler.addItem(name, name)
        self.handler.setCurrentIndex(max(self.handler.findData(current_handler), 0))
        self.handler.blockSignals(False)
        self.model.refresh()
        if selected is not None:  # before the count, which would select the first row
            if old_row >= 0 and self.model.case_id(old_row) == selected:
                self.table.selectRow(old_row)  # where it was (the usual case: an edit keeps the order)
            else:
                self.select_case(selected)
        self._update_count()

    def _update_count(self) -> None:
        total = self.model.rowCount()
        text = _("共 {0} 件").format(f"{total:,}")
        if self.model.counting:
            text = _("正在统计件数…")
        elif self.model.capped:
            text = _("匹配的案件超过 {0} 件，只列出最新的 {0} 件；请输入更完整的姓名、名称或案号。").format(
                f"{SEARCH_LIMIT:,}"
            )
        self.count_label.setText(text)
        if total and not self.table.currentIndex().isValid():
            self.table.selectRow(0)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _search_enter(self) -> None:
        self.apply_filter()
        if self.model.rowCount():
            self.table.setFocus()
            self.table.selectRow(0)

    # ------------------------------------------------------------ selection and actions
    def selected_case_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.case_id(index.row()) if index.isValid() else None

    def select_case(self, case_id: int) -> None:
        row = self.model.row_of_case(case_id)
        if row is not None:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def open_current(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self.open_row(index.row())

    def open_row(self, row: int) -> None:
        case_id = self.model.case_id(row)
        if case_id is None:
            return
        try:
            from desktop.gui.case_editor import CaseEditor  # loaded when first used (prefetched)

            CaseEditor(self.workspace, case_id, self).exec()
        except StoreError as exc:
            QMessageBox.warning(self, _("无法打开案件"), str(exc))

    def contact_current(self) -> QDialog | None:
        index = self.table.currentIndex()
        return self.contact_row(index.row()) if index.isValid() else None

    def contact_row(self, row: int) -> QDialog | None:
        """登记督促 for the case on ``row`` (shown window-modal; the ledger refreshes on the change)."""
        from desktop.gui.contact_dialog import CaseContactDialog

        case_id = self.model.case_id(row)
        if case_id is None or read_only(self.workspace):  # C on a row of a read-only window: nothing
            return None
        try:
            self.dialog = CaseContactDialog(self.workspace, case_id, self)
        except StoreError as exc:
            QMessageBox.warning(self, _("无法打开案件"), str(exc))
            return None
        self.dialog.open()
        return self.dialog

    def import_files(self) -> None:
        from desktop.gui import import_dialog  # loaded when first used (prefetched after the first paint)

        import_dialog.open_import(self, self.workspace)

    def export(self) -> None:
        from desktop.gui import import_dialog

        import_dialog.export_ledger_page(self)

    def add_case(self) -> None:
        if read_only(self.workspace):
            return
        from desktop.gui.case_editor import CaseEditor

        editor = CaseEditor(self.workspace, None, self)
        if editor.exec() and editor.saved and editor.saved.id is not None:
            self.select_case(editor.saved.id)

    def delete_current(self) -> None:
        case_id = self.selected_case_id()
        if case_id is None or read_only(self.workspace):
            return
        number = self.model.row(self.table.currentIndex().row()).get("case_number", "")
        answer = QMessageBox.question(
            self,
            _("删除案件"),
            _("确定删除案件 {0} 及其当事人、履行义务和履行记录吗？删除会记入操作日志。").format(number),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            try:
                self.workspace.delete_case(case_id)
            except StoreError as exc:
                QMessageBox.warning(self, _("删除失败"), str(exc))

    def header_for(self, key: str) -> str:
        return COLUMNS[COL[key]][0]

    def index_of(self, row: int, key: str) -> QModelIndex:
        return self.model.index(row, COL[key])

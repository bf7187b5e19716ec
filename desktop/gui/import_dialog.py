"""导入Excel and 导出Excel from the ledger page.

The import dialog: choose a file, fix the columns that were not recognised (the choice is remembered),
look at the preview (new / updated / unchanged cases, every rejected row with its reason), then import
all or nothing, or skip the rejected rows on purpose. Reading and writing run under a cancellable
progress dialog; a cancelled import changes nothing. All the work is done by desktop.services.excel.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEventLoop, Qt, QThread, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.core.tabular import IGNORE, Action
from desktop.gui import save_dir
from desktop.gui.threads import keep
from desktop.i18n import _
from desktop.services import excel
from desktop.services.workspace import Workspace
from desktop.store.cases import LedgerFilter
from desktop.store.database import StoreError

FILE_FILTER = "Excel或CSV文件 (*.xlsx *.xlsm *.csv *.txt);;所有文件 (*)"
MAX_SHOWN = 2000  # rejections listed in the table (the count says how many there are)


class Progress:
    """A cancellable QProgressDialog as the services' progress callback."""

    def __init__(self, parent: QWidget, title: str) -> None:
        self.dialog = QProgressDialog(title, _("取消"), 0, 0, parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(300)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.setMinimumWidth(360)

    def __call__(self, what: str, done: int, total: int) -> bool:
        self.dialog.setLabelText(
            _("{0}… {1:,} / {2:,}").format(what, done, total) if total else _("{0}…").format(what)
        )
        self.dialog.setMaximum(max(total, 0))
        self.dialog.setValue(min(done, total) if total else 0)
        QApplication.processEvents()
        return not self.dialog.wasCanceled()

    def close(self) -> None:
        self.dialog.close()
        self.dialog.deleteLater()


class PreviewWorker(QThread):
    """:func:`excel.preview_import` off the GUI thread, on a read-only connection of its own (the window's
    connection stays the GUI thread's). Progress comes as a signal; :meth:`cancel` stops it at the next
    report (``excel.Cancelled``). ``result`` or ``error`` when finished."""

    progressed = Signal(str, int, int)

    def __init__(self, workspace: Workspace, path: Path, mapping: dict[str, str]) -> None:
        super().__init__()
        self.db_path, self.password = workspace.path, workspace.password
        self.today = workspace.today
        self.actor = workspace.actor
        self.path = path
        self.mapping = mapping
        self.cancelled = False
        self.result: excel.ImportPreview | None = None
        self.error: BaseException | None = None

    def cancel(self) -> None:
        self.cancelled = True

    def _report(self, what: str, done: int, total: int) -> bool:
        self.progressed.emit(what, done, total)
        return not self.cancelled

    def run(self) -> None:
        try:
            reader = Workspace.open_reader(self.db_path, self.actor, self.password)
            reader.today = self.today
        except BaseException as exc:  # the error is shown by the dialog, on the GUI thread
            self.error = exc
            return
        try:
            self.result = excel.preview_import(reader, self.path, self.mapping, self._report)
        except BaseException as exc:
            self.error = exc
        finally:
            reader.close()


class ImportDialog(QDialog):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.path: Path | None = None
        self.preview: excel.ImportPreview | None = None
        self.imported: excel.ImportResult | None = None
        self.setWindowTitle(_("导入Excel"))
        self.resize(980, 680)
        layout = QVBoxLayout(self)

        top = QHBoxLayout()
        self.file_label = QLabel(_("尚未选择文件"), self)
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        choose = QPushButton(_("选择文件…"), self)
        choose.clicked.connect(self.choose_file)
        top.addWidget(self.file_label, 1)
        top.addWidget(choose)
        layout.addLayout(top)
        self.info = QLabel(self)
        self.info.setWordWrap(True)
        self.info.setStyleSheet("color: #555;")
        layout.addWidget(self.info)

        self.mapping_box = QGroupBox(_("未识别的列：请指定每一列对应的内容（下次导入时会记住）"), self)
        box = QVBoxLayout(self.mapping_box)
        self.mapping = QTableWidget(0, 3, self.mapping_box)
        self.mapping.setHorizontalHeaderLabels([_("文件中的列"), _("前几行的内容"), _("导入为")])
        self.mapping.verticalHeader().setVisible(False)
        self.mapping.verticalHeader().setDefaultSectionSize(30)
        self.mapping.setWordWrap(False)
        self.mapping.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.mapping.setColumnWidth(0, 160)
        self.mapping.setColumnWidth(2, 240)
        box.addWidget(self.mapping)
        again = QHBoxLayout()
        self.remember = QCheckBox(_("记住这些对应关系"), self.mapping_box)
        self.remember.setChecked(True)
        self.repreview_button = QPushButton(_("按此对应重新预览"), self.mapping_box)
        self.repreview_button.clicked.connect(self.run_preview)
        again.addWidget(self.remember)
        again.addStretch(1)
        again.addWidget(self.repreview_button)
        box.addLayout(again)
        self.mapping_box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.mapping_box.hide()
        layout.addWidget(self.mapping_box)

        self.summary = QLabel(self)
        self.summary.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.rejections = QTableWidget(0, 4, self)
        self.rejections.setHorizontalHeaderLabels([_("工作表"), _("行号"), _("列"), _("原因")])
        self.rejections.verticalHeader().setVisible(False)
        self.rejections.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.rejections.setAlternatingRowColors(True)
        self.rejections.setColumnWidth(0, 90)
        self.rejections.setColumnWidth(1, 56)
        self.rejections.setColumnWidth(2, 150)
        self.rejections.horizontalHeader().setStretchLastSection(True)
        self.rejections.setWordWrap(True)
        layout.addWidget(self.rejections, 1)

        self.skip = QCheckBox(_("跳过被拒绝的行，只导入其余案件"), self)
        self.skip.toggled.connect(self._update_buttons)
        layout.addWidget(self.skip)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.import_button = QPushButton(_("导入"), self)
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.run_import)
        close = QPushButton(_("关闭"), self)
        close.clicked.connect(self.reject)
        buttons.addWidget(self.import_button)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self._update_buttons()

    # ------------------------------------------------------------ steps
    def choose_file(self) -> bool:
        start = str(self.path.parent) if self.path else ""
        name, _filter = QFileDialog.getOpenFileName(self, _("选择要导入的案件清单"), start, FILE_FILTER)
        if not name:
            return False
        self.load(Path(name))
        return True

    def load(self, path: Path) -> None:
        self.path = path
        self.file_label.setText(str(path))
        self.mapping.setRowCount(0)
        self.mapping_box.hide()
        self.run_preview()

    def chosen_mapping(self) -> dict[str, str]:
        """The user's choices in the mapping table: header → field key (IGNORE for 不导入)."""
        out: dict[str, str] = {}
        for row in range(self.mapping.rowCount()):
            header = self.mapping.item(row, 0)
            combo = self.mapping.cellWidget(row, 2)
            if header is not None and isinstance(combo, QComboBox):
                out[header.text()] = str(combo.currentData())
        return out

    def run_preview(self) -> None:
        """Read the file on a worker thread (on a read-only connection of its own) while a progress bar
        with 取消 shows how far it got; the window stays responsive however large the file."""
        if self.path is None:
            return
        self.preview = None
        self.info.setText("")  # the last file's description must not stay under a new file's name
        progress = Progress(self, _("正在读取 {0}").format(self.path.name))
        self.preview_progress = progress
        worker = PreviewWorker(self.workspace, self.path, self.chosen_mapping())
        progress.dialog.canceled.connect(worker.cancel)

        def report(what: str, done: int, total: int) -> None:
            if not progress(what, done, total):
                worker.cancel()

        worker.progressed.connect(report)
        loop = QEventLoop(self)
        worker.finished.connect(loop.quit)
        keep(worker)
        worker.start()
        if not worker.isFinished():
            loop.exec()
        worker.wait()
        try:
            if worker.error is not None:
                raise worker.error
            self.preview = worker.result
        except excel.MappingNeeded as exc:
            self._show_mapping(exc.preview)
            self._show_rejections([])
            self.summary.setText(str(exc))
        except excel.Cancelled:
            self.summary.setText(_("已取消读取。"))
        except StoreError as exc:  # excel.ExcelError: a bad file, said in Chinese (never a traceback)
            self._show_rejections([])
            self.summary.setText(_("无法导入这个文件：{0}").format(exc))
            QMessageBox.warning(self, _("无法导入"), str(exc))
        finally:
            progress.close()
        if self.preview is not None:
            self._show_preview(self.preview)
        self._update_buttons()

    def run_import(self) -> None:
        preview = self.preview
        if preview is None:
            return
        progress = Progress(self, _("正在导入 {0}").format(preview.path.name))
        try:
            self.imported = excel.apply_import(self.workspace, preview, self.skip.isChecked(), progress)
        except excel.Cancelled:
            progress.close()
            QMessageBox.information(self, _("已取消"), _("已取消导入，数据库未作任何修改。"))
            return
        except StoreError as exc:
            progress.close()
            QMessageBox.warning(self, _("导入失败"), _("未导入任何内容：{0}").format(exc))
            return
        progress.close()
        if self.remember.isChecked() and self.mapping.rowCount():
            excel.remember_mapping(self.workspace, self.chosen_mapping())
        QMessageBox.information(self, _("导入完成"), self.imported.summary())
        self.accept()

    # ------------------------------------------------------------ showing
    def _show_mapping(self, preview: excel.ImportPreview) -> None:
        header = preview.header
        if header is None or not header.unknown:
            return
        chosen = self.chosen_mapping()
        self.mapping.setRowCount(len(header.unknown))
        for row, (col, text) in enumerate(header.unknown):
            item = QTableWidgetItem(text)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.mapping.setItem(row, 0, item)
            sample = QTableWidgetItem("、".join(preview.samples.get(col, [])))
            sample.setFlags(sample.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.mapping.setItem(row, 1, sample)
            combo = QComboBox(self.mapping)
            combo.addItem(_("不导入"), IGNORE)
            for key, label in excel.field_choices():
                combo.addItem(label, key)
            combo.setCurrentIndex(max(combo.findData(chosen.get(text, IGNORE)), 0))
            self.mapping.setCellWidget(row, 2, combo)
        rows = sum(self.mapping.rowHeight(r) for r in range(min(self.mapping.rowCount(), 6)))
        self.mapping.setFixedHeight(
            self.mapping.horizontalHeader().height() + rows + 2 * self.mapping.frameWidth()
        )
        self.mapping_box.show()

    def _show_preview(self, preview: excel.ImportPreview) -> None:
        self._show_mapping(preview)
        if preview.header is not None:
            recognised = "、".join(
                f"{excel.field_label(c.field)}←“{c.header}”"
                if excel.field_label(c.field) != c.header
                else c.header
                for c in preview.header.columns
            )
            kind = _("案件清单（工作表“{0}”，表头在第{1}行）").format(preview.sheet, preview.header_row)
            extra = "".join(
                _("；第{0}列“{1}”与前面的列重复，未导入").format(j + 1, h)
                for j, h, _f in preview.header.duplicates
            )
            self.info.setText(_("{0}。识别的列：{1}{2}").format(kind, recognised, extra))
        else:
            self.info.setText(
                _("本程序导出的台账（案件、当事人、履行义务、分期、履行记录），按案号整体替换已有案件。")
            )
        if preview.encoding:
            self.info.setText(self.info.text() + _("（文字编码：{0}）").format(preview.encoding))
        self.summary.setText(preview.summary())
        self._show_rejections(preview.rejections, preview.warnings)

    def _show_rejections(self, rejections: list, warnings: list = ()) -> None:  # type: ignore[type-arg,assignment]
        """The rejected rows, then the warnings (imported all the same: marked 提醒, on yellow)."""
        shown = [(r, False) for r in rejections[:MAX_SHOWN]]
        shown += [(w, True) for w in warnings[: max(MAX_SHOWN - len(shown), 0)]]
        self.rejections.setRowCount(len(shown))
        for row, (r, warning) in enumerate(shown):
            reason = _("提醒：{0}").format(r.reason) if warning else r.reason
            for col, text in enumerate((r.sheet, str(r.row), r.column, reason)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if warning:
                    item.setBackground(QColor("#fff4ce"))
                if col == 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.rejections.setItem(row, col, item)
        self.rejections.resizeRowsToContents()

    def _update_buttons(self) -> None:
        preview = self.preview
        rejected = preview.rejected_rows if preview else 0
        writes = preview is not None and (preview.count(Action.NEW) + preview.count(Action.UPDATE)) > 0
        self.skip.setVisible(bool(rejected))
        self.import_button.setEnabled(writes and (not rejected or self.skip.isChecked()))
        if preview is None:
            self.hint.setText("")
        elif rejected and not self.skip.isChecked():
            self.hint.setText(
                _(
                    "有被拒绝的行：按“全部或全不”的规则，现在导入不会写入任何内容。请修改文件后重新选择，或勾选上面的“跳过”。"
                )
            )
        elif not writes:
            self.hint.setText(_("没有需要新增或更新的案件。"))
        else:
            self.hint.setText(_("导入在一个事务中完成，并记入操作日志（文件名和校验值）。"))


def open_import(parent: QWidget, workspace: Workspace) -> ImportDialog | None:
    """导入Excel: choose a file, then show the dialog with its preview (None when no file was chosen)."""
    name, _filter = QFileDialog.getOpenFileName(parent, _("选择要导入的案件清单"), "", FILE_FILTER)
    if not name:
        return None
    dialog = ImportDialog(workspace, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    dialog.load(Path(name))
    return dialog


def export_view(
    parent: QWidget,
    workspace: Workspace,
    f: LedgerFilter | None = None,
    sort: str = "case_number",
    descending: bool = False,
) -> excel.ExportResult | None:
    """导出Excel: the ledger view ``f`` (in its order) to an .xlsx file the user chooses."""
    default = f"案件台账-{workspace.today().isoformat()}.xlsx"
    name, _filter = QFileDialog.getSaveFileName(
        parent, _("导出Excel"), save_dir.suggested(default), "Excel工作簿 (*.xlsx)"
    )
    if not name:
        return None
    save_dir.remember(name)
    progress = Progress(parent, _("正在导出"))
    try:
        result = excel.export_ledger(workspace, name, f, sort, descending, progress)
    except excel.Cancelled:
        QMessageBox.information(parent, _("已取消"), _("已取消导出，没有生成文件。"))
        return None
    except StoreError as exc:
        QMessageBox.warning(parent, _("导出失败"), str(exc))
        return None
    finally:
        progress.close()
    QMessageBox.information(parent, _("导出完成"), result.summary())
    return result


def export_ledger_page(page: QWidget) -> excel.ExportResult | None:
    """导出Excel for a ledger page: what it shows (filter and order)."""
    model = page.model  # type: ignore[attr-defined]
    return export_view(page, page.workspace, page.current_filter(), model.sort_key, model.descending)  # type: ignore[attr-defined]

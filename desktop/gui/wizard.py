"""One generic wizard for every form: built from the form definition, never written per document.

Pages come from the form's ``[[pages]]``; each field gets the widget of its type, prefilled from the
case. Leaving a page checks its fields (the same checks as the CLI and the batch, with Chinese
messages under each field); the review page lists every answer. A live preview of the printed page
sits beside every page and is re-rendered after each edit (a short pause collects keystrokes; until
it is redrawn the preview says so, so it is never silently stale). On the review page the document is
registered and then saved as PDF or printed (QPrintDialog); saving or printing again afterwards uses
the registered document, never a second number. The default button (and Enter) there registers and
prints; leaving a wizard whose answers were never registered asks first.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRect, QSize, Qt, QTimer, Signal, SignalInstance
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPaintEvent, QPen
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from desktop.core.errors import ValidationError
from desktop.documents.answers import print_text
from desktop.documents.fill import Printable, visible
from desktop.documents.formdef import FieldDef, FormDef, PageDef
from desktop.documents.layout import Page
from desktop.documents.render import document_text, layout_document
from desktop.gui import save_dir
from desktop.gui.fields import DateLine, Form, MoneyLine
from desktop.gui.page_painter import print_pages, render_page
from desktop.gui.read_only import READ_ONLY_TITLE, lock_writes
from desktop.i18n import _
from desktop.services.documents import DocumentService, Draft, Issued, NotEligible
from desktop.services.workspace import CaseInvalid
from desktop.store.database import StoreError

PREVIEW_DELAY_MS = 150
PREVIEW_WIDTH = 430
PREVIEW_MIN_WIDTH = 240


def field_widget(f: FieldDef, parent: QWidget) -> QWidget:
    if f.type == "textarea":
        edit = QPlainTextEdit(parent)
        edit.setFixedHeight(96)
        return edit
    if f.type == "date":
        return DateLine(parent)
    if f.type == "money":
        return MoneyLine(parent)
    if f.type == "choice":
        combo = QComboBox(parent)
        combo.addItems(list(f.choices))
        return combo
    line = QLineEdit(parent)
    if f.type == "integer":
        line.setMaximumWidth(120)
    return line


def widget_text(widget: QWidget) -> str:
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QComboBox):
        return widget.currentText()
    if isinstance(widget, QLineEdit):
        return widget.text()
    raise TypeError(widget)


def set_widget_text(widget: QWidget, text: str) -> None:
    if isinstance(widget, QPlainTextEdit):
        widget.setPlainText(text)
    elif isinstance(widget, QComboBox):
        widget.setCurrentIndex(widget.findText(text))  # -1 (nothing chosen) when not a choice
    elif isinstance(widget, QLineEdit):
        widget.setText(text)


def _changed_signal(widget: QWidget) -> SignalInstance:
    if isinstance(widget, QComboBox):
        return widget.currentIndexChanged
    return widget.textChanged  # type: ignore[attr-defined, no-any-return]


class PageView(QWidget):
    """One laid-out page drawn as large as the room allows, keeping the A4 proportions.

    The wizard is often shown on 1366 × 768 screens: a page of fixed size would be cut off at the
    bottom (the page number and the signature hidden behind the page buttons), so the page shrinks
    with the window instead and is re-rendered at the resolution it is shown at."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.page: Page | None = None
        self._cache: tuple[int, QSize, QImage] | None = None
        policy = QSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)
        self.setSizePolicy(policy)

    def sizeHint(self) -> QSize:
        return QSize(PREVIEW_WIDTH, round(PREVIEW_WIDTH * 297 / 210))

    def minimumSizeHint(self) -> QSize:
        # The pane keeps its width (the fields beside it do not need it); only the height gives.
        return QSize(PREVIEW_WIDTH, round(PREVIEW_MIN_WIDTH * 297 / 210))

    def set_page(self, page: Page | None) -> None:
        self.page = page
        self._cache = None
        self.update()

    def page_rect(self) -> QRect:
        """Where the page is drawn: centred, as wide as fits and never wider than PREVIEW_WIDTH."""
        width = min(self.width(), PREVIEW_WIDTH, int(self.height() * 210 / 297))
        height = min(round(width * 297 / 210), self.height())
        return QRect((self.width() - width) // 2, 0, width, height)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        rect = self.page_rect()
        painter.fillRect(rect, QColor("white"))
        if self.page is not None and rect.width() > 2:
            ratio = self.devicePixelRatioF() or 1.0
            size = rect.size()
            if self._cache is None or self._cache[0] != id(self.page) or self._cache[1] != size:
                dpi = rect.width() * ratio / (self.page.width / 72.0)
                image = render_page(self.page, dpi)
                image.setDevicePixelRatio(ratio)
                self._cache = (id(self.page), size, image)
            painter.drawImage(rect.topLeft(), self._cache[2])
        painter.setPen(QPen(QColor("#bbbbbb"), 1))
        painter.drawRect(rect.adjusted(0, 0, -1, -1))
        painter.end()


class PreviewPane(QWidget):
    """The rendered page, with page turning for multi-page documents."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pages: list[Page] = []
        self.index = 0
        col = QVBoxLayout(self)
        col.setContentsMargins(6, 0, 0, 0)
        self.status = QLabel(self)
        self.status.setStyleSheet("color: #555;")
        col.addWidget(self.status)
        self.image = PageView(self)
        col.addWidget(self.image, 1)
        row = QHBoxLayout()
        self.prev_button = QPushButton(_("上一页"), self)
        self.next_button = QPushButton(_("下一页"), self)
        self.page_label = QLabel(self)
        row.addWidget(self.prev_button)
        row.addWidget(self.page_label, 1, Qt.AlignmentFlag.AlignCenter)
        row.addWidget(self.next_button)
        col.addLayout(row)
        self.prev_button.clicked.connect(lambda: self.show_page(self.index - 1))
        self.next_button.clicked.connect(lambda: self.show_page(self.index + 1))

    def set_pages(self, pages: list[Page], note: str = "") -> None:
        self.pages = pages
        self.status.setText(note or _("预览（与打印效果一致）"))
        self.show_page(min(self.index, len(pages) - 1))

    def mark_stale(self) -> None:
        self.status.setText(_("正在更新预览…"))

    def show_page(self, index: int) -> None:
        if not self.pages:
            self.image.set_page(None)
            self.page_label.clear()
            return
        self.index = max(0, min(index, len(self.pages) - 1))
        self.image.set_page(self.pages[self.index])
        self.page_label.setText(_("第{0}页，共{1}页").format(self.index + 1, len(self.pages)))
        self.prev_button.setEnabled(self.index > 0)
        self.next_button.setEnabled(self.index < len(self.pages) - 1)


class FieldsPage(QWizardPage):
    """One page of the form's fields; leaving it checks them."""

    def __init__(self, wizard: DocumentWizard, page: PageDef) -> None:
        super().__init__()
        self.wiz = wizard
        self.page_def = page
        self.setTitle(page.title)
        if page.help:
            self.setSubTitle(page.help)
        layout = QVBoxLayout(self)
        self.form = Form(self)
        layout.addWidget(self.form)
        layout.addStretch(1)
        self.widgets: dict[str, QWidget] = {}
        for key in page.fields:
            f = wizard.form_def.field(key)
            widget = field_widget(f, self.form)
            self.form.add(f.label, widget, f.required)
            if f.help:
                widget.setToolTip(f.help)
                if isinstance(widget, QLineEdit) and not widget.placeholderText():
                    widget.setPlaceholderText(f.help[:40])
            self.widgets[key] = widget

    def validatePage(self) -> bool:
        return self.wiz.check_page(self)


class ReviewPage(QWizardPage):
    def __init__(self, wizard: DocumentWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle(_("核对"))
        self.setSubTitle(
            _("请核对以下内容与左侧预览。确认无误后按“登记并打印”（Enter），或“登记并保存 PDF”。")
        )
        layout = QVBoxLayout(self)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.table = QTableWidget(0, 2, self)
        self.table.setHorizontalHeaderLabels([_("项目"), _("内容")])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        layout.addWidget(self.table, 1)
        self.issued_label = QLabel(self)
        self.issued_label.setStyleSheet("color: #1b5e20; font-weight: bold;")
        layout.addWidget(self.issued_label)

    def initializePage(self) -> None:
        self.wiz.refresh_preview()
        form = self.wiz.form_def
        values = self.wiz.values
        rows = [
            (f.label, print_text(f.type, values.get(f.key))) for f in form.fields if visible(form, f, values)
        ]
        self.table.setRowCount(len(rows))
        for r, (label, text) in enumerate(rows):
            self.table.setItem(r, 0, QTableWidgetItem(label))
            self.table.setItem(r, 1, QTableWidgetItem(text))
        self.table.resizeColumnToContents(0)
        note = self.wiz.draft.eligibility.reason
        self.note.setText(_("适用：{0}").format(note) if note else "")


class DocumentWizard(QWizard):
    """The wizard for one form and one case."""

    issued_document = Signal(object)

    def __init__(self, service: DocumentService, draft: Draft, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.draft = draft
        self.form_def: FormDef = draft.form
        self.issued: Issued | None = None
        self.values: dict[str, object] = {}
        self.errors: dict[str, ValidationError] = {}
        self.printable: Printable | None = None
        self.pages_laid: list[Page] = []
        self.setWindowTitle(_("{0} — {1}").format(draft.form.title, draft.case.case_number))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.HaveCustomButton1, True)
        self.setOption(QWizard.WizardOption.HaveCustomButton2, True)
        self.setButtonText(QWizard.WizardButton.CustomButton1, _("登记并保存 PDF…"))
        self.setButtonText(QWizard.WizardButton.CustomButton2, _("登记并打印…"))
        # A form a party fills by hand (收款账户确认书, 承诺书) can be handed out blank, unregistered.
        if draft.form.blank:
            self.setOption(QWizard.WizardOption.HaveCustomButton3, True)
            self.setButtonText(QWizard.WizardButton.CustomButton3, _("空白表 PDF…"))
            self.setButtonLayout(
                [
                    QWizard.WizardButton.CustomButton3,
                    QWizard.WizardButton.Stretch,
                    QWizard.WizardButton.BackButton,
                    QWizard.WizardButton.NextButton,
                    QWizard.WizardButton.CustomButton1,
                    QWizard.WizardButton.CustomButton2,
                    QWizard.WizardButton.FinishButton,
                    QWizard.WizardButton.CancelButton,
                ]
            )
        self.setButtonText(QWizard.WizardButton.NextButton, _("下一步"))
        self.setButtonText(QWizard.WizardButton.BackButton, _("上一步"))
        self.setButtonText(QWizard.WizardButton.FinishButton, _("完成"))
        self.setButtonText(QWizard.WizardButton.CancelButton, _("取消"))
        self.customButtonClicked.connect(self._custom)
        self.preview = PreviewPane(self)
        self.setSideWidget(self.preview)

        self.field_pages: list[FieldsPage] = []
        self.widgets: dict[str, QWidget] = {}
        for page_def in draft.form.pages:
            page = FieldsPage(self, page_def)
            self.field_pages.append(page)
            self.widgets.update(page.widgets)
            self.addPage(page)
        self.review = ReviewPage(self)
        self.addPage(self.review)
        for key, widget in self.widgets.items():
            set_widget_text(widget, draft.answers.get(key, ""))
            _changed_signal(widget).connect(self._edited)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.refresh_preview)
        self.currentIdChanged.connect(self._page_changed)
        screen = (parent.screen() if parent is not None else None) or QGuiApplication.primaryScreen()
        room = screen.availableGeometry().size() if screen is not None else QSize(1180, 860)
        # 1366 × 768 is common on court PCs: never open taller or wider than the screen.
        self.resize(min(1180, room.width()), min(860, room.height() - 40))
        self._initial_answers = self.answers()
        self._seen_review = False
        # a read-only window: the wizard fills in and previews a draft (and a blank form), never registers
        self.locked = lock_writes(
            service.ws,
            self.button(QWizard.WizardButton.FinishButton),
            self.button(QWizard.WizardButton.CustomButton1),
            self.button(QWizard.WizardButton.CustomButton2),
        )
        if self.locked:
            self.setWindowTitle(self.windowTitle() + READ_ONLY_TITLE)
            self.review.setSubTitle(_("只读打开：可以填写并预览草稿，不能登记、打印或保存文书。"))
        self.refresh_preview()
        self._page_changed(self.currentId())

    # ------------------------------------------------------------------ answers and preview
    def answers(self) -> dict[str, str]:
        return {key: widget_text(w) for key, w in self.widgets.items()}

    def _edited(self, *_args: object) -> None:
        self.preview.mark_stale()
        self._timer.start()

    def refresh_preview(self) -> None:
        """Check every answer and redraw the page from what is typed now."""
        self._timer.stop()
        self.values, self.errors = self.service.check(self.form_def, self.answers())
        for page in self.field_pages:
            for key, widget in page.widgets.items():
                f = self.form_def.field(key)
                box = widget.parentWidget()
                assert box is not None
                page.form.layout_.setRowVisible(box, visible(self.form_def, f, self.values))
        # Until it is registered the preview is a draft: 草稿 across the page, no number.
        if self.issued:
            self.printable = self.service.preview(self.form_def, self.values, self.issued.number)
        else:
            self.printable = self.service.preview(self.form_def, self.values, draft=True)
        try:
            self.pages_laid = layout_document(self.printable, self.service.fonts)
        except ValidationError as exc:  # a character no font has, typed into a field not yet checked
            self.preview.status.setText(str(exc))
            return
        note = _("有{0}项待改正，预览中以空白显示").format(len(self.errors)) if self.errors else ""
        self.preview.set_pages(self.pages_laid, note)

    def preview_text(self) -> str:
        return document_text(self.pages_laid)

    def check_page(self, page: FieldsPage) -> bool:
        self.refresh_preview()
        page.form.clear_errors()
        bad = [k for k in page.page_def.fields if k in self.errors]
        for key in bad:
            page.form.show_error(self.form_def.field(key).label, self.errors[key].message)
        if bad:
            self.widgets[bad[0]].setFocus()
        return not bad

    def _page_changed(self, _id: int) -> None:
        """On the review page the default button (完成, Enter) registers and prints until the document is
        registered, and then only closes; 登记并保存 PDF… is beside it."""
        on_review = self.currentPage() is self.review
        if on_review:
            self._seen_review = True
        self.button(QWizard.WizardButton.CustomButton1).setVisible(on_review)
        # before registering, the default button is 登记并打印… itself
        self.button(QWizard.WizardButton.CustomButton2).setVisible(on_review and self.issued is not None)
        self.setButtonText(
            QWizard.WizardButton.FinishButton, _("完成") if self.issued is not None else _("登记并打印…")
        )

    # ------------------------------------------------------------------ leaving
    def has_unsaved_work(self) -> bool:
        """Not registered, and something was typed or the review page was reached."""
        if self.issued is not None or self.locked:  # read-only: nothing could have been registered
            return False
        return self._seen_review or self.answers() != self._initial_answers

    def accept(self) -> None:
        """The default button: on the review page it registers and prints first; the wizard closes only
        when that was done (a cancelled print dialog or a refused field keeps it open)."""
        if self.locked or (self.issued is None and not self.print_document()):
            return  # read-only: 登记并打印 is disabled, and so is Enter on it
        super().accept()

    def reject(self) -> None:
        """取消, Esc and the window's close button: ask before dropping answers never registered."""
        if self.has_unsaved_work():
            answer = QMessageBox.question(
                self,
                _("放弃本文书？"),
                _("《{0}》尚未登记，也未保存或打印。关闭后填写的内容将丢失。\n确定放弃吗？").format(
                    self.form_def.title
                ),
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Discard:
                return
        super().reject()

    # ------------------------------------------------------------------ issuing
    def issue(self) -> Issued | None:
        """Register the document once; later saves and prints reuse it."""
        if self.issued is not None:
            return self.issued
        if self.locked:  # Enter on the review page of a read-only window: nothing is registered
            return None
        for page in self.field_pages:
            if not self.check_page(page):
                self.setCurrentId(self.pageIds()[self.field_pages.index(page)])
                return None
        try:
            issued = self.service.issue(self.form_def.id, self.draft.case.id or 0, self.answers())
        except NotEligible as exc:
            QMessageBox.warning(self, _("不能出具"), exc.reason)
            return None
        except CaseInvalid as exc:
            QMessageBox.warning(self, _("内容有误"), str(exc))
            return None
        except StoreError as exc:
            QMessageBox.critical(self, _("登记失败"), str(exc))
            return None
        self.issued = issued
        self.refresh_preview()
        self.review.issued_label.setText(_("已登记：{0}").format(issued.number))
        self.setButtonText(QWizard.WizardButton.CustomButton1, _("另存 PDF…"))
        self.setButtonText(QWizard.WizardButton.CustomButton2, _("再次打印…"))
        self._page_changed(self.currentId())
        self.issued_document.emit(issued)
        return issued

    def _custom(self, which: int) -> None:
        if which == QWizard.WizardButton.CustomButton1.value:
            self.save_pdf()
        elif which == QWizard.WizardButton.CustomButton3.value:
            self.save_blank_pdf()
        else:
            self.print_document()

    def save_blank_pdf(self) -> Path | None:
        """The form blank (the case's number and parties filled in) for the party to complete by
        hand: nothing is registered."""
        name = f"{self.form_def.title}（空白）{self.draft.case.case_number}.pdf".replace("/", "_")
        path_text, _filter = QFileDialog.getSaveFileName(self, _("保存空白表"), name, _("PDF 文件 (*.pdf)"))
        if not path_text:
            return None
        path = Path(path_text)
        try:
            doc = self.service.blank(self.form_def.id, self.draft.case.id)
            path.write_bytes(self.service.pdf([doc]))
        except (OSError, StoreError) as exc:
            QMessageBox.critical(self, _("保存失败"), str(exc))
            return None
        QMessageBox.information(self, _("已保存"), _("空白表（未登记）已保存到：\n{0}").format(path))
        return path

    def default_file_name(self) -> str:
        case = self.draft.case.case_number
        number = self.issued.number if self.issued else ""
        return f"{self.form_def.title}{case}{number}.pdf".replace("/", "_")

    def save_pdf(self) -> Path | None:
        if self.locked:  # it would register the document first
            return None
        path_text, _filter = QFileDialog.getSaveFileName(
            self, _("保存 PDF"), save_dir.suggested(self.default_file_name()), _("PDF 文件 (*.pdf)")
        )
        if not path_text:
            return None
        save_dir.remember(path_text)
        issued = self.issue()
        if issued is None:
            return None
        path = Path(path_text)
        try:
            path.write_bytes(self.service.pdf([issued]))
        except OSError as exc:
            QMessageBox.critical(
                self, _("保存失败"), _("无法写入 {0}：{1}").format(path, exc.strerror or exc)
            )
            return None
        QMessageBox.information(self, _("已保存"), _("{0}（{1}）已保存到：\n{2}").format(
            self.form_def.title, issued.number, path))  # fmt: skip
        return path

    def print_document(self) -> bool:
        if self.locked:  # it would register the document first
            return False
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.default_file_name())
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return False
        issued = self.issue()
        if issued is None:
            return False
        try:
            print_pages(printer, list(issued.pages) or layout_document(issued.printable, self.service.fonts))
        except OSError as exc:
            QMessageBox.critical(self, _("打印失败"), str(exc))
            return False
        return True


def open_wizard(
    service: DocumentService, form_id: str, case_id: int, parent: QWidget | None = None
) -> DocumentWizard | None:
    """Start the wizard, or explain why the form does not apply."""
    try:
        draft = service.start(form_id, case_id)
    except NotEligible as exc:
        QMessageBox.information(parent, _("不能出具"), exc.reason)
        return None
    except StoreError as exc:
        QMessageBox.warning(parent, _("无法开始"), str(exc))
        return None
    return DocumentWizard(service, draft, parent)

"""The document wizard end to end, and the 文书 page: prefill, a refused field, a live preview,
a PDF saved and registered, printing through QPrintDialog, reprint from the register."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QFileDialog, QLineEdit, QWizard

from desktop.core.model import Installment
from desktop.gui import wizard as wizard_module
from desktop.gui.documents_page import DocumentsPage
from desktop.gui.main_window import Changes
from desktop.gui.wizard import DocumentWizard
from desktop.services.documents import DocumentService
from desktop.services.workspace import Workspace
from tests.conftest import make_case, type_text


def prompt_case():  # type: ignore[no-untyped-def]
    case = make_case()
    creditor, debtor = case.parties
    ob = replace(
        case.obligations[0],
        installments=(
            Installment(1, date(2025, 5, 31), 4_000_000),
            Installment(2, date(2025, 6, 18), 6_000_000),
        ),
    )
    return replace(case, obligations=(ob,), deadline=date(2025, 6, 18),
                   parties=(creditor, replace(debtor, address="七台河市新兴区山湖路12号")))  # fmt: skip


@pytest.fixture
def wizard(qtbot, workspace: Workspace) -> DocumentWizard:  # type: ignore[no-untyped-def]
    case = workspace.save_case(prompt_case())
    service = DocumentService(workspace)
    wiz = DocumentWizard(service, service.start("performance_prompt", case.id))
    qtbot.addWidget(wiz)
    wiz.show()
    return wiz


def shown(wiz: DocumentWizard) -> str:
    """The preview's text without line breaks."""
    return "".join(wiz.preview_text().split())


def line(wiz: DocumentWizard, key: str) -> QLineEdit:
    widget = wiz.widgets[key]
    assert isinstance(widget, QLineEdit)
    return widget


def test_wizard_end_to_end(
    qtbot, wizard: DocumentWizard, workspace: Workspace, tmp_path: Path, monkeypatch, dialogs
) -> None:  # type: ignore[no-untyped-def]
    wiz = wizard
    # Prefilled from the case.
    assert line(wiz, "debtor").text() == "七台河市宏达商贸有限公司"
    assert line(wiz, "case_number").text() == "（2025）黑0902民初123号"
    assert line(wiz, "due_date").text() == "2025-06-18"
    assert line(wiz, "due_amount").text() == "60,000.00"
    assert "人民币陆万元整" in shown(wiz)

    # Editing an answer re-renders the preview.
    debtor = line(wiz, "debtor")
    debtor.clear()
    type_text(debtor, "七台河市宏达商贸有限责任公司")
    assert wiz.preview.status.text() == "正在更新预览…"
    qtbot.waitUntil(lambda: "七台河市宏达商贸有限责任公司：" in shown(wiz), timeout=3000)
    assert wiz.preview.status.text().startswith("预览")

    # Page 1 is fine; on page 2 a bad date is refused with a Chinese message under the field.
    wiz.next()
    assert wiz.currentPage() is wiz.field_pages[1]
    due = line(wiz, "due_date")
    due.clear()
    type_text(due, "2025-13-45")
    wiz.next()
    assert wiz.currentPage() is wiz.field_pages[1], "an invalid date must not pass"
    errors = [label.text() for label in wiz.field_pages[1].form._errors.values() if label.isVisible()]
    assert errors == ["月份应在1至12之间，实际为13"]
    due.clear()
    type_text(due, "2025-06-18")
    amount = line(wiz, "due_amount")
    amount.clear()
    type_text(amount, "61000.5")
    qtbot.waitUntil(lambda: "人民币陆万壹仟元零伍角" in shown(wiz), timeout=3000)
    wiz.next()
    assert wiz.currentPage() is wiz.field_pages[2]
    phone = line(wiz, "phone")
    type_text(phone, "12345")
    wiz.next()
    assert wiz.currentPage() is wiz.field_pages[2]
    phone.clear()
    type_text(phone, "13945678901")
    wiz.next()
    assert wiz.currentPage() is wiz.review
    assert wiz.button(QWizard.WizardButton.CustomButton1).isVisible()

    # Save the PDF: the document is registered once, the PDF carries the typed values.
    target = tmp_path / "提示书.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF 文件 (*.pdf)"))
    wiz.button(QWizard.WizardButton.CustomButton1).click()
    assert target.exists()
    rows = list(workspace.db.execute("SELECT doc_number, party FROM documents"))
    assert rows == [("黑0902履提〔2025〕1号", "七台河市宏达商贸有限责任公司")]
    assert wiz.review.issued_label.text() == "已登记：黑0902履提〔2025〕1号"
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(target), "-"], capture_output=True, text=True, check=True
        ).stdout
        squeezed = "".join(text.split())
        assert "人民币61,000.50元（大写：人民币陆万壹仟元零伍角）" in squeezed
        assert "联系电话：13945678901" in squeezed
    contacts = workspace.load_case(1).contacts
    assert [c.rule_id for c in contacts] == ["prompt"]

    # Print through QPrintDialog (to a PDF file here): no second registration.
    printed = tmp_path / "printed.pdf"

    class FakePrintDialog:
        DialogCode = QPrintDialog.DialogCode

        def __init__(self, printer: QPrinter, _parent: object) -> None:
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(str(printed))

        def exec(self) -> QPrintDialog.DialogCode:
            return QPrintDialog.DialogCode.Accepted

    monkeypatch.setattr(wizard_module, "QPrintDialog", FakePrintDialog)
    wiz.button(QWizard.WizardButton.CustomButton2).click()
    assert printed.exists() and printed.stat().st_size > 1000
    assert workspace.db.execute("SELECT count(*) FROM documents").fetchone()[0] == 1


def test_documents_page_lists_forms_with_reasons_and_reprints(
    qtbot, workspace: Workspace, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    case = workspace.save_case(prompt_case())
    changes = Changes()
    page = DocumentsPage(workspace, changes)
    qtbot.addWidget(page)
    workspace.subscribe(changes.changed.emit)
    page.set_case(case.id)
    texts = [page.forms_list.item(i).text() for i in range(page.forms_list.count())]
    assert "自动履行提示书" in texts
    demand = next(t for t in texts if t.startswith("自动履行催告书"))
    assert "不适用" in demand and "尚未届满" in demand
    assert len(texts) == len(service_forms(page))  # every form is listed
    # Issue through the service; the register list follows the change signal.
    service = page.service
    service.issue("performance_prompt", case.id, service.start("performance_prompt", case.id).answers)
    assert page.model.rowCount() == 1
    page.table.selectRow(0)
    target = tmp_path / "reprint.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    page.reprint_selected()
    assert target.read_bytes() == service.reprint([page.model.doc_id(0)])


def service_forms(page: DocumentsPage) -> list[object]:
    return page.service.forms().ordered()

"""The wizard's default button does the work (registers and prints) and leaving unsaved work asks first:
完成 and Enter used to close the wizard without registering, saving or a word."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QMessageBox, QWizard

from desktop.gui import wizard as wizard_module
from desktop.gui.wizard import DocumentWizard
from desktop.services.documents import DocumentService
from desktop.services.workspace import Workspace
from tests.gui.test_documents_gui import prompt_case


@pytest.fixture
def wiz(qtbot, workspace: Workspace) -> Iterator[DocumentWizard]:  # type: ignore[no-untyped-def]
    case = workspace.save_case(prompt_case())
    service = DocumentService(workspace)
    wizard = DocumentWizard(service, service.start("performance_prompt", case.id))
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    yield wizard
    wizard._timer.stop()  # a preview due after the test would read the closed database
    wizard.hide()


class Printer:
    """QPrintDialog replaced: it answers ``accept`` and prints to a PDF file."""

    DialogCode = QPrintDialog.DialogCode

    def __init__(self, target: Path, accept: bool = True) -> None:
        self.target, self.accept, self.opened = target, accept, 0

    def __call__(self, printer: QPrinter, _parent: object) -> Printer:
        self.opened += 1
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(self.target))
        return self

    def exec(self) -> QPrintDialog.DialogCode:
        return QPrintDialog.DialogCode.Accepted if self.accept else QPrintDialog.DialogCode.Rejected


def _documents(workspace: Workspace) -> int:
    return int(workspace.db.execute("SELECT count(*) FROM documents").fetchone()[0])


def _to_review(wiz: DocumentWizard) -> None:
    while wiz.currentPage() is not wiz.review:
        before = wiz.currentId()
        wiz.next()
        assert wiz.currentId() != before, "a page refused its answers"


def test_enter_on_the_review_page_registers_and_prints(
    qtbot, wiz: DocumentWizard, workspace: Workspace, tmp_path: Path, monkeypatch, dialogs
) -> None:  # type: ignore[no-untyped-def]
    printer = Printer(tmp_path / "printed.pdf")
    monkeypatch.setattr(wizard_module, "QPrintDialog", printer)
    _to_review(wiz)
    finish = wiz.button(QWizard.WizardButton.FinishButton)
    assert finish.isVisible() and finish.text() == "登记并打印…"
    assert not wiz.button(QWizard.WizardButton.CustomButton2).isVisible()  # not the same action twice
    assert wiz.button(QWizard.WizardButton.CustomButton1).text() == "登记并保存 PDF…"
    qtbot.keyClick(wiz, Qt.Key.Key_Return)
    assert printer.opened == 1
    assert _documents(workspace) == 1
    assert printer.target.exists() and printer.target.stat().st_size > 1000
    assert wiz.result() == QDialog.DialogCode.Accepted and not wiz.isVisible()
    assert dialogs.shown == []


def test_a_cancelled_print_dialog_keeps_the_wizard_open_and_registers_nothing(
    qtbot, wiz: DocumentWizard, workspace: Workspace, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    printer = Printer(tmp_path / "printed.pdf", accept=False)
    monkeypatch.setattr(wizard_module, "QPrintDialog", printer)
    _to_review(wiz)
    wiz.button(QWizard.WizardButton.FinishButton).click()
    assert printer.opened == 1 and _documents(workspace) == 0
    assert wiz.isVisible()


def test_after_saving_the_default_button_only_closes(
    qtbot, wiz: DocumentWizard, workspace: Workspace, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QFileDialog

    printer = Printer(tmp_path / "printed.pdf")
    monkeypatch.setattr(wizard_module, "QPrintDialog", printer)
    target = tmp_path / "提示书.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    _to_review(wiz)
    wiz.button(QWizard.WizardButton.CustomButton1).click()
    assert target.exists() and _documents(workspace) == 1
    assert wiz.button(QWizard.WizardButton.FinishButton).text() == "完成"
    assert wiz.button(QWizard.WizardButton.CustomButton2).isVisible()  # 再次打印…
    wiz.button(QWizard.WizardButton.FinishButton).click()
    assert printer.opened == 0 and _documents(workspace) == 1
    assert wiz.result() == QDialog.DialogCode.Accepted
    wiz.reject()  # nothing unsaved: no question


@pytest.mark.parametrize("leave", ["cancel_button", "escape", "close"])
def test_leaving_unsaved_answers_asks_first(
    qtbot, wiz: DocumentWizard, workspace: Workspace, dialogs, leave: str
) -> None:  # type: ignore[no-untyped-def]
    _to_review(wiz)

    def do_leave() -> None:
        if leave == "cancel_button":
            wiz.button(QWizard.WizardButton.CancelButton).click()
        elif leave == "escape":
            qtbot.keyClick(wiz, Qt.Key.Key_Escape)
        else:
            wiz.close()

    dialogs.answer = QMessageBox.StandardButton.Cancel
    do_leave()
    assert [title for title, _text in dialogs.shown] == ["放弃本文书？"]
    assert "尚未登记" in dialogs.shown[0][1]
    assert wiz.isVisible(), "answering 取消 keeps the wizard and its answers"
    dialogs.answer = QMessageBox.StandardButton.Discard
    do_leave()
    assert len(dialogs.shown) == 2 and not wiz.isVisible()
    assert _documents(workspace) == 0


def test_leaving_untouched_does_not_ask(qtbot, wiz: DocumentWizard, dialogs) -> None:  # type: ignore[no-untyped-def]
    wiz.button(QWizard.WizardButton.CancelButton).click()
    assert dialogs.shown == [] and not wiz.isVisible()


def test_an_edited_answer_is_unsaved_work(qtbot, wiz: DocumentWizard, dialogs) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import type_text

    type_text(wiz.widgets["debtor"], "有限")
    dialogs.answer = QMessageBox.StandardButton.Cancel
    wiz.reject()
    assert len(dialogs.shown) == 1 and wiz.isVisible()

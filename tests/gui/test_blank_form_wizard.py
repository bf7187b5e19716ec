"""The wizard of a form a party fills by hand offers its blank form (issue 19 §7), unregistered."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWizard

from desktop.services.documents import DocumentService
from desktop.services.workspace import Workspace
from tests.conftest import make_case
from tests.forms.test_golden import prompt_case

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")


def squeeze_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return "".join(out.split())


def test_blank_from_the_wizard(qtbot, workspace: Workspace, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from desktop.gui.wizard import DocumentWizard

    case = workspace.save_case(make_case())
    assert case.id is not None
    service = DocumentService(workspace)
    wiz = DocumentWizard(service, service.start("account_confirmation", case.id))
    qtbot.addWidget(wiz)
    wiz.show()
    button = wiz.button(QWizard.WizardButton.CustomButton3)
    assert button.isVisible() and button.text() == "空白表 PDF…"
    target = tmp_path / "空白.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    button.click()
    text = squeeze_text(target)
    assert "收款账户确认书" in text and "6222020200012345678" not in text
    assert workspace.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 0

    other = workspace.save_case(replace(prompt_case(), case_number="（2025）黑0902民初124号"))
    assert other.id is not None
    prompt = DocumentWizard(service, service.start("performance_prompt", other.id))
    qtbot.addWidget(prompt)
    prompt.show()
    assert not prompt.button(QWizard.WizardButton.CustomButton3).isVisible()
    for w in (wiz, prompt):
        w.close()

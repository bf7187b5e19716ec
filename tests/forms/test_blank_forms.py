"""Blank forms: a form a party fills by hand prints blank, fields as lines to write on.

Issue 19 §7: the 从化 notice tells the clerk to hand out the 收款账户确认书, which refused to print
without 户名/账号/开户行. Every form marked ``blank = true`` prints blank from the CLI
(``render FORM_ID --blank``) and from the wizard, unregistered.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.documents.answers import BLANK_LINE
from desktop.documents.formdef import load_forms
from desktop.documents.layout import Rule
from desktop.documents.render import layout_document
from desktop.services.documents import DocumentService, form_directories
from desktop.services.workspace import Workspace
from desktop.store.database import StoreError
from tests.conftest import make_case
from tests.forms.conftest import POPPLER, pdf_text, squeeze

pytestmark = pytest.mark.skipif(not POPPLER, reason="poppler-utils not installed")

BLANK_FORMS = [f.id for f in load_forms(form_directories()).ordered() if f.blank]


def test_the_party_filled_forms_are_the_ones_marked_blank() -> None:
    assert set(BLANK_FORMS) == {
        "account_confirmation",
        "performance_pledge",
        "pre_enforcement_application",
        "credit_pledge_settlement",
        "credit_pledge_repair",
    }


@pytest.mark.parametrize("form_id", BLANK_FORMS)
def test_every_party_filled_form_prints_blank(workspace: Workspace, form_id: str, tmp_path: Path) -> None:
    service = DocumentService(workspace)
    doc = service.blank(form_id)
    text = pdf_text(service.pdf([doc]), tmp_path)
    assert "{" not in text and "}" not in text
    assert squeeze(BLANK_LINE) in squeeze(text)
    assert "〔" not in text  # no register number
    assert "二〇" not in text  # no date filled in: the party writes it
    assert workspace.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 0


def test_blank_account_confirmation_has_ruled_cells_for_the_account(
    workspace: Workspace, tmp_path: Path
) -> None:
    service = DocumentService(workspace)
    case = workspace.save_case(make_case())  # the case knows the account: the blank must not print it
    assert case.id is not None
    doc = service.blank("account_confirmation", case.id)
    (page,) = layout_document(doc, service.fonts)
    text = squeeze(page.text())
    assert "（2025）黑0902民初123号" in text and "张三丰" in text  # the case's facts are filled in
    assert "6222020200012345678" not in text and "中国工商银行" not in text
    for label in ("户名", "账号", "开户行"):
        assert label in text
    rules = [item for item in page.items if isinstance(item, Rule)]
    assert len(rules) >= 4 + 3  # the table: 4 horizontal and 3 vertical rules at least
    assert "年月日" in text  # 　　年　　月　　日 for the date


def test_a_form_the_court_fills_has_no_blank(workspace: Workspace) -> None:
    with pytest.raises(StoreError, match="没有空白表"):
        DocumentService(workspace).blank("performance_prompt")


def test_render_blank_from_the_command_line(
    workspace: Workspace, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.cli import main

    monkeypatch.setattr("desktop.cli._setup_logging", lambda: None)
    workspace.close()
    out = tmp_path / "blank.pdf"
    assert main(["render", "account_confirmation", "--blank", "--db", str(db_path), "--out", str(out)]) == 0
    assert "户名" in pdf_text(out.read_bytes(), tmp_path)
    assert main(["render", "performance_prompt", "--blank", "--db", str(db_path), "--out", str(out)]) == 2
    assert main(["render", "performance_prompt", "--db", str(db_path), "--out", str(out)]) == 2  # no --case

"""A draft looks like a draft: 草稿 on every page, no register number, never the issued bytes.

Issue 19 §6: ``render --draft`` produced a PDF byte-identical to the issued one, so an unregistered
催告书 could be handed out and never reach the urging log.
"""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from desktop.documents.layout import DRAFT_MARK, DRAFT_NOTE, Mark
from desktop.documents.render import layout_document
from desktop.services.documents import DRAFT_ONLY_NUMBER, DocumentService
from desktop.services.workspace import Workspace
from tests.forms.conftest import POPPLER, pdf_text, squeeze
from tests.forms.test_golden import demand_case

pytestmark = pytest.mark.skipif(not POPPLER, reason="poppler-utils not installed")


def test_draft_is_marked_on_every_page_unnumbered_and_not_logged(
    workspace: Workspace, tmp_path: Path
) -> None:
    case = workspace.save_case(demand_case())
    assert case.id is not None
    service = DocumentService(workspace)
    draft = service.start("performance_demand", case.id)
    values, errors = service.check(draft.form, draft.answers)
    assert not errors
    form = draft.form
    draft_pdf = service.draft_pdf(form, values)

    # Nothing registered, nothing in the urging log.
    assert workspace.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 0
    assert workspace.load_case(case.id).contacts == ()

    issued = service.issue("performance_demand", case.id, draft.answers)
    issued_pdf = service.pdf([issued])
    assert draft_pdf != issued_pdf

    draft_text = pdf_text(draft_pdf, tmp_path)
    pages = draft_text.rstrip("\f").split("\f")
    for page in pages:
        assert squeeze(DRAFT_NOTE) in squeeze(page)
    assert issued.number not in draft_text
    issued_text = pdf_text(issued_pdf, tmp_path)
    assert DRAFT_MARK not in issued_text

    # The PDF's title says it is a draft.
    path = tmp_path / "draft.pdf"
    path.write_bytes(draft_pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "草稿" in info


def test_every_page_of_a_long_draft_has_the_mark(workspace: Workspace) -> None:
    case = workspace.save_case(demand_case())
    assert case.id is not None
    service = DocumentService(workspace)
    draft = service.start("performance_demand", case.id)
    values, _errors = service.check(draft.form, draft.answers)
    doc = service.preview(draft.form, values, draft=True)
    long = replace(doc, blocks=doc.blocks[:2] + doc.blocks[1:2] * 6 + doc.blocks[2:])
    pages = layout_document(long, service.fonts)
    assert len(pages) >= 2
    for page in pages:
        assert sum(isinstance(item, Mark) and item.text == DRAFT_MARK for item in page.items) == 1
        assert DRAFT_NOTE in page.text()


def test_certificate_draft_has_no_register_number(workspace: Workspace, tmp_path: Path) -> None:
    from tests.forms.test_golden import performed_case

    case = workspace.save_case(performed_case())
    assert case.id is not None
    service = DocumentService(workspace)
    draft = service.start("certificate_trial", case.id)
    values, errors = service.check(draft.form, draft.answers)
    assert not errors
    text = squeeze(pdf_text(service.draft_pdf(draft.form, values), tmp_path))
    assert f"证明书编号：{DRAFT_ONLY_NUMBER}" in text
    assert "〔" not in text  # no 黑0902履证〔2025〕1号 style number

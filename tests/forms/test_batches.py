"""Double-sided batches: every document starts on the front of a sheet, numbered on its own.

Issue 19 §4: a batch PDF of 499 demands had 241 documents starting on a back page, so printed
double-sided two parties' notices shared a sheet.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from desktop.documents.fill import Printable
from desktop.documents.render import layout_document
from desktop.services.documents import DocumentService
from tests.forms.conftest import POPPLER, pdf_text

pytestmark = pytest.mark.skipif(not POPPLER, reason="poppler-utils not installed")

NUMBER = re.compile(r"—\s*(\d+)\s*—")


def documents_in(text: str, title: str) -> list[list[str]]:
    """The PDF's pages grouped by document: a page starting with the court name and the title
    begins a new one."""
    pages = text.split("\f")[:-1]  # pdftotext ends every page with a form feed
    docs: list[list[str]] = []
    for page in pages:
        if title in "".join(page.split()[:3]):
            docs.append([])
        docs[-1].append(page)
    return docs


def check_sheets(docs: list[list[str]], lengths: list[int], duplex: bool) -> None:
    assert len(docs) == len(lengths)
    start = 0
    for doc, n in zip(docs, lengths, strict=True):
        if duplex:
            assert start % 2 == 0, "a document starts on the back of a sheet"
            assert len(doc) == n + n % 2
            if n % 2:
                assert not doc[-1].strip(), "the padding page is blank (no text, no page number)"
        else:
            assert len(doc) == n
        # Page numbers count each document's own pages: — 1 —, — 2 — …
        numbers = [int(m) for page in doc for m in NUMBER.findall(page)]
        assert numbers == (list(range(1, n + 1)) if n > 1 else [])
        start += len(doc)


def notice(paragraphs: int) -> Printable:
    body = "逾期仍不履行的，权利人可以依法申请强制执行，人民法院可以依法采取限制消费等措施。" * 3
    return Printable(
        title="自动履行催告书",
        court_name="七台河市新兴区人民法院",
        blocks=(
            ("addressee", "康博："),
            *(("paragraph", body) for _ in range(paragraphs)),
            ("signature", "七台河市新兴区人民法院\n二〇二五年六月十三日"),
        ),
    )


@pytest.mark.parametrize("duplex", [True, False])
def test_documents_of_one_two_and_three_pages_each_start_on_a_front_page(
    demo: DocumentService, tmp_path: Path, duplex: bool
) -> None:
    docs = [notice(n) for n in (1, 5, 1, 9, 1, 1, 5)]
    lengths = [len(layout_document(d, demo.fonts)) for d in docs]
    assert sorted(set(lengths)) == [1, 2, 3], lengths
    text = pdf_text(demo.pdf(docs, duplex=duplex), tmp_path)
    check_sheets(documents_in(text, "自动履行催告书"), lengths, duplex)


def test_a_batch_of_demands_is_padded_by_default(demo: DocumentService, tmp_path: Path) -> None:
    ids = demo.candidates("performance_demand", limit=12)
    assert len(ids) >= 6
    result = demo.issue_batch("performance_demand", ids)
    lengths = [len(layout_document(i.printable, demo.fonts)) for i in result.issued]
    check_sheets(documents_in(pdf_text(result.pdf, tmp_path), "自动履行催告书"), lengths, duplex=True)


def test_a_single_document_is_not_padded(demo: DocumentService) -> None:
    case_id = demo.candidates("performance_demand", limit=1)[0]
    issued = demo.issue("performance_demand", case_id, demo.start("performance_demand", case_id).answers)
    assert demo.pdf([issued]) == demo.pdf([issued], duplex=False)
    assert demo.reprint([issued.doc_id]) == demo.pdf([issued])

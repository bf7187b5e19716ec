"""Every form renders from a demo case: the PDF's text is the filled text, fonts are embedded.

For each form the demo database is searched for a case its eligibility rule allows today; the form is
prefilled from that case (answers the case cannot give, such as the date a notice was served, are
typed as a clerk would), issued, and printed. pdftotext must give back exactly the filled text (no
character lost, blank or replaced), and pdffonts must list only embedded, Unicode-mapped fonts.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from pathlib import Path

import pytest

from desktop.documents.fill import Printable
from desktop.documents.formdef import load_forms
from desktop.documents.layout import A4_NOTICE, Page, Run
from desktop.documents.render import _set, layout_document
from desktop.services.documents import DocumentService, form_directories
from tests.forms.conftest import PAGE_NUMBER, POPPLER, TYPED, pdf_fonts, pdf_text, squeeze

pytestmark = pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftotext, pdffonts) not installed")

FORM_IDS = [f.id for f in load_forms(form_directories()).ordered()]


def expected_text(doc: Printable) -> str:
    """The filled text as written, independent of how it was laid out."""
    parts = [doc.court_name, doc.title, doc.number_line]
    parts += [text.replace("|", "") for _style, text in doc.blocks]
    return "\n".join(parts)


def test_all_forms_are_bundled() -> None:
    assert len(FORM_IDS) == 18
    assert not load_forms(form_directories()).errors


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_form_renders_from_a_demo_case(demo: DocumentService, form_id: str, tmp_path: Path) -> None:
    candidates = demo.candidates(form_id, limit=1)
    assert candidates, f"no demo case is eligible for {form_id}"
    case_id = candidates[0]
    draft = demo.start(form_id, case_id)
    answers = dict(draft.answers)
    for key, value in TYPED.items():
        if key in answers and not answers[key].strip():
            answers[key] = value
    _values, errors = demo.check(draft.form, answers)
    assert not errors, {k: str(e) for k, e in errors.items()}

    issued = demo.issue(form_id, case_id, answers)
    data = demo.pdf([issued])
    text = pdf_text(data, tmp_path)

    # Page numbers appear exactly when there is more than one page.
    pages = layout_document(issued.printable, demo.fonts)
    numbers = PAGE_NUMBER.findall(text)
    assert len(numbers) == (len(pages) if len(pages) > 1 else 0)
    assert squeeze(PAGE_NUMBER.sub("", text)) == squeeze(expected_text(issued.printable))

    # The case's own facts are in the printed text: 案号, the court, the addressee's name.
    court = demo.ws.court()
    assert court is not None and court.court_name in text
    if draft.form.number_line:
        assert squeeze(issued.printable.number_line) in squeeze(text)
    printed = squeeze(text)
    if form_id == "performance_notice_ch":  # names the receiving account, not the parties
        assert squeeze(answers["account_number"]) in printed
    else:
        assert any(p.name in printed for p in draft.case.parties)
    assert "{" not in text and "}" not in text

    fonts = pdf_fonts(data, tmp_path)
    assert fonts, "no fonts listed"
    for row in fonts:
        assert row["emb"] == "yes" and row["uni"] == "yes", row


def test_reprint_gives_the_same_bytes(demo: DocumentService) -> None:
    case_id = demo.candidates("performance_notice_qth", limit=1)[0]
    draft = demo.start("performance_notice_qth", case_id)
    issued = demo.issue("performance_notice_qth", case_id, draft.answers)
    assert demo.reprint([issued.doc_id]) == demo.pdf([issued])


def _notice(paragraphs: int) -> Printable:
    body = "逾期仍不履行的，权利人可以依法申请强制执行，人民法院可以依法采取限制消费等措施。" * 2
    return Printable(
        title="自动履行催告书",
        court_name="七台河市新兴区人民法院",
        number_line="（2025）黑0902民初123号",
        blocks=(
            ("addressee", "康博："),
            *(("paragraph", body) for _ in range(paragraphs)),
            ("paragraph", "特此催告。"),
            ("signature", "七台河市新兴区人民法院\n二〇二六年十二月四日"),
        ),
    )


def _body_pitch(page: Page) -> float:
    """The smallest distance between two baselines of 16 pt text."""
    ys = sorted({round(r.y, 2) for r in page.items if isinstance(r, Run) and r.size == 16})
    return min(b - a for a, b in itertools.pairwise(ys))


def test_a_notice_a_few_lines_too_long_keeps_the_grid_unless_the_form_allows_tighter(
    demo: DocumentService,
) -> None:
    """By default the 22-line grid is kept and the notice runs onto page 2; a form declaring
    ``max_lines_per_page`` (the court allows it, GB/T 9704 §7.3.5) is set on one page with at most
    that many lines; a notice far too long keeps the grid either way."""

    fits = next(n for n in range(1, 20) if len(_set(_notice(n + 1), demo.fonts, A4_NOTICE)) == 2)
    over = _notice(fits + 1)  # one paragraph too many for the 22-line grid
    standard = layout_document(over, demo.fonts)
    assert len(standard) == 2 and abs(_body_pitch(standard[0]) - A4_NOTICE.pitch) < 0.01

    (page,) = layout_document(replace(over, max_lines=26), demo.fonts)
    assert _body_pitch(page) < A4_NOTICE.pitch - 0.5
    assert _body_pitch(page) >= (A4_NOTICE.height - A4_NOTICE.top - A4_NOTICE.bottom) / 26 - 0.01
    assert "特此催告" in page.text() and "二〇二六年十二月四日" in page.text()

    long = layout_document(replace(_notice(fits + 8), max_lines=26), demo.fonts)
    assert len(long) >= 2 and abs(_body_pitch(long[0]) - A4_NOTICE.pitch) < 0.01

"""Every form renders from a demo case: the PDF's text is the filled text, fonts are embedded.

For each form the demo database is searched for a case its eligibility rule allows today; the form is
prefilled from that case (answers the case cannot give, such as the date a notice was served, are
typed as a clerk would), issued, and printed. pdftotext must give back exactly the filled text (no
character lost, blank or replaced), and pdffonts must list only embedded, Unicode-mapped fonts.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from desktop.documents.fill import Printable
from desktop.documents.formdef import load_forms
from desktop.documents.layout import A4_NOTICE, Page, Run
from desktop.documents.render import MOST_LINES_PER_PAGE, _set, layout_document
from desktop.services.documents import DocumentService, form_directories
from tests.forms.conftest import PAGE_NUMBER, POPPLER, pdf_fonts, pdf_text, squeeze

pytestmark = pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftotext, pdffonts) not installed")

# What a clerk types when the case record does not say it (only used where the prefill is empty).
TYPED = {
    "judgment_date": "2024-12-02",
    "apply_date": "2025-03-03",
    "filing_date": "2025-03-10",
    "notice_date": "2025-05-20",
    "new_deadline": "2025-06-30",
    "settlement_date": "2025-06-01",
    "terms": "被执行人于2025年7月31日前分两期给付申请执行人人民币20,000.00元，"
    "首期10,000.00元于2025年6月30日前给付",
    "reason": "生产经营任务紧急，需参与政府采购招标",
    "repair_from": "2025-06-15",
    "repair_to": "2025-08-15",
    "perform_by": "2025-08-31",
    "pre_number": "（2025）黑0902执前调5号",
    "basis_number": "（2024）黑0902民初88号",
    "enforcement_number": "（2025）黑0902执77号",
    "obligations": "（1）被申请人于本判决生效之日起十日内给付申请人借款本金人民币20,000.00元；",
    "performed_date": "2025-06-01",
    "cause": "民间借贷纠纷",
    "ground": "存在其他符合破产申请条件的情形",
}

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


def test_a_notice_a_few_lines_too_long_is_set_on_one_page(demo: DocumentService) -> None:
    """GB/T 9704 §7.3.5: rather than carry 特此催告 and the signature to a page of their own, the line
    pitch is tightened (to at most 26 lines a page); a notice far too long keeps the 22-line grid."""

    fits = next(n for n in range(1, 20) if len(_set(_notice(n + 1), demo.fonts, A4_NOTICE)) == 2)
    over = _notice(fits + 1)  # one paragraph too many for the 22-line grid
    assert len(_set(over, demo.fonts, A4_NOTICE)) == 2
    (page,) = layout_document(over, demo.fonts)
    assert _body_pitch(page) < A4_NOTICE.pitch - 0.5
    assert (
        _body_pitch(page)
        >= (A4_NOTICE.height - A4_NOTICE.top - A4_NOTICE.bottom) / MOST_LINES_PER_PAGE - 0.01
    )
    assert "特此催告" in page.text() and "二〇二六年十二月四日" in page.text()

    long = layout_document(_notice(fits + 8), demo.fonts)
    assert len(long) >= 2 and abs(_body_pitch(long[0]) - A4_NOTICE.pitch) < 0.01

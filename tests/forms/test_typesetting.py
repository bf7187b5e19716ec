"""GB/T 9704 measured on the printed PDF: 28 characters a line, 22 lines a page, for every form.

Each form is issued from a demo case and printed; ``pdftotext -bbox-layout`` gives every text line of
the PDF with its box. A full line of Chinese body text (3号, reaching the right margin) must hold 28
characters — 27 only where the 28th was pushed to the next line by the line-start/line-end rules —
and every line on a page must sit on the 22-line grid of the 225 mm text block (or the grid of the
form's declared ``max_lines_per_page``).
"""

from __future__ import annotations

import subprocess
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

from desktop.documents.formdef import load_forms
from desktop.documents.layout import A4_NOTICE, NO_LINE_END, NO_LINE_START
from desktop.services.documents import DocumentService, form_directories
from tests.forms.conftest import PAGE_NUMBER, POPPLER, typed_answers

pytestmark = pytest.mark.skipif(not POPPLER, reason="poppler-utils not installed")

FORM_IDS = [f.id for f in load_forms(form_directories()).ordered()]
T = A4_NOTICE
CELL = T.grid_size + T.tracking  # one character of 3号 body text on the grid


@dataclass(frozen=True)
class Line:
    page: int
    text: str
    x_min: float
    y_min: float
    x_max: float
    y_max: float

    @property
    def height(self) -> float:
        return self.y_max - self.y_min


def pdf_lines(data: bytes, tmp_path: Path) -> list[list[Line]]:
    """The text lines of each page, as pdftotext -bbox-layout places them (top to bottom)."""
    path = tmp_path / "measure.pdf"
    path.write_bytes(data)
    xml = subprocess.run(
        ["pdftotext", "-bbox-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    root = ET.fromstring(xml)
    pages: list[list[Line]] = []
    for n, page in enumerate(el for el in root.iter() if el.tag.endswith("page")):
        # Words on one baseline make a line (pdftotext may cut a line into several <line>s at a wide
        # space). It splits words at spaces (also the ideographic space 　): put back one 　 for each
        # character cell of a gap, so that the text counts the cells the line fills.
        rows: dict[int, list[tuple[float, float, float, float, str]]] = {}
        for w in (el for el in page.iter() if el.tag.endswith("word")):
            box = tuple(float(w.attrib[k]) for k in ("xMin", "yMin", "xMax", "yMax"))
            rows.setdefault(round(box[3] * 4), []).append((*box, w.text or ""))  # type: ignore[arg-type]
        lines = []
        for words in rows.values():
            words.sort()
            text, end = "", None
            for x0, _y0, x1, _y1, word in words:
                if end is not None:
                    text += "　" * round((x0 - end) / CELL)
                text += word
                end = x1 + T.tracking
            lines.append(Line(n, text, words[0][0], words[0][1], words[-1][2], words[0][3]))
        pages.append(sorted(lines, key=lambda ln: (ln.y_min, ln.x_min)))
    return pages


def full_width(text: str) -> bool:
    return all(unicodedata.east_asian_width(ch) in "WF" for ch in text)


def check_chars_per_line(pages: list[list[Line]]) -> int:
    """Every full line of 3号 Chinese text holds 28 characters (27 when 禁则 pushed one on), counting
    an indent in character cells; returns how many full lines were measured."""
    right = T.width - T.right
    measured = 0
    body = [ln for lines in pages for ln in lines if abs(ln.height - 16) < 0.5]
    for k, ln in enumerate(body):
        assert ln.x_max <= right + 0.05, f"line past the right margin: {ln.text}"
        if not full_width(ln.text) or ln.x_max < right - 0.05:
            continue  # mixed with figures, or a paragraph's last line
        measured += 1
        nxt = body[k + 1].text if k + 1 < len(body) else ""
        if nxt.lstrip("（《“〔【")[:1].isascii():
            continue  # a figure or account number is kept whole: the line before it ends short
        pushed = (len(nxt) > 1 and nxt[1] in NO_LINE_START) or (nxt[:1] in NO_LINE_END and nxt != "")
        allowed = {28, 27} if pushed else {28}
        indent = (ln.x_min - T.left) / CELL
        assert abs(indent - round(indent)) < 0.01, f"indent of {indent:.2f} characters: {ln.text}"
        count = round(indent) + len(ln.text)
        assert count in allowed, f"{count} characters: {ln.text}"
    return measured


def check_grid(pages: list[list[Line]], lines_per_page: int) -> list[int]:
    """Every line's centre falls in a row of the grid; returns the rows used on each page."""
    pitch = (T.height - T.top - T.bottom) / lines_per_page
    used = []
    for lines in pages:
        rows = []
        for ln in lines:
            if PAGE_NUMBER.fullmatch(ln.text.replace(" ", "")) or ln.y_min > T.height - T.bottom:
                continue
            row = ((ln.y_min + ln.y_max) / 2 - T.top) / pitch - 0.5
            assert abs(row - round(row)) < 0.1, f"off the grid ({row:.2f}): {ln.text}"
            assert 0 <= round(row) < lines_per_page, f"row {round(row)}: {ln.text}"
            rows.append(round(row))
        used.append(max(rows, default=-1) + 1)
    return used


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_every_form_prints_28_characters_a_line_and_22_lines_a_page(
    demo: DocumentService, form_id: str, tmp_path: Path
) -> None:
    case_id = demo.candidates(form_id, limit=1)[0]
    issued = demo.issue(form_id, case_id, typed_answers(demo, form_id, case_id))
    pages = pdf_lines(demo.pdf([issued]), tmp_path)
    assert check_chars_per_line(pages) >= 1
    allowed = [22] + ([issued.printable.max_lines] if issued.printable.max_lines else [])
    for n in allowed:
        try:
            check_grid(pages, n)
            break
        except AssertionError:
            if n == allowed[-1]:
                raise


def test_a_long_text_fills_the_first_page_with_22_lines(demo: DocumentService, tmp_path: Path) -> None:
    """A notice of several pages: 22 lines on a full page, each full line 28 characters."""
    from desktop.documents.fill import Printable
    from desktop.documents.render import pdf_for

    body = "人民法院可以依法采取限制消费、纳入失信被执行人名单、罚款、拘留等措施" * 4
    doc = Printable(
        title="自动履行催告书",
        court_name="七台河市新兴区人民法院",
        blocks=(*(("paragraph", body) for _ in range(8)), ("signature", "本院\n二〇二五年六月十三日")),
    )
    pages = pdf_lines(pdf_for([("t", doc)], demo.fonts), tmp_path)
    assert len(pages) >= 2
    assert check_chars_per_line(pages) >= 30
    assert check_grid(pages, 22)[0] == 22
    assert [len(ln.text) for ln in pages[0] if abs(ln.height - 16) < 0.5][1] == 28


def test_page_numbers_on_a_single_page_only_where_the_form_says_so(demo: DocumentService) -> None:
    from dataclasses import replace

    from desktop.documents.fill import Printable
    from desktop.documents.render import layout_document

    doc = Printable(title="收款账户确认书", blocks=(("paragraph", "特此确认。"),))
    (plain,) = layout_document(doc, demo.fonts)
    assert "— 1 —" not in plain.text()
    (numbered,) = layout_document(replace(doc, page_numbers="always"), demo.fonts)
    assert numbered.text().endswith("— 1 —")


def test_form_layout_settings_are_read_and_checked(tmp_path: Path) -> None:
    from desktop.documents.formdef import load_form

    source = next(f for f in load_forms(form_directories()).ordered() if f.id == "account_confirmation").path
    text = source.read_text(encoding="utf-8")
    good = tmp_path / "good.toml"
    good.write_text(
        text.replace("order = 180", 'order = 180\npage_numbers = "always"\nmax_lines_per_page = 24')
    )
    form, errors = load_form(good)
    assert not errors and form is not None
    assert (form.page_numbers, form.max_lines_per_page) == ("always", 24)
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace("order = 180", 'order = 180\npage_numbers = "odd"\nmax_lines_per_page = 40'))
    form, errors = load_form(bad)
    messages = " ".join(str(e) for e in errors)
    assert "max_lines_per_page 应为 23 至 26 之间的整数" in messages and "未知的页码方式" in messages

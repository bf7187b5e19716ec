"""A filled document on pages: the court notice layout of DOMAIN.md §6 and the seed templates.

Court name and title centred in 小标宋 (22 pt); the 案号 on the line below, right-aligned, in 仿宋
(16 pt), as the 法院诉讼文书样式 place it; the addressee flush left; paragraphs indented two characters;
the issuer and the date kept together at the end with room for the seal; annexes and notes after
them; page numbers on every page when there is more than one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from desktop.documents.fill import Printable
from desktop.documents.fonts import HEADING, TITLE, FontSet, default_fonts
from desktop.documents.layout import (
    A4_NOTICE,
    CENTER,
    LEFT,
    RIGHT,
    Page,
    PageTemplate,
    TextStyle,
    Typesetter,
    mark_draft,
)
from desktop.documents.pdf import PdfPart, write_pdf

TITLE_STYLE = TextStyle(role=TITLE, size=22, align=CENTER, first_indent=0, grid=False)
BODY_STYLE = TextStyle()
STYLES: dict[str, TextStyle] = {
    "addressee": TextStyle(align=LEFT, first_indent=0),
    "paragraph": BODY_STYLE,
    "plain": TextStyle(first_indent=0),
    "heading": TextStyle(role=HEADING),
    "center": TextStyle(align=CENTER, first_indent=0),
    "right": TextStyle(align=RIGHT, first_indent=0),
    "annex_title": TextStyle(align=LEFT, first_indent=0),
    "annex": BODY_STYLE,
    "note": BODY_STYLE,
}
NUMBER_STYLE = TextStyle(align=RIGHT, first_indent=0)
TABLE_STYLE = TextStyle(align=LEFT, first_indent=0, grid=False)


def layout_document(
    doc: Printable, fonts: FontSet | None = None, template: PageTemplate = A4_NOTICE
) -> list[Page]:
    """The pages of one document, on the 22-line grid.

    Only a form that declares ``max_lines_per_page`` (a court that allows it, GB/T 9704 §7.3.5: line
    spacing may be adjusted) has a notice that runs onto a second page set on one page with up to that
    many lines; by default the standard grid is kept."""
    fonts = fonts or default_fonts()
    pages = _set(doc, fonts, template)
    if len(pages) == 2 and doc.max_lines > template.lines_per_page:
        for lines in range(template.lines_per_page + 1, doc.max_lines + 1):
            tighter = _set(doc, fonts, replace(template, lines_per_page=lines))
            if len(tighter) == 1:
                pages = tighter
                break
    if doc.draft:
        mark_draft(pages, fonts, template)
    return pages


CLOSING_STYLES = ("paragraph", "plain", "addressee", "right", "center", "blank")
CLOSING_LENGTH = 16  # 特此通知。, 此致, the court's name: short lines that close a document


def closing_start(blocks: Sequence[tuple[str, str]]) -> int | None:
    """Index of the first block of the closing group: the short one-line blocks (特此通知。, 此致,
    the addressed court) right before the signature, and the signature. None without a signature."""
    sig = next((k for k, (style, _t) in enumerate(blocks) if style == "signature"), None)
    if sig is None:
        return None
    start = sig
    while start > 0:
        style, text = blocks[start - 1]
        if style not in CLOSING_STYLES or "\n" in text or len(text.strip()) > CLOSING_LENGTH:
            break
        start -= 1
    while start < sig and blocks[start][0] == "blank":
        start += 1  # a blank line before the closing stays with the text above
    return start


def _closing_height(ts: Typesetter, blocks: Sequence[tuple[str, str]]) -> float:
    height = 0.0
    for style, text in blocks:
        if style == "blank":
            height += ts.leading(BODY_STYLE)
        elif style == "signature":
            rows = 1 + len(text.split("\n"))  # room for the seal, the names, the date
            height += rows * ts.leading(BODY_STYLE)
        else:
            st = STYLES.get(style, BODY_STYLE)
            height += ts.leading(st) * max(len(ts.break_lines(text, st)), 1)
    return height


def _set(doc: Printable, fonts: FontSet, template: PageTemplate) -> list[Page]:
    ts = Typesetter(fonts, template)
    closing = closing_start(doc.blocks)
    sig = next((k for k, (style, _t) in enumerate(doc.blocks) if style == "signature"), None)
    if doc.court_name:
        ts.paragraph(doc.court_name, TITLE_STYLE)
    ts.paragraph(doc.title, TITLE_STYLE)
    if doc.number_line:
        ts.paragraph(doc.number_line, NUMBER_STYLE)
    after_signature = False
    for k, (style, text) in enumerate(doc.blocks):
        if k == closing and sig is not None:
            # The closing lines and the signature stay together, with at least two lines of the
            # text before them (GB/T 9704 §7.3.5: no page holding only 特此通知 and the signature).
            ts.keep_room(_closing_height(ts, doc.blocks[k : sig + 1]), pull=2)
        if style == "blank":
            ts.skip(1)
        elif style == "signature":
            lines = text.split("\n")
            ts.signature(lines[:-1], lines[-1], BODY_STYLE)
            after_signature = True
        elif style == "table":
            rows = [[cell.strip() for cell in line.split("|")] for line in text.split("\n") if line.strip()]
            width = max((len(r) for r in rows), default=1)
            rows = [r + [""] * (width - len(r)) for r in rows]
            widths = [0.25] + [0.75 / (width - 1)] * (width - 1) if width > 1 else [1.0]
            ts.table(rows, widths, TABLE_STYLE, padding=6, on_grid=True)
        else:
            if style == "annex_title" and after_signature and not ts.at_top:
                ts.new_page()  # GB/T 9704 §8.1: 附件另面编排
            ts.paragraph(text, STYLES.get(style, BODY_STYLE))
    return ts.finish(always_number=doc.page_numbers == "always")


def document_text(pages: Sequence[Page]) -> str:
    """The printed text line by line, pages separated by a form feed (like pdftotext)."""
    return "\f".join(p.text() for p in pages)


def pad_to_even(pages: list[Page]) -> list[Page]:
    """The pages with a blank (unnumbered, GB/T 9704 §7.5) back page added when their count is odd,
    so that in a double-sided print run the next document starts on a new sheet."""
    if len(pages) % 2 == 0:
        return pages
    last = pages[-1]
    return [*pages, Page(last.width, last.height)]


def pdf_for(
    docs: Sequence[tuple[str, Printable]],
    fonts: FontSet | None = None,
    author: str = "",
    duplex: bool = True,
) -> bytes:
    """One PDF with each (bookmark title, document), each starting on a new page and numbered on
    its own. ``duplex`` (the default): when there are several documents each is padded to an even
    page count, so that printed double-sided no two documents (two parties' notices) share a sheet."""
    fonts = fonts or default_fonts()
    laid = [(title, layout_document(doc, fonts)) for title, doc in docs]
    title = docs[0][1].title if len(docs) == 1 else f"文书{len(docs)}份"
    if any(doc.draft for _title, doc in docs):
        title = f"草稿（未登记）{title}"
    return pages_pdf(laid, title=title, author=author, duplex=duplex)


def pages_pdf(
    docs: Sequence[tuple[str, Sequence[Page]]], title: str, author: str = "", duplex: bool = True
) -> bytes:
    """One PDF of documents already laid out (bookmark title, pages); see :func:`pdf_for`."""
    parts = [PdfPart(t, list(pages)) for t, pages in docs]
    if duplex and len(parts) > 1:
        parts = [PdfPart(p.title, pad_to_even(list(p.pages))) for p in parts]
    return write_pdf(parts, title=title, author=author)

"""Writing laid-out pages to PDF with reportlab: fonts embedded (subset), text extractable.

Output is deterministic (reportlab's invariant mode: no creation time, fixed document id), so the
same pages always give the same bytes — a reprint from the register is the document as issued.
Several documents can go into one file (a batch), each starting on a new page with a bookmark.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.pdfgen.canvas import Canvas

from desktop.documents.layout import Mark, Page, Rule, Run

CREATOR = "法庭自动履行工作台 Tribunal Desk"
EMBOLDEN = 0.03  # stroke width as a share of the font size for emboldened faces


@dataclass(frozen=True)
class PdfPart:
    """One document's pages, with the bookmark title it gets in a batch."""

    title: str
    pages: Sequence[Page]


def _draw_page(canvas: Canvas, page: Page) -> None:
    """Draw one page. Character spacing and render mode belong to the PDF graphics state and outlive
    a text object, so every run sets both and an emboldened run resets the mode after itself."""
    height = page.height
    for item in page.items:
        if isinstance(item, Run):
            text = canvas.beginText()
            text.setTextOrigin(item.x, height - item.y)
            text.setFont(item.slot.face.font().fontName, item.size)
            text.setCharSpace(item.char_space)
            if item.slot.embolden:
                canvas.setLineWidth(item.size * EMBOLDEN)
                text.setTextRenderMode(2)  # fill, then stroke the outline: a bold 小标宋 look
            text.textOut(item.text)
            if item.slot.embolden:
                text.setTextRenderMode(0)
            canvas.drawText(text)
        elif isinstance(item, Rule):
            canvas.setLineWidth(item.width)
            canvas.line(item.x1, height - item.y1, item.x2, height - item.y2)
        elif isinstance(item, Mark):
            canvas.saveState()
            canvas.setFillGray(item.gray)
            canvas.translate(item.x, height - item.y)
            canvas.rotate(item.angle)
            canvas.setFont(item.slot.face.font().fontName, item.size)
            canvas.drawString(-item.width() / 2, -item.size * 0.35, item.text)
            canvas.restoreState()


def write_pdf(
    parts: Sequence[PdfPart],
    title: str = "",
    author: str = "",
    subject: str = "",
    out: io.BufferedIOBase | None = None,
) -> bytes:
    """Every part's pages in one PDF; returns the bytes (and writes them to ``out`` if given)."""
    buffer = io.BytesIO()
    first = next((p.pages[0] for p in parts if p.pages), None)
    size = (first.width, first.height) if first else (595.2756, 841.8898)
    # The canvas names an initial font on every page: make it an embedded one (not Helvetica).
    run = next((i for p in parts for pg in p.pages for i in pg.items if isinstance(i, Run)), None)
    initial = {"initialFontName": run.slot.face.font().fontName} if run else {}
    canvas = Canvas(buffer, pagesize=size, invariant=1, pageCompression=1, **initial)
    canvas.setTitle(title or (parts[0].title if parts else ""))
    canvas.setAuthor(author)
    canvas.setSubject(subject)
    canvas.setCreator(CREATOR)
    canvas.setProducer(CREATOR)
    bookmarks = len(parts) > 1
    for k, part in enumerate(parts):
        for n, page in enumerate(part.pages):
            canvas.setPageSize((page.width, page.height))
            if bookmarks and n == 0:
                key = f"doc{k}"
                canvas.bookmarkPage(key)
                canvas.addOutlineEntry(part.title, key, level=0)
            _draw_page(canvas, page)
            canvas.showPage()
    if not parts or not any(p.pages for p in parts):
        canvas.showPage()
    canvas.save()
    data = buffer.getvalue()
    if out is not None:
        out.write(data)
    return data

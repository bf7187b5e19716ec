"""Drawing laid-out pages with QPainter: the wizard's live preview and printing through QPrinter.

The pages come from ``documents.layout`` — the same objects the PDF writer draws — and every
character is placed at the position the layout computed (advances from the same font files), so the
preview and the printout match the PDF. Faces are loaded into Qt from the same files
(QFontDatabase.addApplicationFont); emboldened faces are filled and stroked like in the PDF.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QImage, QPainter, QPainterPath, QPen
from PySide6.QtPrintSupport import QPrinter

from desktop.documents.fonts import Face
from desktop.documents.layout import Mark, Page, Rule, Run
from desktop.documents.pdf import EMBOLDEN

_FAMILIES: dict[str, str] = {}


def family_of(face: Face) -> str:
    """The Qt family name of a face, loading its file into Qt once."""
    key = str(face.path)
    if key not in _FAMILIES:
        QFontDatabase.addApplicationFont(key)
        _FAMILIES[key] = ""
    return face.family


def _font(face: Face, size: float) -> QFont:
    font = QFont(family_of(face))
    font.setPixelSize(max(1, round(size)))  # the painter is scaled so that one unit is one point
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    font.setKerning(False)
    font.setStyleStrategy(QFont.StyleStrategy.NoFontMerging)
    return font


def paint_page(painter: QPainter, page: Page) -> None:
    """Draw ``page`` with the painter's coordinates in points from the page's top-left corner."""
    black = QColor(0, 0, 0)
    fonts: dict[tuple[str, float], QFont] = {}
    for item in page.items:
        if isinstance(item, Run):
            key = (item.slot.face.key, item.size)
            font = fonts.get(key)
            if font is None:
                font = fonts[key] = _font(item.slot.face, item.size)
            x = item.x
            if item.slot.embolden:
                path = QPainterPath()
                for ch, advance in zip(item.text, item.advances(), strict=True):
                    path.addText(QPointF(x, item.y), font, ch)
                    x += advance
                painter.fillPath(path, black)
                painter.strokePath(path, QPen(black, item.size * EMBOLDEN))
            else:
                painter.setFont(font)
                painter.setPen(black)
                for ch, advance in zip(item.text, item.advances(), strict=True):
                    painter.drawText(QPointF(x, item.y), ch)
                    x += advance
        elif isinstance(item, Rule):
            painter.setPen(QPen(black, item.width))
            painter.drawLine(QPointF(item.x1, item.y1), QPointF(item.x2, item.y2))
        elif isinstance(item, Mark):
            painter.save()
            painter.translate(item.x, item.y)
            painter.rotate(-item.angle)  # Qt turns clockwise with y down
            painter.setFont(_font(item.slot.face, item.size))
            grey = round(item.gray * 255)
            painter.setPen(QColor(grey, grey, grey))
            painter.drawText(QPointF(-item.width() / 2, item.size * 0.35), item.text)
            painter.restore()


def render_page(page: Page, dpi: float = 96.0) -> QImage:
    """The page as an image at ``dpi`` (white paper, antialiased)."""
    scale = dpi / 72.0
    image = QImage(round(page.width * scale), round(page.height * scale), QImage.Format.Format_RGB32)
    image.setDotsPerMeterX(round(dpi / 0.0254))
    image.setDotsPerMeterY(round(dpi / 0.0254))
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.scale(scale, scale)
        paint_page(painter, page)
    finally:
        painter.end()
    return image


def print_pages(printer: QPrinter, pages: Sequence[Page]) -> None:
    """Print pages 1:1 on A4 (the printer's margins are ignored: the layout has its own)."""
    printer.setFullPage(True)
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("无法开始打印（打印机不可用或输出文件无法写入）")
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        rect = printer.pageRect(QPrinter.Unit.DevicePixel)
        for n, page in enumerate(pages):
            if n:
                printer.newPage()
            painter.save()
            scale = min(rect.width() / page.width, rect.height() / page.height)
            painter.translate(-rect.left(), -rect.top())
            painter.scale(scale, scale)
            paint_page(painter, page)
            painter.restore()
    finally:
        painter.end()

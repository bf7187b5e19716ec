"""A table's header never stands alone at the foot of a page (the statistics PDF left an empty header
at the bottom of a page and repeated it over the rows on the next)."""

from __future__ import annotations

import pytest

from desktop.documents.fonts import default_fonts
from desktop.documents.layout import Typesetter
from desktop.services.statistics import CELL, CELL_HEAD, PAGE

HEADER = ("承办人", "期限届满", "已自动履行")
ROWS = [HEADER, *((f"承办人{n}", str(n), str(n // 2)) for n in range(1, 40))]


def _shape(pages) -> list[tuple[bool, bool]]:  # type: ignore[no-untyped-def]
    """Per page: (has the header, has a row)."""
    out = []
    for page in pages:
        lines = page.lines()
        header = any("期限届满" in line for line in lines)
        row = any(line.startswith("承办人") and "期限届满" not in line for line in lines)
        out.append((header, row))
    return out


@pytest.mark.parametrize("room", [5.0, 25.0, 30.0, 40.0, 60.0, 120.0])
def test_the_header_starts_a_page_with_the_first_row(room: float) -> None:
    ts = Typesetter(default_fonts(), PAGE)
    ts.paragraph("统计表", CELL)
    ts.y = PAGE.frame_bottom - room  # this much room left on the first page
    ts.table(ROWS, (0.4, 0.3, 0.3), CELL, header_rows=1, padding=3, header_style=CELL_HEAD)
    shape = _shape(ts.finish(number_pages=False))
    assert all(header == row for header, row in shape), shape  # no header without rows, no rows without it
    assert sum(row for _h, row in shape) >= 2  # the table did run over a page

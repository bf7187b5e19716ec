"""Reprints independent of the machine (issue 19 §8).

A reprint on a PC with other fonts used to set the text again with those fonts (other widths, other
line breaks), and the PDF's Author took today's court name. The register now keeps the pages as laid
out at issue, each face named by its font file's sha256; a reprint draws them again with that exact
file wherever it is on the machine, or refuses naming the font.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from desktop.core.model import CourtSettings
from desktop.documents.fill import Printable
from desktop.documents.fonts import BODY, FontSet, build_fontset
from desktop.documents.layout import Page, Run
from desktop.documents.render import layout_document
from desktop.services.documents import DocumentService
from desktop.services.workspace import Workspace
from desktop.store.database import StoreError
from tests.forms.conftest import POPPLER
from tests.forms.test_golden import demand_case

WQY = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
pytestmark = [
    pytest.mark.skipif(not POPPLER, reason="poppler-utils not installed"),
    pytest.mark.skipif(not WQY.exists(), reason="fonts-wqy-microhei not installed"),
]


def other_pc_fonts(folder: Path, tweak: bool = False) -> FontSet:
    """A PC whose 仿宋 is another font: a copy of 文泉驿微米黑 installed as simfang.ttf (``tweak``: a
    file of its own, with bytes appended, so that no other copy on this machine has its hash)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "simfang.ttf"
    shutil.copyfile(WQY, target)
    if tweak:
        with open(target, "ab") as fh:
            fh.write(b"\0" * 64)
    fonts = build_fontset(use_system=True, font_dirs=[folder])
    assert fonts.primary(BODY).face.path == target
    return fonts


def placed(pages: list[Page]) -> list[tuple[float, float, str]]:
    return [(round(r.x, 2), round(r.y, 2), r.text) for p in pages for r in p.items if isinstance(r, Run)]


def bbox(data: bytes, tmp_path: Path) -> str:
    """Every word of the PDF with its box: what was printed where."""
    path = tmp_path / "bbox.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True)
    return "\n".join(line for line in out.stdout.splitlines() if "<word" in line)


def issue_demand(workspace: Workspace, fonts: FontSet) -> tuple[DocumentService, int, bytes]:
    case = workspace.save_case(demand_case())
    assert case.id is not None
    service = DocumentService(workspace, fonts=fonts)
    issued = service.issue(
        "performance_demand", case.id, service.start("performance_demand", case.id).answers
    )
    return service, issued.doc_id, service.pdf([issued])


def test_reprint_on_a_pc_with_other_fonts_gives_the_same_bytes(workspace: Workspace, tmp_path: Path) -> None:
    bundled = build_fontset(use_system=False)
    service, doc_id, issued_pdf = issue_demand(workspace, bundled)
    other = other_pc_fonts(tmp_path / "fonts")
    # Set again with that PC's fonts, the figures and Latin text would take other widths.
    doc = Printable.from_json(service.record(doc_id).snapshot["printable"])
    assert placed(layout_document(doc, other)) != placed(layout_document(doc, bundled))
    # The court was renamed since: the reprint still names the court that issued it.
    workspace.set_court(CourtSettings("七台河市新兴区人民法院（新）", "黑0902"))
    reprinted = DocumentService(workspace, fonts=other).reprint([doc_id])
    assert reprinted == issued_pdf


def test_reprint_finds_the_exact_font_file_elsewhere_on_the_machine(
    workspace: Workspace, tmp_path: Path
) -> None:
    """Issued where 仿宋 was a copy of 文泉驿微米黑; reprinted with only the bundled font set: the
    face is found by its hash in the system folders, and every word is where it was."""
    _service, doc_id, issued_pdf = issue_demand(workspace, other_pc_fonts(tmp_path / "fonts"))
    reprinted = DocumentService(workspace, fonts=build_fontset(use_system=False)).reprint([doc_id])
    assert bbox(reprinted, tmp_path) == bbox(issued_pdf, tmp_path)


def test_reprint_refuses_when_the_font_file_is_nowhere(workspace: Workspace, tmp_path: Path) -> None:
    folder = tmp_path / "gone"
    _service, doc_id, _pdf = issue_demand(workspace, other_pc_fonts(folder, tweak=True))
    shutil.rmtree(folder)
    with pytest.raises(StoreError, match=r"simfang\.ttf") as refused:
        DocumentService(workspace, fonts=build_fontset(use_system=False)).reprint([doc_id])
    assert "不以其他字体代替" in str(refused.value)

"""Keeping an issued document's pages exactly: the layout as data, its fonts named by file hash.

A reprint must give the document as it was issued, on any PC: re-setting the text with the fonts of
another machine would break the lines elsewhere (other widths), and the court's name of today is not
the author of a document issued last year. So the register keeps, at issue, the laid-out pages
(every run's position, text, size and spacing) with each face named by the sha256 of its font file,
and the PDF's title and author. A reprint draws those pages again; each face is looked up by its
hash — among this machine's fonts, the bundled font and the font files of the system folders — and
the reprint is refused, naming the font, when the exact file is nowhere to be found (never drawn
with another font).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from desktop.core.errors import ValidationError
from desktop.documents.fonts import _FACES, Face, FontSet, Slot, bundled_font_path, system_font_dirs
from desktop.documents.layout import Mark, Page, Rule, Run

LAYOUT_FORMAT = 1


class FontUnavailable(ValidationError):
    """The exact font file a document was issued with is not on this machine."""

    def __init__(self, label: str, file_name: str, sha256: str) -> None:
        super().__init__(
            "重印",
            f"需要签发时使用的字体“{label}”（文件 {file_name}，sha256 {sha256[:16]}…），"
            "本机没有这一字体文件。"
            "请在本机安装该字体文件后重试（为保证与签发时完全一致，不以其他字体代替）",
        )


def pages_to_json(pages: Sequence[Page]) -> dict[str, Any]:
    """The pages as data: faces listed once (key, file name, face index, sha256), items per page.
    Numbers are kept exactly (JSON floats round-trip), so the reprint writes the same bytes."""
    faces: dict[str, dict[str, Any]] = {}

    def face_ref(slot: Slot) -> str:
        face = slot.face
        if face.key not in faces:
            faces[face.key] = {
                "file": face.path.name,
                "index": face.index,
                "label": face.label,
                "sha256": face.sha256,
            }
        return face.key

    out_pages = []
    for page in pages:
        items: list[list[Any]] = []
        for item in page.items:
            if isinstance(item, Run):
                ref = face_ref(item.slot)
                items.append(
                    ["t", item.x, item.y, item.text, ref, int(item.slot.embolden), item.size, item.char_space]
                )
            elif isinstance(item, Rule):
                items.append(["r", item.x1, item.y1, item.x2, item.y2, item.width])
            elif isinstance(item, Mark):
                ref = face_ref(item.slot)
                items.append(["m", item.x, item.y, item.text, ref, item.size, item.angle, item.gray])
        out_pages.append({"width": page.width, "height": page.height, "items": items})
    return {"format": LAYOUT_FORMAT, "faces": faces, "pages": out_pages}


class FaceFinder:
    """Faces by the sha256 of their file: this font set's, the bundled font, then the font files of
    the system folders (hashed only when a document needs a face not found before)."""

    def __init__(self, fonts: FontSet, extra_dirs: Iterable[Path] = ()) -> None:
        self._fonts = fonts
        self._extra_dirs = list(extra_dirs)
        self._by_hash: dict[tuple[str, int], Face] = {}
        self._scanned = False

    def _known(self) -> Iterable[Face]:
        for chain in self._fonts.chains.values():
            for slot in chain:
                yield slot.face

    def find(self, info: dict[str, Any]) -> Face:
        sha, index = str(info["sha256"]), int(info["index"])
        key = (sha, index)
        if key in self._by_hash:
            return self._by_hash[key]
        for face in self._known():
            if face.index == index and face.sha256 == sha:
                self._by_hash[key] = face
                return face
        for path in self._candidates(str(info["file"])):
            face = _FACES.get(path, index, str(info["label"]))
            try:
                matches = face.sha256 == sha
            except OSError:
                continue
            if matches:
                self._by_hash[key] = face
                return face
        raise FontUnavailable(str(info["label"]), str(info["file"]), sha)

    def _candidates(self, file_name: str) -> list[Path]:
        """Font files that may be the one: the bundled font, then system files of the same name,
        then (last) every other font file."""
        paths = [bundled_font_path()]
        dirs = self._extra_dirs + system_font_dirs()
        same: list[Path] = []
        other: list[Path] = []
        for folder in dirs:
            try:
                for path in folder.rglob("*"):
                    if path.suffix.lower() in (".ttf", ".ttc"):
                        (same if path.name.lower() == file_name.lower() else other).append(path)
            except OSError:
                continue
        return paths + same + other


def pages_from_json(data: dict[str, Any], finder: FaceFinder) -> list[Page]:
    """The pages kept by :func:`pages_to_json`, with each face found by its file hash."""
    faces = {key: finder.find(info) for key, info in data["faces"].items()}
    pages: list[Page] = []
    for raw in data["pages"]:
        page = Page(float(raw["width"]), float(raw["height"]))
        for item in raw["items"]:
            kind = item[0]
            if kind == "t":
                _k, x, y, text, ref, embolden, size, space = item
                page.items.append(Run(x, y, text, Slot(faces[ref], bool(embolden)), size, space))
            elif kind == "r":
                _k, x1, y1, x2, y2, width = item
                page.items.append(Rule(x1, y1, x2, y2, width))
            elif kind == "m":
                _k, x, y, text, ref, size, angle, gray = item
                page.items.append(Mark(x, y, text, Slot(faces[ref]), size, angle, gray))
        pages.append(page)
    return pages

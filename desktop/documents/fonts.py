"""Fonts for printed documents: which face sets which character, embedded in every PDF.

DOMAIN.md §6: court notices set the court name and title in 小标宋 (2号, 22 pt), the body in 仿宋 (3号,
16 pt) and headings in 黑体. A court PC running Windows has 仿宋 (simfang.ttf), 宋体 (simsun.ttc) and 黑体
(simhei.ttf), often also 方正小标宋简体 (FZXBSJW.TTF) and 仿宋_GB2312: they are preferred when present.
Everywhere else the bundled AR PL UMing (resources/fonts/uming.ttc, a TrueType Ming/Song face under the
Arphic Public License, which allows redistribution) sets everything; where no bold face exists the
title is emboldened by stroking the outline (text stays extractable).

Each *role* (title, body, heading, page number) has a chain of faces. A character is set in the first
face of its chain that has a glyph for it; the bundled faces and the system's broad-coverage faces
(SimSun-ExtB, WenQuanYi) close every chain. A character no face has is refused with its code point
(:class:`MissingGlyph`) — never printed as a blank box. Only TrueType (glyf) fonts can be embedded by
reportlab: a CFF/OpenType file (Noto CJK, Source Han) found on the system is skipped.

The second consumer (the 诚信履行名单 printout) uses :func:`default_fonts` and the same roles.
"""

from __future__ import annotations

import hashlib
import os
import sys
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from desktop import paths
from desktop.core.errors import ValidationError

TITLE = "title"
BODY = "body"
HEADING = "heading"
NUMBER = "number"
ROLES = (TITLE, BODY, HEADING, NUMBER)

BUNDLED_FILE = "uming.ttc"
# Faces of the bundled collection: 0 UMing CN (simplified glyph shapes), 1 HK, 2 TW, 3 TW MBE.
_BUNDLED_MAIN = 0
_BUNDLED_EXTRA = ((1, "HK"), (2, "TW"))


@dataclass(frozen=True)
class Candidate:
    """A font file to look for: file names (case-insensitive), face index, emboldened or not."""

    names: tuple[str, ...]
    index: int = 0
    fake_bold: bool = False
    label: str = ""


# Preferred system faces per role, best first. The bundled face is added after these.
SYSTEM_CANDIDATES: dict[str, tuple[Candidate, ...]] = {
    TITLE: (
        Candidate(("FZXBSJW.TTF", "方正小标宋简体.ttf", "FZXBSK.TTF"), label="方正小标宋"),
        Candidate(("simsun.ttc",), 0, fake_bold=True, label="宋体（加粗）"),
    ),
    BODY: (
        Candidate(("simfang.ttf",), label="仿宋"),
        Candidate(("仿宋_GB2312.ttf", "FS_GB2312.ttf", "fangsong_gb2312.ttf"), label="仿宋_GB2312"),
        Candidate(("simsun.ttc",), 0, label="宋体"),
    ),
    HEADING: (
        Candidate(("simhei.ttf",), label="黑体"),
        Candidate(("simsun.ttc",), 0, fake_bold=True, label="宋体（加粗）"),
    ),
    NUMBER: (Candidate(("simsun.ttc",), 0, label="宋体"),),
}
# Closing every chain: wide-coverage faces for characters the faces above lack.
SYSTEM_FALLBACKS: tuple[Candidate, ...] = (
    Candidate(("simsunb.ttf",), label="SimSun-ExtB"),
    Candidate(("wqy-zenhei.ttc",), label="文泉驿正黑"),
    Candidate(("wqy-microhei.ttc",), label="文泉驿微米黑"),
)


@dataclass(eq=False)
class Face:
    """One face of one font file, registered with reportlab under ``key``."""

    key: str
    path: Path
    index: int
    label: str
    _font: TTFont | None = field(default=None, repr=False)
    _sha256: str = field(default="", repr=False)

    def font(self) -> TTFont:
        """The reportlab font, loaded and registered on first use."""
        if self._font is None:
            with _LOCK:
                if self._font is None:
                    font = TTFont(self.key, str(self.path), subfontIndex=self.index)
                    pdfmetrics.registerFont(font)
                    self._font = font
        return self._font

    @property
    def family(self) -> str:
        """The family name in the font's name table (what Qt calls it)."""
        name = self.font().face.familyName
        return name.decode("utf-8", "replace") if isinstance(name, bytes) else str(name)

    @property
    def sha256(self) -> str:
        """The font file's sha256: which exact file a laid-out page was measured with."""
        if not self._sha256:
            digest = hashlib.sha256()
            with open(self.path, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(chunk)
            self._sha256 = digest.hexdigest()
        return self._sha256

    def has(self, ch: str) -> bool:
        return ord(ch) in self.font().face.charToGlyph

    def char_width(self, ch: str, size: float) -> float:
        face = self.font().face
        return float(face.charWidths.get(ord(ch), face.defaultWidth)) * size / 1000.0

    def ascent(self, size: float) -> float:
        return float(self.font().face.ascent) * size / 1000.0


_LOCK = threading.RLock()


class MissingGlyph(ValidationError):
    """A character no available font can print."""

    def __init__(self, field_label: str, ch: str) -> None:
        super().__init__(
            field_label,
            f"含有字体中没有的字“{ch}”（U+{ord(ch):04X}），打印出来会是空白。"
            "请改用通行写法，或在本机安装含有该字的字体后重试",
        )
        self.char = ch


def _is_invisible(ch: str) -> bool:
    """Whitespace is drawn as space, never looked up in a font."""
    return ch.isspace() or unicodedata.category(ch) in ("Zs", "Zl", "Zp")


@dataclass(frozen=True)
class Slot:
    """A face in a role's chain, and whether that role emboldens it (no bold face: stroke the outline)."""

    face: Face
    embolden: bool = False


class FontSet:
    """The chains of faces per role, and the choice of face per character."""

    def __init__(self, chains: dict[str, tuple[Slot, ...]]) -> None:
        missing = [role for role in ROLES if not chains.get(role)]
        if missing:
            raise ValueError(f"no faces for roles {missing}")
        self.chains = chains
        self._choice: dict[tuple[str, str], Slot | None] = {}

    def primary(self, role: str) -> Slot:
        return self.chains[role][0]

    def slot_for(self, role: str, ch: str) -> Slot | None:
        """The first slot of ``role``'s chain whose face has ``ch``; None when none has it."""
        key = (role, ch)
        try:
            return self._choice[key]
        except KeyError:
            pass
        found: Slot | None = None
        if _is_invisible(ch):
            found = self.chains[role][0]
        else:
            for slot in self.chains[role]:
                try:
                    if slot.face.has(ch):
                        found = slot
                        break
                except (TTFError, OSError):
                    continue
        self._choice[key] = found
        return found

    def missing(self, text: str, role: str = BODY) -> list[str]:
        """Characters of ``text`` that no face of ``role`` can print (in order, without repeats)."""
        return [ch for ch in dict.fromkeys(text) if ch not in "\n\t" and self.slot_for(role, ch) is None]

    def check(self, field_label: str, text: str, role: str = BODY) -> None:
        """Raise :class:`MissingGlyph` for the first character no face of ``role`` has."""
        for ch in self.missing(text, role):
            raise MissingGlyph(field_label, ch)

    def describe(self) -> dict[str, list[str]]:
        """Per role, the labels of its faces (shown by ``tribunal-desk forms --fonts``)."""
        return {role: [s.face.label for s in chain] for role, chain in self.chains.items()}


# ------------------------------------------------------------------------------------ discovery


def system_font_dirs() -> list[Path]:
    """Where installed fonts live: Windows' Fonts folders, the usual Linux and macOS ones."""
    dirs: list[Path] = []
    if sys.platform == "win32":
        windir = os.environ.get("WINDIR", r"C:\Windows")
        dirs.append(Path(windir) / "Fonts")
        local = os.environ.get("LOCALAPPDATA")
        if local:
            dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    else:
        home = Path.home()
        dirs += [
            Path("/usr/share/fonts"),
            Path("/usr/local/share/fonts"),
            home / ".local" / "share" / "fonts",
            home / ".fonts",
            Path("/Library/Fonts"),
            home / "Library" / "Fonts",
        ]
    return [d for d in dirs if d.is_dir()]


def _index_files(dirs: list[Path]) -> dict[str, Path]:
    """Lower-case file name → path of every font file under ``dirs`` (first found wins)."""
    found: dict[str, Path] = {}
    for d in dirs:
        try:
            walker = os.walk(d)
            for root, _subdirs, files in walker:
                for name in files:
                    if name.lower().endswith((".ttf", ".ttc")):
                        found.setdefault(name.lower(), Path(root) / name)
        except OSError:
            continue
    return found


def bundled_font_path() -> Path:
    return paths.resources_dir() / "fonts" / BUNDLED_FILE


def _usable(path: Path, index: int) -> bool:
    """True when reportlab can embed the face (TrueType outlines, not CFF)."""
    from reportlab.pdfbase.ttfonts import TTFontFile

    try:
        TTFontFile(str(path), subfontIndex=index, validate=0)
    except (TTFError, OSError, ValueError, IndexError):
        return False
    return True


class _Faces:
    """Faces shared between font sets: one per (file, face index), registered once with reportlab."""

    def __init__(self) -> None:
        self._faces: dict[tuple[str, int], Face] = {}

    def get(self, path: Path, index: int, label: str) -> Face:
        key = (str(path), index)
        face = self._faces.get(key)
        if face is None:
            # The name the PDF gives the font follows the file, not the order faces were found in,
            # so the same file gives the same bytes on every machine (a reprint matches the issue).
            name = f"TD-{path.stem}-{index}"
            taken = {f.key for f in self._faces.values()}
            n = 2
            while name in taken:
                name, n = f"TD-{path.stem}-{index}-{n}", n + 1
            face = Face(name, path, index, label)
            self._faces[key] = face
        return face

    def by_key(self, key: str) -> Face | None:
        return next((f for f in self._faces.values() if f.key == key), None)


_FACES = _Faces()


def build_fontset(use_system: bool = True, font_dirs: list[Path] | None = None) -> FontSet:
    """Chains per role: system faces found (if ``use_system``), then the bundled face, then fallbacks."""
    bundled = bundled_font_path()
    files = _index_files(font_dirs if font_dirs is not None else system_font_dirs()) if use_system else {}
    checked: dict[tuple[str, int], bool] = {}

    def lookup(c: Candidate) -> Path | None:
        for name in c.names:
            path = files.get(name.lower())
            if path is None:
                continue
            key = (str(path), c.index)
            if key not in checked:
                checked[key] = _usable(path, c.index)
            if checked[key]:
                return path
        return None

    fallbacks = [
        Slot(_FACES.get(bundled, index, f"AR PL UMing {name}（内置）")) for index, name in _BUNDLED_EXTRA
    ]
    for c in SYSTEM_FALLBACKS:
        path = lookup(c)
        if path is not None:
            fallbacks.append(Slot(_FACES.get(path, c.index, c.label)))
    chains: dict[str, tuple[Slot, ...]] = {}
    for role in ROLES:
        chain: list[Slot] = []
        for c in SYSTEM_CANDIDATES[role]:
            path = lookup(c)
            if path is not None:
                chain.append(Slot(_FACES.get(path, c.index, f"{c.label}（{path.name}）"), c.fake_bold))
        embolden = role in (TITLE, HEADING)
        chain.append(Slot(_FACES.get(bundled, _BUNDLED_MAIN, "AR PL UMing CN（内置）"), embolden))
        chains[role] = tuple(chain + fallbacks)
    return FontSet(chains)


_DEFAULT: FontSet | None = None


def default_fonts() -> FontSet:
    """The font set of this machine (system faces preferred), built once.

    ``TRIBUNAL_DESK_SYSTEM_FONTS=0`` uses only the bundled face (reproducible output across machines).
    """
    global _DEFAULT
    with _LOCK:
        if _DEFAULT is None:
            _DEFAULT = build_fontset(use_system=os.environ.get("TRIBUNAL_DESK_SYSTEM_FONTS", "1") != "0")
        return _DEFAULT


def register_fonts(fonts: FontSet | None = None) -> FontSet:
    """Load and register with reportlab the primary face of every role; return the set."""
    fonts = fonts or default_fonts()
    for role in ROLES:
        fonts.primary(role).face.font()
    return fonts

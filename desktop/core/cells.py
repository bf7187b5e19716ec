"""Text in spreadsheet cells, written so that it reads back exactly as it was (pure: no files).

* **XLSX.** A string cell holds text, never a formula: a value beginning with ``=`` is marked as a
  string (openpyxl would otherwise write it as a live formula, which reads back empty). XML cannot hold
  most control characters, so they are written as OOXML's escape ``_xHHHH_`` (as Excel does), and a
  literal ``_xHHHH_`` in the text has its underscore escaped (``_x005F_``) so that it is not taken for
  one. :func:`xlsx_unescape` reverses both; Excel and LibreOffice read the escapes the same way.
* **CSV.** Excel runs a CSV cell beginning with ``= + - @``, a tab or a carriage return as a formula
  (CSV injection). :func:`csv_guard` puts an apostrophe before such a value (and before a value that
  itself begins with an apostrophe, so that the guard is never ambiguous); :func:`csv_unguard` removes
  exactly that apostrophe when a CSV file is read.
"""

from __future__ import annotations

import re
import unicodedata

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""Where a CSV cell would be run as a formula by Excel or LibreOffice."""

# What XML 1.0 cannot carry (openpyxl refuses these): C0 controls but tab, newline and carriage return;
# a carriage return is escaped too, since an XML parser turns a raw one into a newline.
_XML_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0d\x0e-\x1f\ufffe\uffff]")
_ESCAPE_LIKE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
_ERROR_CODES = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"))


def xlsx_escape(text: str) -> str:
    """``text`` as it is stored in an XLSX string cell (see the module note)."""
    if "_x" in text:
        text = _ESCAPE_LIKE.sub(r"_x005F_\1", text)
    return _XML_UNSAFE.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text)


def xlsx_unescape(text: str) -> str:
    """The text an XLSX string cell stands for: every ``_xHHHH_`` is the character U+HHHH."""
    if "_x" not in text:
        return text
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)


def xlsx_needs_text_cell(text: str) -> bool:
    """Whether a plain value would not be written as this very text (formula, error code, escapes)."""
    return (
        text.startswith("=") or text in _ERROR_CODES or "_x" in text or _XML_UNSAFE.search(text) is not None
    )


def csv_guard(value: str) -> str:
    """The cell as Excel shows it as text: a leading apostrophe before a formula-like start."""
    return "'" + value if value.startswith((*FORMULA_STARTS, "'")) else value


def csv_unguard(value: str) -> str:
    """The value :func:`csv_guard` wrote: its guarding apostrophe removed."""
    if value.startswith("'") and value[1:].startswith((*FORMULA_STARTS, "'")):
        return value[1:]
    return value


def visible(text: str) -> str:
    """``text`` with every control or format character (NUL, a line break, U+202E that reverses the
    text after it, a zero-width space) written as a visible escape such as ``〈U+202E〉``: for messages
    that quote what a file holds, which must show it, never act on it."""
    if text.isprintable():
        return text
    return "".join(
        f"〈U+{ord(ch):04X}〉" if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in text
    )

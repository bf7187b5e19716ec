"""Where a save dialog opens: the folder last saved to in this session, else the user's 文档 folder —
never the program's folder (read-only on a court PC, and where nobody looks for a notice)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths

_last: Path | None = None


def start_dir() -> Path:
    if _last is not None and _last.is_dir():
        return _last
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if documents and Path(documents).is_dir():
        return Path(documents)
    return Path.home()


def suggested(file_name: str) -> str:
    """The path a save dialog proposes for ``file_name``."""
    return str(start_dir() / file_name.replace("/", "_"))


def remember(path: str | Path) -> None:
    """A file was saved to ``path``: the next save dialog opens in its folder."""
    global _last
    folder = Path(path).parent
    if folder.is_dir():
        _last = folder

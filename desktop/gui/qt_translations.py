"""Qt's own Simplified Chinese: the standard buttons (是/否, 放弃, 取消…), the file and print dialogs.

Qt ships them as ``qtbase_zh_CN.qm`` in its translations folder (inside PySide6, and in the bundle
PyInstaller builds). Without them every QMessageBox.question shows Yes/No and the file dialog is English.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QTranslator

log = logging.getLogger(__name__)

CATALOGUES = ("qtbase_zh_CN",)
_installed: list[QTranslator] = []  # kept alive as long as the application: Qt does not own them


def translation_dirs() -> list[Path]:
    """Where Qt's catalogues may be: Qt's own folder, then the bundled copy (PyInstaller)."""
    import sys

    dirs = [Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))]
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        dirs += [Path(bundle) / "PySide6" / "Qt" / "translations", Path(bundle) / "PySide6" / "translations"]
    return dirs


def install_qt_translations(app: QCoreApplication) -> list[str]:
    """Load Qt's zh_CN catalogues into ``app`` once; the names loaded (a missing one is logged)."""
    if _installed:
        return [t.filePath() for t in _installed]
    loaded = []
    for name in CATALOGUES:
        translator = QTranslator(app)
        if any(translator.load(name, str(folder)) for folder in translation_dirs()):
            app.installTranslator(translator)
            _installed.append(translator)
            loaded.append(translator.filePath())
        else:
            log.warning("Qt translation %s not found in %s", name, translation_dirs())
    return loaded

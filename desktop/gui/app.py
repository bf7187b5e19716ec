"""Starting the GUI: the application object, fonts, the database, first-run setup, the main window."""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from desktop import paths
from desktop.gui.first_paint import AfterFirstPaint
from desktop.i18n import _
from desktop.store.database import StoreError

if TYPE_CHECKING:
    from desktop.gui.main_window import MainWindow

log = logging.getLogger(__name__)

# Preferred UI fonts: Windows' own, then what Linux court PCs (统信UOS/麒麟) and CI carry.
UI_FONTS = (
    "Microsoft YaHei UI",
    "Microsoft YaHei",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "SimSun",
)
# The Chinese face the program ships for its PDFs (resources/fonts, see desktop/documents/fonts.py): also
# registered with Qt at start, the UI's last fallback, so that labels never show empty boxes on a PC
# without a system CJK font.
BUNDLED_UI_FONT = "AR PL UMing CN"
BUNDLED_FONT_FILE = "uming.ttc"  # = desktop.documents.fonts.BUNDLED_FILE, not imported here: reportlab
_bundled: list[str] | None = None


def register_bundled_font() -> list[str]:
    """Register the shipped CJK collection with Qt (once); its family names, or [] when it cannot load."""
    global _bundled
    if _bundled is None:
        path = paths.resources_dir() / "fonts" / BUNDLED_FONT_FILE
        font_id = QFontDatabase.addApplicationFont(str(path))
        _bundled = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        if not _bundled:
            log.warning("bundled UI font not loaded: %s", path)
    return _bundled


def ui_families(available: set[str], default: str, bundled: list[str]) -> list[str]:
    """The UI's font families, best first: a preferred CJK face when installed (else the platform's default
    for Latin text), then the bundled face for every character the first lacks."""
    chosen = next((f for f in UI_FONTS if f in available), default)
    fallback = [BUNDLED_UI_FONT] if BUNDLED_UI_FONT in bundled else bundled[:1]
    return [chosen, *(f for f in fallback if f != chosen)]


def _choose_font(app: QApplication, defer_bundled: bool) -> None:
    available = set(QFontDatabase.families())
    # with a preferred CJK face installed, the bundled one (a 20 MB collection Qt reads when registered:
    # some 15 ms) is only the fallback for characters that face lacks, and may come after the first paint
    later = defer_bundled and any(f in available for f in UI_FONTS)
    bundled = [] if later else register_bundled_font()
    font = QFont(app.font())
    font.setFamilies(ui_families(available, font.family(), bundled))
    font.setPointSize(10)
    app.setFont(font)


def add_bundled_fallback(app: QApplication) -> None:
    """The bundled face as the UI font's fallback, when :func:`application` left it for later."""
    families = app.font().families()
    fallback = ui_families(set(families), families[0] if families else "", register_bundled_font())
    if fallback != families:
        font = QFont(app.font())
        font.setFamilies(fallback)
        app.setFont(font)


def application(defer_bundled_font: bool = False) -> QApplication:
    """The application object with the program's name, UI font and Qt's Chinese translations. With
    ``defer_bundled_font`` (the program's start, issue 23), the bundled CJK face is registered when
    :func:`add_bundled_fallback` is called, unless no preferred face is installed (then it is needed at
    once)."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv)
    app.setApplicationName("TribunalDesk")
    app.setApplicationDisplayName(_("法庭自动履行工作台"))
    _choose_font(app, defer_bundled_font)
    from desktop.gui.qt_translations import install_qt_translations

    install_qt_translations(app)  # Qt's standard buttons and dialogs in Chinese
    return app


# Set to a file's path, the program writes there when its main window has first painted (the time and the
# modules loaded by then) and exits at once: tests/bench/bench_startup.py and the start-up test use it.
STARTUP_PROBE = "TRIBUNAL_DESK_STARTUP_PROBE"


def probe_first_paint(window: QWidget, target: str) -> AfterFirstPaint:
    """Write ``{"painted": time.time(), "modules": [...], "order": [...]}`` (the modules loaded, sorted and
    in the order they were imported) to ``target`` after the first paint, then exit
    the process at once (no backup, no clean-up: a measurement, not a session)."""

    def report() -> None:
        import json

        painted = time.time()
        loaded = list(sys.modules)  # in the order their imports began
        Path(target).write_text(
            json.dumps({"painted": painted, "modules": sorted(loaded), "order": loaded}), "utf-8"
        )
        sys.stdout.flush()
        os._exit(0)

    return AfterFirstPaint(window, report)


def after_first_paint(app: QApplication, window: MainWindow) -> None:
    """What the start leaves until the window has painted (issue 23), on the next turn of the event loop
    after that paint: remembering actions for a crash report (crash.start_recording), the bundled CJK
    face as the UI font's fallback, and — over the window now on the screen — asking who is using the
    program on this PC when nobody was chosen (operator_dialog.ask_once: chosen once, named by every
    record; a person with a password signs in there)."""

    def then() -> None:
        from desktop.gui import crash
        from desktop.gui.operator_dialog import ask_once

        crash.start_recording(app)
        add_bundled_fallback(app)
        ask_once(window.workspace, window)

    window.first_painted.connect(lambda: QTimer.singleShot(0, then))


def run(db_path: Path | None) -> int:
    from desktop.gui import crash
    from desktop.gui.main_window import MainWindow
    from desktop.gui.opening import open_at_start, release_workspace
    from desktop.gui.threads import wait_for_all

    app = application(defer_bundled_font=True)
    # uncaught errors and fatal signals to the log, with a dialog to copy the report; the last actions
    # are remembered from the window's first paint on (crash.start_recording)
    crash.install(app, record=False)
    try:
        # this PC's file under the single-instance lock (read-only or nothing when in use), or the server
        workspace = open_at_start(db_path)
    except StoreError as exc:
        QMessageBox.critical(None, _("无法打开数据库"), str(exc))
        return 2
    if workspace is None:
        return 0
    # a read-only window cannot save the court: the ledger is shown as it is
    if workspace.court() is None and not workspace.read_only:
        from desktop.gui.court_dialog import CourtDialog

        if CourtDialog(workspace, first_run=True).exec() != QDialog.DialogCode.Accepted:
            return 0
    from desktop.services.operator import hold_until_signed_in

    hold_until_signed_in(workspace)  # a person with a password is named only once they have signed in
    workspace.subscribe(lambda change: crash.remember(f"保存 {change.what}"))
    window = MainWindow(workspace)
    after_first_paint(app, window)
    probe = os.environ.get(STARTUP_PROBE)
    if probe:
        probe_first_paint(window, probe)
    window.show_on_screen()
    code = app.exec()
    from desktop.gui.backup_dialog import backup_on_exit  # prefetched after the first paint

    wait_for_all()  # a reminder board or statistics still being read on a connection of their own
    backup_on_exit(workspace)
    workspace.close()
    release_workspace(workspace)
    return int(code)

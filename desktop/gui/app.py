"""Starting the GUI: the application object, fonts, the database, first-run setup, the main window."""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from desktop import paths
from desktop.i18n import _
from desktop.store.database import StoreError

log = logging.getLogger(__name__)

# Preferred UI fonts: Windows' own, then what Linux court PCs (统信UOS/麒麟) and CI carry.
UI_FONTS = ("Microsoft YaHei UI", "Microsoft YaHei", "SimSun", "Noto Sans CJK SC", "WenQuanYi Micro Hei")


def _choose_font(app: QApplication) -> None:
    families = set(QFontDatabase.families())
    for family in UI_FONTS:
        if family in families:
            font = QFont(family)
            font.setPointSize(10)
            app.setFont(font)
            return


def _excepthook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
    log.error("unhandled error", exc_info=(kind, value, tb))
    text = "".join(traceback.format_exception(kind, value, tb))
    QMessageBox.critical(
        None,
        _("程序错误"),
        _("程序遇到内部错误，已记入日志 {0}。已保存的数据不受影响。\n\n{1}").format(
            paths.log_file(), text[-1500:]
        ),
    )


def application() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv)
    app.setApplicationName("TribunalDesk")
    app.setApplicationDisplayName(_("法庭自动履行工作台"))
    _choose_font(app)
    from desktop.gui.qt_translations import install_qt_translations

    install_qt_translations(app)  # Qt's standard buttons and dialogs in Chinese
    return app


def run(db_path: Path | None) -> int:
    from desktop.gui.backup_dialog import backup_on_exit, release_workspace
    from desktop.gui.court_dialog import CourtDialog
    from desktop.gui.main_window import MainWindow
    from desktop.gui.server_dialogs import open_at_start
    from desktop.gui.threads import wait_for_all

    app = application()
    sys.excepthook = _excepthook
    try:
        # this PC's file under the single-instance lock (read-only or nothing when in use), or the server
        workspace = open_at_start(db_path)
    except StoreError as exc:
        QMessageBox.critical(None, _("无法打开数据库"), str(exc))
        return 2
    if workspace is None:
        return 0
    if (
        workspace.court() is None
        and CourtDialog(workspace, first_run=True).exec() != QDialog.DialogCode.Accepted
    ):
        return 0
    window = MainWindow(workspace)
    window.show_on_screen()
    from desktop.gui.operator_dialog import ask_once

    ask_once(workspace, window)  # who is using the program on this PC: chosen once, named by every record
    code = app.exec()
    wait_for_all()  # a reminder board or statistics still being read on a connection of their own
    backup_on_exit(workspace)
    workspace.close()
    release_workspace(workspace)
    return int(code)

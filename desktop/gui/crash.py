"""When something goes wrong on a court PC: the report in the log, and a Chinese dialog to copy it.

A windowed program has no console. Every uncaught error (main thread and worker threads) is written to
the log with the program's version, the OS, Python and Qt versions and the last actions (pages opened,
buttons pressed, kinds of records saved — labels only, never what was typed), and the person sees a
dialog in Chinese that offers to copy the report for whoever supports them. Fatal signals (a crash in Qt
or a library, which ends the process before Python can react) are written by :mod:`faulthandler` to
``crash.log`` in the data folder; the next start moves that into the log and tells the person once.

Numbers long enough to be an ID card, phone or bank account number are masked in the report.
"""

from __future__ import annotations

import faulthandler
import logging
import re
import sys
import threading
import traceback
from collections import deque
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QAbstractButton, QApplication, QMessageBox, QStackedWidget, QWidget

from desktop import __version__, paths
from desktop.i18n import _

log = logging.getLogger(__name__)

CRASH_FILE = "crash.log"
_LAST: deque[str] = deque(maxlen=30)
_LONG_NUMBER = re.compile(r"\d{6,}[\dXx]*")
_fault_file: IO[str] | None = None
_filter: QObject | None = None


def remember(action: str) -> None:
    """Note an action for the next report (a label, never data a person typed)."""
    _LAST.append(f"{datetime.now():%H:%M:%S} {action}")


def last_actions() -> list[str]:
    return list(_LAST)


def environment() -> list[str]:
    import platform  # here: platform.platform() reads the Python executable (issue 23: not at start)

    from PySide6 import __version__ as pyside
    from PySide6.QtCore import qVersion

    app = QApplication.instance()
    screen = app.primaryScreen() if isinstance(app, QApplication) else None
    scale = f"{screen.devicePixelRatio():g}" if screen is not None else "?"
    return [
        f"法庭自动履行工作台 {__version__}" + ("（安装版）" if getattr(sys, "frozen", False) else ""),
        f"系统 {platform.platform()}（{platform.machine()}）",
        f"Python {platform.python_version()}，Qt {qVersion()}，PySide6 {pyside}，缩放 {scale}",
    ]


def mask(text: str) -> str:
    """Long digit runs (身份证号, 手机号, 银行账号) replaced by their length."""
    return _LONG_NUMBER.sub(lambda m: f"<{len(m.group())}位数字>", text)


def report(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> str:
    lines = [f"错误报告 {datetime.now():%Y-%m-%d %H:%M:%S}", *environment(), "", "最近的操作："]
    lines += [f"  {a}" for a in last_actions()] or ["  （无）"]
    lines += ["", "".join(traceback.format_exception(kind, value, tb)).rstrip()]
    return mask("\n".join(lines))


def _copy(text: str) -> None:
    QApplication.clipboard().setText(text)


def ask(text: str, report_text: str) -> bool:
    """The dialog: True when the person chose to copy the report (replaced in tests)."""
    box = QMessageBox(QMessageBox.Icon.Critical, _("程序错误"), text)
    box.setDetailedText(report_text)
    copy = box.addButton(_("复制错误报告"), QMessageBox.ButtonRole.ActionRole)
    box.addButton(_("关闭"), QMessageBox.ButtonRole.RejectRole)
    box.exec()
    return box.clickedButton() is copy


def handle(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
    """sys.excepthook: log the report, then offer to copy it."""
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, value, tb)
        return
    text = report(kind, value, tb)
    log.error("unhandled error\n%s", text)
    if threading.current_thread() is not threading.main_thread():
        return  # a worker thread cannot show a window; the log has it
    message = _(
        "程序遇到内部错误，已记入日志：\n{0}\n\n已保存的数据不受影响。"
        "可以复制错误报告发给技术支持（报告中不含当事人信息）。"
    ).format(paths.log_file())
    if ask(message, text):
        _copy(text)


def _thread_hook(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is not None:
        handle(args.exc_type, args.exc_value, args.exc_traceback)


class _Recorder(QObject):
    """Remembers windows shown and buttons pressed (their labels) for the report."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Show and isinstance(watched, QWidget):
            if watched.isWindow():
                remember(f"打开 {type(watched).__name__}")
            elif isinstance(watched.parentWidget(), QStackedWidget):
                remember(f"页面 {type(watched).__name__}")
        elif kind == QEvent.Type.MouseButtonRelease and isinstance(watched, QAbstractButton):
            remember(f"点击 {watched.text() or type(watched).__name__}")
        return False


def crash_file() -> Path:
    return paths.user_data_dir() / CRASH_FILE


def previous_crash() -> str:
    """What faulthandler wrote when the program last died of a fatal signal ('' when it did not);
    moved into the log, the file emptied."""
    path = crash_file()
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#")).strip()
    if not body:  # only the header written at start: the program ended normally
        return ""
    log.error("the program ended with a fatal error last time:\n%s", mask(text))
    return mask(text)


def install(app: QApplication, record: bool = True) -> None:
    """Route uncaught errors to :func:`handle`, fatal signals to crash.log, and (unless ``record`` is
    False: then :func:`start_recording` later) start remembering."""
    global _fault_file
    sys.excepthook = handle
    threading.excepthook = _thread_hook
    earlier = previous_crash()
    if _fault_file is None:
        try:
            _fault_file = crash_file().open("w", encoding="utf-8")
            _fault_file.write(f"# 启动 {datetime.now():%Y-%m-%d %H:%M:%S}\n")
            _fault_file.flush()
            faulthandler.enable(file=_fault_file, all_threads=True)
        except OSError as exc:
            log.warning("crash log not available: %s", exc)
    if record:
        start_recording(app)
    if earlier:
        QMessageBox.warning(
            None,
            _("上次程序异常退出"),
            _("上次运行时程序异常退出，详情已记入日志 {0}。如再次发生，请把日志发给技术支持。").format(
                paths.log_file()
            ),
        )


def start_recording(app: QApplication) -> None:
    """Remember windows shown and buttons pressed from now on (once). The program starts this after its
    window has first painted (issue 23): a Python filter on every event of the application makes PySide
    look up the Python class of each object an event is for, and the first object of a class Qt keeps
    private (a list widget's model, a window's QWidgetWindow) makes it create every class of QtCore,
    QtGui and QtWidgets with all their enums at once, some 40 ms before anything is shown. The versions
    (:func:`environment`) are added to crash.log's header here too."""
    global _filter
    if _filter is None:
        if _fault_file is not None:  # the versions under the start's line, for a fatal crash from now on
            _fault_file.write("".join(f"# {line}\n" for line in environment()))
            _fault_file.flush()
        _filter = _Recorder(app)
        app.installEventFilter(_filter)
        for widget in app.topLevelWidgets():  # shown before: not seen by the filter
            if widget.isVisible():
                remember(f"打开 {type(widget).__name__}")


def uninstall() -> None:
    """Undo :func:`install` (tests; the program's end)."""
    global _fault_file, _filter
    sys.excepthook = sys.__excepthook__
    threading.excepthook = threading.__excepthook__
    if _fault_file is not None:
        faulthandler.disable()
        _fault_file.close()
        _fault_file = None
    app: Any = QApplication.instance()
    if _filter is not None and app is not None:
        app.removeEventFilter(_filter)
        _filter = None

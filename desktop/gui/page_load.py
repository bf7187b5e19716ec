"""A page's list read off the GUI thread (诚信履行名单, 审破衔接): seconds on a large ledger, so the page
paints at once, says what it is doing with a busy bar and a 取消 button, and fills in when the rows come.

:class:`PageLoad` runs the work on a read-only workspace of its own (never the GUI thread's connection),
with the window's date; :func:`desktop.gui.threads.keep` holds it until it ends, and the program waits
for it at exit (quitting cancels it first). 取消 interrupts an SQLite query at once; on a server the
query runs to its end and its result is dropped. :class:`LoadBar` is the status row the pages show
while loading.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QThread, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from desktop.gui.threads import keep
from desktop.i18n import _
from desktop.services.workspace import Workspace

log = logging.getLogger(__name__)


class PageLoad(QThread):
    """Runs ``work(reader)`` on a read-only workspace of its own; emits itself with the result or the
    error's text (the page ignores a load it no longer waits for)."""

    loaded = Signal(object, object)
    failed = Signal(object, str)

    def __init__(self, workspace: Workspace, work: Callable[[Workspace], Any]) -> None:
        super().__init__()
        self.path, self.actor, self.password = workspace.path, workspace.actor, workspace.password
        self.day = workspace.today()  # the window's date (a test's, or the day the load started)
        self.work = work
        self.cancelled = False
        self._reader: Workspace | None = None
        self._guard = threading.Lock()
        keep(self)
        app = QCoreApplication.instance()
        if app is not None:  # quitting: the program waits for its threads, not for this query
            app.aboutToQuit.connect(self.cancel)

    def run(self) -> None:
        try:
            reader = Workspace.open_reader(self.path, self.actor, self.password)
        except Exception as exc:  # shown on the page
            log.exception("opening a reader for a page failed")
            self.failed.emit(self, str(exc) or type(exc).__name__)
            return
        day = self.day
        reader.today = lambda: day
        stop = getattr(reader.db.conn, "set_progress_handler", None)
        if stop is not None:  # SQLite: once cancelled, every later statement of the work stops too
            stop(lambda: 1 if self.cancelled else 0, 10_000)
        with self._guard:
            self._reader = reader
        try:
            result = None if self.cancelled else self.work(reader)
        except Exception as exc:  # shown on the page, not swallowed
            if not self.cancelled:
                log.exception("loading a page failed")
                self.failed.emit(self, str(exc) or type(exc).__name__)
        else:
            if not self.cancelled:
                self.loaded.emit(self, result)
        finally:
            with self._guard:
                self._reader = None
            reader.close()

    def cancel(self) -> None:
        """Stop waiting for the result; an SQLite query is interrupted at once."""
        self.cancelled = True
        with self._guard:
            reader = self._reader
            interrupt = getattr(reader.db.conn, "interrupt", None) if reader is not None else None
            if interrupt is not None:
                try:
                    interrupt()
                except Exception:  # the query ended meanwhile: nothing to stop
                    log.debug("interrupt after the query ended", exc_info=True)


class LoadBar(QWidget):
    """What a page is loading (e.g. 正在计算候选名单…), a busy bar and 取消; hidden when idle."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel(self)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 0)  # busy: the queries cannot tell how far they are
        self.bar.setTextVisible(False)
        self.bar.setMaximumWidth(240)
        self.bar.setMaximumHeight(14)
        self.cancel_button = QPushButton(_("取消"), self)
        self.cancel_button.setToolTip(_("停止这次计算（可以稍后重新查询或刷新）"))
        row.addWidget(self.label)
        row.addWidget(self.bar)
        row.addWidget(self.cancel_button)
        row.addStretch(1)
        self.hide()

    def start(self, text: str) -> None:
        self.label.setText(text)
        self.show()

    def stop(self) -> None:
        self.hide()

"""``tribunal-desk --smoke-test``: the real program started once, end to end; 0 only when all went well.

What an installed program must be able to do on a new PC, in the order a clerk meets it: the Qt window
comes up with its fonts, the database opens (the demo is generated in the data folder on first use), the
督促看板 is built, one document is set as a PDF (the draft of the first form a case allows: nothing is
registered), and a backup is written and verified byte for byte. Each step prints one line with its time.

The data folder is ``TRIBUNAL_DESK_HOME`` when it is set, else a fresh temporary folder, removed after a
passing run (kept after a failing one, for its log). Everything the program and Qt write to stderr is
captured at the file-descriptor level; a line not on :data:`ALLOWED_STDERR` fails the run, as does a step
that raises, or a hang (a watchdog dumps every thread's stack and exits after :data:`WATCHDOG_SECONDS`).

Used by ``.ci/run`` on the README's launch command, by ``installer/build.py`` on the frozen bundle and on
the installed .deb.
"""

from __future__ import annotations

import contextlib
import faulthandler
import os
import re
import sys
import tempfile
import time
import traceback
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

WATCHDOG_SECONDS = 300
# What may appear on stderr in a passing run: our own progress line and Qt notices that depend on the
# machine, not on the program.
ALLOWED_STDERR: tuple[re.Pattern[str], ...] = (
    re.compile(r"^正在生成演示数据库"),  # the demo being generated on first use (cli._demo_database)
    re.compile(r"^This plugin does not support propagateSizeHints\(\)"),  # QT_QPA_PLATFORM=offscreen
    re.compile(r"^QStandardPaths: (XDG_RUNTIME_DIR not set|wrong permissions on runtime directory)"),
    re.compile(r"^\s*$"),
)
OK_MARK = "冒烟测试通过"
FAIL_MARK = "冒烟测试失败"


def unexpected_lines(text: str) -> list[str]:
    """The stderr lines not on the allow-list."""
    return [line for line in text.splitlines() if not any(p.search(line) for p in ALLOWED_STDERR)]


@dataclass
class Report:
    """Each step's line, printed as soon as the step ends (a caller can time the first window by it)."""

    out: IO[str] | None = None
    lines: list[str] = field(default_factory=list)
    failed: str = ""

    def add(self, line: str) -> None:
        self.lines.append(line)
        if self.out is not None:
            print(line, file=self.out, flush=True)

    def step(self, name: str, work: Callable[[], str]) -> None:
        if self.failed:
            return
        started = time.perf_counter()
        try:
            detail = work()
        except BaseException as exc:  # a failing step ends the run with its traceback, never a hang
            self.failed = f"{name}：{exc.__class__.__name__}: {exc}"
            self.add(f"✗ {name}\n{traceback.format_exc()}")
            return
        self.add(f"✓ {name}（{time.perf_counter() - started:.2f} 秒）{detail}")


@contextlib.contextmanager
def captured_stderr() -> Iterator[Callable[[], str]]:
    """Redirect file descriptor 2 (Python, Qt and C libraries alike) into a file; yields a reader.

    A windowed program on Windows has no stderr (``sys.stderr`` is None): nothing to capture then."""
    if sys.stderr is None:
        yield lambda: ""
        return
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 2)
        text = ""

        def read() -> str:
            return text

        try:
            yield read
        finally:
            if sys.stderr is not None:
                sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            sink.seek(0)
            text = sink.read().decode("utf-8", "replace")


def _wait_until(app: Any, done: Callable[[], bool], what: str, seconds: float = 120.0) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}：{seconds:.0f} 秒内未完成")
        app.processEvents()
        time.sleep(0.01)


def run(db_path: Path | None, out: IO[str] | None = None) -> int:
    """The smoke test on ``db_path`` (None: the demo in the data folder). 0 when every step passed."""
    from desktop import paths

    out = out or sys.stdout  # None in a windowed program on Windows: then only the exit status tells
    watchdog = (
        open(paths.log_file(), "a", encoding="utf-8")  # noqa: SIM115 - closed below
        if sys.stderr is None
        else os.fdopen(os.dup(2), "w", encoding="utf-8", errors="replace")
    )
    faulthandler.dump_traceback_later(WATCHDOG_SECONDS, exit=True, file=watchdog)
    report = Report(out)
    started = time.perf_counter()
    try:
        with captured_stderr() as stderr, warnings.catch_warnings():
            warnings.simplefilter("default")  # a deprecation in our code or a library shows, and fails
            _steps(report, db_path)
        unexpected = unexpected_lines(stderr())
    finally:
        faulthandler.cancel_dump_traceback_later()
        watchdog.close()
    captured = stderr()
    if captured.strip() and sys.stderr is not None:
        sys.stderr.write(captured)
    if unexpected and not report.failed:
        report.failed = "标准错误输出中有未预期的内容：\n  " + "\n  ".join(unexpected[:20])
    if report.failed:
        print(f"{FAIL_MARK}：{report.failed}", file=out)
        return 1
    print(f"{OK_MARK}（共 {time.perf_counter() - started:.1f} 秒）", file=out)
    return 0


def _steps(report: Report, db_path: Path | None) -> None:
    from desktop import __version__, paths
    from desktop.gui.app import application

    state: dict[str, Any] = {}

    def start_qt() -> str:
        from PySide6.QtCore import qVersion

        from desktop.gui import crash

        app = application()
        state["app"] = app
        crash.install(app)
        font = app.font().family()
        return f"Tribunal Desk {__version__}，Qt {qVersion()}，平台 {app.platformName()}，字体 {font}"

    def open_database() -> str:
        from desktop.cli import _demo_database
        from desktop.gui.opening import open_workspace

        target = db_path if db_path is not None else _demo_database()
        workspace = open_workspace(target)
        if workspace is None:
            raise RuntimeError("数据库未打开")
        state["workspace"] = workspace
        from desktop.store.cases import LedgerFilter, ledger_count

        count = ledger_count(workspace.db, LedgerFilter())
        if workspace.court() is None:
            raise RuntimeError("数据库没有法院信息（首次设置未完成）")
        return f"{target}，{count:,} 件案件，数据目录 {paths.user_data_dir()}"

    def first_window() -> str:
        from desktop.gui.main_window import MainWindow

        window = MainWindow(state["workspace"])
        state["window"] = window
        window.show_on_screen()
        _wait_until(state["app"], window.isVisible, "主窗口显示")
        state["app"].processEvents()
        return ""  # the time from launch to this line is measured from outside (installer/build.py)

    def dashboard() -> str:
        from desktop.gui.dashboard_page import DashboardPage

        page = next(p for p in state["window"].area_pages.values() if isinstance(p, DashboardPage))
        _wait_until(state["app"], lambda: page.building is None and page.board is not None, "督促看板")
        board = page.board
        assert board is not None
        total = sum(board.counts.values())
        return f"{page.model.rowCount():,} 行，提醒 {total:,} 条"

    def document() -> str:
        from desktop.services.documents import DocumentService

        service = DocumentService(state["workspace"])
        for form in service.forms().ordered():
            ids = service.candidates(form.id, limit=1, scan=200)
            if not ids:
                continue
            draft = service.start(form.id, ids[0])
            values, errors = service.check(draft.form, draft.answers)
            if errors:
                continue
            data = service.pdf([service.preview(draft.form, values, number="（草稿）")])
            if not data.startswith(b"%PDF"):
                raise RuntimeError("生成的文件不是 PDF")
            path = paths.user_data_dir() / "smoke-test.pdf"
            path.write_bytes(data)
            return f"《{form.title}》草稿 {len(data):,} 字节 → {path}"
        raise RuntimeError("没有哪件案件可以出具任何文书")

    def backup() -> str:
        from desktop.gui.backup_dialog import db_path as workspace_db
        from desktop.services import backup as service

        directory = paths.user_data_dir() / "smoke-test-backups"
        done = service.make_backup(workspace_db(state["workspace"]), directory, None, kind="manual")
        manifest = service.verify(done.path, None, deep=True)
        cases = manifest.counts.get("cases", 0)
        return f"{done.path.name}，{done.path.stat().st_size:,} 字节，读回校验通过（{cases:,} 件）"

    def close() -> str:
        from desktop.gui.opening import release_workspace
        from desktop.gui.threads import wait_for_all

        window = state.pop("window", None)
        if window is not None:
            window.close()
            window.deleteLater()
        wait_for_all()
        state["app"].processEvents()
        workspace = state.pop("workspace", None)
        if workspace is not None:
            workspace.close()
            release_workspace(workspace)
        from desktop.gui import crash

        crash.uninstall()
        return ""

    report.step("启动 Qt", start_qt)
    report.step("打开数据库", open_database)
    report.step("显示主窗口", first_window)
    report.step("督促看板", dashboard)
    report.step("文书 PDF", document)
    report.step("备份并校验", backup)
    if "app" in state:
        closing = Report(report.out)
        closing.step("关闭", close)
        report.failed = report.failed or closing.failed

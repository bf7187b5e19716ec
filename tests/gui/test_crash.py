"""Uncaught errors and fatal signals: the report in the log and crash.log, the dialog offers to copy it."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QPushButton, QVBoxLayout

from desktop import __version__
from desktop.gui import crash

ROOT = Path(__file__).resolve().parents[2]


def _fail() -> None:
    raise ValueError("身份证号 110101199003071234 校验失败，电话 13812345678")


def test_an_uncaught_error_is_logged_with_versions_and_last_actions_and_can_be_copied(
    qapp: QApplication, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    asked: list[tuple[str, str]] = []
    monkeypatch.setattr(crash, "ask", lambda text, rep: asked.append((text, rep)) or True)
    crash.remember("点击 保存")
    try:
        _fail()
    except ValueError:
        kind, value, tb = sys.exc_info()
    assert kind is not None and value is not None
    with caplog.at_level(logging.ERROR, logger="desktop.gui.crash"):
        crash.handle(kind, value, tb)
    logged = caplog.text
    for expected in (
        f"法庭自动履行工作台 {__version__}",
        "Qt 6.",
        "系统 ",
        "点击 保存",
        "in _fail",
        "ValueError",
    ):
        assert expected in logged
    assert "110101199003071234" not in logged and "13812345678" not in logged  # masked
    assert "<18位数字>" in logged
    assert len(asked) == 1 and "已记入日志" in asked[0][0]
    assert QApplication.clipboard().text() == asked[0][1]


def test_the_person_may_close_without_copying(qapp: QApplication, monkeypatch: pytest.MonkeyPatch) -> None:
    QApplication.clipboard().setText("之前的内容")
    monkeypatch.setattr(crash, "ask", lambda _t, _r: False)
    try:
        _fail()
    except ValueError:
        crash.handle(*sys.exc_info())  # type: ignore[arg-type]
    assert QApplication.clipboard().text() == "之前的内容"


def test_windows_and_buttons_are_remembered_by_their_labels(qtbot, qapp: QApplication) -> None:  # type: ignore[no-untyped-def]
    recorder = crash._Recorder()
    qapp.installEventFilter(recorder)
    try:
        dialog = QDialog()
        qtbot.addWidget(dialog)
        button = QPushButton("登记督促", dialog)
        QVBoxLayout(dialog).addWidget(button)
        dialog.show()
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    finally:
        qapp.removeEventFilter(recorder)
    actions = " | ".join(crash.last_actions())
    assert "打开 QDialog" in actions and "点击 登记督促" in actions


def test_a_crash_file_with_only_the_start_header_is_no_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRIBUNAL_DESK_HOME", str(tmp_path))
    (tmp_path / crash.CRASH_FILE).write_text(
        "# 启动 2026-01-01\n# 法庭自动履行工作台 0.1.0\n", encoding="utf-8"
    )
    assert crash.previous_crash() == ""


def _child(tmp_path: Path, code: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", TRIBUNAL_DESK_HOME=str(tmp_path))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    prelude = "from desktop.gui.app import application\nfrom desktop.gui import crash\napp = application()\n"
    return subprocess.run(
        [sys.executable, "-c", prelude + code],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def test_a_fatal_signal_is_written_to_crash_log_and_reported_at_the_next_start(tmp_path: Path) -> None:
    died = _child(tmp_path, "crash.install(app)\nimport faulthandler\nfaulthandler._sigsegv()\n")
    assert died.returncode != 0
    written = (tmp_path / crash.CRASH_FILE).read_text(encoding="utf-8")
    assert "Fatal Python error" in written and f"法庭自动履行工作台 {__version__}" in written
    # The next start logs it and tells the person once (the warning is answered by the patched box).
    again = _child(
        tmp_path,
        "from PySide6.QtWidgets import QMessageBox\n"
        "QMessageBox.warning = lambda *a, **k: print('WARNED', a[1])\n"
        "crash.install(app)\ncrash.uninstall()\n",
    )
    assert again.returncode == 0, again.stderr
    assert "WARNED 上次程序异常退出" in again.stdout
    assert "Fatal Python error" in again.stderr  # logged (no log file set up in the child: to stderr)


def test_an_error_in_a_qt_slot_reaches_the_dialog_in_a_real_event_loop(tmp_path: Path) -> None:
    done = _child(
        tmp_path,
        "from PySide6.QtCore import QTimer\n"
        "crash.ask = lambda text, rep: print('ASKED') or True\n"
        "crash.install(app)\n"
        "def boom():\n    raise RuntimeError('看板计算失败')\n"
        "QTimer.singleShot(0, boom)\nQTimer.singleShot(200, app.quit)\napp.exec()\n"
        "print('CLIPBOARD', 'RuntimeError: 看板计算失败' in app.clipboard().text())\n",
    )
    assert "ASKED" in done.stdout, done.stderr
    assert "CLIPBOARD True" in done.stdout

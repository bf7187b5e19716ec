"""``tribunal-desk --smoke-test``: the real program started end to end, and what makes it fail."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.gui import smoke

ROOT = Path(__file__).resolve().parents[2]


def _launch(home: Path | None, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "TRIBUNAL_DESK_HOME"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    if home is not None:
        env["TRIBUNAL_DESK_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=280,
    )


@pytest.mark.slow
def test_smoke_test_on_a_fresh_data_folder_passes_and_removes_the_folder() -> None:
    done = _launch(None, "--demo", "--smoke-test")
    assert done.returncode == 0, done.stdout + done.stderr
    assert smoke.OK_MARK in done.stdout
    for step in ("启动 Qt", "打开数据库", "显示主窗口", "督促看板", "文书 PDF", "备份并校验"):
        assert f"✓ {step}" in done.stdout
    folder = re.search(r"数据目录 (\S+)", done.stdout)
    assert folder is not None
    assert not Path(folder.group(1)).exists()  # a fresh folder is removed after a passing run


@pytest.mark.slow
def test_smoke_test_in_a_given_data_folder_leaves_its_pdf_and_verified_backup(tmp_path: Path) -> None:
    done = _launch(tmp_path, "--smoke-test")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "smoke-test.pdf").read_bytes().startswith(b"%PDF")
    assert len(list((tmp_path / "smoke-test-backups").glob("*.tdbak"))) == 1
    assert (tmp_path / "demo.sqlite3").exists()


def _fake_steps(*writes: bytes, fail: bool = False):  # type: ignore[no-untyped-def]
    def steps(report: smoke.Report, _db: Path | None) -> None:
        def work() -> str:
            for data in writes:
                os.write(2, data)
            if fail:
                raise RuntimeError("数据库损坏")
            return "好"

        report.step("一步", work)

    return steps


@pytest.mark.parametrize(
    ("writes", "fail", "code"),
    [
        ((), False, 0),
        ((b"This plugin does not support propagateSizeHints()\n",), False, 0),
        (("正在生成演示数据库（2000 件）：x\n".encode(),), False, 0),
        ((b"QFont::setPointSize: Point size <= 0 (0), must be greater than 0\n",), False, 1),
        ((b"/x/y.py:3: DeprecationWarning: old\n",), False, 1),
        ((), True, 1),
    ],
)
def test_a_step_that_fails_or_an_unexpected_stderr_line_fails_the_run(
    monkeypatch: pytest.MonkeyPatch, writes: tuple[bytes, ...], fail: bool, code: int
) -> None:
    monkeypatch.setattr(smoke, "_steps", _fake_steps(*writes, fail=fail))
    out = io.StringIO()
    assert smoke.run(None, out) == code
    assert (smoke.OK_MARK if code == 0 else smoke.FAIL_MARK) in out.getvalue()


@pytest.mark.slow
def test_smoke_test_of_a_windowed_program_without_stdout_or_stderr_reports_by_its_exit_status(
    tmp_path: Path,
) -> None:
    # PyInstaller's windowed program on Windows: sys.stdout and sys.stderr are None.
    code = (
        "import sys\n"
        "sys.stdout = None\n"
        "sys.stderr = None\n"
        "from desktop.cli import main\n"
        "status = main(['--demo', '--smoke-test'])\n"
        f"open({str(tmp_path / 'status')!r}, 'w').write(str(status))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "TRIBUNAL_DESK_HOME"}
    env.update(QT_QPA_PLATFORM="offscreen", TRIBUNAL_DESK_HOME=str(tmp_path / "home"))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, timeout=280)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert (tmp_path / "status").read_text() == "0"
    assert (tmp_path / "home" / "smoke-test.pdf").exists()

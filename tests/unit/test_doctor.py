"""``tribunal-desk doctor`` and the check before the window: a missing X library is named, never an abort."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from desktop import cli
from desktop.commands import doctor

ROOT = Path(__file__).resolve().parents[2]


def _readme_packages() -> set[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    line = re.search(r"^sudo apt-get install -y --no-install-recommends (.+)$", text, re.M)
    assert line is not None, "README.md lists the system packages for Linux"
    return set(line.group(1).split())


def test_the_packages_of_a_bare_machine_named_in_the_issue_are_named_with_their_install_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    absent = {"libxcb-icccm.so.4", "libxcb-keysyms.so.1"}  # what a bare Debian lacked (issue 17)
    missing = doctor.missing_libraries(lambda name: name not in absent)
    assert missing == [("libxcb-icccm.so.4", "libxcb-icccm4"), ("libxcb-keysyms.so.1", "libxcb-keysyms1")]
    message = doctor.missing_message(missing)
    assert "sudo apt-get install -y libxcb-icccm4 libxcb-keysyms1" in message
    assert "缺少图形界面所需的系统库" in message


def test_two_libraries_of_one_package_name_it_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    missing = doctor.missing_libraries(lambda name: "glib" not in name and "gthread" not in name)
    assert doctor.install_line(missing) == "sudo apt-get install -y libglib2.0-0"


def test_off_linux_nothing_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    assert doctor.missing_libraries(lambda _name: False) == []


@pytest.mark.parametrize(
    ("env", "platform", "expected"),
    [
        ({"DISPLAY": ":0"}, "linux", True),
        ({}, "linux", False),
        ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, "linux", False),
        ({"QT_QPA_PLATFORM": "xcb"}, "linux", True),
        ({"QT_QPA_PLATFORM": "wayland", "DISPLAY": ":0"}, "linux", False),
        ({"DISPLAY": ":0"}, "win32", False),
    ],
)
def test_wants_xcb(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], platform: str, expected: bool
) -> None:
    monkeypatch.setattr(sys, "platform", platform)
    assert doctor.wants_xcb(env) is expected


def test_the_window_is_not_opened_without_its_libraries_and_the_reason_is_said(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(doctor, "wants_xcb", lambda: True)
    monkeypatch.setattr(doctor, "missing_libraries", lambda: [("libxcb-icccm.so.4", "libxcb-icccm4")])
    assert cli.main(["--demo"]) == 3
    assert "libxcb-icccm4" in capsys.readouterr().err


def test_doctor_command_fails_on_a_missing_library_and_passes_without(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(doctor, "missing_libraries", lambda: [("libxcb-icccm.so.4", "libxcb-icccm4")])
    assert cli.main(["doctor"]) == 1
    assert "✗" in capsys.readouterr().out
    monkeypatch.setattr(doctor, "missing_libraries", lambda: [])
    assert cli.main(["doctor"]) == 0
    assert "可以启动程序" in capsys.readouterr().out


def test_readme_lists_every_library_package_the_doctor_checks_and_ci_installs() -> None:
    readme = _readme_packages()
    assert {pkg for _lib, pkg in doctor.X_LIBRARIES} <= readme
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    qt_packages = set(re.findall(r"\b(lib(?:xcb|xkb|egl|gl|opengl|fontconfig|dbus|glib)[\w.+-]*)", ci))
    assert qt_packages, "the CI script installs Qt's libraries"
    assert qt_packages <= readme, qt_packages - readme

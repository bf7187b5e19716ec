"""The Windows branches, run here with the OS calls replaced (nothing runs on Windows in CI).

docs/windows.md lists what these prove and what must still be checked on a real court PC.
"""

from __future__ import annotations

import io
import os
import sys
import types
from pathlib import Path
from typing import ClassVar

import platformdirs
import platformdirs.windows
import pytest

from desktop import cli, paths
from desktop.documents import fonts
from desktop.services import backup as backup_service
from desktop.store import files, lock
from desktop.store.database import StoreError

# ------------------------------------------------------------------------------- %LOCALAPPDATA%


def test_the_data_folder_is_under_localappdata_not_roaming_and_not_beside_the_program(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folders = {
        "CSIDL_LOCAL_APPDATA": str(tmp_path / "Local"),
        "CSIDL_APPDATA": str(tmp_path / "Roaming"),
    }
    monkeypatch.setattr(platformdirs.windows, "get_win_folder", lambda csidl: folders[csidl])
    monkeypatch.setattr(platformdirs, "PlatformDirs", platformdirs.windows.Windows)
    monkeypatch.delenv("TRIBUNAL_DESK_HOME")
    assert paths.user_data_dir() == tmp_path / "Local" / "TribunalDesk"  # %LOCALAPPDATA%\TribunalDesk
    assert paths.default_database() == tmp_path / "Local" / "TribunalDesk" / "tribunal-desk.sqlite3"


# ------------------------------------------------------------------------------- msvcrt lock


class FakeMsvcrt(types.ModuleType):
    """msvcrt.locking as Windows does it: a byte range of a file locked by one handle at a time."""

    LK_NBLCK = 2
    LK_UNLCK = 0

    def __init__(self) -> None:
        super().__init__("msvcrt")
        self.held: dict[tuple[int, int], int] = {}  # (inode, offset) -> fd holding it

    def locking(self, fd: int, mode: int, nbytes: int) -> None:
        assert nbytes == 1
        key = (os.fstat(fd).st_ino, os.lseek(fd, 0, os.SEEK_CUR))
        if mode == self.LK_NBLCK:
            if key in self.held and self.held[key] != fd:
                raise PermissionError(13, "Permission denied")
            self.held[key] = fd
        elif mode == self.LK_UNLCK:
            if self.held.get(key) != fd:
                raise PermissionError(13, "not locked")
            del self.held[key]


def test_the_windows_lock_keeps_a_second_program_out_and_lets_it_read_who_holds_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeMsvcrt()
    monkeypatch.setitem(sys.modules, "msvcrt", fake)
    monkeypatch.setattr(lock.sys, "platform", "win32")
    db = tmp_path / "tribunal-desk.sqlite3"
    first = lock.acquire(db)
    assert (os.fstat(first._fh.fileno()).st_ino, lock._WINDOWS_LOCK_OFFSET) in fake.held  # type: ignore[union-attr]
    with pytest.raises(lock.DatabaseInUse) as refused:
        lock.acquire(db)
    assert refused.value.holder is not None and refused.value.holder.pid == os.getpid()
    assert lock.holder_of(db) is not None
    first.release()
    assert fake.held == {}
    assert lock.holder_of(db) is None
    lock.acquire(db).release()


# ------------------------------------------------------------------------------- replacing an open file


def test_replacing_a_file_another_program_holds_open_is_refused_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "统计.pdf"
    target.write_bytes(b"%PDF old")

    def windows_replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        # Windows: os.replace over a file a PDF reader has open fails with ERROR_ACCESS_DENIED.
        raise PermissionError(13, "另一个程序正在使用此文件，进程无法访问。", str(dst))

    monkeypatch.setattr(files.os, "replace", windows_replace)
    with pytest.raises(StoreError) as refused:
        files.write_whole(target, b"%PDF new")
    assert "可能正被其他程序" in str(refused.value) and "关闭后重试" in str(refused.value)
    assert target.read_bytes() == b"%PDF old"  # the old file is untouched
    assert [p.name for p in tmp_path.iterdir()] == ["统计.pdf"]  # and no temporary file is left


# ------------------------------------------------------------------------------- C:\Windows\Fonts


def test_the_windows_fonts_folder_supplies_the_court_faces(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    windir = tmp_path / "Windows"
    (windir / "Fonts").mkdir(parents=True)
    (tmp_path / "Local" / "Microsoft" / "Windows" / "Fonts").mkdir(parents=True)
    # Stand-ins with Windows' file names (upper case, as on a real PC; looked up case-insensitively).
    (windir / "Fonts" / "SIMSUN.TTC").symlink_to(fonts.bundled_font_path())
    (windir / "Fonts" / "simfang.ttf").symlink_to(fonts.bundled_font_path())
    monkeypatch.setattr(fonts.sys, "platform", "win32")
    monkeypatch.setenv("WINDIR", str(windir))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "Local"))
    dirs = fonts.system_font_dirs()
    assert dirs[0] == windir / "Fonts"
    assert tmp_path / "Local" / "Microsoft" / "Windows" / "Fonts" in dirs  # fonts installed per user
    found = fonts.build_fontset(use_system=True, font_dirs=dirs)
    assert found.primary(fonts.BODY).face.label.startswith("仿宋")
    assert found.primary(fonts.NUMBER).face.label.startswith("宋体")
    assert found.primary(fonts.TITLE).face.label.startswith("宋体（加粗）")  # no 方正小标宋 on this PC


# ------------------------------------------------------------------------------- USB drives


class FakeKernel32:
    """C: a fixed disk, D: a CD drive, E: a USB stick named 法庭备份, F: a card reader with no card."""

    TYPES: ClassVar[dict[str, int]] = {"C": 3, "D": 5, "E": 2, "F": 2}

    def GetLogicalDrives(self) -> int:
        return sum(1 << (ord(letter) - ord("A")) for letter in "ACDEF")

    def GetDriveTypeW(self, root: object) -> int:
        return self.TYPES[str(getattr(root, "value", root))[0]]

    def GetVolumeInformationW(self, root: object, name: object, *_rest: object) -> int:
        if str(getattr(root, "value", root)).startswith("E"):
            name.value = "法庭备份"  # type: ignore[attr-defined]
        return 1


def test_usb_drives_are_the_removable_ones_that_can_be_read(monkeypatch: pytest.MonkeyPatch) -> None:
    import ctypes
    import shutil

    monkeypatch.setattr(ctypes, "windll", types.SimpleNamespace(kernel32=FakeKernel32()), raising=False)

    def usage(root: str) -> object:
        if root.startswith("F"):
            raise OSError(21, "设备未就绪")
        return shutil._ntuple_diskusage(8 << 30, 1 << 30, 7 << 30)  # type: ignore[attr-defined]

    monkeypatch.setattr(backup_service.shutil, "disk_usage", usage)
    monkeypatch.setattr(backup_service.sys, "platform", "win32")
    drives = backup_service.removable_drives()
    assert [(str(d.path), d.label) for d in drives] == [("E:\\", "法庭备份 (E:)")]
    assert drives[0].free == 7 << 30


# ------------------------------------------------------------------------------- console code page


@pytest.mark.parametrize("encoding", ["gbk", "cp936", "utf-8"])  # chcp 936, and chcp 65001
def test_the_cli_speaks_chinese_on_a_windows_console_of_either_code_page(
    monkeypatch: pytest.MonkeyPatch, encoding: str
) -> None:
    out = io.TextIOWrapper(io.BytesIO(), encoding=encoding)
    err = io.TextIOWrapper(io.BytesIO(), encoding=encoding)
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    assert cli.main(["doctor"]) in (0, 1)  # "✓" is not in GBK: replaced, never UnicodeEncodeError
    out.flush()
    text = out.buffer.getvalue().decode(encoding)  # type: ignore[attr-defined]
    assert "程序版本" in text and "数据目录" in text

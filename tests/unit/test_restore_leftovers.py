"""What a killed backup or restore leaves is removed when the database is next opened (issue 18,
item 5): the plaintext ``.tdrestore-PID-….sqlite3`` and its -wal/-shm, unpacked and set-aside forms
folders, snapshots and ``.NAME.PID.partial`` backups, when the process that made them is gone; a live
process's files are left alone. A decrypted copy is private (0600) from its first byte."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from desktop import paths
from desktop.services import backup as backup_service
from desktop.services.workspace import Workspace
from desktop.store import backup as store
from tests.conftest import make_case


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def leftovers(folder: Path, pid: int) -> list[Path]:
    made = [
        folder / f".tdrestore-{pid}-0a1b2c3d.sqlite3",
        folder / f".tdrestore-{pid}-0a1b2c3d.sqlite3-wal",
        folder / f".tdrestore-{pid}-0a1b2c3d.sqlite3-shm",
        folder / f".tdsnap-{pid}-99aa00ff.sqlite3",
        folder / "backups" / f".tribunal-desk-before-restore-20250613-101010.tdbak.{pid}.partial",
        folder / f".tdrestore-forms-{pid}-0a1b2c3d",
        folder / f".tdrestore-forms-old-{pid}-0a1b2c3d",
    ]
    for path in made:
        path.parent.mkdir(parents=True, exist_ok=True)
        if "forms" in path.name:
            path.mkdir()
            (path / "notice.json").write_text("{}")
        else:
            path.write_bytes(b"SQLite format 3\0 plaintext ID numbers")
    return made


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "TribunalDesk"
    monkeypatch.setenv("TRIBUNAL_DESK_HOME", str(folder))
    Workspace.open(paths.default_database(), actor="测试员").close()
    return folder


def test_a_dead_operations_leftovers_are_removed_on_open(home: Path) -> None:
    made = leftovers(home, dead_pid())
    keep = home / "backups" / "tribunal-desk-manual-20250613-101010.tdbak"
    keep.write_bytes(b"a finished backup")
    Workspace.open(paths.default_database(), actor="测试员").close()
    assert [p for p in made if p.exists()] == []
    assert keep.exists()


def test_a_live_operations_files_are_left_alone(home: Path) -> None:
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        made = leftovers(home, sleeper.pid)
        Workspace.open(paths.default_database(), actor="测试员").close()
        assert all(p.exists() for p in made)
    finally:
        sleeper.kill()
        sleeper.wait()
    Workspace.open(paths.default_database(), actor="测试员").close()
    assert [p for p in made if p.exists()] == []


def test_a_database_elsewhere_cleans_only_its_own_folder(tmp_path: Path) -> None:
    folder = tmp_path / "别处"
    folder.mkdir()
    made = leftovers(folder, dead_pid())
    Workspace.open(folder / "法庭.sqlite3", actor="测试员").close()
    assert [p for p in made if p.exists() and "backups" not in str(p)] == []


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_the_unpacked_plaintext_of_a_restore_is_private(home: Path, tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        ws = Workspace.open(paths.default_database(), actor="测试员")
        ws.save_case(make_case())
        ws.close()
        done = backup_service.make_backup(paths.default_database(), tmp_path / "usb", None)
        prepared = backup_service.prepare_restore(paths.default_database(), done.path, None)
        try:
            assert prepared.new_db.exists()
            assert stat.S_IMODE(prepared.new_db.stat().st_mode) == 0o600
        finally:
            prepared.discard()
        assert not prepared.new_db.exists()
    finally:
        os.umask(umask)


def test_process_alive() -> None:
    assert store.process_alive(os.getpid())
    assert not store.process_alive(dead_pid())

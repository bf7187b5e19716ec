"""Personal data at rest (issue 18, item 4): on Linux the data folder is 0700 and every file in it 0600
after a session, older files are fixed on open, and exports are 0600."""

from __future__ import annotations

import logging
import os
import stat
import sys
from pathlib import Path

import pytest

from desktop import cli, paths
from desktop.services import backup as backup_service
from desktop.services import excel
from desktop.services.workspace import Workspace
from desktop.store import private_files
from tests.conftest import make_case

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "excel"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "TribunalDesk"
    monkeypatch.setenv("TRIBUNAL_DESK_HOME", str(folder))
    umask = os.umask(0o022)  # a usual desktop umask: files 0644 unless the program says otherwise
    yield folder
    os.umask(umask)


def modes(folder: Path) -> dict[str, str]:
    """``oct`` mode of the folder and of everything in it, by path relative to it."""
    out = {".": oct(stat.S_IMODE(folder.stat().st_mode))}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(root, name)
            out[str(path.relative_to(folder))] = oct(stat.S_IMODE(path.lstat().st_mode))
    return out


def not_private(folder: Path) -> dict[str, str]:
    found = modes(folder)
    return {
        name: mode
        for name, mode in found.items()
        if mode != ("0o700" if (folder / name).is_dir() else "0o600")
    }


def test_a_session_leaves_only_private_files(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A clerk's session through the command line (which sets the program's umask) and the services:
    import, export into the data folder, automatic backup, the log; then every file is stat'ed."""
    assert cli.main(["import", str(FIXTURES / "ledger_gbk.csv"), "--skip-rejected"]) == 0
    export = home / "台账导出.xlsx"
    assert cli.main(["export", "--out", str(export)]) == 0
    assert cli.main(["reminders"]) == 0
    ws = Workspace.open(paths.default_database(), actor="测试员")
    ws.close()
    # the log as desktop.cli sets it up (under pytest the root logger already has handlers, so main skips it)
    handler = logging.FileHandler(paths.log_file(), encoding="utf-8")
    handler.emit(logging.makeLogRecord({"msg": "测试"}))
    handler.close()
    done = backup_service.auto_backup(paths.default_database(), force=True)
    assert done is not None
    capsys.readouterr()
    found = modes(home)
    # the session made what it should
    assert {
        "tribunal-desk.sqlite3",
        "tribunal-desk.log",
        "tribunal-desk.sqlite3.lock",
        "台账导出.xlsx",
    } <= set(found)
    assert any(name.startswith("backups/") for name in found), found
    assert not_private(home) == {}, found


def test_exports_are_private_whatever_the_umask(workspace: Workspace, tmp_path: Path) -> None:
    umask = os.umask(0o000)
    try:
        workspace.save_case(make_case())
        out = tmp_path / "导出.xlsx"
        excel.export_ledger(workspace, out)
    finally:
        os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_older_loose_files_are_fixed_when_the_database_opens(home: Path) -> None:
    home.mkdir(mode=0o755)
    os.chmod(home, 0o755)
    ws = Workspace.open(paths.default_database(), actor="测试员")
    ws.save_case(make_case())
    ws.close()
    db = paths.default_database()
    (home / "backups").mkdir(mode=0o755)
    loose = [db, Path(f"{db}-wal"), home / "tribunal-desk.log", home / "backups" / "old.tdbak",
             home / "tribunal-desk.before-v3-20250101-000000.sqlite3"]  # fmt: skip
    for path in loose:
        path.touch()
        os.chmod(path, 0o644)
    os.chmod(home / "backups", 0o755)
    os.chmod(home, 0o755)
    assert not_private(home)
    Workspace.open(db, actor="测试员").close()
    assert not_private(home) == {}


def test_a_database_elsewhere_keeps_its_folder_but_its_files_are_private(tmp_path: Path) -> None:
    folder = tmp_path / "共享"
    folder.mkdir()
    other = folder / "别人的文件.txt"
    other.write_text("x")
    os.chmod(other, 0o644)
    db = folder / "法庭.sqlite3"
    Workspace.open(db, actor="测试员").close()
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert stat.S_IMODE(other.stat().st_mode) == 0o644  # not ours to change


def test_make_private_leaves_symbolic_links_alone(tmp_path: Path) -> None:
    target = tmp_path / "target"
    target.write_text("x")
    os.chmod(target, 0o644)
    link = tmp_path / "link"
    link.symlink_to(target)
    private_files.secure_tree(tmp_path)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600  # as a file in the tree
    assert link.is_symlink()

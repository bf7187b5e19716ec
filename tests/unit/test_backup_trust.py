"""What the restore preview and verify say before anyone trusts a backup (issue 18, items 7 and 8): an
unencrypted backup is unsigned; one from another database file or court is named as such; ``verify`` of
an intact backup of a newer schema says this program cannot restore it; a forms entry is size-checked
against the backup's declaration and streamed, never held in memory."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop import cli
from desktop.core.model import CourtSettings
from desktop.services import backup as service
from desktop.services.workspace import Workspace
from desktop.store import backup as store
from tests.conftest import make_case

pytestmark = pytest.mark.sqlite_only  # backups of an SQLite file; server backups: test_server.py


@pytest.fixture
def backup(workspace: Workspace, db_path: Path, tmp_path: Path) -> Path:
    workspace.save_case(make_case())
    return service.make_backup(db_path, tmp_path / "usb", None, forms=tmp_path / "no-forms").path


def test_an_unencrypted_backup_is_said_to_be_unsigned(backup: Path, db_path: Path) -> None:
    manifest = service.read_manifest(backup, None)
    said = service.warnings(manifest, db_path)
    assert len(said) == 1 and "没有加密，也没有签名" in said[0]


def test_another_courts_or_databases_backup_is_named(backup: Path, tmp_path: Path) -> None:
    other = tmp_path / "另一个法庭.sqlite3"
    ws = Workspace.open(other, actor="测试员")
    ws.set_court(CourtSettings("勃利县人民法院", "黑0921", "双河人民法庭", ("民一庭",)))
    ws.close()
    said = " ".join(service.warnings(service.read_manifest(backup, None), other))
    assert "备份来自另一个数据库" in said and "数据库标识" in said
    assert "另一个法院或法庭" in said and "七台河市新兴区人民法院" in said and "勃利县人民法院" in said


def test_restore_shows_the_warnings_before_asking(
    backup: Path, db_path: Path, workspace: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    workspace.close()
    assert cli.main(["restore", str(backup), "--db", str(db_path), "--yes"]) == 0
    out = capsys.readouterr().out
    assert out.index("注意：这份备份没有加密") < out.index("已恢复")


def test_verify_says_a_newer_backup_cannot_be_restored_here(
    backup: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["verify", str(backup)]) == 0
    assert "备份完好" in capsys.readouterr().out
    current = service.schema_version()
    monkeypatch.setattr(service, "schema_version", lambda: current - 1)
    assert cli.main(["verify", str(backup)]) == 3
    out = capsys.readouterr().out
    assert "备份完好" not in out and "本程序不能恢复它" in out and f"只支持到 {current - 1}" in out


def test_a_forms_entry_larger_than_any_form_is_refused_before_reading(tmp_path: Path) -> None:
    entries = [store.Entry("database.sqlite3", 10), store.Entry("forms/x.json", 1536 << 20)]
    with pytest.raises(store.BackupError, match="超过 16 MB"):
        store._Sink(entries, tmp_path / "db", tmp_path / "forms")
    assert not (tmp_path / "db").exists()


def test_forms_are_streamed_to_their_files_and_checked_against_their_sizes(tmp_path: Path) -> None:
    entries = [
        store.Entry("database.sqlite3", 4),
        store.Entry("forms/a.json", 3),
        store.Entry("forms/empty.json", 0),
        store.Entry("forms/sub/b.json", 5),
    ]
    sink = store._Sink(entries, tmp_path / "db", tmp_path / "forms")
    for piece in (b"DB", b"DBa", b"aab", b"bbb", b"b"):
        sink.write(piece)
    sink.finish()
    forms = tmp_path / "forms"
    assert (tmp_path / "db").read_bytes() == b"DBDB"
    assert (forms / "a.json").read_bytes() == b"aaa"
    assert (forms / "empty.json").read_bytes() == b""
    assert (forms / "sub" / "b.json").read_bytes() == b"bbbbb"
    assert not hasattr(sink, "form")  # no buffer of all the forms any more: each goes to its file

    over = store._Sink(entries, tmp_path / "db2", tmp_path / "forms2")
    with pytest.raises(store.BackupError, match="多"):
        over.write(b"DBDBaaabbbbbX")
    over.abort()
    short = store._Sink(entries, tmp_path / "db3", tmp_path / "forms3")
    short.write(b"DBDBaa")
    with pytest.raises(store.BackupError, match="少"):
        short.finish()
    short.abort()

"""Every database has an identity, and backups carry it (issue 18, item 7): a restore preview — the CLI's
``restore`` with or without ``--yes`` and the GUI's — says when a backup is another database's, and says
"unknown" for an older backup that has no identity. On both engines: a server is backed up through a
snapshot that keeps the server's identity, and ``server migrate``/``server export`` copy it."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from desktop import cli
from desktop.services import backup as service
from desktop.services.workspace import Workspace
from desktop.store import settings as settings_store
from desktop.store.backup import Manifest
from desktop.store.engine import is_server_url
from tests.conftest import PG_URL, make_case

OTHER = "00000000-0000-4000-8000-000000000001"


def identity(workspace: Workspace) -> str:
    found = settings_store.database_identity(workspace.db.conn)
    assert found is not None
    return found


def set_identity(workspace: Workspace, value: str | None) -> None:
    """Give the database another identity (a different database), or none (as an older version left it)."""
    workspace.db.execute("DELETE FROM settings WHERE key = ?", [settings_store.IDENTITY_KEY])
    if value is not None:
        workspace.db.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?)",
            [settings_store.IDENTITY_KEY, json.dumps(value)],
        )


def back_up(workspace: Workspace, tmp_path: Path) -> Manifest:
    """A backup of the workspace's database: of the file, or of the server (through its snapshot)."""
    target = workspace.path
    if is_server_url(target):
        from desktop.services.server import backup_server

        done = backup_server(target, tmp_path / "usb", None)
    else:
        done = service.make_backup(Path(target), tmp_path / "usb", None, forms=tmp_path / "no-forms")
    return service.read_manifest(done.path, None)


def about_identity(said: list[str]) -> list[str]:
    return [w for w in said if "数据库标识" in w]


def test_a_database_gets_an_identity_that_stays(db_target: Path | str) -> None:
    first = Workspace.open(db_target, actor="测试员")
    made = identity(first)
    first.close()
    again = Workspace.open(db_target, actor="测试员")
    assert identity(again) == made and len(made) == 36
    again.close()


def test_an_older_database_gets_one_on_its_first_open(workspace: Workspace, db_target: Path | str) -> None:
    set_identity(workspace, None)
    workspace.close()
    reopened = Workspace.open(db_target, actor="测试员")
    assert len(identity(reopened)) == 36
    reopened.close()


def test_same_identity_no_warning(workspace: Workspace, tmp_path: Path) -> None:
    workspace.save_case(make_case())
    manifest = back_up(workspace, tmp_path)
    assert manifest.database_id == identity(workspace)
    assert ("数据库标识", manifest.database_id) in service.describe(manifest)
    assert about_identity(service.restore_warnings(manifest, workspace.path)) == []


def test_another_databases_backup_is_named(workspace: Workspace, tmp_path: Path) -> None:
    workspace.save_case(make_case())
    manifest = back_up(workspace, tmp_path)
    set_identity(workspace, OTHER)  # the database the backup would replace is another one
    said = about_identity(service.restore_warnings(manifest, workspace.path))
    assert len(said) == 1 and "备份来自另一个数据库" in said[0]
    assert manifest.database_id in said[0] and OTHER in said[0]


def test_an_older_backup_without_identity_is_unknown(workspace: Workspace, tmp_path: Path) -> None:
    workspace.save_case(make_case())
    mine = identity(workspace)
    set_identity(workspace, None)  # as a version before identities left it: its backups have none
    manifest = back_up(workspace, tmp_path)
    set_identity(workspace, mine)
    assert manifest.database_id == ""
    assert ("数据库标识", "未知（较旧版本的备份没有记录）") in service.describe(manifest)
    said = about_identity(service.restore_warnings(manifest, workspace.path))
    assert len(said) == 1 and "数据库标识未知" in said[0] and "另一个数据库" not in said[0]


def test_a_manifest_without_identity_still_reads() -> None:
    """Old manifests (no ``database_id`` key) read as identity unknown; new ones round-trip."""
    old = {
        "app_version": "0.9", "schema_version": 9, "created": "2026-01-02T03:04:05+08:00", "kind": "manual",
        "court": {}, "counts": {"cases": 1}, "check": "quick_check", "fingerprint": "f", "source": "a",
        "user": "u", "host": "h", "entries": [], "payload_size": 0, "payload_sha256": "0",
    }  # fmt: skip
    manifest = Manifest.from_bytes(json.dumps(old).encode(), encrypted=False)
    assert manifest.database_id == "" and b"database_id" not in manifest.to_bytes()
    new = Manifest.from_bytes(json.dumps({**old, "database_id": OTHER}).encode(), encrypted=False)
    assert new.database_id == OTHER and Manifest.from_bytes(new.to_bytes(), False) == new


@pytest.mark.sqlite_only
def test_restore_yes_prints_the_identity_warning(
    workspace: Workspace, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workspace.save_case(make_case())
    manifest = back_up(workspace, tmp_path)
    set_identity(workspace, OTHER)
    workspace.close()
    backup = next((tmp_path / "usb").glob("*.tdbak"))
    assert cli.main(["restore", str(backup), "--db", str(db_path), "--yes"]) == 0
    out = capsys.readouterr().out
    assert out.index("注意：备份来自另一个数据库") < out.index("已恢复")
    # the restored database is the backup's: its identity came back with it
    with sqlite3.connect(db_path) as conn:
        assert settings_store.database_identity(conn) == manifest.database_id


@pytest.mark.server
@pytest.mark.skipif(not PG_URL, reason="needs a PostgreSQL server (TRIBUNAL_DESK_TEST_PG)")
def test_server_migrate_and_export_keep_the_identity(pg_url: str, tmp_path: Path) -> None:
    from desktop.services.server import export_from_server, migrate_to_server

    url = pg_url
    workspace = Workspace.open(url, actor="测试员")
    workspace.save_case(make_case())
    server_id = identity(workspace)
    exported = tmp_path / "export.sqlite3"
    export_from_server(url, exported)
    with sqlite3.connect(exported) as conn:
        assert settings_store.database_identity(conn) == server_id
    local = Workspace.open(exported, actor="测试员")  # opening the export keeps it too
    assert identity(local) == server_id
    set_identity(local, OTHER)  # a one-PC file of its own, moved onto the server
    local.close()
    workspace.close()
    migrate_to_server(exported, url, replace=True)
    server = Workspace.open(url, actor="测试员")
    assert identity(server) == OTHER
    server.close()

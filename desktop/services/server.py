"""Moving a tribunal onto a PostgreSQL server and back (server mode, see docs/server-mode.md).

- :func:`init_server`: build the schema in an empty server database.
- :func:`migrate_to_server`: copy an SQLite database into a server in one transaction, then compare
  every table's row count and money sums; the copy is committed only when all agree. A server that
  already holds cases is refused unless ``replace``.
- :func:`export_from_server`: one consistent snapshot of a server into an ordinary SQLite file (the
  way server-mode backups are made, and the way back to one PC).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from desktop.services.backup import BackupDone
from desktop.store import pg
from desktop.store.backup import SCRYPT_LOG_N
from desktop.store.database import StoreError, build_server_schema, current_version, open_database
from desktop.store.transfer import Comparison, Progress, begin_snapshot, compare, copy_all, is_empty


@dataclass(frozen=True)
class Moved:
    comparison: Comparison
    seconds: float


def init_server(url: str, password: str | None = None) -> int:
    """Create (or bring up to date) the schema at ``url``; return the version it is at."""
    conn = pg.connect(url, password)
    try:
        conn.execute("BEGIN")
        try:
            version = build_server_schema(conn)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        return version
    finally:
        conn.close()


def _drop_everything(conn: pg.PgConnection) -> None:
    """Empty the server database for ``--replace``: its schema is dropped and made anew."""
    try:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")
    except Exception as exc:
        raise StoreError(f"无法清空服务器上的数据库（需要数据库所有者的权限）：{exc}") from exc


def migrate_to_server(
    source: Path,
    url: str,
    password: str | None = None,
    replace: bool = False,
    progress: Progress | None = None,
) -> Moved:
    """Copy the SQLite database ``source`` into the server at ``url`` (see module doc)."""
    import time

    started = time.perf_counter()
    if not Path(source).is_file():
        raise StoreError(f"数据库文件不存在：{source}")
    src_db = open_database(source)  # brought to this program's schema first (a copy is kept beside it)
    src = src_db.conn
    target = pg.connect(url, password)
    try:
        target.execute("BEGIN")
        try:
            if current_version(target) and not is_empty(target) and not replace:
                raise StoreError(
                    f"{pg.describe(url)}已有数据，未作任何改动。确认要用本机数据库替换它时，请加 --replace。"
                )
            if replace:
                _drop_everything(target)
            build_server_schema(target)
            begin_snapshot(src)
            copy_all(src, target, progress)
            result = compare(src, target)
            src.execute("COMMIT")
            if not result.equal:
                raise StoreError("复制后核对不一致，服务器上的数据库保持原状：\n" + "\n".join(result.lines()))
        except BaseException:
            target.rollback()
            raise
        target.execute("COMMIT")
    finally:
        target.close()
        src.close()
    return Moved(result, time.perf_counter() - started)


def export_from_server(
    url: str, destination: Path, password: str | None = None, progress: Progress | None = None
) -> Moved:
    """Write a consistent snapshot of the server at ``url`` into a new SQLite file ``destination``."""
    import time

    started = time.perf_counter()
    destination = Path(destination)
    if destination.exists():
        raise StoreError(f"目标文件已存在，未作任何改动：{destination}")
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    source = pg.connect(url, password, read_only=True)
    try:
        db = open_database(partial)
        target = db.conn
        try:
            begin_snapshot(source)
            target.execute("BEGIN IMMEDIATE")
            copy_all(source, target, progress)
            result = compare(source, target)
            if not result.equal:
                target.execute("ROLLBACK")
                raise StoreError("导出后核对不一致，未生成文件：\n" + "\n".join(result.lines()))
            target.execute("COMMIT")
            source.execute("COMMIT")
        finally:
            target.close()
        os.replace(partial, destination)
    except BaseException:
        for leftover in (
            partial,
            partial.with_name(partial.name + "-wal"),
            partial.with_name(partial.name + "-shm"),
        ):
            leftover.unlink(missing_ok=True)
        raise
    finally:
        source.close()
    return Moved(result, time.perf_counter() - started)


# ------------------------------------------------------------------------------------------ backups
# A server is backed up through a snapshot (export_from_server) in the same encrypted backup format as
# a file, so a USB backup from either engine restores into either.


def _snapshot_name(url: str) -> str:
    from urllib.parse import unquote, urlsplit

    name = unquote(urlsplit(url).path.lstrip("/")) or "server"
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name) + ".sqlite3"


def backup_server(
    url: str,
    directory: Path,
    password: str | None,
    *,
    db_password: str | None = None,
    actor: str = "",
    kind: str = "manual",
    progress: Callable[[str, float], None] | None = None,
    kdf_log_n: int = SCRYPT_LOG_N,
) -> BackupDone:
    """A verified backup of the server at ``url`` into ``directory``, through a consistent snapshot kept
    in a private temporary folder (removed at once). The backup is audited on the server."""
    import tempfile

    from desktop.services import backup as files
    from desktop.store.audit import record
    from desktop.store.database import transaction

    with tempfile.TemporaryDirectory(prefix="tribunal-desk-snapshot-") as folder:
        snapshot = Path(folder) / _snapshot_name(url)
        export_from_server(url, snapshot, db_password)
        done = files.make_backup(
            snapshot, directory, password, kind=kind, progress=progress, kdf_log_n=kdf_log_n
        )
    if actor:
        db = open_database(url, db_password)
        try:
            with transaction(db) as conn:
                record(
                    conn, actor, "backup.create", "backup", None, "", {"file": str(done.path), "server": True}
                )
        finally:
            db.close()
    return done


@dataclass(frozen=True)
class ServerRestored:
    cases: int
    safety: Path  # the server as it was before, backed up
    comparison: Comparison


def restore_server(
    url: str,
    backup: Path,
    password: str | None,
    *,
    db_password: str | None = None,
    actor: str = "",
    safety_dir: Path | None = None,
) -> ServerRestored:
    """Replace the server's data with a backup (of a file or of a server): the backup is unpacked and
    checked in a private temporary folder, the server as it is now is backed up first (the undo), then
    the backup's database is copied in and compared table by table in one transaction."""
    import tempfile

    from desktop.services import backup as files
    from desktop.store import backup as store
    from desktop.store.audit import record
    from desktop.store.database import transaction

    with tempfile.TemporaryDirectory(prefix="tribunal-desk-restore-") as folder:
        unpacked = Path(folder) / "restored.sqlite3"
        manifest = store.extract_backup(Path(backup), password, unpacked, Path(folder) / "forms")
        store.prepare_restored(unpacked)
        safety = backup_server(
            url, safety_dir or files.backups_dir(), None, db_password=db_password, kind="before-restore"
        ).path
        moved = migrate_to_server(unpacked, url, db_password, replace=True)
    if actor:
        db = open_database(url, db_password)
        try:
            with transaction(db) as conn:
                record(conn, actor, "backup.restore", "backup", None, "",
                       {"file": str(backup), "before": str(safety), "server": True})  # fmt: skip
        finally:
            db.close()
    return ServerRestored(int(manifest.counts.get("cases", 0)), safety, moved.comparison)

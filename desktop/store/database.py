"""Opening a database and bringing its schema up to date.

The schema is the ordered SQL files in ``db/`` (``0001_initial.sql``, ``0002_….sql``: increasing,
unique numbers); a database's ``PRAGMA user_version`` is the number of the last file applied. Each
file is applied inside one transaction together with the version bump, so a failed migration leaves
the database as it was.
Before migrating an existing database the file is copied beside itself. A database written by a newer
Tribunal Desk is refused: an old program must never guess at a schema it does not know.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlite_utils

from desktop import paths
from desktop.store.private_files import create_private, secure_database

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class StoreError(Exception):
    """A known problem with the database file, shown to the user as is (not a bug)."""


class DatabaseTooNew(StoreError):
    pass


@dataclass(frozen=True)
class Migration:
    version: int
    path: Path

    def sql(self) -> str:
        return self.path.read_text(encoding="utf-8")


def migrations(directory: Path | None = None) -> list[Migration]:
    directory = directory or paths.migrations_dir()
    found = []
    for path in sorted(directory.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if not match:
            raise StoreError(f"迁移文件名不合规范：{path.name}（应为 0001_说明.sql）")
        found.append(Migration(int(match.group(1)), path))
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions) or (versions and versions[0] < 1):
        raise StoreError(f"迁移文件编号应为从 0001 起、互不重复的递增数：{versions}")
    return found


def schema_version() -> int:
    """The schema version this program writes: the number of its last migration."""
    found = migrations()
    return found[-1].version if found else 0


_KNOWN_ERRORS = (
    (("not a database", "malformed", "corrupt"), "数据库文件已损坏或不是本程序的数据库"),
    (("readonly", "read-only"), "数据库文件是只读的（检查文件属性或所在目录的权限）"),
    (("disk is full", "database or disk is full"), "磁盘已满，无法写入数据库，请清理磁盘空间"),
    (("locked", "busy"), "数据库正被其他程序占用，请稍后再试"),
    (("unable to open",), "无法打开数据库文件（目录不存在或没有权限）"),
)


def explain(exc: sqlite3.Error, path: Path | str | None = None) -> StoreError:
    """Turn a known SQLite error (corrupt, read-only, disk full, locked) into a message for people."""
    text = str(exc).lower()
    where = f"：{path}" if path else ""
    for needles, message in _KNOWN_ERRORS:
        if any(n in text for n in needles):
            return StoreError(f"{message}{where}（{exc}）")
    return StoreError(f"数据库错误{where}（{exc}）")


def connect(path: Path | str) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), WAL and foreign keys on."""
    try:
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA busy_timeout = 5000")
        if str(path) != ":memory:":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.Error as exc:
        raise explain(exc, path) from exc
    return conn


def _backup_before_migration(conn: sqlite3.Connection, path: Path, version: int) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.before-v{version + 1}-{stamp}{path.suffix}")
    create_private(target)  # a copy of the whole database: private before a byte is in it
    dest = sqlite3.connect(str(target))
    try:
        conn.backup(dest)
    finally:
        dest.close()
    return target


def migrate(conn: sqlite3.Connection, path: Path | None = None, directory: Path | None = None) -> int:
    """Apply the missing migrations; return the version reached."""
    available = migrations(directory)
    newest = available[-1].version if available else 0
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    if current > newest:
        raise DatabaseTooNew(
            f"该数据库由较新版本的法庭自动履行工作台创建（结构版本 {current}，本程序支持到 {newest}），"
            "请升级本程序后再打开。"
        )
    pending = [m for m in available if m.version > current]
    if pending and current > 0 and path is not None:
        _backup_before_migration(conn, path, current)
    for migration in pending:
        script = f"BEGIN IMMEDIATE;\n{migration.sql()}\nPRAGMA user_version = {migration.version};\nCOMMIT;"
        try:
            conn.executescript(script)
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise StoreError(f"数据库升级到版本 {migration.version} 失败，已保持原状：{exc}") from exc
    return newest


def _remove_leftovers(db: Path) -> None:
    """What killed backups and restores left beside ``db`` (and, for the database in the per-user data
    folder, in its backups folder): removed when the process that made it is gone (file helpers in
    desktop.store.backup; a server database has none of these files)."""
    from desktop.store.backup import remove_dead_leftovers

    folders = [db.parent]
    data = paths.user_data_dir()
    with contextlib.suppress(OSError):
        if db.parent.resolve() == data.resolve():
            folders.append(data / "backups")
    for folder in folders:
        remove_dead_leftovers(folder)


def open_database(path: Path | str | None = None) -> sqlite_utils.Database:
    """Open (creating if needed) and migrate the database at ``path`` (default: the user's), first
    finishing a restore that a crash interrupted (the caller holds the single-instance lock)."""
    target = Path(path) if path is not None and str(path) != ":memory:" else None
    if path is None:
        target = paths.default_database()
    if target is not None:
        target.parent.mkdir(parents=True, exist_ok=True)
        from desktop.store.restore_journal import finish_restore  # it builds on this module

        finish_restore(target)  # a restore a crash interrupted: finished before anything reads the file
        _remove_leftovers(target)
        # the database and its files 0600, the data folder 0700 with all in it 0600 (fixes older ones)
        secure_database(target, paths.user_data_dir())
    conn = connect(target if target is not None else ":memory:")
    try:
        conn.execute("PRAGMA schema_version").fetchone()
        migrate(conn, target)
    except sqlite3.Error as exc:
        conn.close()
        raise explain(exc, target) from exc
    except StoreError:
        conn.close()
        raise
    return sqlite_utils.Database(conn)


@contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite3.Connection]:
    """One write transaction: everything inside commits together or not at all."""
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")

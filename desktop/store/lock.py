"""One program per database file: an OS-level lock that dies with the process.

Beside ``tribunal-desk.sqlite3`` sits ``tribunal-desk.sqlite3.lock``. The program that opens the database
for writing takes an exclusive, non-blocking OS lock on that file (``fcntl.flock`` on Linux,
``msvcrt.locking`` on Windows) and writes who it is into it (pid, user, host, time). The operating system
releases the lock when the process ends in any way (exit, crash, SIGKILL, power cut), so a stale lock file
never keeps anyone out: only a *held* lock does. A second program on the same file gets
:class:`DatabaseInUse`, which says who holds it, and may open the database read-only
(:func:`open_read_only`) or not at all.

The lock file is never deleted (deleting it would let two programs lock two different files of the same
name); it is a few hundred bytes.

On Windows ``msvcrt.locking`` locks a byte range that other processes cannot read, so the lock is taken on
one byte far past the end of the text, and the text stays readable.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import socket
import sqlite3
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

from desktop.store.database import StoreError, explain
from desktop.store.engine import Database, SqliteDatabase, file_path
from desktop.store.private_files import create_private

_WINDOWS_LOCK_OFFSET = 1 << 30  # one byte here is locked; the holder's details at the start stay readable


@dataclass(frozen=True)
class Holder:
    """Who holds a database: what the lock file says."""

    pid: int
    user: str
    host: str
    since: str  # ISO 8601, local time with offset

    def describe(self) -> str:
        when = self.since.replace("T", " ")[:19] if self.since else "未知时间"
        return f"{self.user or '未知用户'}（计算机 {self.host or '未知'}，进程号 {self.pid}，自 {when} 起）"


class DatabaseInUse(StoreError):
    """Another running program has the database open for writing."""

    def __init__(self, path: Path, holder: Holder | None) -> None:
        who = holder.describe() if holder else "另一个程序（未能读出其信息）"
        super().__init__(f"数据库正在被 {who} 使用：{path}。同一时间只能有一个程序修改它。")
        self.path = path
        self.holder = holder


def lock_path(db_path: Path | str) -> Path:
    path = Path(db_path)
    return path.with_name(path.name + ".lock")


def _me() -> Holder:
    try:
        user = getpass.getuser()
    except Exception:  # getuser raises various errors when no name can be found
        user = ""
    return Holder(
        os.getpid(), user, socket.gethostname(), datetime.now().astimezone().isoformat("T", "seconds")
    )


def _read_holder(fh: IO[bytes]) -> Holder | None:
    try:
        fh.seek(0)
        data = json.loads(fh.read(4096).decode("utf-8"))
        return Holder(int(data["pid"]), str(data["user"]), str(data["host"]), str(data["since"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _try_lock(fh: IO[bytes]) -> bool:
    if sys.platform == "win32":
        import msvcrt

        fh.seek(_WINDOWS_LOCK_OFFSET)
        try:
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock(fh: IO[bytes]) -> None:
    if sys.platform == "win32":
        import msvcrt

        fh.seek(_WINDOWS_LOCK_OFFSET)
        msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


class DatabaseLock:
    """The single-instance lock of one database file; use :func:`acquire` to take it."""

    def __init__(self, db_path: Path, fh: IO[bytes], holder: Holder) -> None:
        self.db_path = db_path
        self.holder = holder
        self._fh: IO[bytes] | None = fh

    @property
    def held(self) -> bool:
        return self._fh is not None

    def release(self) -> None:
        fh, self._fh = self._fh, None
        if fh is None:
            return
        with contextlib.suppress(OSError):  # closing the file releases it anyway
            _unlock(fh)
        fh.close()

    def __enter__(self) -> DatabaseLock:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()


def acquire(db_path: Path | str) -> DatabaseLock:
    """Take the lock of ``db_path`` or raise :class:`DatabaseInUse` naming the holder (never waits)."""
    path = file_path(db_path).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # "a+b": create if missing, never truncate before we hold the lock.
        create_private(lock_path(path))
        fh = open(lock_path(path), "a+b")  # noqa: SIM115 - kept open for as long as the lock is held
    except OSError as exc:
        raise StoreError(
            f"无法创建锁文件 {lock_path(path)}（{exc.strerror or exc}）：数据库所在目录可能只读。"
        ) from exc
    if not _try_lock(fh):
        holder = _read_holder(fh)
        fh.close()
        raise DatabaseInUse(path, holder)
    me = _me()
    text = json.dumps(
        {"pid": me.pid, "user": me.user, "host": me.host, "since": me.since, "database": str(path)},
        ensure_ascii=False,
    ).encode("utf-8")
    try:
        fh.seek(0)
        fh.truncate(0)
        fh.write(text + b"\n")
        fh.flush()
    except OSError:
        pass  # the OS lock is what counts; the text only tells others who we are
    return DatabaseLock(path, fh, me)


def holder_of(db_path: Path | str) -> Holder | None:
    """Who holds the lock of ``db_path`` now, or None when nobody does."""
    path = file_path(db_path).resolve()
    try:
        create_private(lock_path(path))
        fh = open(lock_path(path), "a+b")  # noqa: SIM115
    except OSError:
        return None
    try:
        if _try_lock(fh):
            _unlock(fh)
            return None
        return _read_holder(fh)
    finally:
        fh.close()


class ReadOnly(StoreError):
    """A write was attempted on a database opened read-only."""


READ_ONLY_MESSAGE = (
    "数据库是以只读方式打开的（另一个程序正在使用它），不能保存修改。"
    "请在那个程序里修改，或等它关闭后重新打开。"
)


class _ReadOnlyConnection(sqlite3.Connection):
    """Says "read-only" in words where SQLite would say "attempt to write a readonly database"."""

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        if sql.lstrip().upper().startswith(("BEGIN IMMEDIATE", "BEGIN EXCLUSIVE")):
            raise ReadOnly(READ_ONLY_MESSAGE)
        try:
            return super().execute(sql, parameters)
        except sqlite3.OperationalError as exc:
            if "readonly" in str(exc):
                raise ReadOnly(READ_ONLY_MESSAGE) from exc
            raise


def is_read_only(db: Database) -> bool:
    """Whether ``db`` was opened by :func:`open_read_only` (or is a read-only server connection)."""
    return isinstance(db.conn, _ReadOnlyConnection) or bool(getattr(db.conn, "read_only", False))


def open_read_only(db_path: Path | str) -> SqliteDatabase:
    """Open an existing database read-only (``mode=ro``): every write is refused (:class:`ReadOnly`)."""
    path = file_path(db_path).resolve()
    if not path.is_file():
        raise StoreError(f"数据库文件不存在：{path}")
    posix = path.as_posix()
    uri = "file:" + quote(posix if posix.startswith("/") else "/" + posix, safe="/:") + "?mode=ro"
    try:
        conn = sqlite3.connect(
            uri, uri=True, isolation_level=None, check_same_thread=False, factory=_ReadOnlyConnection
        )
        conn.execute("PRAGMA busy_timeout = 5000")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as exc:
        raise explain(exc, path) from exc
    return SqliteDatabase(conn)

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
from dataclasses import dataclass
from pathlib import Path

from desktop.store import pg
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

"""Copying a whole database between the engines: an SQLite file into a server, and a server's snapshot
into an SQLite file (``tribunal-desk server migrate`` / ``server export``, and server-mode backups).

Both sides are at the same schema version (the target is built from ``db/`` first). Every table the two
share is copied with its ids, parents before children, inside one transaction on the target; SQLite's
own search tables are left to its triggers. The source is read in one snapshot (SQLite: one read
transaction; PostgreSQL: REPEATABLE READ, READ ONLY). :func:`compare` then counts each table's rows and
sums its money columns (``*_fen``) on both sides: a copy is good only if every figure agrees.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from desktop.store.engine import Connection, dialect, sync_ids

BATCH = 5000
Progress = Callable[[str, int], None]


@dataclass(frozen=True)
class TableFigures:
    table: str
    rows: int
    sums: tuple[tuple[str, int], ...]  # (column, sum) of the money columns


@dataclass(frozen=True)
class Comparison:
    source: tuple[TableFigures, ...]
    target: tuple[TableFigures, ...]

    @property
    def equal(self) -> bool:
        return self.source == self.target

    def lines(self) -> list[str]:
        """A table for people: 数据表、行数和金额合计，两边对照。"""
        target = {t.table: t for t in self.target}
        out = [f"{'数据表':<24}{'源行数':>12}{'目标行数':>12}  金额合计（分）"]
        for s in self.source:
            t = target.get(s.table)
            mark = "一致" if t == s else "不一致"
            sums = "；".join(
                f"{col} {value:,} / {dict(t.sums).get(col, 0) if t else 0:,}" for col, value in s.sums
            )
            out.append(f"{s.table:<24}{s.rows:>12,}{(t.rows if t else 0):>12,}  {sums}  {mark}")
        return out


def tables(conn: Connection) -> list[str]:
    """The program's tables in ``conn``, parents before children (by their foreign keys)."""
    if dialect(conn) == "postgresql":
        names = [
            r[0]
            for r in conn.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
            )
        ]
        edges = {
            (r[0], r[1])
            for r in conn.execute(
                "SELECT tc.table_name, ccu.table_name FROM information_schema.table_constraints tc "
                "JOIN information_schema.constraint_column_usage ccu "
                "ON ccu.constraint_name = tc.constraint_name AND ccu.table_schema = tc.table_schema "
                "WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema()"
            )
        }
    else:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'"
            )
        ]
        shadow = {
            f"{fts}_{s}"
            for fts in ("case_search", "case_chars")
            for s in ("data", "idx", "content", "docsize", "config")
        }
        names = [n for n in names if n not in shadow]
        edges = {
            (name, str(fk[2])) for name in names for fk in conn.execute(f'PRAGMA foreign_key_list("{name}")')
        }
    ordered: list[str] = []
    pending = sorted(names)
    while pending:
        ready = [n for n in pending if all(p == n or p in ordered for c, p in edges if c == n)]
        if not ready:  # a cycle would be a schema bug; keep going in name order
            ready = pending[:1]
        ordered += ready
        pending = [n for n in pending if n not in ready]
    return ordered


def columns(conn: Connection, table: str) -> list[str]:
    if dialect(conn) == "postgresql":
        return [
            r[0]
            for r in conn.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
                (table,),
            )
        ]
    return [str(r[1]) for r in conn.execute(f'PRAGMA table_info("{table}")')]


def _rows(conn: Connection, table: str, cols: list[str]) -> Iterator[list[tuple[object, ...]]]:
    cur = conn.execute(f"SELECT {', '.join(cols)} FROM {table}")
    while True:
        chunk = cur.fetchmany(BATCH)
        if not chunk:
            return
        yield [tuple(r) for r in chunk]


def copy_all(source: Connection, target: Connection, progress: Progress | None = None) -> None:
    """Copy every table both databases have, inside the caller's transaction on ``target`` and read
    transaction on ``source``. The target's tables must be empty."""
    # schema_migrations: both sides were built to the same version, each recording it itself
    shared = [t for t in tables(target) if t in set(tables(source)) and t != "schema_migrations"]
    server = dialect(target) == "postgresql"
    # A bulk load into a server builds its secondary indexes once at the end, not row by row (the
    # million-case demo: 9 minutes otherwise); the planner is then given statistics (ANALYZE).
    indexes = _secondary_indexes(target) if server else []
    if "settings" in shared:  # the target takes the source's identity with its data (the one it made opening)
        from desktop.store.settings import IDENTITY_KEY

        target.execute("DELETE FROM settings WHERE key = ?", (IDENTITY_KEY,))
    for name, _definition in indexes:
        target.execute(f'DROP INDEX "{name}"')
    for table in shared:
        cols = [c for c in columns(target, table) if c in set(columns(source, table))]
        if server:
            target.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")  # rows arrive as they were
        done = 0
        for chunk in _rows(source, table, cols):
            if server:
                raw = target.raw  # type: ignore[attr-defined]
                with raw.cursor().copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                    for row in chunk:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" for _ in cols)
                target.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})", chunk)
            done += len(chunk)
            if progress is not None:
                progress(table, done)
        if server:
            target.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
    if server:
        for _name, definition in indexes:
            target.execute(definition)
        sync_ids(target, [t for t in shared if "id" in columns(target, t)])
        target.execute("ANALYZE")


def _secondary_indexes(conn: Connection) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of a server's indexes that no constraint owns."""
    return [
        (str(r[0]), str(r[1]))
        for r in conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)"
        )
    ]


def figures(conn: Connection) -> tuple[TableFigures, ...]:
    out = []
    for table in tables(conn):
        money = [c for c in columns(conn, table) if c.endswith("_fen")]
        select = ", ".join(["count(*)", *(f"coalesce(sum({c}), 0)" for c in money)])
        row = conn.execute(f"SELECT {select} FROM {table}").fetchone()
        out.append(
            TableFigures(table, int(row[0]), tuple(zip(money, (int(v) for v in row[1:]), strict=True)))
        )
    return tuple(out)


def compare(source: Connection, target: Connection) -> Comparison:
    """Row counts and money sums of every table the two share, side by side."""
    shared = set(tables(source)) & set(tables(target))
    return Comparison(
        tuple(f for f in figures(source) if f.table in shared),
        tuple(f for f in figures(target) if f.table in shared),
    )


def is_empty(conn: Connection) -> bool:
    """Whether a database holds nothing a person entered (no case, no document, no published list)."""
    for table in ("cases", "documents", "whitelist_batches", "audit_log"):
        if conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]:
            return False
    return True


def begin_snapshot(conn: Connection) -> None:
    """Start a read transaction that sees one moment of the database."""
    if dialect(conn) == "postgresql":
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    else:
        assert isinstance(conn, sqlite3.Connection)
        conn.execute("BEGIN")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # takes the read snapshot now

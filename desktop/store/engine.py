"""The two engines behind one store: what a connection and a database offer whichever engine they are.

SQLite (an embedded file, the default) is reached through ``sqlite3`` and ``sqlite_utils.Database``;
PostgreSQL (a tribunal's shared server) through :mod:`desktop.store.pg`, whose connection speaks the
same parameter style and raises the same ``sqlite3`` exceptions. The store is typed against the
protocols below, and asks :func:`dialect` only where one statement cannot serve both.

This module imports neither psycopg nor sqlite_utils, so a program that never connects to a server never
loads the PostgreSQL driver.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Literal, Protocol

Dialect = Literal["sqlite", "postgresql"]
SERVER_SCHEMES = ("postgresql://", "postgres://")


class Cursor(Protocol):
    @property
    def description(self) -> Any: ...

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchmany(self, size: int = ...) -> list[Any]: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    def execute(self, sql: str, parameters: Any = ..., /) -> Any: ...

    def executemany(self, sql: str, seq: Iterable[Any], /) -> Any: ...

    def executescript(self, script: str, /) -> Any: ...

    @property
    def in_transaction(self) -> bool: ...

    def close(self) -> None: ...


class Database(Protocol):
    @property
    def conn(self) -> Any: ...

    def execute(self, sql: str, parameters: Sequence[Any] | dict[str, Any] | None = ...) -> Any: ...

    def query(
        self, sql: str, params: Sequence[Any] | dict[str, Any] | None = ...
    ) -> Iterator[dict[str, Any]]: ...

    def close(self) -> None: ...


def is_server_url(target: object) -> bool:
    """Whether ``target`` names a PostgreSQL server (``postgresql://…``) rather than an SQLite file."""
    return isinstance(target, str) and target.startswith(SERVER_SCHEMES)


def file_path(target: object) -> Path:
    """``target`` as an SQLite file's path. A server's address is refused (ValueError), also once
    ``Path()`` has folded its "//" into "postgresql:/…": that is a bug in the caller, and must never
    create a folder named "postgresql:" with a database in it."""
    if is_server_url(target) or str(target).startswith(tuple(s[:-1] for s in SERVER_SCHEMES)):
        raise ValueError(f"a server's address is not a file: {target}")
    return Path(str(target))


def dialect(conn: object) -> Dialect:
    """The engine behind a connection (or a database, through its ``conn``)."""
    inner = getattr(conn, "conn", conn)
    if isinstance(inner, sqlite3.Connection):
        return "sqlite"
    return "postgresql" if getattr(inner, "dialect", "") == "postgresql" else "sqlite"


def is_server(db: object) -> bool:
    return dialect(db) == "postgresql"


def serialize(conn: Connection, key: str) -> None:
    """Inside a write transaction: wait until no other writer holds ``key`` (e.g. a numbering series).

    SQLite's ``BEGIN IMMEDIATE`` already lets one writer in at a time; on a server two clerks issuing
    the same series at once would read the same last number, so the second waits here for the first
    to commit (a transaction-scoped advisory lock, released with the transaction)."""
    if dialect(conn) == "postgresql":
        conn.execute("SELECT pg_advisory_xact_lock(hashtext(?))", (key,))


def reserve_ids(conn: Connection, tables: Sequence[str]) -> None:
    """Inside a write transaction, before inserting rows into ``tables`` with ids chosen as max + 1:
    keep other writers from inserting into them until the transaction ends (SQLite's BEGIN IMMEDIATE
    already does; on a server another PC could take the same ids)."""
    if dialect(conn) == "postgresql":
        conn.execute(f"LOCK TABLE {', '.join(tables)} IN SHARE ROW EXCLUSIVE MODE")


def sync_ids(conn: Connection, tables: Sequence[str]) -> None:
    """After inserting rows with explicit ids: a server's identity sequences continue after them."""
    if dialect(conn) == "postgresql":
        for table in tables:
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
            )


def for_update(conn: Connection) -> str:
    """`` FOR UPDATE`` on a server (the rows read stay locked until commit); SQLite's BEGIN IMMEDIATE
    already keeps every other writer out."""
    return " FOR UPDATE" if dialect(conn) == "postgresql" else ""

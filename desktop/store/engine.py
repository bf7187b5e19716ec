"""The two engines behind one store: what a connection and a database offer whichever engine they are.

SQLite (an embedded file, the default) is reached through ``sqlite3`` and :class:`SqliteDatabase`;
PostgreSQL (a tribunal's shared server) through :mod:`desktop.store.pg`, whose connection speaks the
same parameter style and raises the same ``sqlite3`` exceptions. The store is typed against the
protocols below, and asks :func:`dialect` only where one statement cannot serve both.

This module imports neither psycopg nor sqlite_utils, so a program that never connects to a server never
loads the PostgreSQL driver, and one that asks the database for nothing beyond the store's needs never
loads sqlite_utils.
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


_TRANSACTION_CONTROL = frozenset({"BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE"})
_NOT_A_QUERY = _TRANSACTION_CONTROL | {"VACUUM", "ATTACH", "DETACH"}


def first_keyword(sql: str) -> str:
    """The first keyword of a statement, upper-cased, past blanks, ``--``/``/* */`` comments and ``;``."""
    i, n = 0, len(sql)
    while i < n:
        if sql[i].isspace() or sql[i] in (";", "\ufeff"):
            i += 1
        elif sql.startswith("--", i):
            newline = sql.find("\n", i)
            if newline == -1:
                return ""
            i = newline + 1
        elif sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            if end == -1:
                return ""
            i = end + 2
        else:
            break
    j = i
    while j < n and (sql[j].isalpha() or sql[j] == "_"):
        j += 1
    return sql[i:j].upper()


def row_keys(description: Any) -> list[str]:
    """A result's column names, a repeated one made unique (``id``, ``id_2``): the keys of its dicts."""
    keys = [d[0] for d in description]
    taken = set(keys)
    if len(taken) == len(keys):
        return keys
    seen: set[str] = set()
    result = []
    for key in keys:
        if key in seen:
            new_key, suffix = key, 2
            while new_key in seen or new_key in taken:
                new_key = f"{key}_{suffix}"
                suffix += 1
            key = new_key
        seen.add(key)
        result.append(key)
    return result


class SqliteDatabase:
    """An SQLite file's :class:`Database`: ``execute``, ``query`` and ``conn``, as ``sqlite_utils.Database``
    offers them for the store's connections (autocommit mode, explicit transactions), without loading
    sqlite_utils (about 90 ms at start-up, issue 23). Anything else asked of it is answered by a
    ``sqlite_utils.Database`` over the same connection, made when first asked."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        conn.execute("PRAGMA recursive_triggers=on;")  # as sqlite_utils.Database sets it
        self._utils: Any = None

    def execute(self, sql: str, parameters: Sequence[Any] | dict[str, Any] | None = None) -> sqlite3.Cursor:
        was_in_transaction = self.conn.in_transaction
        try:
            cursor = self.conn.execute(sql, parameters) if parameters is not None else self.conn.execute(sql)
        except Exception:
            if not was_in_transaction and self.conn.in_transaction:
                self.conn.execute("ROLLBACK")  # an implicit transaction the failed statement opened
            raise
        if (
            not was_in_transaction
            and self.conn.in_transaction
            and cursor.description is None
            and first_keyword(sql) not in _TRANSACTION_CONTROL
        ):
            self.conn.execute("COMMIT")  # a write outside a transaction commits at once
        return cursor

    def query(
        self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None
    ) -> Iterator[dict[str, Any]]:
        """The rows of ``sql`` as dicts; a statement that returns no rows is refused (ValueError), undone."""
        message = "query() can only be used with SQL that returns rows - use execute() for other statements"
        keyword = first_keyword(sql)
        if keyword in _NOT_A_QUERY:
            raise ValueError(message)
        args: tuple[Any, ...] = (params,) if params is not None else ()
        if keyword == "PRAGMA":
            cursor = self.conn.execute(sql, *args)
            if cursor.description is None:
                raise ValueError(message)
            keys = row_keys(cursor.description)
            return (dict(zip(keys, row, strict=True)) for row in cursor)
        self.conn.execute('SAVEPOINT "sqlite_utils_query"')
        released = False
        try:
            cursor = self.conn.execute(sql, *args)
            if cursor.description is None:
                raise ValueError(message)
            keys = row_keys(cursor.description)
            try:
                self.conn.execute('RELEASE "sqlite_utils_query"')
                released = True
            except sqlite3.OperationalError:  # a write with rows not yet fetched (INSERT … RETURNING)
                fetched = cursor.fetchall()
                self.conn.execute('RELEASE "sqlite_utils_query"')
                released = True
                return (dict(zip(keys, row, strict=True)) for row in fetched)
            return (dict(zip(keys, row, strict=True)) for row in cursor)
        finally:
            if not released and self.conn.in_transaction:
                self.conn.execute('ROLLBACK TO "sqlite_utils_query"')
                self.conn.execute('RELEASE "sqlite_utils_query"')

    def executescript(self, sql: str) -> sqlite3.Cursor:
        return self._sqlite_utils().executescript(sql)  # type: ignore[no-any-return]

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> SqliteDatabase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _sqlite_utils(self) -> Any:
        if self._utils is None:
            import sqlite_utils

            self._utils = sqlite_utils.Database(self.conn)
        return self._utils

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._sqlite_utils(), name)

"""The PostgreSQL engine (server mode): a connection that speaks the store's SQL and sqlite3's manners.

The store is written once, in the portable SQL both engines understand, with ``?`` (or ``:name``)
parameters and sqlite3's exceptions. :class:`PgConnection` wraps a psycopg 3 connection so that the same
store code runs on a tribunal's server unchanged:

- :func:`translate` rewrites a statement's parameter marks for psycopg (``?`` → ``%s``, ``:name`` →
  ``%(name)s``, a literal ``%`` → ``%%``; string literals, quoted names and comments are left alone) and
  the few SQLite idioms the store uses on purpose: ``BEGIN IMMEDIATE`` → ``BEGIN``, ``temp.`` →
  ``pg_temp.``, a list of ids passed as one JSON array (``SELECT value FROM json_each(?)``) →
  ``json_array_elements_text``, ``INSERT OR IGNORE`` → ``ON CONFLICT DO NOTHING``, ``CROSS JOIN … ON``
  → ``JOIN … ON``, and SQLite's planner hints are dropped (``INDEXED BY``, a unary ``+`` before a
  column): PostgreSQL plans by its statistics. SQLite's ``date(day, '+7 days')`` is a function of the
  server's schema (db/postgresql/0001_initial.sql). Anything else that cannot be shared
  branches on :func:`desktop.store.engine.dialect` in the store (the search index, JSON aggregates).
- errors come back as ``sqlite3.IntegrityError`` / ``sqlite3.OperationalError`` with SQLite's wording
  ("UNIQUE constraint failed: cases.case_number"), so the store's error handling is one code path; a
  lost or refused connection is :class:`ServerUnavailable`.
- ``numeric`` results (``sum()`` of bigint) come back as ``int`` (``float`` only when fractional), as
  SQLite gives them.

No ORM: the store's SQL is small, hand-tuned per query for a million cases, and already portable; an ORM
would add a second model of the schema beside ``db/`` (the one truth) and hide the queries we measure.
"""

from __future__ import annotations

import base64
import re
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any
from urllib.parse import unquote, urlsplit

import psycopg
from psycopg import errors as pg_errors
from psycopg.adapt import Loader
from psycopg.pq import TransactionStatus

from desktop.store.database import ServerUnavailable

__all__ = ["PgConnection", "PgDatabase", "ServerUnavailable", "connect", "translate"]


class _NumericLoader(Loader):
    def load(self, data: Any) -> int | float:
        value = Decimal(bytes(data).decode())
        return int(value) if value == value.to_integral_value() else float(value)


_MARKS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|::|\?|:[A-Za-z_]\w*|%", re.S)
_BEGIN = re.compile(r"^\s*BEGIN\s+(IMMEDIATE|EXCLUSIVE|DEFERRED)\b", re.I)
_TEMP = re.compile(r"\btemp\.", re.I)
_INDEXED_BY = re.compile(r"\s+INDEXED\s+BY\s+\w+", re.I)
_JSON_IDS = re.compile(r"SELECT\s+value\s+FROM\s+json_each\(%s\)", re.I)
_UNARY_PLUS = re.compile(r"(?<=[\s(])\+(?=[A-Za-z_]\w*\.\w)")
_CROSS_ON = re.compile(r"\bCROSS\s+JOIN\s+(\w+(?:\s+(?!ON\b)\w+)?)\s+ON\b", re.I)
_OR_IGNORE = re.compile(r"^(\s*INSERT)\s+OR\s+IGNORE\b", re.I)


@lru_cache(maxsize=2048)
def translate(sql: str) -> str:
    """The statement ``sql`` (SQLite's parameter style) in psycopg's parameter style."""
    sql = _BEGIN.sub("BEGIN", sql)

    def mark(m: re.Match[str]) -> str:
        token = m.group(0)
        if token == "?":
            return "%s"
        if token == "%":
            return "%%"
        if token.startswith(":") and token != "::":
            return f"%({token[1:]})s"
        if token.startswith("'"):
            return token.replace("%", "%%")
        return token

    out = _TEMP.sub("pg_temp.", _MARKS.sub(mark, sql))
    out = _CROSS_ON.sub(r"JOIN \1 ON", _UNARY_PLUS.sub("", _INDEXED_BY.sub("", out)))
    out = _JSON_IDS.sub("SELECT CAST(value AS BIGINT) FROM json_array_elements_text(CAST(%s AS json))", out)
    if _OR_IGNORE.match(out):
        out = _OR_IGNORE.sub(r"\1", out).rstrip().rstrip(";") + " ON CONFLICT DO NOTHING"
    return out


def _column(detail: str | None) -> str:
    found = re.search(r"Key \(([^)]*)\)", detail or "")
    return found.group(1).split(",")[0].strip() if found else ""


def _as_sqlite_error(exc: psycopg.Error) -> sqlite3.Error:
    """The sqlite3 exception SQLite would have raised for ``exc``, worded as SQLite words it."""
    diag = exc.diag
    table = diag.table_name or ""
    if isinstance(exc, pg_errors.UniqueViolation):
        return sqlite3.IntegrityError(f"UNIQUE constraint failed: {table}.{_column(diag.message_detail)}")
    if isinstance(exc, pg_errors.NotNullViolation):
        return sqlite3.IntegrityError(f"NOT NULL constraint failed: {table}.{diag.column_name or ''}")
    if isinstance(exc, pg_errors.ForeignKeyViolation):
        return sqlite3.IntegrityError("FOREIGN KEY constraint failed")
    if isinstance(exc, pg_errors.CheckViolation):
        return sqlite3.IntegrityError(f"CHECK constraint failed: {diag.constraint_name or table}")
    if isinstance(exc, psycopg.IntegrityError):
        return sqlite3.IntegrityError(str(exc))
    if isinstance(exc, pg_errors.InsufficientPrivilege):
        return sqlite3.OperationalError(f"服务器拒绝了操作：当前数据库用户没有权限（{exc}）")
    if isinstance(exc, pg_errors.ReadOnlySqlTransaction):
        return sqlite3.OperationalError(f"attempt to write a readonly database ({exc})")
    if isinstance(
        exc, pg_errors.SerializationFailure | pg_errors.DeadlockDetected | pg_errors.LockNotAvailable
    ):
        return sqlite3.OperationalError(f"database is locked ({exc})")
    if isinstance(exc, psycopg.OperationalError):
        return ServerUnavailable(f"与数据库服务器的连接中断（{exc}）")
    if isinstance(exc, psycopg.DataError):
        return sqlite3.DataError(str(exc))
    return sqlite3.OperationalError(str(exc))


class Row(tuple[Any, ...]):
    """A result row addressable by position and by column name, like ``sqlite3.Row``."""

    _index: dict[str, int]

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self._index[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._index)


class _NoRows:
    description = None
    rowcount = -1

    def fetchone(self) -> None:
        return None

    def fetchall(self) -> list[Any]:
        return []

    def fetchmany(self, size: int = 1) -> list[Any]:
        return []

    def __iter__(self) -> Iterator[Any]:
        return iter(())

    def close(self) -> None:
        pass


_NO_ROWS: Any = _NoRows()


class PgCursor:
    """A result, as much of sqlite3.Cursor as the store uses."""

    def __init__(self, cursor: psycopg.Cursor[Any] | None) -> None:
        self._cur = cursor if cursor is not None else _NO_ROWS

    @property
    def description(self) -> Any:
        return self._cur.description

    @property
    def rowcount(self) -> int:
        return self._cur.rowcount

    @property
    def lastrowid(self) -> None:
        return None  # write INSERT … RETURNING id instead: it works on both engines

    def fetchone(self) -> Any:
        try:
            return self._cur.fetchone()
        except psycopg.ProgrammingError:  # a statement without results (UPDATE …), as sqlite3 answers
            return None

    def fetchall(self) -> list[Any]:
        try:
            return self._cur.fetchall()
        except psycopg.ProgrammingError:
            return []

    def fetchmany(self, size: int = 1) -> list[Any]:
        try:
            return self._cur.fetchmany(size)
        except psycopg.ProgrammingError:
            return []

    def __iter__(self) -> Iterator[Any]:
        if self._cur.description is None:
            return iter(())
        return iter(self._cur)

    def close(self) -> None:
        self._cur.close()


_OUTSIDE = (TransactionStatus.IDLE, TransactionStatus.UNKNOWN)


class PgConnection:
    """A psycopg connection in autocommit mode (transactions explicit, as the store writes them).

    A connection the network or the server dropped is made again by itself: a statement outside a
    transaction (a read, or the BEGIN of the next write) is sent once more on a new connection. A
    transaction the drop cut short is lost whole on the server; its caller gets
    :class:`ServerUnavailable` and nothing of it was written."""

    dialect = "postgresql"

    def __init__(
        self,
        conn: psycopg.Connection[Any],
        url: str,
        read_only: bool = False,
        reconnect: Callable[[], psycopg.Connection[Any]] | None = None,
    ) -> None:
        self._conn = conn
        self.url = url  # without the password
        self.read_only = read_only
        self._reconnect = reconnect
        self.reconnects = 0
        conn.adapters.register_loader("numeric", _NumericLoader)

    @property
    def raw(self) -> psycopg.Connection[Any]:
        return self._conn

    def _renew(self) -> bool:
        if self._reconnect is None or self._closed_by_us:
            return False
        try:
            fresh = self._reconnect()
        except psycopg.Error:
            return False
        fresh.adapters.register_loader("numeric", _NumericLoader)
        self._conn = fresh
        self.reconnects += 1
        return True

    _closed_by_us = False

    def execute(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = (), /) -> PgCursor:
        if self._conn.broken and sql.strip().upper() == "ROLLBACK":
            return PgCursor(None)  # the server already dropped the transaction with the connection
        if self._conn.broken:
            self._renew()
        outside = self._conn.info.transaction_status in _OUTSIDE
        cur = self._conn.cursor()
        try:
            cur.execute(translate(sql), parameters)
        except psycopg.OperationalError as exc:
            if outside and self._conn.broken and self._renew():
                cur = self._conn.cursor()
                try:
                    cur.execute(translate(sql), parameters)
                except psycopg.Error as again:
                    raise _as_sqlite_error(again) from again
                return PgCursor(cur)
            raise _as_sqlite_error(exc) from exc
        except psycopg.Error as exc:
            raise _as_sqlite_error(exc) from exc
        return PgCursor(cur)

    def rows(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> list[Row]:
        """The rows of ``sql`` addressable by column name (what ``sqlite3.Row`` gives on SQLite)."""
        cur = self.execute(sql, parameters)
        index = {d[0]: i for i, d in enumerate(cur.description or ())}
        kind = type("Row", (Row,), {"_index": index})
        return [kind(r) for r in cur.fetchall()]

    def executemany(self, sql: str, seq: Any, /) -> PgCursor:
        cur = self._conn.cursor()
        try:
            cur.executemany(translate(sql), list(seq))
        except psycopg.Error as exc:
            raise _as_sqlite_error(exc) from exc
        return PgCursor(cur)

    def executescript(self, script: str, /) -> None:
        try:
            self._conn.execute(script.encode())  # bytes: no parameter marks are parsed
        except psycopg.Error as exc:
            raise _as_sqlite_error(exc) from exc

    @property
    def in_transaction(self) -> bool:
        return self._conn.info.transaction_status != TransactionStatus.IDLE

    @property
    def closed(self) -> bool:
        return self._conn.closed

    def rollback(self) -> None:
        if self.in_transaction:
            self.execute("ROLLBACK")

    def close(self) -> None:
        self._closed_by_us = True
        self._conn.close()


class PgDatabase:
    """The server's counterpart of ``sqlite_utils.Database``: ``execute``, ``query`` and ``conn``."""

    def __init__(self, conn: PgConnection) -> None:
        self.conn = conn

    def execute(self, sql: str, parameters: Sequence[Any] | dict[str, Any] | None = None) -> PgCursor:
        return self.conn.execute(sql, parameters or ())

    def query(
        self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None
    ) -> Iterator[dict[str, Any]]:
        cur = self.conn.execute(sql, params or ())
        names = [d[0] for d in cur.description or ()]
        for row in cur:
            yield dict(zip(names, row, strict=True))

    def close(self) -> None:
        self.conn.close()


def redact(url: str) -> str:
    """``url`` without its password: what may be shown, logged and audited."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = netloc[0].split(":", 1)[0]
    return url.replace(parts.netloc, f"{user}@{netloc[1]}", 1)


APPLICATION = "tribunal-desk"


def application_name(who: str) -> str:
    """What the server lists for a connection: the program, and who works on which PC. The server keeps
    63 ASCII bytes of it, so the person and the PC go base64-encoded (UTF-8), shortened if need be."""
    while True:
        code = base64.urlsafe_b64encode(who.encode()).decode().rstrip("=")
        name = f"{APPLICATION} {code}".strip()
        if len(name) <= 63:
            return name
        who = who[:-1]


def _who_of(name: str) -> str:
    code = name[len(APPLICATION) :].strip()
    try:
        return base64.urlsafe_b64decode(code + "=" * (-len(code) % 4)).decode()
    except ValueError:
        return code


@dataclass(frozen=True)
class Client:
    who: str  # person@PC as the program said when connecting
    address: str
    since: str  # ISO 8601


def server_version(conn: PgConnection) -> str:
    """The server's version number, e.g. ``15.18``."""
    return str(conn.execute("SHOW server_version").fetchone()[0]).split()[0]


def connected_clients(conn: PgConnection) -> list[Client]:
    """The programs connected to this database now (the settings page shows them)."""
    rows = conn.execute(
        "SELECT application_name, coalesce(CAST(client_addr AS TEXT), '本机'), "
        "to_char(backend_start, 'YYYY-MM-DD\"T\"HH24:MI:SS') FROM pg_stat_activity "
        "WHERE datname = current_database() AND application_name LIKE ? ORDER BY backend_start",
        (APPLICATION + "%",),
    ).fetchall()
    return [Client(_who_of(str(r[0])), str(r[1]), str(r[2])) for r in rows]


def describe(url: str) -> str:
    """Host, port and database of ``url`` for messages: ``服务器 host:port 上的数据库 name``."""
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    port = parts.port or 5432
    name = unquote(parts.path.lstrip("/")) or "（默认）"
    return f"服务器 {host}:{port} 上的数据库 {name}"


def connect(
    url: str,
    password: str | None = None,
    read_only: bool = False,
    timeout: int = 8,
    application: str = "tribunal-desk",
) -> PgConnection:
    """Connect to the server at ``url``; the password comes from ``password``, the URL, ``PGPASSWORD`` or
    ``~/.pgpass`` (libpq's own rules). Refusals become :class:`ServerUnavailable` with a Chinese reason."""
    kwargs: dict[str, Any] = {
        "autocommit": True,
        "connect_timeout": timeout,
        "application_name": application,  # who is connected (settings lists them)
        # sorting a day's board (tens of thousands of lines) in memory, not in temporary files
        "options": "-c work_mem=32MB",
    }
    if password:
        kwargs["password"] = password

    def again() -> psycopg.Connection[Any]:
        fresh = psycopg.connect(url, **kwargs)
        if read_only:
            fresh.execute("SET default_transaction_read_only = on")
        return fresh

    try:
        raw = again()
    except psycopg.OperationalError as exc:
        text = str(exc)
        if "password authentication failed" in text or "no password supplied" in text:
            reason = "用户名或密码错误"
        elif "does not exist" in text and "database" in text:
            reason = "数据库不存在"
        elif "Connection refused" in text or "timeout" in text.lower() or "could not translate" in text:
            reason = "无法连接服务器（检查地址、端口、网络和服务器是否已启动）"
        elif "pg_hba.conf" in text:
            reason = "服务器不允许本机连接（请管理员在 pg_hba.conf 中允许本机地址）"
        else:
            reason = "连接失败"
        raise ServerUnavailable(f"{describe(url)}：{reason}（{text.strip()}）") from exc
    return PgConnection(raw, redact(url), read_only, again)

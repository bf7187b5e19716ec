"""The SQLite file's Database (desktop.store.engine.SqliteDatabase) answers as sqlite_utils.Database did for
the store's connections (autocommit mode), without loading sqlite_utils (issue 23): each statement is run on
both, side by side, and what they return and leave behind compared."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from desktop.store.database import connect, open_database
from desktop.store.engine import SqliteDatabase, first_keyword, row_keys

SETUP = (
    "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, n INTEGER);"
    "INSERT INTO t (name, n) VALUES ('甲', 1), ('乙', 2);"
)

# (statement, parameters, through query() rather than execute())
CASES: list[tuple[str, Any, bool]] = [
    ("SELECT name, n FROM t ORDER BY id", None, True),
    ("SELECT name FROM t WHERE n = ?", (2,), True),
    ("SELECT name FROM t WHERE n = :n", {"n": 1}, True),
    ("SELECT a.id, b.id FROM t a JOIN t b ON a.id = b.id ORDER BY a.id", None, True),  # id, id_2
    ("  -- a comment\n/* and another */ SELECT count(*) AS c FROM t", None, True),
    ("INSERT INTO t (name, n) VALUES ('丙', 3) RETURNING id, name", None, True),  # takes effect at once
    ("PRAGMA table_info(t)", None, True),
    ("INSERT INTO t (name, n) VALUES ('丁', 4)", None, True),  # not a query: refused, undone
    ("BEGIN", None, True),  # refused without running
    ("UPDATE t SET n = n + 10 WHERE name = ?", ("甲",), False),
    ("INSERT INTO t (name, n) VALUES ('甲', 9)", None, False),  # UNIQUE: the error, nothing left open
    ("SELECT * FROM missing", None, False),
    ("PRAGMA user_version = 7", None, False),
]


def _run(db: Any, sql: str, params: Any, as_query: bool) -> Any:
    try:
        if as_query:
            return ("rows", list(db.query(sql, params)))
        cursor = db.execute(sql, params)
        return ("cursor", cursor.fetchall(), cursor.rowcount)
    except (ValueError, sqlite3.Error) as exc:
        return ("error", type(exc).__name__, str(exc))


def _state(conn: sqlite3.Connection) -> Any:
    return (
        conn.in_transaction,
        conn.execute("SELECT id, name, n FROM t ORDER BY id").fetchall(),
        conn.execute("PRAGMA user_version").fetchone(),
        conn.execute("PRAGMA recursive_triggers").fetchone(),
    )


@pytest.mark.parametrize(("sql", "params", "as_query"), CASES)
def test_it_answers_as_sqlite_utils_did(tmp_path: Path, sql: str, params: Any, as_query: bool) -> None:
    results = []
    for name, make in (("ours", SqliteDatabase), ("sqlite_utils", sqlite_utils.Database)):
        conn = connect(tmp_path / f"{name}.sqlite3")
        conn.executescript(SETUP)
        db = make(conn)
        results.append((_run(db, sql, params, as_query), _state(conn)))
        conn.close()
    assert results[0] == results[1]


def test_inside_a_transaction_nothing_is_committed_early(tmp_path: Path) -> None:
    conn = connect(tmp_path / "x.sqlite3")
    conn.executescript(SETUP)
    db = SqliteDatabase(conn)
    conn.execute("BEGIN IMMEDIATE")
    db.execute("UPDATE t SET n = 0")
    assert [r["n"] for r in db.query("SELECT n FROM t")] == [0, 0]
    assert conn.in_transaction
    conn.execute("ROLLBACK")
    assert [r["n"] for r in db.query("SELECT n FROM t ORDER BY id")] == [1, 2]


def test_anything_else_is_asked_of_sqlite_utils(tmp_path: Path) -> None:
    db = open_database(tmp_path / "x.sqlite3")
    assert isinstance(db, SqliteDatabase)
    assert "cases" in db.table_names()  # sqlite_utils, loaded now and over the same connection
    with pytest.raises(AttributeError):
        db._private  # noqa: B018
    db.close()


def test_opening_a_database_does_not_load_sqlite_utils(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from desktop.services.workspace import Workspace\n"
        f"ws = Workspace.open(Path({str(tmp_path / 'w.sqlite3')!r}))\n"
        "ws.court(); ws.handler_names(); ws.close()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlite_utils', 'cryptography')))\n"
    )
    root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, env=env)
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("sql", "keyword"),
    [
        ("select 1", "SELECT"),
        ("\ufeff  ;; -- c\n/* d */ insert into t", "INSERT"),
        ("-- only a comment", ""),
        ("/* unclosed", ""),
        ("with x as (select 1) select * from x", "WITH"),
    ],
)
def test_first_keyword(sql: str, keyword: str) -> None:
    assert first_keyword(sql) == keyword


def test_repeated_column_names_are_made_unique() -> None:
    assert row_keys([("id",), ("id",), ("id_2",)]) == ["id", "id_3", "id_2"]
    assert row_keys([("a",), ("b",)]) == ["a", "b"]

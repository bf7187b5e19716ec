"""Bulk reads and the one-transaction write behind Excel import and export.

* :func:`load_cases` loads many cases at once (five queries per batch of 500 instead of five per case),
  for exporting a filtered ledger and for comparing an imported file with the database.
* :func:`write_import` saves the new and changed cases of an import in **one** transaction, with the same
  rows and derived columns as :func:`desktop.store.cases.save_case`; changed cases get the same
  ``case.update`` audit entry (what changed), new ones a ``case.import`` entry naming the file, and the
  import itself one ``excel.import`` entry (file name, SHA-256, counts). ``progress`` may cancel it: the
  transaction is rolled back and the database is exactly as before.

Loaded cases carry no urging log (``contacts=()``): neither export nor import touches it, and saving a
case never changes its contacts.
"""

from __future__ import annotations

import dataclasses
import re
import sqlite3
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from enum import Enum
from typing import Any

from desktop.core.model import Case, Installment, Obligation, Party, Payment
from desktop.store import cases as case_store
from desktop.store.audit import HOST, record
from desktop.store.cases import LedgerFilter, ledger_count, ledger_page
from desktop.store.convert import to_db, to_json
from desktop.store.database import StoreError, transaction
from desktop.store.engine import Connection, Database, dialect, reserve_ids, sync_ids

BATCH = 500
IMPORT_CACHE_KIB = -65536  # 64 MiB page cache while an import writes (negative: KiB, SQLite's convention)

Progress = Callable[[int, int], bool]
"""``progress(done, total)``; returning False cancels."""


class Cancelled(StoreError):
    """The user cancelled; nothing was written."""


# ------------------------------------------------------------------------------------ rows → dataclasses


def _converter(tp: Any) -> Callable[[Any], Any] | None:
    """How a column value becomes the field's type (None: taken as is)."""
    if typing.get_origin(tp) in (typing.Union, typing.get_origin(int | None)):
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        tp = inner[0] if len(inner) == 1 else object
    if tp is bool:
        return bool
    if tp is date:
        return date.fromisoformat
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp
    return None


class _Rows:
    """Builds dataclass ``cls`` from rows quickly: the field conversions are worked out once."""

    def __init__(self, cls: type, skip: tuple[str, ...] = ()) -> None:
        hints = typing.get_type_hints(cls)
        self.cls = cls
        self.fields = [
            (f.name, _converter(hints[f.name]))
            for f in dataclasses.fields(cls)
            if f.name not in skip and typing.get_origin(hints[f.name]) is not tuple
        ]

    def make(self, row: Mapping[str, Any], **extra: Any) -> Any:
        kwargs: dict[str, Any] = {}
        for name, convert in self.fields:
            if name in row:
                value = row[name]
                kwargs[name] = convert(value) if convert is not None and value is not None else value
        kwargs.update(extra)
        return self.cls(**kwargs)


_CASE = _Rows(Case)
_PARTY = _Rows(Party)
_OBLIGATION = _Rows(Obligation)
_INSTALLMENT = _Rows(Installment)
_PAYMENT = _Rows(Payment)


def _dicts(conn: Connection, sql: str, params: Sequence[object]) -> Iterator[dict[str, Any]]:
    cur = conn.execute(sql, params)
    names = [d[0] for d in cur.description]
    for values in cur:
        yield dict(zip(names, values, strict=True))


def _batches(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


def load_cases(db: Database, ids: Sequence[int]) -> list[Case]:
    """The cases with ``ids``, in that order (ids not found are left out). No urging log."""
    conn = db.conn
    out: list[Case] = []
    for batch in _batches(ids):
        marks = ",".join("?" * len(batch))
        parties: dict[int, list[Party]] = {}
        for r in _dicts(
            conn, f"SELECT * FROM parties WHERE case_id IN ({marks}) ORDER BY case_id, position, id", batch
        ):
            parties.setdefault(r["case_id"], []).append(_PARTY.make(r))
        installments: dict[int, list[Installment]] = {}
        sql = (
            f"SELECT i.* FROM installments i JOIN obligations o ON o.id = i.obligation_id "
            f"WHERE o.case_id IN ({marks}) ORDER BY i.obligation_id, i.seq"
        )
        for r in _dicts(conn, sql, batch):
            installments.setdefault(r["obligation_id"], []).append(_INSTALLMENT.make(r))
        obligations: dict[int, list[Obligation]] = {}
        sql = f"SELECT * FROM obligations WHERE case_id IN ({marks}) ORDER BY case_id, position, id"
        for r in _dicts(conn, sql, batch):
            ob = _OBLIGATION.make(r, installments=tuple(installments.get(r["id"], ())))
            obligations.setdefault(r["case_id"], []).append(ob)
        payments: dict[int, list[Payment]] = {}
        for r in _dicts(
            conn, f"SELECT * FROM payments WHERE case_id IN ({marks}) ORDER BY case_id, paid_on, id", batch
        ):
            payments.setdefault(r["case_id"], []).append(_PAYMENT.make(r))
        found: dict[int, Case] = {}
        sql = (
            "SELECT c.*, coalesce(h.name, '') AS handler FROM cases c "
            f"LEFT JOIN handlers h ON h.id = c.handler_id WHERE c.id IN ({marks})"
        )
        for r in _dicts(conn, sql, batch):
            cid = r["id"]
            found[cid] = _CASE.make(
                r,
                parties=tuple(parties.get(cid, ())),
                obligations=tuple(obligations.get(cid, ())),
                payments=tuple(payments.get(cid, ())),
            )
        out += [found[i] for i in batch if i in found]
    return out


def find_cases(db: Database, case_numbers: Iterable[str]) -> dict[str, Case]:
    """The cases whose canonical 案号 is among ``case_numbers``, by 案号."""
    numbers = list(dict.fromkeys(case_numbers))
    ids: list[int] = []
    for batch in (numbers[i : i + BATCH] for i in range(0, len(numbers), BATCH)):
        marks = ",".join("?" * len(batch))
        ids += [
            int(r[0]) for r in db.conn.execute(f"SELECT id FROM cases WHERE case_number IN ({marks})", batch)
        ]
    return {c.case_number: c for c in load_cases(db, ids)}


def case_ids(db: Database, f: LedgerFilter, sort: str = "case_number", descending: bool = False) -> list[int]:
    """The ids of the cases a ledger view shows, in its order."""
    total = ledger_count(db, f)
    return [int(r["id"]) for r in ledger_page(db, f, sort, descending, offset=0, limit=max(total, 1))]


def row_counts(db: Database, ids: Sequence[int]) -> dict[str, int]:
    """How many parties, obligations, installments and payments the cases ``ids`` have."""
    counts = {"parties": 0, "obligations": 0, "installments": 0, "payments": 0}
    for batch in _batches(ids):
        marks = ",".join("?" * len(batch))
        for table in ("parties", "obligations", "payments"):
            sql = f"SELECT count(*) FROM {table} WHERE case_id IN ({marks})"
            counts[table] += int(db.conn.execute(sql, batch).fetchone()[0])
        sql = (
            "SELECT count(*) FROM installments i JOIN obligations o ON o.id = i.obligation_id "
            f"WHERE o.case_id IN ({marks})"
        )
        counts["installments"] += int(db.conn.execute(sql, batch).fetchone()[0])
    return counts


# ------------------------------------------------------------------------------------ the import write


def _columns(cls: type) -> tuple[str, ...]:
    hints = typing.get_type_hints(cls)
    return tuple(
        f.name
        for f in dataclasses.fields(cls)
        if f.name != "id" and typing.get_origin(hints[f.name]) is not tuple
    )


_PARTY_COLUMNS = _columns(Party)
_OBLIGATION_COLUMNS = _columns(Obligation)
_INSTALLMENT_COLUMNS = _columns(Installment)
_PAYMENT_COLUMNS = _columns(Payment)


def _insert_sql(table: str, columns: Sequence[str]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def _row(obj: object, columns: Sequence[str]) -> list[object]:
    values = [getattr(obj, c) for c in columns]
    return [v if v is None or type(v) is str or type(v) is int else to_db(v) for v in values]


_TRIGGER_INSERT = re.compile(
    r"AFTER\s+INSERT\s+ON\s+cases\s+BEGIN\s+INSERT\s+INTO\s+(\w+)\s*\(([^)]*)\)\s*VALUES\s*\(([^)]*)\)\s*;\s*END",
    re.IGNORECASE,
)


@contextmanager
def _search_index_after(conn: Connection, first_id: int) -> Iterator[None]:
    """Index new cases for search in one statement instead of row by row (about 15× faster).

    Inside the caller's transaction: an AFTER INSERT trigger on ``cases`` that copies ``new.`` columns
    into the search table is dropped, the rows are inserted, the same columns of every case from
    ``first_id`` on are copied in one INSERT … SELECT, and the trigger is recreated from its own SQL.
    A trigger of any other shape is left alone (correct, only slower). A rollback restores everything.
    """
    found = []
    if dialect(conn) == "postgresql":  # the server's search index is an index, kept by the server
        yield
        return
    for name, sql in conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'cases'"
    ):
        match = _TRIGGER_INSERT.search(" ".join(str(sql).split()))
        values = [v.strip() for v in match.group(3).split(",")] if match else []
        if match and all(v.lower().startswith("new.") for v in values):
            columns = ", ".join(v[4:] for v in values)
            bulk = (
                f"INSERT INTO {match.group(1)} ({match.group(2)}) SELECT {columns} FROM cases WHERE id >= ?"
            )
            found.append((str(name), str(sql), bulk))
    for name, _sql, _bulk in found:
        conn.execute(f'DROP TRIGGER "{name}"')
    yield
    for _name, sql, bulk in found:
        conn.execute(bulk, (first_id,))
        conn.execute(sql)


# The tables _create_batch writes with ids of its own choosing.
_EXPLICIT_ID_TABLES = ("cases", "parties", "obligations", "installments", "payments")


def _next_id(conn: Connection, table: str) -> int:
    return int(conn.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()[0])


def _create_batch(conn: Connection, cases: Sequence[Case], actor: str, source: str) -> list[int]:
    """Insert new cases and their children with a few ``executemany`` calls: the same rows and derived
    columns as ``save_case`` writes one by one (ids given explicitly: SQLite would choose the same,
    max + 1, inside our write transaction). Each case gets a ``case.import`` audit entry naming the
    file (``source``: JSON of its name and SHA-256) instead of a field-by-field snapshot: the file
    itself is the record of what was imported."""
    case_id, ob_id = _next_id(conn, "cases"), _next_id(conn, "obligations")
    stamp = case_store.now()
    case_rows: list[dict[str, object]] = []
    parties: list[list[object]] = []
    obligations: list[list[object]] = []
    installments: list[list[object]] = []
    payments: list[list[object]] = []
    audit: list[tuple[object, ...]] = []
    ids: list[int] = []
    for case in cases:
        columns = case_store._case_columns(case, conn)
        columns.update(id=case_id, created_at=stamp, updated_at=stamp, version=1)
        case_rows.append(columns)
        parties += [[case_id, i, *_row(p, _PARTY_COLUMNS)] for i, p in enumerate(case.parties)]
        for i, ob in enumerate(case.obligations):
            obligations.append([ob_id, case_id, i, *_row(ob, _OBLIGATION_COLUMNS)])
            installments += [[ob_id, *_row(it, _INSTALLMENT_COLUMNS)] for it in ob.installments]
            ob_id += 1
        payments += [[case_id, *_row(p, _PAYMENT_COLUMNS)] for p in case.payments]
        audit.append((stamp, actor, HOST, "case.import", "case", case_id, columns["case_number"], source))
        ids.append(case_id)
        case_id += 1
    if not case_rows:
        return ids
    names = list(case_rows[0])
    try:
        conn.executemany(_insert_sql("cases", names), [[r[n] for n in names] for r in case_rows])
    except sqlite3.IntegrityError as exc:
        if "cases.case_number" in str(exc):
            raise case_store.DuplicateCaseNumber(
                "要新增的案件中有案号在预览之后已被登记，请重新预览后再导入。"
            ) from exc
        raise
    conn.executemany(_insert_sql("parties", ("case_id", "position", *_PARTY_COLUMNS)), parties)
    conn.executemany(
        _insert_sql("obligations", ("id", "case_id", "position", *_OBLIGATION_COLUMNS)), obligations
    )
    conn.executemany(_insert_sql("installments", ("obligation_id", *_INSTALLMENT_COLUMNS)), installments)
    conn.executemany(_insert_sql("payments", ("case_id", *_PAYMENT_COLUMNS)), payments)
    audit_columns = (
        "at",
        "actor",
        "host",
        "action",
        "entity",
        "entity_id",
        "case_number",
        "detail",
    )  # as audit.record
    conn.executemany(_insert_sql("audit_log", audit_columns), audit)
    return ids


def _update(conn: Connection, before: Case, case: Case, actor: str) -> int:
    assert case.id is not None
    row = conn.execute("SELECT version FROM cases WHERE id = ?", (case.id,)).fetchone()
    if row is None or int(row[0]) != case.version:
        raise case_store.ConcurrentEdit(
            f"案件 {case.case_number} 在预览之后已被修改或删除，请重新预览后再导入。"
        )
    columns = case_store._case_columns(case, conn)
    columns.update(updated_at=case_store.now(), version=case.version + 1)
    case_store._update(conn, "cases", case.id, columns)
    saved = case_store._write_children(conn, case.id, case)
    record(conn, actor, "case.update", "case", case.id, saved.case_number, case_store.diff(before, saved))
    return case.id


def write_import(
    db: Database,
    actor: str,
    creates: Sequence[Case],
    updates: Sequence[tuple[Case, Case]],
    summary: Mapping[str, object],
    progress: Progress | None = None,
    every: int = 500,
) -> tuple[list[int], list[int]]:
    """Save ``creates`` (new cases) and ``updates`` ((before, after) pairs, ``after`` carrying the id and
    the version it was read at) in one transaction, audited; return (created ids, updated ids).

    Raises :class:`Cancelled` when ``progress`` returns False, and ConcurrentEdit / DuplicateCaseNumber
    when the database changed since the preview; in every case nothing is written.
    """
    total = len(creates) + len(updates)

    def tick(done: int) -> None:
        if progress is not None and not progress(done, total):
            raise Cancelled("已取消导入，数据库未作任何修改。")

    source = to_json({k: summary[k] for k in ("file", "sha256") if k in summary})
    created: list[int] = []
    updated: list[int] = []
    sqlite = dialect(db) == "sqlite"
    if sqlite:
        cache = int(db.conn.execute("PRAGMA cache_size").fetchone()[0])
        db.conn.execute(f"PRAGMA cache_size = {IMPORT_CACHE_KIB}")  # a big write would spill a small cache
    try:
        with transaction(db) as conn:
            tick(0)
            reserve_ids(conn, _EXPLICIT_ID_TABLES)
            with _search_index_after(conn, _next_id(conn, "cases")):
                for start in range(0, len(creates), every):
                    created += _create_batch(conn, creates[start : start + every], actor, source)
                    tick(len(created))
            sync_ids(conn, _EXPLICIT_ID_TABLES)
            for before, after in updates:
                updated.append(_update(conn, before, after, actor))
                if len(updated) % every == 0:
                    tick(len(created) + len(updated))
            tick(total)
            record(conn, actor, "excel.import", "import", None, "", dict(summary))
    finally:
        if sqlite:
            db.conn.execute(f"PRAGMA cache_size = {cache}")
    return created, updated

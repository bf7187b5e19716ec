"""Cases and their children in SQLite: load, save (one transaction, audited), delete, query the ledger.

A saved case replaces its children by id: rows the caller still holds keep their id (so later features
can refer to a party or an obligation), new ones are inserted, missing ones deleted. The derived
columns on ``cases`` (amounts, next due date, parties_text) are written in the same transaction.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import unicodedata
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from desktop.core import ledger
from desktop.core.casenumber import parse_case_number, search_variants
from desktop.core.model import (
    Case,
    Contact,
    Installment,
    Obligation,
    Party,
    Payment,
)
from desktop.store.audit import record
from desktop.store.convert import from_row, to_db, to_row
from desktop.store.database import StoreError, transaction
from desktop.store.engine import Connection, Database, dialect, for_update


class CaseNotFound(StoreError):
    pass


@dataclass(frozen=True)
class LastChange:
    """Who last changed a case, from where and when (its newest audit entry)."""

    actor: str
    host: str
    at: str  # ISO 8601

    def describe(self) -> str:
        where = f"（计算机 {self.host}）" if self.host else ""
        return f"{self.actor}{where}于{self.at.replace('T', ' ')[:16]}"


class ConcurrentEdit(StoreError):
    """The case changed since the editor loaded it; saving would overwrite someone's work."""

    def __init__(self, message: str, current: Case | None = None, change: LastChange | None = None) -> None:
        super().__init__(message)
        self.current = current  # the case as it is now, for the editor's reload or compare
        self.change = change

    @classmethod
    def of(cls, current: Case, change: LastChange | None) -> ConcurrentEdit:
        who = change.describe() if change else "他人"
        return cls(
            f"此案件已被{who}修改（{current.case_number}，版本 {current.version}），"
            "您的修改尚未保存：请重新载入，或逐项比较后再保存。",
            current,
            change,
        )


def last_change(conn: Connection, case_id: int) -> LastChange | None:
    row = conn.execute(
        "SELECT actor, host, at FROM audit_log WHERE entity = 'case' AND entity_id = ? "
        "ORDER BY id DESC LIMIT 1",
        (case_id,),
    ).fetchone()
    return LastChange(str(row[0]), str(row[1]), str(row[2])) if row else None


class DuplicateCaseNumber(StoreError):
    pass


def now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def parties_text(parties: Iterable[Party]) -> str:
    """One line naming every party by role, shown in the ledger and searched."""
    groups: dict[str, list[str]] = {}
    for p in parties:
        groups.setdefault(p.role.value, []).append(p.name)
    return "；".join(f"{role}：{'、'.join(names)}" for role, names in groups.items())


# ---------------------------------------------------------------- handlers


def handler_id(conn: Connection, name: str) -> int | None:
    """The id of handler ``name``, creating the handler on first use; None for no handler."""
    name = name.strip()
    if not name:
        return None
    row = conn.execute("SELECT id FROM handlers WHERE name = ?", (name,)).fetchone()
    if row:
        return int(row[0])
    return int(conn.execute("INSERT INTO handlers (name) VALUES (?) RETURNING id", (name,)).fetchone()[0])


def handler_names(db: Database) -> list[str]:
    return [r[0] for r in db.execute("SELECT name FROM handlers WHERE active = 1 ORDER BY name")]


# ---------------------------------------------------------------- load


def _rows(conn: Connection, sql: str, params: Sequence[object]) -> list[dict[str, Any]]:
    cur = conn.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def load_case(db: Database, case_id: int) -> Case:
    conn = db.conn
    rows = _rows(
        conn,
        "SELECT c.*, coalesce(h.name, '') AS handler FROM cases c "
        "LEFT JOIN handlers h ON h.id = c.handler_id WHERE c.id = ?",
        (case_id,),
    )
    if not rows:
        raise CaseNotFound(f"案件不存在（编号 {case_id}），可能已被删除。")
    parties = tuple(
        from_row(Party, r)
        for r in _rows(conn, "SELECT * FROM parties WHERE case_id = ? ORDER BY position, id", (case_id,))
    )
    obligations = []
    for r in _rows(conn, "SELECT * FROM obligations WHERE case_id = ? ORDER BY position, id", (case_id,)):
        inst = tuple(
            from_row(Installment, i)
            for i in _rows(
                conn, "SELECT * FROM installments WHERE obligation_id = ? ORDER BY seq", (r["id"],)
            )
        )
        obligations.append(from_row(Obligation, r, installments=inst))
    payments = tuple(
        from_row(Payment, r)
        for r in _rows(conn, "SELECT * FROM payments WHERE case_id = ? ORDER BY paid_on, id", (case_id,))
    )
    contacts = tuple(
        from_row(Contact, r)
        for r in _rows(conn, "SELECT * FROM contacts WHERE case_id = ? ORDER BY at, id", (case_id,))
    )
    return from_row(
        Case,
        rows[0],
        parties=parties,
        obligations=tuple(obligations),
        payments=payments,
        contacts=contacts,
    )


def find_case_id(db: Database, case_number: str) -> int | None:
    canonical = parse_case_number(case_number).canonical
    row = db.execute("SELECT id FROM cases WHERE case_number = ?", [canonical]).fetchone()
    return int(row[0]) if row else None


# ---------------------------------------------------------------- save


def _case_columns(case: Case, conn: Connection) -> dict[str, object]:
    cn = parse_case_number(case.case_number)
    bal = ledger.balance(case)
    row = to_row(case, exclude=("id", "version", "handler"))
    row.update(
        case_number=cn.canonical,
        cn_year=cn.year,
        cn_court_code=cn.court_code,
        cn_type_code=cn.type_code,
        cn_seq=cn.seq,
        cn_local=int(cn.local),
        cn_legacy=int(cn.legacy),
        handler_id=handler_id(conn, case.handler),
        due_fen=bal.due_fen,
        paid_fen=bal.paid_fen,
        next_due_date=to_db(bal.next_due_date),
        parties_text=parties_text(case.parties),
    )
    return row


def _insert(conn: Connection, table: str, row: dict[str, object]) -> int:
    cols = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    cur = conn.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks}) RETURNING id", list(row.values()))
    return int(cur.fetchone()[0])


def _update(conn: Connection, table: str, row_id: int, row: dict[str, object]) -> None:
    sets = ", ".join(f"{c} = ?" for c in row)
    conn.execute(f"UPDATE {table} SET {sets} WHERE id = ?", [*row.values(), row_id])


def _sync(
    conn: Connection,
    table: str,
    parent_col: str,
    parent_id: int,
    rows: Sequence[tuple[int | None, dict[str, object]]],
) -> list[int]:
    """Make ``table``'s children of ``parent_id`` exactly ``rows``; return their ids in order."""
    existing = {r[0] for r in conn.execute(f"SELECT id FROM {table} WHERE {parent_col} = ?", (parent_id,))}
    kept = {rid for rid, _ in rows if rid is not None and rid in existing}
    for rid in existing - kept:
        conn.execute(f"DELETE FROM {table} WHERE id = ?", (rid,))
    ids = []
    for rid, row in rows:
        row = {parent_col: parent_id, **row}
        if rid is not None and rid in kept:
            _update(conn, table, rid, row)
            ids.append(rid)
        else:
            ids.append(_insert(conn, table, row))
    return ids


def _write_children(conn: Connection, case_id: int, case: Case) -> Case:
    party_ids = _sync(
        conn,
        "parties",
        "case_id",
        case_id,
        [(p.id, {**to_row(p, exclude=("id",)), "position": i}) for i, p in enumerate(case.parties)],
    )
    obligation_ids = _sync(
        conn,
        "obligations",
        "case_id",
        case_id,
        [(o.id, {**to_row(o, exclude=("id",)), "position": i}) for i, o in enumerate(case.obligations)],
    )
    obligations = []
    for oid, ob in zip(obligation_ids, case.obligations, strict=True):
        # Installments are renumbered as a whole: delete then insert avoids UNIQUE(seq) clashes.
        conn.execute("DELETE FROM installments WHERE obligation_id = ?", (oid,))
        inst = tuple(
            replace(i, id=_insert(conn, "installments", {"obligation_id": oid, **to_row(i, exclude=("id",))}))
            for i in ob.installments
        )
        obligations.append(replace(ob, id=oid, installments=inst))
    payment_ids = _sync(
        conn,
        "payments",
        "case_id",
        case_id,
        [(p.id, to_row(p, exclude=("id",))) for p in case.payments],
    )
    return replace(
        case,
        id=case_id,
        parties=tuple(replace(p, id=i) for p, i in zip(case.parties, party_ids, strict=True)),
        obligations=tuple(obligations),
        payments=tuple(replace(p, id=i) for p, i in zip(case.payments, payment_ids, strict=True)),
    )


def _snapshot(case: Case) -> dict[str, object]:
    """A comparable, JSON-able picture of a case for the audit log (ids and bookkeeping left out)."""

    def clean(obj: object) -> object:
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            return {
                f.name: clean(getattr(obj, f.name))
                for f in dataclasses.fields(obj)
                if f.name not in ("id", "version", "contacts")
            }
        if isinstance(obj, tuple):
            return [clean(x) for x in obj]
        return to_db(obj)

    result = clean(case)
    assert isinstance(result, dict)
    return result


def diff(before: Case | None, after: Case | None) -> dict[str, list[object]]:
    """Changed fields as {field: [before, after]}; children lists compare as wholes."""
    old = _snapshot(before) if before else {}
    new = _snapshot(after) if after else {}
    return {k: [old.get(k), new.get(k)] for k in sorted(old.keys() | new.keys()) if old.get(k) != new.get(k)}


def save_case(db: Database, case: Case, actor: str) -> Case:
    """Insert or update ``case`` and its children in one transaction; return it with ids and version.

    An update only succeeds over the version the caller loaded (``ConcurrentEdit`` otherwise).
    """
    with transaction(db) as conn:
        columns = _case_columns(case, conn)
        stamp = now()
        if case.id is None:
            columns.update(created_at=stamp, updated_at=stamp, version=1)
            try:
                case_id = _insert(conn, "cases", columns)
            except sqlite3.IntegrityError as exc:
                if "cases.case_number" in str(exc):
                    raise DuplicateCaseNumber(
                        f"案号 {columns['case_number']} 已存在，不能重复登记。"
                    ) from exc
                raise
            saved = replace(_write_children(conn, case_id, case), version=1)
            record(conn, actor, "case.create", "case", case_id, saved.case_number, diff(None, saved))
            return replace(saved, case_number=str(columns["case_number"]))
        # the row is locked until commit: a PC saving the same case at once waits, then sees our version
        conn.execute(f"SELECT version FROM cases WHERE id = ?{for_update(conn)}", (case.id,))
        before = load_case(db, case.id)
        if before.version != case.version:
            raise ConcurrentEdit.of(before, last_change(conn, case.id))
        columns.update(updated_at=stamp, version=case.version + 1)
        try:
            _update(conn, "cases", case.id, columns)
        except sqlite3.IntegrityError as exc:
            if "cases.case_number" in str(exc):
                raise DuplicateCaseNumber(f"案号 {columns['case_number']} 已存在，不能重复登记。") from exc
            raise
        saved = replace(
            _write_children(conn, case.id, case),
            version=case.version + 1,
            case_number=str(columns["case_number"]),
        )
        changes = diff(before, saved)
        if changes:
            record(conn, actor, "case.update", "case", case.id, saved.case_number, changes)
        return saved


def delete_case(db: Database, case_id: int, actor: str) -> None:
    with transaction(db) as conn:
        before = load_case(db, case_id)
        conn.execute("DELETE FROM cases WHERE id = ?", (case_id,))
        record(conn, actor, "case.delete", "case", case_id, before.case_number, diff(before, None))


def add_contact(db: Database, case_id: int, contact: Contact, actor: str) -> Contact:
    with transaction(db) as conn:
        row = conn.execute("SELECT case_number FROM cases WHERE id = ?", (case_id,)).fetchone()
        if row is None:
            raise CaseNotFound(f"案件不存在（编号 {case_id}），可能已被删除。")
        cid = _insert(conn, "contacts", {"case_id": case_id, **to_row(contact, exclude=("id",))})
        record(conn, actor, "contact.create", "contact", cid, row[0], to_row(contact, exclude=("id",)))
        return replace(contact, id=cid)


# ---------------------------------------------------------------- ledger queries


@dataclass(frozen=True)
class LedgerFilter:
    """What the ledger shows: a search text and filters; ``today`` decides what counts as overdue."""

    text: str = ""
    stage: str = ""
    status: str = ""
    handler: str = ""
    overdue_only: bool = False
    today: date | None = None


# Sortable ledger columns → SQL ordering expression (each backed by an index).
SORT_KEYS: dict[str, str] = {
    "case_number": "c.cn_year {o}, c.cn_type_code {o}, c.cn_seq {o}, c.id {o}",
    "filing_date": "c.filing_date {o}, c.id {o}",
    "deadline": "c.deadline {o}, c.id {o}",
    "next_due_date": "c.next_due_date {o}, c.id {o}",
    "owed": "(c.due_fen - c.paid_fen) {o}, c.id {o}",
    "stage": "c.stage {o}, c.id {o}",
    "status": "c.status {o}, c.id {o}",
    "handler": "c.handler_id {o}, c.id {o}",
    "id": "c.id {o}",
}

LEDGER_COLUMNS = (
    "c.id, c.case_number, c.cause, c.stage, c.status, coalesce(h.name, '') AS handler, "
    "c.parties_text, c.filing_date, c.deadline, c.next_due_date, c.due_fen, c.paid_fen, c.public_notice"
)


# A search shows at most this many matches, the newest first: a common fragment ("有限公司") matches
# half the ledger, and a clerk typing wants the answer now, not all of them. The GUI says when it cuts.
SEARCH_LIMIT = 5000


# The text a search looks in, as indexed on PostgreSQL (db/postgresql/0001_initial.sql, pg_trgm).
_SEARCHED_PG = "(case_number || ' ' || parties_text || ' ' || cause)"
# Its characters, as a server indexes them for short searches (db/postgresql/0014_short_search_server.sql).
_CHARS_PG = f"regexp_split_to_array({_SEARCHED_PG}, '')"
# On a server, a 1–2 character search reads the character index when its rarest character is in fewer than
# this share of the cases; a more common one is found sooner reading the cases newest first until
# SEARCH_LIMIT match. The index reads share × cases rows, each at a random place and checked again, about
# five times the cost of a row read in order; the newest-first scan reads SEARCH_LIMIT / share rows: equal
# at about 3% of a million (a surname there is 1%, 民 90%).
COMMON_CHAR = 0.03
_shares: weakref.WeakKeyDictionary[object, dict[str, float]] = weakref.WeakKeyDictionary()


def char_shares(db: Database) -> dict[str, float]:
    """On a server: the share of the cases each common character of the searched text is in, from the
    server's statistics of the character index (a character not among them is rarer), read once a
    connection. Empty on SQLite, or before the server has statistics."""
    if dialect(db) != "postgresql":
        return {}
    known = _shares.get(db.conn)
    if known is None:
        known = _shares[db.conn] = {
            str(e): float(f)
            for e, f in db.execute(
                "SELECT s.e, s.f FROM pg_stats p, unnest(p.most_common_elems::text::text[], "
                "p.most_common_elem_freqs) AS s(e, f) WHERE p.tablename = 'cases_search_chars' "
                "AND s.e IS NOT NULL"
            )
        }
    return known


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _chars(text: str) -> str:
    """``text`` as the character index of db/sqlite/0011_short_search.sql holds it: a phrase of its
    characters (an FTS5 string, quotes doubled). Spaces are separators there, and a search text has none."""
    return '"' + " ".join(text).replace('"', '""') + '"'


def _indexed_chars(text: str) -> bool:
    """True when every character of ``text`` is a token of the character index (not a space or a control
    character, which search_variants takes out of a search text anyway)."""
    return bool(text) and all(
        unicodedata.category(ch)[0] not in "ZC" or unicodedata.category(ch) in ("Co", "Cn", "Cs")
        for ch in text
    )


def _text_subquery(
    variants: tuple[str, ...],
    engine: str = "sqlite",
    columns: str = "c.id",
    shares: Mapping[str, float] | None = None,
) -> tuple[str, list[object]]:
    """Ids of the newest ``SEARCH_LIMIT`` cases whose 案号, parties or 案由 contain one of ``variants``
    (desktop.core.casenumber.search_variants: the text as typed, and as a 案号 is normalised); with
    ``columns``, those columns of the cases (``c.``) instead of the id alone.

    Three or more characters: the trigram index. One or two on SQLite: the per-character index
    (migration 0011) gives the cases holding the characters adjacent in one column, and LIKE keeps those
    that contain the text, so both paths find exactly what LIKE finds. One or two on a server: its
    character index (migration 0014) when each text's rarest character is rare by ``shares``
    (:func:`char_shares`), LIKE keeping the cases that contain the text; else the cases newest first until
    SEARCH_LIMIT match."""
    likes = [_like(v) for v in variants]
    if engine == "postgresql":
        shares = shares or {}
        # the rarest character of each text alone (a common one's entries would be read in full)
        rarest = [min(v, key=lambda ch: shares.get(ch, 0.0)) for v in variants]
        if max(len(v) for v in variants) <= 2 and all(
            shares.get(ch, 0.0) < COMMON_CHAR and ch != "\0" for ch in rarest
        ):
            # the character as its code point in the text of the statement, not a parameter: the server
            # plans with its share (a statement prepared for any character is planned for none, and
            # walked a million cases in id order for a character in one case of a hundred)
            where = " OR ".join(
                f"({_CHARS_PG} @> ARRAY[chr({ord(ch)})] AND {_SEARCHED_PG} LIKE ?)" for ch in rarest
            )
            return (
                f"SELECT {columns} FROM cases c WHERE {where} ORDER BY c.id DESC LIMIT ?",
                [*likes, SEARCH_LIMIT],
            )
        # 3+ characters: the trigram index. One or two common ones: the cases newest first, until
        # SEARCH_LIMIT match (a common text finds them among the newest).
        where = " OR ".join(f"{_SEARCHED_PG} LIKE ?" for _ in likes)
        return (
            f"SELECT {columns} FROM cases c WHERE {where} ORDER BY c.id DESC LIMIT ?",
            [*likes, SEARCH_LIMIT],
        )
    if min(len(v) for v in variants) >= 3:  # trigram index
        match = " OR ".join('"' + v.replace('"', '""') + '"' for v in variants)
        found = "SELECT rowid FROM case_search WHERE case_search MATCH ? ORDER BY rowid DESC LIMIT ?"
        if columns != "c.id":
            found = f"SELECT {columns} FROM cases c WHERE c.id IN ({found})"
        return found, [match, SEARCH_LIMIT]
    contains = " OR ".join(
        "c.case_number LIKE ? ESCAPE '\\' OR c.parties_text LIKE ? ESCAPE '\\' OR c.cause LIKE ? ESCAPE '\\'"
        for _ in likes
    )
    like_params: list[object] = [p for like in likes for p in (like, like, like)]
    if all(_indexed_chars(v) for v in variants):  # the character index
        return (
            f"SELECT {columns} FROM case_chars f JOIN cases c ON c.id = f.rowid "
            f"WHERE f.case_chars MATCH ? AND ({contains}) ORDER BY f.rowid DESC LIMIT ?",
            [" OR ".join(_chars(v) for v in variants), *like_params, SEARCH_LIMIT],
        )
    return (
        f"SELECT {columns} FROM cases c WHERE {contains} ORDER BY c.id DESC LIMIT ?",
        [*like_params, SEARCH_LIMIT],
    )


def _search_text(f: LedgerFilter) -> tuple[str, ...]:
    return search_variants(f.text)


# The columns SORT_KEYS order by.
_SORT_COLUMNS = (
    "c.id, c.cn_year, c.cn_type_code, c.cn_seq, c.filing_date, c.deadline, c.next_due_date, c.due_fen, "
    "c.paid_fen, c.stage, c.status, c.handler_id"
)


def text_matches(
    db: Database, f: LedgerFilter, sort: str = "id", descending: bool = True
) -> list[int] | None:
    """The ids the search text finds (the newest ``SEARCH_LIMIT``) in the ledger's order, None without a
    text.

    Looked up once, they serve the count, the cut note and every page of one search (``found`` below):
    the ledger used to run the search three times before its first screen, and to read each match's row
    again to sort them. The search reads the sort columns as it finds the cases, and orders them."""
    variants = _search_text(f)
    if not variants:
        return None
    sub, params = _text_subquery(variants, dialect(db), _SORT_COLUMNS, char_shares(db))
    order = SORT_KEYS[sort].format(o="DESC" if descending else "ASC")
    return [int(r[0]) for r in db.execute(f"SELECT c.id FROM ({sub}) AS c ORDER BY {order}", params)]


def text_only(f: LedgerFilter) -> bool:
    """True when ``f`` is a search text and nothing else: its matches are the ledger's rows."""
    return bool(_search_text(f)) and replace(f, text="", today=None) == LedgerFilter()


def rows_by_id(db: Database, ids: Sequence[int]) -> list[dict[str, Any]]:
    """The ledger rows of ``ids``, in that order (ids no longer there left out)."""
    if not ids:
        return []
    marks = ", ".join("?" for _ in ids)
    rows = _rows(
        db.conn,
        f"SELECT {LEDGER_COLUMNS} FROM cases c LEFT JOIN handlers h ON h.id = c.handler_id "
        f"WHERE c.id IN ({marks})",
        list(ids),
    )
    by_id = {r["id"]: r for r in rows}
    return [by_id[i] for i in ids if i in by_id]


def _where(
    f: LedgerFilter,
    engine: str = "sqlite",
    found: Sequence[int] | None = None,
    shares: Mapping[str, float] | None = None,
) -> tuple[str, list[object]]:
    """The WHERE clause of ``f``; ``found``: the search text's matches when already looked up; ``shares``:
    see :func:`char_shares`."""
    clauses: list[str] = []
    params: list[object] = []
    variants = _search_text(f)
    if variants and found is not None:
        clauses.append("c.id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(list(found)))
    elif variants:
        sub, sub_params = _text_subquery(variants, engine, shares=shares)
        clauses.append(f"c.id IN ({sub})")
        params += sub_params
    if f.stage:
        clauses.append("c.stage = ?")
        params.append(f.stage)
    if f.status:
        clauses.append("c.status = ?")
        params.append(f.status)
    if f.handler:
        clauses.append("c.handler_id = (SELECT id FROM handlers WHERE name = ?)")
        params.append(f.handler)
    if f.overdue_only:
        clauses.append("c.due_fen > c.paid_fen AND c.next_due_date < ? AND c.status = '在办'")
        params.append((f.today or date.today()).isoformat())
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def ledger_count(db: Database, f: LedgerFilter, found: Sequence[int] | None = None) -> int:
    """How many cases ``f`` shows (``found``: the text's matches from :func:`text_matches`, if looked up)."""
    if found is not None and text_only(f):
        return len(found)  # the text alone: its matches are the rows
    where, params = _where(f, dialect(db), found, char_shares(db))
    return int(db.execute(f"SELECT count(*) FROM cases c{where}", params).fetchone()[0])


def search_is_capped(db: Database, f: LedgerFilter) -> bool:
    """True when the search text matched more cases than a search shows (``SEARCH_LIMIT``)."""
    text = _search_text(f)
    if not text:
        return False
    sub, params = _text_subquery(text, dialect(db), shares=char_shares(db))
    return int(db.execute(f"SELECT count(*) FROM ({sub}) AS found", params).fetchone()[0]) >= SEARCH_LIMIT


def ledger_page(
    db: Database,
    f: LedgerFilter,
    sort: str = "id",
    descending: bool = True,
    offset: int = 0,
    limit: int = 200,
    found: Sequence[int] | None = None,
) -> list[dict[str, Any]]:
    """One window of ledger rows in display order.

    The window's ids come first from the sort index alone (a deep OFFSET then skips index entries, not
    rows: ~10 ms at row 500,000 of a million instead of a second); the rows are read by id after.
    ``found``: the search text's matches from :func:`text_matches` with the same ``sort`` and
    ``descending``; when the text is the only filter the window is a slice of them.
    """
    if found is not None and text_only(f):
        return rows_by_id(db, found[offset : offset + limit])
    where, params = _where(f, dialect(db), found, char_shares(db))
    order = SORT_KEYS[sort].format(o="DESC" if descending else "ASC")
    ids = [
        r[0]
        for r in db.execute(
            f"SELECT c.id FROM cases c{where} ORDER BY {order} LIMIT ? OFFSET ?", [*params, limit, offset]
        )
    ]
    return rows_by_id(db, ids)

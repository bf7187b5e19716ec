"""The register of issued documents, and the eligibility facts recorded beside cases.

Numbers run per (court code, series, year) and are taken inside the issuing transaction (BEGIN
IMMEDIATE serialises writers), so two clerks never get the same number. Rows are immutable (triggers
in db/0003_documents.sql): a reprint reads the snapshot and checks its sha256.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from desktop.core.eligibility import CaseFacts, CaseFlag
from desktop.store.audit import record
from desktop.store.database import StoreError
from desktop.store.engine import Connection, Database, serialize
from desktop.store.screening import case_findings


class DocumentNotFound(StoreError):
    pass


class SnapshotTampered(StoreError):
    """The stored snapshot no longer matches its hash: the register was altered outside the program."""


@dataclass(frozen=True)
class DocumentRecord:
    id: int
    case_id: int | None
    form_id: str
    series: str
    court_code: str
    doc_number: str
    doc_year: int
    doc_seq: int
    title: str
    case_number: str
    party: str
    issued_on: date
    issued_by: str
    snapshot: dict[str, Any]
    snapshot_sha256: str
    form_sha256: str
    batch: str


@dataclass(frozen=True)
class NewDocument:
    """What the service hands the store to register (the number is allocated here)."""

    case_id: int | None
    form_id: str
    series: str
    abbr: str
    court_code: str
    title: str
    case_number: str
    party: str
    issued_on: date
    issued_by: str
    form_sha256: str
    batch: str = ""


def canonical_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def sha256_of(snapshot: object) -> str:
    return hashlib.sha256(canonical_json(snapshot).encode("utf-8")).hexdigest()


def format_number(court_code: str, abbr: str, year: int, seq: int) -> str:
    """黑0902履证〔2025〕12号 (发文字号 style, GB/T 9704 §7.2.4: 〔〕 around the year)."""
    return f"{court_code}{abbr}〔{year}〕{seq}号"


def next_seq(conn: Connection, court_code: str, series: str, year: int) -> int:
    row = conn.execute(
        "SELECT coalesce(max(doc_seq), 0) FROM documents"
        " WHERE court_code = ? AND series = ? AND doc_year = ?",
        (court_code, series, year),
    ).fetchone()
    return int(row[0]) + 1


def allocate(conn: Connection, court_code: str, series: str, abbr: str, year: int) -> tuple[int, str]:
    """The next (sequence, number) of a series; call inside the transaction that inserts it. Numbers stay
    unique and without gaps when several PCs issue the same series at once (they take turns here)."""
    serialize(conn, f"documents/{court_code}/{series}/{year}")
    seq = next_seq(conn, court_code, series, year)
    return seq, format_number(court_code, abbr, year, seq)


def insert_document(
    conn: Connection, doc: NewDocument, seq: int, number: str, snapshot: dict[str, Any]
) -> int:
    """Insert a document numbered by :func:`allocate` with its snapshot, and audit it."""
    year = doc.issued_on.year
    digest = sha256_of(snapshot)
    cur = conn.execute(
        "INSERT INTO documents (case_id, form_id, series, court_code, doc_number, doc_year, doc_seq, title,"
        " case_number, party, issued_on, issued_by, snapshot, snapshot_sha256, form_sha256, batch)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (
            doc.case_id,
            doc.form_id,
            doc.series,
            doc.court_code,
            number,
            year,
            seq,
            doc.title,
            doc.case_number,
            doc.party,
            doc.issued_on.isoformat(),
            doc.issued_by,
            canonical_json(snapshot),
            digest,
            doc.form_sha256,
            doc.batch,
        ),
    )
    doc_id = int(cur.fetchone()[0])
    record(
        conn,
        doc.issued_by,
        "document.issue",
        "document",
        doc_id,
        doc.case_number,
        {"form": doc.form_id, "number": number, "sha256": digest, "batch": doc.batch},
    )
    return doc_id


def add_contact(
    conn: Connection,
    case_id: int,
    at: datetime,
    method: str,
    by: str,
    party: str,
    outcome: str,
    rule_id: str,
    case_number: str,
) -> int:
    """A contact in the urging log written inside the caller's transaction (a notice was sent)."""
    row = {
        "case_id": case_id,
        "at": at.isoformat(timespec="seconds"),
        "method": method,
        "by": by,
        "party": party,
        "outcome": outcome,
        "note": "",
        "rule_id": rule_id,
    }
    cur = conn.execute(
        "INSERT INTO contacts (case_id, at, method, by, party, outcome, note, rule_id)"
        " VALUES (:case_id, :at, :method, :by, :party, :outcome, :note, :rule_id) RETURNING id",
        row,
    )
    contact_id = int(cur.fetchone()[0])
    record(conn, by, "contact.create", "contact", contact_id, case_number, row)
    return contact_id


_COLUMNS = (
    "id, case_id, form_id, series, court_code, doc_number, doc_year, doc_seq, title, case_number, party,"
    " issued_on, issued_by, snapshot, snapshot_sha256, form_sha256, batch"
)


def _record(row: Sequence[Any]) -> DocumentRecord:
    return DocumentRecord(
        id=int(row[0]),
        case_id=None if row[1] is None else int(row[1]),
        form_id=str(row[2]),
        series=str(row[3]),
        court_code=str(row[4]),
        doc_number=str(row[5]),
        doc_year=int(row[6]),
        doc_seq=int(row[7]),
        title=str(row[8]),
        case_number=str(row[9]),
        party=str(row[10]),
        issued_on=date.fromisoformat(str(row[11])),
        issued_by=str(row[12]),
        snapshot=json.loads(str(row[13])),
        snapshot_sha256=str(row[14]),
        form_sha256=str(row[15]),
        batch=str(row[16]),
    )


def load_document(db: Database, doc_id: int, verify: bool = True) -> DocumentRecord:
    row = db.execute(f"SELECT {_COLUMNS} FROM documents WHERE id = ?", [doc_id]).fetchone()
    if row is None:
        raise DocumentNotFound(f"文书登记不存在（编号 {doc_id}）")
    doc = _record(row)
    if verify and sha256_of(doc.snapshot) != doc.snapshot_sha256:
        raise SnapshotTampered(
            f"文书 {doc.doc_number} 的登记内容与其校验值不符，可能已在程序外被改动，不能按原样重印。"
        )
    return doc


@dataclass(frozen=True)
class RegisterFilter:
    case_id: int | None = None
    text: str = ""  # matches number, title, case number or party
    form_id: str = ""


def _where(f: RegisterFilter) -> tuple[str, list[object]]:
    clauses: list[str] = []
    params: list[object] = []
    if f.case_id is not None:
        clauses.append("case_id = ?")
        params.append(f.case_id)
    if f.form_id:
        clauses.append("form_id = ?")
        params.append(f.form_id)
    text = "".join(f.text.split())
    if text:
        like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        clauses.append(
            "(doc_number LIKE ? ESCAPE '\\' OR title LIKE ? ESCAPE '\\' OR case_number LIKE ? ESCAPE '\\'"
            " OR party LIKE ? ESCAPE '\\')"
        )
        params += [like] * 4
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def register_count(db: Database, f: RegisterFilter) -> int:
    where, params = _where(f)
    return int(db.execute(f"SELECT count(*) FROM documents{where}", params).fetchone()[0])


def register_page(db: Database, f: RegisterFilter, offset: int = 0, limit: int = 200) -> list[dict[str, Any]]:
    """Rows for the register list, newest first (no snapshots: they are read on reprint)."""
    where, params = _where(f)
    cur = db.execute(
        "SELECT id, case_id, form_id, doc_number, title, case_number, party, issued_on, issued_by, batch"
        f" FROM documents{where} ORDER BY id DESC LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


# ------------------------------------------------------------------------------------ case facts


def case_facts(db: Database, case_id: int, screening: bool = True) -> CaseFacts:
    """Flags recorded for the case and the bankruptcy screening counts for its organisation debtor
    (``screening=False``: not asked, left empty — the screening reads every case of each enterprise
    debtor, so it costs more the larger the ledger)."""
    flags = tuple(
        (CaseFlag(str(r[0])), date.fromisoformat(str(r[1])))
        for r in db.execute("SELECT flag, since FROM case_flags WHERE case_id = ? ORDER BY id", [case_id])
    )
    return CaseFacts(flags=flags, screening=case_findings(db.conn, case_id) if screening else ())


def set_flag(
    db_conn: Connection,
    case_id: int,
    flag: CaseFlag,
    since: date,
    note: str,
    actor: str,
    case_number: str,
) -> None:
    now = datetime.now().astimezone().isoformat(timespec="seconds")
    db_conn.execute(
        "INSERT INTO case_flags (case_id, flag, since, note, recorded_by, recorded_at)"
        " VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT(case_id, flag) DO UPDATE SET since = excluded.since, note = excluded.note,"
        " recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
        (case_id, flag.value, since.isoformat(), note, actor, now),
    )
    record(
        db_conn,
        actor,
        "case_flag.set",
        "case",
        case_id,
        case_number,
        {flag.value: since.isoformat(), "note": note},
    )


def clear_flag(db_conn: Connection, case_id: int, flag: CaseFlag, actor: str, case_number: str) -> bool:
    cur = db_conn.execute("DELETE FROM case_flags WHERE case_id = ? AND flag = ?", (case_id, flag.value))
    if cur.rowcount:
        record(db_conn, actor, "case_flag.clear", "case", case_id, case_number, {"flag": flag.value})
    return bool(cur.rowcount)


def flags_of(db: Database, case_id: int) -> list[dict[str, Any]]:
    cur = db.execute(
        "SELECT flag, since, note, recorded_by, recorded_at FROM case_flags WHERE case_id = ? ORDER BY id",
        [case_id],
    )
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def case_ids_by_number(db: Database, numbers: Iterable[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for n in numbers:
        row = db.execute("SELECT id FROM cases WHERE case_number = ?", [n]).fetchone()
        if row:
            out[n] = int(row[0])
    return out


def case_number_of(db: Database, case_id: int) -> str | None:
    """The 案号 of case ``case_id`` (None when there is no such case)."""
    row = db.execute("SELECT case_number FROM cases WHERE id = ?", [case_id]).fetchone()
    return None if row is None else str(row[0])


def batch_preselection(
    db: Database, stages: Sequence[str], certificate: bool, due: tuple[date, date] | None, limit: int
) -> list[int]:
    """The cases a batch of a form checks with its rule, soonest due first: in ``stages`` (all when
    empty); performed (or partly paid) cases for a certificate, else open ones; with ``due``, those whose
    next unpaid slice (or, owing nothing in money, whose deadline) falls in it and not served by 公告."""
    clauses: list[str] = []
    params: list[object] = []
    if stages:
        clauses.append(f"stage IN ({', '.join('?' for _ in stages)})")
        params += list(stages)
    if certificate:
        clauses.append("(status = '履行完毕' OR (status = '在办' AND paid_fen > 0))")
    else:
        clauses.append("status = '在办'")
    if due is not None:
        low, high = due[0].isoformat(), due[1].isoformat()
        clauses.append("public_notice = 0")
        clauses.append(
            "((due_fen > paid_fen AND next_due_date BETWEEN ? AND ?)"
            " OR (due_fen = 0 AND deadline BETWEEN ? AND ?))"
        )
        params += [low, high, low, high]
    sql = f"SELECT id FROM cases WHERE {' AND '.join(clauses)} ORDER BY next_due_date, id LIMIT ?"
    return [int(case_id) for (case_id,) in db.execute(sql, [*params, limit]).fetchall()]

"""The 诉讼费减免 register (table ``fee_reliefs``): each write one transaction with its audit entry."""

from __future__ import annotations

from dataclasses import replace

from desktop.core.fee_relief import FeeRelief
from desktop.store.audit import record
from desktop.store.cases import CaseNotFound, _insert, _rows, _update
from desktop.store.convert import from_row, to_row
from desktop.store.database import StoreError, transaction
from desktop.store.engine import Database


def list_reliefs(db: Database, case_id: int) -> list[FeeRelief]:
    rows = _rows(db.conn, "SELECT * FROM fee_reliefs WHERE case_id = ? ORDER BY id", (case_id,))
    return [from_row(FeeRelief, row) for row in rows]


def save_relief(db: Database, case_id: int, relief: FeeRelief, actor: str) -> FeeRelief:
    """Insert (no id) or update the record of ``case_id``, with its audit entry, in one transaction."""
    row = to_row(relief, exclude=("id", "case_id"))
    with transaction(db) as conn:
        found = conn.execute("SELECT case_number FROM cases WHERE id = ?", (case_id,)).fetchone()
        if found is None:
            raise CaseNotFound(f"案件不存在（编号 {case_id}），可能已被删除。")
        if relief.id is None:
            relief_id = _insert(conn, "fee_reliefs", {"case_id": case_id, **row})
            record(conn, actor, "fee_relief.create", "fee_relief", relief_id, found[0], row)
        else:
            owner = conn.execute("SELECT case_id FROM fee_reliefs WHERE id = ?", (relief.id,)).fetchone()
            if owner is None or owner[0] != case_id:
                raise StoreError(f"该减免记录已不存在（编号 {relief.id}），可能已被删除。")
            relief_id = relief.id
            _update(conn, "fee_reliefs", relief_id, row)
            record(conn, actor, "fee_relief.update", "fee_relief", relief_id, found[0], row)
    return replace(relief, id=relief_id, case_id=case_id)


def delete_relief(db: Database, relief_id: int, actor: str) -> None:
    with transaction(db) as conn:
        row = conn.execute(
            "SELECT c.case_number FROM fee_reliefs f JOIN cases c ON c.id = f.case_id WHERE f.id = ?",
            (relief_id,),
        ).fetchone()
        if row is None:
            raise StoreError(f"该减免记录已不存在（编号 {relief_id}），可能已被删除。")
        conn.execute("DELETE FROM fee_reliefs WHERE id = ?", (relief_id,))
        record(conn, actor, "fee_relief.delete", "fee_relief", relief_id, row[0], {})

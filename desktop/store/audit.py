"""The audit log: who changed what and when, written inside the transaction that made the change."""

from __future__ import annotations

import socket
from datetime import datetime
from typing import Any

from desktop.store.convert import to_json
from desktop.store.engine import Connection, Database

HOST = socket.gethostname()  # the computer a change came from (several PCs share a server)


def record(
    conn: Connection,
    actor: str,
    action: str,
    entity: str,
    entity_id: int | None,
    case_number: str = "",
    detail: object = None,
) -> None:
    conn.execute(
        "INSERT INTO audit_log (at, actor, host, action, entity, entity_id, case_number, detail) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            datetime.now().astimezone().isoformat(timespec="seconds"),
            actor,
            HOST,
            action,
            entity,
            entity_id,
            case_number,
            to_json(detail if detail is not None else {}),
        ),
    )


def entries(db: Database, entity: str | None = None, entity_id: int | None = None) -> list[Any]:
    sql = "SELECT * FROM audit_log"
    params: list[object] = []
    if entity is not None:
        sql += " WHERE entity = ? AND entity_id = ?"
        params = [entity, entity_id]
    return list(db.query(sql + " ORDER BY id", params))

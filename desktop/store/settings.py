"""Per-court settings, stored as JSON values in the ``settings`` table."""

from __future__ import annotations

import json

from desktop.core.model import CourtSettings
from desktop.store.audit import record
from desktop.store.database import transaction
from desktop.store.engine import Database

COURT_KEY = "court"


def get_value(db: Database, key: str, default: object = None) -> object:
    row = db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    return json.loads(row[0]) if row else default


def set_value(db: Database, key: str, value: object, actor: str) -> None:
    with transaction(db) as conn:
        before = get_value(db, key)
        conn.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, json.dumps(value, ensure_ascii=False)),
        )
        record(conn, actor, "settings.update", "settings", None, "", {key: [before, value]})


def court_settings(db: Database) -> CourtSettings | None:
    value = get_value(db, COURT_KEY)
    if not isinstance(value, dict):
        return None
    return CourtSettings(
        court_name=str(value.get("court_name", "")),
        court_code=str(value.get("court_code", "")),
        tribunal_name=str(value.get("tribunal_name", "")),
        departments=tuple(str(d) for d in value.get("departments", [])),
    )


def save_court_settings(db: Database, court: CourtSettings, actor: str) -> None:
    set_value(
        db,
        COURT_KEY,
        {
            "court_name": court.court_name,
            "court_code": court.court_code,
            "tribunal_name": court.tribunal_name,
            "departments": list(court.departments),
        },
        actor,
    )

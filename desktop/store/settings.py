"""Per-court settings, stored as JSON values in the ``settings`` table."""

from __future__ import annotations

import json

from desktop.core.model import CourtSettings
from desktop.store.audit import record
from desktop.store.database import transaction
from desktop.store.engine import Connection, Database

COURT_KEY = "court"
# The database's identity: a random UUID made when the database is created (or first opened by a
# version that knows it); copied with the data by ``server migrate``/``server export`` and by a restore,
# written into every backup's manifest so that a restore can say "this backup is another database's".
IDENTITY_KEY = "database_id"


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


def database_identity(conn: Connection) -> str | None:
    """The database's identity (None for a database no version that keeps one has opened for writing)."""
    row = conn.execute("SELECT value FROM settings WHERE key = ?", [IDENTITY_KEY]).fetchone()
    if not row:
        return None
    value = json.loads(row[0])
    return str(value) if value else None


def ensure_identity(conn: Connection) -> str:
    """The database's identity, made now if it has none (one statement: atomic, on both engines)."""
    identity = database_identity(conn)
    if identity is None:
        import uuid  # here: uuid imports platform, which a start does not need (issue 23)

        conn.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING",
            (IDENTITY_KEY, json.dumps(str(uuid.uuid4()))),
        )
        identity = database_identity(conn)
        assert identity is not None
    return identity

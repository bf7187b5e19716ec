"""Staff passwords (server mode): the hash kept per handler, written audited (the hash itself never)."""

from __future__ import annotations

from desktop.store.audit import record
from desktop.store.database import StoreError, transaction
from desktop.store.engine import Database


def password_hash(db: Database, name: str) -> str:
    """The stored hash of ``name``'s password; '' when the person has none (or is not on the list)."""
    row = db.execute("SELECT password_hash FROM handlers WHERE name = ?", [name]).fetchone()
    return str(row[0]) if row else ""


def set_password_hash(db: Database, name: str, value: str, actor: str) -> None:
    """Set (``value`` a hash) or clear ('') ``name``'s password, in one audited write."""
    with transaction(db) as conn:
        found = conn.execute("SELECT id FROM handlers WHERE name = ?", (name,)).fetchone()
        if found is None:
            raise StoreError(f"“{name}”不在本庭承办人名单中")
        conn.execute("UPDATE handlers SET password_hash = ? WHERE id = ?", (value, found[0]))
        action = "handler.password.set" if value else "handler.password.clear"
        record(conn, actor, action, "handler", int(found[0]), "", {"承办人": name})

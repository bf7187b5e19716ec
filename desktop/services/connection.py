"""Which database this PC works on: its own SQLite file (the default) or the tribunal's server.

The choice is this PC's own, kept in the data folder beside the log (``server.json``: the server's URL
without a password). The password is kept only when the person asks for it, in ``server.password``
readable by this Windows/Linux account alone; otherwise it is asked for at each start, or taken from
libpq's ``PGPASSWORD`` / ``.pgpass``. It never goes into the log, the audit trail or a window title.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from desktop import paths
from desktop.store.database import ServerUnavailable

__all__ = ["Saved", "ServerAddress", "ServerUnavailable", "forget", "save", "saved", "test"]

SETTINGS = "server.json"
PASSWORD = "server.password"


@dataclass(frozen=True)
class ServerAddress:
    host: str
    port: int = 5432
    database: str = "tribunal_desk"
    user: str = "tribunal"

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"postgresql://{quote(self.user, safe='')}@{host}:{self.port}/{quote(self.database, safe='')}"

    @classmethod
    def from_url(cls, url: str) -> ServerAddress:
        parts = urlsplit(url)
        return cls(
            parts.hostname or "localhost",
            parts.port or 5432,
            unquote(parts.path.lstrip("/")) or "tribunal_desk",
            unquote(parts.username or "") or "tribunal",
        )

    def problems(self) -> list[str]:
        """What is wrong with the address, in words for the connect dialog."""
        out = []
        if not self.host.strip():
            out.append("服务器地址不能为空")
        if not 1 <= self.port <= 65535:
            out.append("端口应为 1 至 65535")
        if not self.database.strip():
            out.append("数据库名不能为空")
        if not self.user.strip():
            out.append("用户名不能为空")
        return out


@dataclass(frozen=True)
class Saved:
    address: ServerAddress
    password: str | None


def _folder() -> Path:
    return paths.user_data_dir()


def saved() -> Saved | None:
    """The server this PC connects to, or None for its own database file."""
    try:
        data = json.loads((_folder() / SETTINGS).read_text(encoding="utf-8"))
        address = ServerAddress.from_url(str(data["url"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    try:
        password: str | None = (_folder() / PASSWORD).read_text(encoding="utf-8").strip() or None
    except OSError:
        password = None
    return Saved(address, password)


def _write_private(path: Path, text: str) -> None:
    partial = path.with_name(path.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(partial, path)


def save(address: ServerAddress, password: str | None, remember_password: bool) -> None:
    """Work on ``address`` from the next start on (and remember the password only if asked)."""
    _write_private(_folder() / SETTINGS, json.dumps({"url": address.url}, ensure_ascii=False))
    if remember_password and password:
        _write_private(_folder() / PASSWORD, password)
    else:
        (_folder() / PASSWORD).unlink(missing_ok=True)


def forget() -> None:
    """Back to this PC's own database file."""
    for name in (SETTINGS, PASSWORD):
        (_folder() / name).unlink(missing_ok=True)


def test(address: ServerAddress, password: str | None) -> str:
    """Connect once and say what answered (``PostgreSQL 15.4``); raises ServerUnavailable otherwise."""
    from desktop.store import pg

    conn = pg.connect(address.url, password, timeout=5)
    try:
        return f"PostgreSQL {pg.server_version(conn)}"
    finally:
        conn.close()


def who_is_connected(db: object) -> list[tuple[str, str, str]]:
    """(person@PC, address, since) of every program connected to the server ``db`` is on."""
    from desktop.store import pg

    conn = getattr(db, "conn", None)
    if not isinstance(conn, pg.PgConnection):
        return []
    return [(c.who, c.address, c.since) for c in pg.connected_clients(conn)]

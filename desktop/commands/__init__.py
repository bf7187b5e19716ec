"""Subcommands of ``tribunal-desk``, one module per feature.

Each module defines ``register(sub, common)``: it adds its subparser(s) to ``sub`` with ``common`` as a
parent (which carries ``--db``) and sets ``func`` to a function taking the parsed arguments and returning
the exit code. ``desktop.cli`` lists the modules in ``COMMANDS``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.store.database import StoreError

if TYPE_CHECKING:
    from desktop.services.workspace import Workspace


READ_ONLY_COMMANDS = "reminders、stats、export、render --draft、whitelist candidates"


def open_workspace(path: Path | str | None, read_only_ok: bool = False) -> Workspace:
    """The database for a command, under the same single-instance lock as the window.

    While the app (or another command) holds it, a command that only reads (``read_only_ok``:
    :data:`READ_ONLY_COMMANDS`) opens it read-only instead (a note on stderr; any write is refused with
    ``ReadOnly``); a command that may write is refused naming the holder (``StoreError``: exit code 2).
    ``close()`` releases the lock.

    On a server (``postgresql://…``) many programs work at once: no lock; the password comes from
    libpq's own ``PGPASSWORD`` or ``.pgpass``, never from the command line."""
    from desktop import paths
    from desktop.services.workspace import Workspace
    from desktop.store.engine import is_server_url
    from desktop.store.lock import DatabaseInUse, acquire

    if is_server_url(path):
        return Workspace.open(path)
    target = Path(path) if path is not None else paths.default_database()
    try:
        lock = acquire(target)
    except DatabaseInUse as exc:
        if read_only_ok:
            return _open_read_only(target, exc)
        raise StoreError(
            f"{exc}本命令会修改数据，已拒绝；只读的命令（{READ_ONLY_COMMANDS}）仍可使用。"
        ) from exc
    try:
        ws = Workspace.open(target)
    except BaseException:
        lock.release()
        raise
    close = ws.close

    def close_and_unlock() -> None:
        try:
            close()
        finally:
            lock.release()

    ws.close = close_and_unlock  # type: ignore[method-assign]
    return ws


def _open_read_only(target: Path, in_use: StoreError) -> Workspace:
    from desktop.services.workspace import Workspace
    from desktop.store.database import current_version, schema_version
    from desktop.store.lock import open_read_only

    db = open_read_only(target)
    version = current_version(db.conn)
    if version != schema_version():
        db.conn.close()
        raise StoreError(
            f"{in_use}该数据库的结构版本（{version}）与本程序（{schema_version()}）不同，只读方式也无法打开。"
        ) from in_use
    print(f"注意：{in_use}本命令只读取数据，以只读方式打开。", file=sys.stderr)
    return Workspace(db)

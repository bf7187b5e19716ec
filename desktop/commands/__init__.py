"""Subcommands of ``tribunal-desk``, one module per feature.

Each module defines ``register(sub, common)``: it adds its subparser(s) to ``sub`` with ``common`` as a
parent (which carries ``--db``) and sets ``func`` to a function taking the parsed arguments and returning
the exit code. ``desktop.cli`` lists the modules in ``COMMANDS``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop.services.workspace import Workspace


def open_workspace(path: Path | str | None) -> Workspace:
    """The database for a command that may write, under the same single-instance lock as the window:
    while the app (or another command) has it open, the command is refused naming the holder
    (``DatabaseInUse`` is a ``StoreError``: exit code 2). ``close()`` releases the lock.

    On a server (``postgresql://…``) many programs work at once: no lock; the password comes from
    libpq's own ``PGPASSWORD`` or ``.pgpass``, never from the command line."""
    from desktop import paths
    from desktop.services.workspace import Workspace
    from desktop.store.engine import is_server_url
    from desktop.store.lock import acquire

    if is_server_url(path):
        return Workspace.open(path)
    target = Path(path) if path is not None else paths.default_database()
    lock = acquire(target)
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

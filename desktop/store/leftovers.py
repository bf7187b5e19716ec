"""Temporaries a dead process left beside a database: found by the process id in their names, removed when
the database is opened. Apart from :mod:`desktop.store.backup` (which makes them) so that opening a
database does not load the backup machinery and its cryptography (issue 23)."""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

# Temporaries that carry the id of the process that made them (see remove_dead_leftovers).
_WITH_PID = re.compile(
    r"^\.(?:tdrestore-forms-(?:old-)?|tdrestore-|tdsnap-)(\d+)-[0-9a-f]+(?:\.sqlite3(?:-wal|-shm|-journal)?)?$"
    r"|^\..+\.(\d+)\.partial$"
)


def process_alive(pid: int) -> bool:
    """Whether a process ``pid`` runs now (this one counts as alive)."""
    if pid == os.getpid():
        return True
    if pid <= 0:
        return False
    if sys.platform == "win32":
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        ok = kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel32.CloseHandle(handle)
        return bool(ok) and code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def remove_dead_leftovers(directory: Path) -> list[Path]:
    """Remove the temporaries in ``directory`` that a dead process left: an unpacked or half-unpacked
    restore (``.tdrestore-PID-….sqlite3``, a plaintext copy of a whole database, with its -wal/-shm),
    the forms folders a restore unpacked or moved aside, snapshots (``.tdsnap-PID-…``) and half-written
    backups (``.NAME.PID.partial``, e.g. a before-restore backup). Each names the process that made it;
    one whose process is gone belongs to a finished or dead operation (a live operation's files are
    left alone, and ones naming no process to :func:`remove_stale_temporaries`' age rule). Called when a
    database is opened, after :func:`desktop.store.restore_journal.finish_restore` has finished or
    ruled out an interrupted restore, so no journal can still need them."""
    removed: list[Path] = []
    try:
        candidates = list(directory.iterdir())
    except OSError:
        return removed
    for path in candidates:
        match = _WITH_PID.match(path.name)
        if match is None or process_alive(int(match.group(1) or match.group(2))):
            continue
        try:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path)
        except OSError:
            continue
    return removed

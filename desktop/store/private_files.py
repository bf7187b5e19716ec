"""Personal data at rest (PIPL): the data folder and every file in it readable by its owner only.

The database holds ID numbers, phones and addresses; so do its WAL, the automatic and before-restore
backups, the log, the ledger exports and the printed notices. On Linux (统信UOS, 麒麟) a shared PC's other
accounts could read files of mode 0644 in a folder of mode 0755, so:

* the program runs with umask 077 (:func:`restrict_umask`, from ``desktop.cli.main``): whatever it
  creates (database, WAL and SHM, which SQLite gives the database file's mode, backups, exports, PDFs,
  the log) is 0600, folders 0700;
* files whose creation we control are created 0600 whatever the umask (:func:`create_private`) and
  exports are set 0600 explicitly (:func:`make_private`);
* opening a database fixes what an older version left behind (:func:`secure_database`): its own files
  (database, ``-wal``, ``-shm``, ``-journal``, ``.lock``) become 0600, and when it lives in the per-user
  data folder, that folder becomes 0700 and everything in it 0600 (folders 0700).

File modes are the SQLite-file store's business: a server database keeps none of this. On Windows the
data folder is ``%LOCALAPPDATA%\\TribunalDesk``, inside the user's profile, whose inherited ACL grants
access to that user, SYSTEM and Administrators only; nothing here changes ACLs (README, 数据存放位置).
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
POSIX = os.name == "posix"


def restrict_umask() -> None:
    """Make everything this process creates private to its user (POSIX; nothing on Windows)."""
    if POSIX:
        os.umask(0o077)


def make_private(path: Path | str) -> None:
    """``path`` readable by its owner only (a file 0600, a folder 0700). Quietly nothing where the file
    system has no modes (a FAT USB stick) or the file is gone."""
    if not POSIX:
        return
    with contextlib.suppress(OSError):
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            return
        mode = PRIVATE_DIR if stat.S_ISDIR(st.st_mode) else PRIVATE_FILE
        if stat.S_IMODE(st.st_mode) != mode:
            os.chmod(path, mode)


def create_private(path: Path | str) -> None:
    """Create ``path`` empty as 0600 if it does not exist (so that it never exists readable by others),
    else make it 0600."""
    if POSIX:
        with contextlib.suppress(OSError):  # exists already; or cannot be: the caller's open will say why
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE))
    make_private(path)


def private_folder(path: Path) -> Path:
    """Create ``path`` (and its parents) if needed; the folder itself 0700."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    make_private(path)
    return path


def secure_tree(folder: Path) -> None:
    """``folder`` 0700 and everything in it 0600 (folders 0700), without following symbolic links."""
    if not POSIX or not folder.is_dir():
        return
    make_private(folder)
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            make_private(os.path.join(root, name))


def database_files(db: Path) -> list[Path]:
    """The database and the files SQLite and the single-instance lock keep beside it."""
    return [db, *(Path(f"{db}{suffix}") for suffix in ("-wal", "-shm", "-journal", ".lock"))]


def secure_database(db: Path, data_folder: Path | None = None) -> None:
    """Before opening ``db``: create it 0600 if new, make its files 0600, and when it lives in
    ``data_folder`` (the per-user data folder) secure the whole folder."""
    create_private(db)
    for path in database_files(db)[1:]:
        make_private(path)
    if data_folder is not None and _same(db.parent, data_folder):
        secure_tree(data_folder)


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False

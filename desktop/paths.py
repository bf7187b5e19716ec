"""Where the program's own data (db/, forms/, resources/) and the user's data live.

From a checkout or an editable install the folders sit at the repository's top level; in a wheel
they are packed under ``desktop/_data``; in a PyInstaller bundle under ``sys._MEIPASS``. The user's
database, logs and backups live in the per-user data directory, never beside the program (an installed
program folder is read-only on a court PC). ``TRIBUNAL_DESK_HOME`` overrides that directory (tests,
portable installs on a USB stick).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "TribunalDesk"
_PACKAGE_DIR = Path(__file__).resolve().parent


def _candidates(name: str) -> list[Path]:
    roots = []
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        roots.append(Path(bundle))
    roots += [_PACKAGE_DIR / "_data", _PACKAGE_DIR.parent]
    return [root / name for root in roots]


def program_dir(name: str) -> Path:
    """The program's own folder ``db``, ``forms`` or ``resources``."""
    for path in _candidates(name):
        if path.is_dir():
            return path
    raise FileNotFoundError(f"program folder {name!r} not found in {_candidates(name)}")


def migrations_dir() -> Path:
    return program_dir("db")


def forms_dir() -> Path:
    return program_dir("forms")


def resources_dir() -> Path:
    return program_dir("resources")


def user_data_dir() -> Path:
    """The per-user data folder, created if needed; on Linux mode 0700, its user's alone (it holds
    personal data; desktop.store.private_files secures the files in it)."""
    override = os.environ.get("TRIBUNAL_DESK_HOME")
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name == "posix" and path.stat().st_mode & 0o077:
        os.chmod(path, 0o700)
    return path


def default_database() -> Path:
    return user_data_dir() / "tribunal-desk.sqlite3"


def log_file() -> Path:
    """The error log (created 0600 on Linux: it may quote case numbers and names)."""
    path = user_data_dir() / "tribunal-desk.log"
    if os.name == "posix":
        try:
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_APPEND, 0o600))
            if path.stat().st_mode & 0o077:
                os.chmod(path, 0o600)
        except OSError:
            pass
    return path

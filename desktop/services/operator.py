"""Who is using the program: the person every record names (签发人, 核查人, 操作人, 督促人).

The person is one of the court's staff (the handlers list), chosen once on each PC and kept in a small
settings file of that PC's data directory (``local-settings.json``), one choice per database. It is
kept on the PC, not in the database: the database is shared (soon a PostgreSQL server every PC of the
tribunal signs in to), while the person sitting at this PC is a fact about this PC. Until someone is
chosen (and for the command line on a PC where nobody was), records name the operating-system login.

The rule lives here, not in a widget: :class:`desktop.services.workspace.Workspace` asks
:func:`actor_for` for its actor, and the 督促看板's 我的 shows the chosen person's cases.
"""

from __future__ import annotations

import getpass
import json
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop import paths
from desktop.core.errors import ValidationError

if TYPE_CHECKING:
    from desktop.services.workspace import Workspace

log = logging.getLogger(__name__)

LOCAL_FILE = "local-settings.json"
_KEY = "operators"  # {database: person}


def local_settings_file() -> Path:
    return paths.user_data_dir() / LOCAL_FILE


def _database_key(database: str) -> str:
    """One key per database whatever path spelled it (a server's address is used as it is)."""
    if not database or "://" in database:
        return database
    try:
        return str(Path(database).resolve())
    except OSError:
        return database


def _read() -> dict[str, Any]:
    path = local_settings_file()
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:  # a damaged file: ask again rather than stop the program
        log.warning("cannot read %s: %s", path, exc)
        return {}
    return value if isinstance(value, dict) else {}


def _write(settings: dict[str, Any]) -> None:
    path = local_settings_file()
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(settings, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(temporary, path)  # never half a file


def os_login() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no name can be found (getuser raises various errors)
        return "未知用户"


def chosen(database: str) -> str:
    """The person chosen on this PC for ``database``; "" when nobody was."""
    operators = _read().get(_KEY, {})
    name = operators.get(_database_key(database), "") if isinstance(operators, dict) else ""
    return name if isinstance(name, str) else ""


def actor_for(database: str) -> str:
    """Whom a record made on this PC names: the chosen person, else the operating-system login."""
    return chosen(database) or os_login()


def choose(database: str, name: str, staff: list[str]) -> str:
    """Remember ``name`` (one of ``staff``, the handlers list) as this PC's person for ``database``."""
    name = name.strip()
    if not name:
        raise ValidationError("使用人", "请选择使用本程序的人")
    if name not in staff:
        raise ValidationError("使用人", f"“{name}”不在本庭承办人名单中，请从名单中选择")
    settings = _read()
    operators = settings.get(_KEY)
    operators = dict(operators) if isinstance(operators, dict) else {}
    operators[_database_key(database)] = name
    settings[_KEY] = operators
    try:
        _write(settings)
    except OSError as exc:
        raise ValidationError("使用人", f"无法保存到 {local_settings_file()}：{exc.strerror or exc}") from exc
    return name


# ---------------------------------------------------------------- on an open workspace


def needs_choice(workspace: Workspace) -> bool:
    """Nobody chosen on this PC for this database yet, and there is staff to choose from."""
    return not chosen(workspace.path) and bool(workspace.handler_names())


def set_operator(workspace: Workspace, name: str) -> None:
    """Choose the person on this PC; from now on every record of ``workspace`` names them."""
    from desktop.services.workspace import CaseInvalid, Change

    try:
        workspace.actor = choose(workspace.path, name, workspace.handler_names())
    except ValidationError as exc:
        raise CaseInvalid([exc]) from exc
    workspace.notify(Change("settings"))


def me(workspace: Workspace) -> str:
    """Whose cases the 督促看板's 我的 shows: the person using the program, when they handle cases."""
    return workspace.actor if workspace.actor in workspace.handler_names() else ""

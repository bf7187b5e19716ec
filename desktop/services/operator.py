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


# ---------------------------------------------------------------- passwords (server mode)
# On a server every PC of the tribunal reaches the same records, so a person may protect their name with
# a password (desktop.core.staff): then this PC names them only after the password was given in this
# session; until then records name the operating-system login, as before anyone was chosen.


def password_required(workspace: Workspace, name: str) -> bool:
    from desktop.store import staff

    return bool(name) and bool(staff.password_hash(workspace.db, name))


def hold_until_signed_in(workspace: Workspace) -> bool:
    """At start: when the person chosen on this PC has a password, records name the login until they sign
    in (:func:`sign_in`). True when a sign-in is needed."""
    name = chosen(workspace.path)
    if name and password_required(workspace, name):
        workspace.actor = os_login()
        return True
    return False


def needs_sign_in(workspace: Workspace) -> bool:
    """Nobody chosen yet, or the chosen person has a password and has not given it in this session."""
    name = chosen(workspace.path)
    return needs_choice(workspace) or (
        bool(name) and workspace.actor != name and password_required(workspace, name)
    )


def sign_in(workspace: Workspace, name: str, password: str) -> None:
    """Choose ``name`` on this PC, checking their password when they have one (refused otherwise)."""
    from desktop.core.staff import verify_password
    from desktop.services.workspace import CaseInvalid
    from desktop.store import staff

    if not verify_password(password, staff.password_hash(workspace.db, name.strip())):
        raise CaseInvalid([ValidationError("登录密码", f"“{name}”的登录密码不对")])
    set_operator(workspace, name)


def set_password(workspace: Workspace, new_password: str, old_password: str = "") -> None:
    """The person using the program sets (or, with '', removes) their own password; the current one is
    asked for when there is one."""
    from desktop.core.staff import check_new_password, hash_password, verify_password
    from desktop.services.workspace import CaseInvalid, Change
    from desktop.store import staff

    name = workspace.actor
    if name not in workspace.handler_names():
        raise CaseInvalid([ValidationError("使用人", "请先在“设置”中选择本机使用人")])
    if not verify_password(old_password, staff.password_hash(workspace.db, name)):
        raise CaseInvalid([ValidationError("原密码", "原密码不对")])
    try:
        stored = hash_password(check_new_password(new_password)) if new_password else ""
    except ValidationError as exc:
        raise CaseInvalid([exc]) from exc
    staff.set_password_hash(workspace.db, name, stored, workspace.actor)
    workspace.notify(Change("settings"))

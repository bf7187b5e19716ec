"""Opening the database at start: this program's single-instance lock, or — when another program holds
it — read-only if the person wants. Apart from the backup dialogs (desktop/gui/backup_dialog.py), which
a start does not need (issue 23)."""

from __future__ import annotations

import weakref
from pathlib import Path

from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from desktop.i18n import _
from desktop.services.workspace import Workspace
from desktop.store.database import StoreError, current_version, schema_version
from desktop.store.lock import DatabaseInUse, DatabaseLock, acquire, open_read_only

# Workspaces opened read-only (another program holds the database) and the locks of the others.
_READ_ONLY: weakref.WeakKeyDictionary[Workspace, str] = weakref.WeakKeyDictionary()
_LOCKS: weakref.WeakKeyDictionary[Workspace, DatabaseLock] = weakref.WeakKeyDictionary()


def is_read_only(workspace: Workspace) -> bool:
    """Opened read-only: another program holds the file, or the server did not answer (this PC's copy)."""
    return workspace in _READ_ONLY or workspace.read_only


def read_only_holder(workspace: Workspace) -> str | None:
    """Who holds the database ``workspace`` was opened read-only beside, or None when it is this program's."""
    return _READ_ONLY.get(workspace) if workspace in _READ_ONLY else None


def open_workspace(path: Path | None, parent: QWidget | None = None) -> Workspace | None:
    """Open the database for this program alone (single-instance lock), or — when another program holds
    it — say who, and open it read-only if the person wants; None when they do not."""
    from desktop import paths

    target = Path(path) if path is not None else paths.default_database()
    try:
        lock = acquire(target)
    except DatabaseInUse as exc:
        answer = QMessageBox.question(
            parent,
            _("数据库正在使用"),
            _("{0}\n\n是否以只读方式打开？只读时可以查看和打印，但不能修改任何数据。").format(exc),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return None
        db = open_read_only(target)
        version = current_version(db.conn)
        if version != schema_version():
            db.conn.close()
            raise StoreError(
                _("该数据库的结构版本（{0}）与本程序（{1}）不同，只读方式无法打开；").format(
                    version, schema_version()
                )
                + _("请在使用它的程序关闭后再打开。")
            ) from exc
        workspace = Workspace(db)
        _READ_ONLY[workspace] = exc.holder.describe() if exc.holder else _("另一个程序")
        return workspace
    try:
        workspace = Workspace.open(target)
    except BaseException:
        lock.release()
        raise
    _LOCKS[workspace] = lock
    return workspace


def release_workspace(workspace: Workspace) -> None:
    lock = _LOCKS.pop(workspace, None)
    if lock is not None:
        lock.release()


def open_at_start(db_path: Path | str | None, parent: QWidget | None = None) -> Workspace | None:
    """The workspace the window opens on: ``--db`` if given (a file or a server's URL), else the server
    this PC was connected to (settings), else this PC's own file. A server that cannot be reached is
    said so, with 重试 / 打开本机数据库（只读）/ 更改连接 / 退出. None: the person chose to quit."""
    from desktop import paths
    from desktop.services import connection
    from desktop.store.engine import is_server_url

    url, password = None, None
    if is_server_url(db_path):
        url = str(db_path)
    elif db_path is None and (saved := connection.saved()) is not None:
        url, password = saved.address.url, saved.password
    if url is None:
        return open_workspace(Path(db_path) if db_path is not None else None)
    # a server: its dialogs, when it cannot be reached
    from desktop.gui.server_dialogs import ConnectDialog, ServerUnavailableDialog

    while True:
        try:
            return Workspace.open(url, password=password)
        except connection.ServerUnavailable as exc:
            dialog = ServerUnavailableDialog(str(exc), parent)
            dialog.exec()
        if dialog.choice == "retry":
            continue
        if dialog.choice == "local":
            target = paths.default_database()
            if not target.is_file():
                QMessageBox.information(parent, _("本机数据库"), _("本机还没有数据库：{0}").format(target))
                continue
            return Workspace(open_read_only(target))
        if dialog.choice == "change":
            change = ConnectDialog(parent, connection.ServerAddress.from_url(url))
            if change.exec() != QDialog.DialogCode.Accepted:
                continue
            if change.choice == "local":
                return open_workspace(None)
            assert change.address is not None
            url, password = change.address.url, change.password
            continue
        return None

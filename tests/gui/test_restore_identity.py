"""The GUI's restore preview names a backup of another database by its identity (issue 18, item 7), and
says "unknown" for an older backup without one, before anyone can confirm."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from desktop.gui.backup_dialog import RestoreDialog
from desktop.services import backup as service
from desktop.services.workspace import Workspace
from desktop.store import settings as settings_store
from tests.conftest import make_case

pytestmark = pytest.mark.sqlite_only  # the dialog restores this PC's file (server: test_database_identity)


def preview(qtbot, workspace: Workspace, backup: Path, monkeypatch: pytest.MonkeyPatch) -> RestoreDialog:  # type: ignore[no-untyped-def]
    dialog = RestoreDialog(workspace)
    qtbot.addWidget(dialog)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(backup), ""))
    dialog.choose_file()
    qtbot.mouseClick(dialog.read_button, Qt.MouseButton.LeftButton)
    return dialog


def rows(dialog: RestoreDialog) -> dict[str, str]:
    table = dialog.table
    return {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}


@pytest.mark.parametrize("case", ["same", "other", "old"])
def test_the_preview_compares_the_database_identity(  # type: ignore[no-untyped-def]
    qtbot, workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    monkeypatch.setenv("TRIBUNAL_DESK_FORMS", str(tmp_path / "forms"))
    workspace.save_case(make_case())
    key = settings_store.IDENTITY_KEY
    mine = settings_store.database_identity(workspace.db.conn)
    if case == "old":  # as a version before identities made it
        workspace.db.execute("DELETE FROM settings WHERE key = ?", [key])
    done = service.make_backup(Path(workspace.path), tmp_path / "usb", None, forms=tmp_path / "forms")
    if case == "old":
        workspace.db.execute("INSERT INTO settings (key, value) VALUES (?, ?)", [key, json.dumps(mine)])
    if case == "other":  # the database open now is another one than the backup's
        workspace.db.execute("UPDATE settings SET value = ? WHERE key = ?", [json.dumps("other-db"), key])
    dialog = preview(qtbot, workspace, done.path, monkeypatch)
    shown = dialog.message.text()
    identity = rows(dialog)["数据库标识"]
    if case == "same":
        assert identity == mine and "数据库标识" not in shown and "另一个数据库" not in shown
    elif case == "other":
        assert identity == mine and "备份来自另一个数据库" in shown and "other-db" in shown
    else:
        assert identity.startswith("未知") and "数据库标识未知" in shown and "另一个数据库" not in shown
    assert dialog.restore_button.isEnabled()  # said before anyone confirms, not refused

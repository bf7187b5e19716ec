"""The backup and restore dialogs, the 设置 block, the exit backup and a second instance (read-only)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox

from desktop.gui import backup_dialog
from desktop.gui.backup_dialog import BackupDialog, RestoreDialog, backup_on_exit, open_workspace
from desktop.services import backup as service
from desktop.services.workspace import Change, Workspace
from desktop.store import audit, restore_journal
from desktop.store import backup as store
from desktop.store.database import StoreError, open_database
from desktop.store.lock import acquire
from desktop.store.restore_journal import journal_path
from tests.conftest import make_case, type_text

pytestmark = pytest.mark.sqlite_only  # backups of the SQLite file; server mode backs up through a snapshot

PASSWORD = "法院备份密码2025"


@pytest.fixture(autouse=True)
def own_forms_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Restores replace the forms folder: never the one other tests share."""
    folder = tmp_path / "forms"
    monkeypatch.setenv("TRIBUNAL_DESK_FORMS", str(folder))
    return folder


@pytest.fixture
def usb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    stick = tmp_path / "usb"
    stick.mkdir()
    monkeypatch.setattr(
        service, "removable_drives", lambda: [service.Drive(stick, "KINGSTON", 8 << 30, 16 << 30)]
    )
    return stick


@pytest.fixture
def filled(workspace: Workspace) -> Workspace:
    for seq in range(200, 204):
        workspace.save_case(make_case(f"（2025）黑0902民初{seq}号"))
    return workspace


def wait_for(qtbot, dialog) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: dialog.task is not None and dialog.task.isFinished(), timeout=30_000)
    qtbot.wait(50)  # the queued result signal


def visible_error(form, field: str) -> str:  # type: ignore[no-untyped-def]
    label = form._errors[field]
    return label.text() if label.isVisibleTo(form) else ""


def test_backup_to_usb_is_encrypted_and_verified(qtbot, filled: Workspace, usb: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = BackupDialog(filled)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.target_dir() == usb
    assert dialog.encrypt.isChecked()
    assert "密码遗失" in dialog.warning.text() and dialog.warning.isVisible()

    type_text(dialog.password, "短密码")
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert "至少 8 位" in visible_error(dialog.form, "密码")
    dialog.password.clear()
    type_text(dialog.password, PASSWORD)
    type_text(dialog.confirm, PASSWORD + "x")
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert "不一致" in visible_error(dialog.form, "确认密码")
    assert dialog.task is None and list(usb.iterdir()) == []

    dialog.confirm.clear()
    type_text(dialog.confirm, PASSWORD)
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    wait_for(qtbot, dialog)
    assert dialog.completed is not None, dialog.message.text()
    assert "备份完成并已读回校验" in dialog.message.text()
    assert dialog.bar.value() == 1000
    (backup,) = usb.glob("*.tdbak")
    manifest = store.verify_backup(backup, PASSWORD)
    assert manifest.encrypted and manifest.counts["cases"] == 4
    assert audit.entries(filled.db)[-1]["action"] == "backup.create"
    assert dialog.password.text() == ""  # not kept in the dialog


def test_unencrypted_needs_unticking_and_warns(qtbot, filled: Workspace, usb: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = BackupDialog(filled)
    qtbot.addWidget(dialog)
    dialog.encrypt.setChecked(False)
    assert "个人信息" in dialog.warning.text()
    assert not dialog.password.isEnabled()
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    wait_for(qtbot, dialog)
    (backup,) = usb.glob("*.tdbak")
    assert not store.read_header(backup).encrypted


def test_backup_failure_is_shown_and_leaves_nothing(  # type: ignore[no-untyped-def]
    qtbot, filled: Workspace, usb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = store.shutil.disk_usage
    monkeypatch.setattr(store.shutil, "disk_usage", lambda p: real(p)._replace(free=1000))
    dialog = BackupDialog(filled)
    qtbot.addWidget(dialog)
    type_text(dialog.password, PASSWORD)
    type_text(dialog.confirm, PASSWORD)
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    wait_for(qtbot, dialog)
    assert dialog.completed is None
    assert "空间不足" in dialog.message.text()
    assert list(usb.iterdir()) == []
    assert dialog.start_button.isEnabled() and dialog.close_button.isEnabled()


def test_no_drive_offers_another_folder(  # type: ignore[no-untyped-def]
    qtbot, filled: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "removable_drives", lambda: [])
    dialog = BackupDialog(filled)
    qtbot.addWidget(dialog)
    assert dialog.target_dir() is None and "未发现U盘" in dialog.target.currentText()
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert "请选择" in visible_error(dialog.form, "备份到")
    folder = tmp_path / "share"
    folder.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_a, **_k: str(folder))
    dialog.choose_folder()
    assert dialog.target_dir() == folder


def test_restore_shows_the_manifest_then_restores(  # type: ignore[no-untyped-def]
    qtbot, filled: Workspace, usb: Path, dialogs, monkeypatch: pytest.MonkeyPatch
) -> None:
    done = service.make_backup(Path(filled.path), usb, PASSWORD, kdf_log_n=10)
    filled.delete_case(filled.db.execute("SELECT id FROM cases LIMIT 1").fetchone()[0])
    assert filled.db.execute("SELECT count(*) FROM cases").fetchone()[0] == 3
    changes: list[Change] = []
    filled.subscribe(changes.append)

    dialog = RestoreDialog(filled)
    qtbot.addWidget(dialog)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(done.path), ""))
    dialog.choose_file()
    assert dialog.password.isEnabled() and not dialog.restore_button.isEnabled()
    type_text(dialog.password, "wrong-password")
    qtbot.mouseClick(dialog.read_button, Qt.MouseButton.LeftButton)
    assert "密码不正确" in visible_error(dialog.form, "密码")
    assert not dialog.restore_button.isEnabled() and dialog.table.rowCount() == 0

    dialog.password.clear()
    type_text(dialog.password, PASSWORD)
    qtbot.mouseClick(dialog.read_button, Qt.MouseButton.LeftButton)
    rows = {
        dialog.table.item(r, 0).text(): dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())
    }
    assert rows["案件"] == "4" and "七台河市新兴区人民法院" in rows["法院"]
    assert dialog.restore_button.isEnabled()

    dialogs.answer = QMessageBox.StandardButton.No
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert dialog.task is None  # not confirmed: nothing happens
    dialogs.answer = QMessageBox.StandardButton.Yes
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert "确认恢复" in dialogs.shown[-1][0]
    wait_for(qtbot, dialog)
    assert dialog.outcome is not None, dialog.message.text()
    assert filled.db.execute("SELECT count(*) FROM cases").fetchone()[0] == 4  # the reopened connection
    assert "撤销" in dialog.message.text()
    assert dialog.outcome.safety is not None and dialog.outcome.safety.exists()
    assert [c.what for c in changes] == ["settings", "restore"]
    assert filled.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_restore_of_a_damaged_backup_changes_nothing(  # type: ignore[no-untyped-def]
    qtbot, filled: Workspace, usb: Path, dialogs, monkeypatch: pytest.MonkeyPatch
) -> None:
    done = service.make_backup(Path(filled.path), usb, PASSWORD, kdf_log_n=10)
    data = bytearray(done.path.read_bytes())
    data[len(data) // 2] ^= 0x01
    done.path.write_bytes(bytes(data))
    dialog = RestoreDialog(filled)
    qtbot.addWidget(dialog)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(done.path), ""))
    dialog.choose_file()
    type_text(dialog.password, PASSWORD)
    dialog.read()  # the manifest at the end is intact; the damage shows when every byte is read
    dialogs.answer = QMessageBox.StandardButton.Yes
    dialog.confirm_and_restore()
    wait_for(qtbot, dialog)
    assert dialog.outcome is None
    assert "已损坏" in dialog.message.text() and "保持原样" in dialog.message.text()
    assert filled.db.execute("SELECT count(*) FROM cases").fetchone()[0] == 4


def _restore_with_forms_swap_failing(  # type: ignore[no-untyped-def]
    qtbot, workspace: Workspace, usb: Path, forms: Path, dialogs, monkeypatch, times: int
) -> RestoreDialog:
    """Back up (with a form override), change the database, then restore while renaming the unpacked forms
    folder into place fails ``times`` times (a file in it held open by another program on Windows)."""
    forms.mkdir(exist_ok=True)
    (forms / "override.txt").write_text("备份时的模板", encoding="utf-8")
    done = service.make_backup(Path(workspace.path), usb, PASSWORD, kdf_log_n=10)
    workspace.delete_case(workspace.db.execute("SELECT id FROM cases LIMIT 1").fetchone()[0])
    (forms / "override.txt").write_text("恢复前的模板", encoding="utf-8")
    real_replace = restore_journal.os.replace
    left = [times]

    def replace(source, target):  # type: ignore[no-untyped-def]
        if Path(target) == forms and left[0] > 0:
            left[0] -= 1
            raise PermissionError(13, "另一个程序正在使用此文件", str(source))
        return real_replace(source, target)

    monkeypatch.setattr(restore_journal.os, "replace", replace)
    dialog = RestoreDialog(workspace)
    qtbot.addWidget(dialog)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(done.path), ""))
    dialog.choose_file()
    type_text(dialog.password, PASSWORD)
    dialog.read()
    dialogs.answer = QMessageBox.StandardButton.Yes
    dialog.confirm_and_restore()
    wait_for(qtbot, dialog)
    return dialog


def test_a_restore_cut_short_part_way_is_finished_by_the_reopen_and_shown_done(  # type: ignore[no-untyped-def]
    qtbot, filled: Workspace, usb: Path, own_forms_folder: Path, dialogs, monkeypatch: pytest.MonkeyPatch
) -> None:
    quits: list[bool] = []
    monkeypatch.setattr(backup_dialog.QApplication, "quit", lambda: quits.append(True))
    dialog = _restore_with_forms_swap_failing(
        qtbot, filled, usb, own_forms_folder, dialogs, monkeypatch, times=1
    )
    assert dialog.outcome is not None, dialog.message.text()
    assert dialog.message.text().startswith("✔") and not quits
    assert filled.db.execute("SELECT count(*) FROM cases").fetchone()[0] == 4
    assert (own_forms_folder / "override.txt").read_text(encoding="utf-8") == "备份时的模板"
    assert not journal_path(Path(filled.path)).exists()
    assert [e["action"] for e in audit.entries(filled.db)].count("backup.restore") == 1


def test_a_restore_that_cannot_be_finished_now_says_so_and_closes_the_program(  # type: ignore[no-untyped-def]
    qtbot, filled: Workspace, usb: Path, own_forms_folder: Path, dialogs, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = Path(filled.path)
    quits: list[bool] = []
    monkeypatch.setattr(backup_dialog.QApplication, "quit", lambda: quits.append(True))
    dialog = _restore_with_forms_swap_failing(
        qtbot, filled, usb, own_forms_folder, dialogs, monkeypatch, times=2
    )
    assert quits == [True] and dialog.message.text().startswith("✘")
    title, text = dialogs.shown[-1]
    assert title == "恢复没有完成" and "另一个程序正在使用此文件" in text and "自动完成" in text
    assert journal_path(path).exists()  # the next start finishes it
    assert backup_on_exit(filled) is None  # nothing to back up while the restore is unfinished
    monkeypatch.undo()  # the other program let go of the file
    db = open_database(path)
    try:
        assert db.execute("SELECT count(*) FROM cases").fetchone()[0] == 4
        assert [e["action"] for e in audit.entries(db)].count("backup.restore") == 1
    finally:
        db.conn.close()
    assert (own_forms_folder / "override.txt").read_text(encoding="utf-8") == "备份时的模板"
    assert not journal_path(path).exists()


def test_second_instance_is_told_and_may_only_read(qtbot, db_path: Path, dialogs) -> None:  # type: ignore[no-untyped-def]
    from desktop.gui.main_window import MainWindow

    first = open_workspace(db_path)
    assert first is not None and not backup_dialog.is_read_only(first)
    first.save_case(make_case())
    first_window = MainWindow(first)  # the first program, as a person has it open
    qtbot.addWidget(first_window)
    try:
        dialogs.answer = QMessageBox.StandardButton.No
        assert open_workspace(db_path) is None
        title, text = dialogs.shown[-1]
        assert title == "数据库正在使用" and "进程号" in text and "只读" in text

        dialogs.answer = QMessageBox.StandardButton.Yes
        second = open_workspace(db_path)
        assert second is not None and backup_dialog.is_read_only(second)
        assert second.db.execute("SELECT count(*) FROM cases").fetchone()[0] == 1
        with pytest.raises(StoreError, match="只读"):
            second.save_case(make_case("（2025）黑0902民初999号"))

        window = MainWindow(second)
        qtbot.addWidget(window)
        qtbot.wait(10)
        assert not window.backup_block.restore_button.isEnabled()
        assert any("只读" in label.text() for label in window.statusBar().findChildren(QLabel))
        assert backup_on_exit(second) is None  # the other program makes the automatic backups
        second.close()
    finally:
        first.close()
        backup_dialog.release_workspace(first)
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM cases").fetchone()[0] == 1
    conn.close()
    acquire(db_path).release()  # released


def test_settings_page_and_exit_backup(qtbot, filled: Workspace) -> None:  # type: ignore[no-untyped-def]
    from desktop.gui.main_window import MainWindow

    window = MainWindow(filled)
    qtbot.addWidget(window)
    block = window.backup_block
    assert block.backup_button.text() == "备份到U盘…" and block.restore_button.isEnabled()
    assert "7 天、4 周和 12 个月" in block.auto_label.text()

    result = backup_on_exit(filled)
    assert result is not None and result.path is not None and result.path.parent == service.backups_dir()
    assert store.verify_backup(result.path, None).kind == "auto"
    again = backup_on_exit(filled)
    assert again is not None and again.path is None  # nothing changed since
    block.update_label()
    assert "尚无" not in block.auto_label.text()


def test_daily_backup_runs_in_the_background_and_stops_with_the_program(  # type: ignore[no-untyped-def]
    qtbot, tmp_path: Path
) -> None:
    from desktop.gui.backup_dialog import BackupBlock

    db = tmp_path / "daily.sqlite3"
    workspace = Workspace.open(db)
    workspace.save_case(make_case())
    block = BackupBlock(workspace)
    qtbot.addWidget(block)
    assert block.timer.isActive() and block.first_check.isActive()
    block.daily_backup()
    assert block.auto_task is not None
    qtbot.waitUntil(block.auto_task.isFinished, timeout=30_000)
    qtbot.waitUntil(lambda: "尚无" not in block.auto_label.text(), timeout=5_000)
    assert [kind for _p, kind, _t in store.list_backups(service.backups_dir(), "daily")] == ["auto"]
    workspace.close()
    block.daily_backup()  # a timer firing after the program closed its database: stops quietly
    assert not block.timer.isActive() and not block.first_check.isActive()
